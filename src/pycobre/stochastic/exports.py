"""``output/stochastic/`` artefacts for ``exports.stochastic = true`` (spec 04 §5).

Schemas are the input schemas of spec 01 §7 so that copying the folder into ``scenarios/``
replays the run without re-estimation. Every file is written atomically (temp + rename).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from pycobre.io.output.atomic import write_json_atomic, write_parquet_atomic
from pycobre.stochastic.model import StochasticModel

__all__ = ["write_stochastic_exports", "noise_openings_table"]


def _non_null(table: pa.Table) -> pa.Table:
    """Cobre's stochastic files declare every column non-null."""
    return table.cast(pa.schema([pa.field(f.name, f.type, nullable=False) for f in table.schema]))


def noise_openings_table(model: StochasticModel) -> pa.Table:
    """Tree in long form; ``stage_id`` is the study-stage *index* (spec 11 §8.2)."""
    stage, opening, entity, value = [], [], [], []
    for t, tree in enumerate(model.opening_tree):
        n_o, dim = tree.shape
        stage.append(np.full(n_o * dim, t, dtype=np.int32))
        opening.append(np.repeat(np.arange(n_o, dtype=np.uint32), dim))
        entity.append(np.tile(np.arange(dim, dtype=np.uint32), n_o))
        value.append(tree.reshape(-1))

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    return pa.table(
        {
            "stage_id": pa.array(cat(stage, np.int32), pa.int32()),
            "opening_index": pa.array(cat(opening, np.uint32), pa.uint32()),
            "entity_index": pa.array(cat(entity, np.uint32), pa.uint32()),
            "value": pa.array(cat(value, np.float64), pa.float64()),
        }
    )


def _stats_table(model: StochasticModel) -> pa.Table:
    rows = sorted(model.inflow_models.stats.items())
    return pa.table(
        {
            "hydro_id": pa.array([k[0] for k, _ in rows], pa.int32()),
            "stage_id": pa.array([k[1] for k, _ in rows], pa.int32()),
            "mean_m3s": pa.array([v[0] for _, v in rows], pa.float64()),
            "std_m3s": pa.array([v[1] for _, v in rows], pa.float64()),
        }
    )


def _ar_table(model: StochasticModel) -> pa.Table:
    hid, sid, lag, coef, ratio = [], [], [], [], []
    for (h, s), (coefs, r) in sorted(model.inflow_models.ar.items()):
        for ell, c in enumerate(coefs, start=1):
            hid.append(h)
            sid.append(s)
            lag.append(ell)
            coef.append(c)
            ratio.append(r)
    return pa.table(
        {
            "hydro_id": pa.array(hid, pa.int32()),
            "stage_id": pa.array(sid, pa.int32()),
            "lag": pa.array(lag, pa.int32()),
            "coefficient": pa.array(coef, pa.float64()),
            "residual_std_ratio": pa.array(ratio, pa.float64()),
        }
    )


def _annual_table(model: StochasticModel) -> pa.Table:
    rows = sorted(model.inflow_models.annual.items())
    return pa.table(
        {
            "hydro_id": pa.array([k[0] for k, _ in rows], pa.int32()),
            "stage_id": pa.array([k[1] for k, _ in rows], pa.int32()),
            "annual_coefficient": pa.array([v[0] for _, v in rows], pa.float64()),
            "annual_mean_m3s": pa.array([v[1] for _, v in rows], pa.float64()),
            "annual_std_m3s": pa.array([v[2] for _, v in rows], pa.float64()),
        }
    )


def _correlation_json(model: StochasticModel) -> dict:
    """The input document, or Cobre 0.5.1's export for "no correlation" (empty profile map)."""
    raw = model.correlation.raw
    if raw:
        return raw
    return {"method": "spectral", "profiles": {}, "schedule": []}


def write_stochastic_exports(model: StochasticModel, out_dir: str | Path) -> list[Path]:
    """Write the artefacts into ``out_dir`` (the ``<output>/stochastic`` folder); returns paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_parquet_atomic(
            _non_null(noise_openings_table(model)), out / "noise_openings.parquet"
        ),
        write_json_atomic(out / "correlation.json", _correlation_json(model)),
    ]
    if model.inflow_models.stats:
        # Cobre writes all three tables whenever an inflow model exists (AR/annual may be empty)
        for table, name in (
            (_stats_table(model), "inflow_seasonal_stats.parquet"),
            (_ar_table(model), "inflow_ar_coefficients.parquet"),
            (_annual_table(model), "inflow_annual_component.parquet"),
        ):
            written.append(write_parquet_atomic(_non_null(table), out / name))
    if model.load_source_table is not None and len(model.layout.load_bus_ids) > 0:
        written.append(
            write_parquet_atomic(
                _non_null(model.load_source_table), out / "load_seasonal_stats.parquet"
            )
        )
    if model.fitting_report is not None:
        written.append(write_json_atomic(out / "fitting_report.json", model.fitting_report))
    return written
