"""Per-stage distributions over scenarios: storage and spot-price fans, deficit risk.

Percentile bands are computed over the scenario axis of a (scenario, stage, entity) cube.
Spot prices are averaged over a stage's blocks weighted by block hours (recovered from
``load_mwh / load_mw``, equal weights where a bus has no load).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pycobre.report.sim_tables import Cube, read_columns, to_cube

__all__ = ["Fan", "DeficitRisk", "PERCENTILES", "deficit_risk", "percentile_fan",
           "spot_price_fan", "storage_fan"]

#: Band edges drawn in the fan charts (outer band 5–95, inner 25–75, median line).
PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)
#: Deficit energy below this (MWh) counts as no deficit (LP round-off).
DEFICIT_TOL_MWH = 1e-6


@dataclass(frozen=True)
class Fan:
    stages: np.ndarray  # (T,)
    entities: np.ndarray  # (E,) ids
    bands: np.ndarray  # (len(PERCENTILES), T, E)
    mean: np.ndarray  # (T, E)
    start: np.ndarray | None = None  # (E,) initial value (storage at the start of stage 0)


def percentile_fan(cube: Cube, start: np.ndarray | None = None) -> Fan:
    with warnings.catch_warnings():  # all-NaN cells (entity absent at a stage) stay NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        bands = np.nanpercentile(cube.values, PERCENTILES, axis=0)
        mean = np.nanmean(cube.values, axis=0)
    return Fan(cube.stages, cube.entities, bands, mean, start)


def storage_fan(sim_dir: Path) -> Fan | None:
    """End-of-stage storage (hm³) per hydro; ``start`` = mean initial storage of stage 0."""
    table = read_columns(sim_dir, "hydros",
                         ["stage_id", "hydro_id", "storage_initial_hm3", "storage_final_hm3"])
    if table is None or table.num_rows == 0:
        return None
    final = to_cube(table, "hydro_id", table["storage_final_hm3"].to_numpy())
    initial = to_cube(table, "hydro_id", table["storage_initial_hm3"].to_numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        start = np.nanmean(initial.values[:, 0, :], axis=0)
    return percentile_fan(final, start)


def _block_hours(stage: np.ndarray, block: np.ndarray, mw: np.ndarray, mwh: np.ndarray
                 ) -> np.ndarray:
    """Hours of each row's (stage, block), from any row with positive MW; 1.0 if none."""
    keys = stage.astype(np.int64) * (int(block.max()) + 1) + block
    hours_row = np.where(mw > 0, mwh / np.where(mw > 0, mw, 1.0), 0.0)
    best = np.zeros(int(keys.max()) + 1)
    np.maximum.at(best, keys, hours_row)
    best[best <= 0] = 1.0
    return best[keys]


def spot_price_fan(sim_dir: Path) -> Fan | None:
    """Hour-weighted stage average of the bus spot price ($/MWh)."""
    table = read_columns(sim_dir, "buses",
                         ["stage_id", "block_id", "bus_id", "load_mw", "load_mwh", "spot_price"])
    if table is None or table.num_rows == 0:
        return None
    block = table["block_id"].fill_null(0).to_numpy()
    hours = _block_hours(table["stage_id"].to_numpy(), block, table["load_mw"].to_numpy(),
                         table["load_mwh"].to_numpy())
    return percentile_fan(to_cube(table, "bus_id", table["spot_price"].to_numpy(), hours))


@dataclass(frozen=True)
class DeficitRisk:
    stages: np.ndarray  # (T,)
    buses: np.ndarray  # (B,) ids
    probability: np.ndarray  # (T, B) share of scenarios with deficit in the stage
    expected_mwh: np.ndarray  # (T, B) mean deficit energy
    any_probability: np.ndarray  # (B,) share of scenarios with deficit in some stage
    expected_total_mwh: np.ndarray  # (B,) mean deficit energy over the horizon
    max_total_mwh: np.ndarray  # (B,) worst scenario's deficit energy over the horizon
    n_scenarios: int


def deficit_risk(sim_dir: Path) -> DeficitRisk | None:
    table = read_columns(sim_dir, "buses", ["stage_id", "bus_id", "deficit_mwh"])
    if table is None or table.num_rows == 0:
        return None
    cube = to_cube(table, "bus_id", table["deficit_mwh"].to_numpy(), how="sum")
    energy = np.nan_to_num(cube.values)  # (S, T, B)
    hit = energy > DEFICIT_TOL_MWH
    horizon = energy.sum(axis=1)
    return DeficitRisk(
        stages=cube.stages,
        buses=cube.entities,
        probability=hit.mean(axis=0),
        expected_mwh=energy.mean(axis=0),
        any_probability=hit.any(axis=1).mean(axis=0),
        expected_total_mwh=horizon.mean(axis=0),
        max_total_mwh=horizon.max(axis=0),
        n_scenarios=int(energy.shape[0]),
    )
