"""Turn one solved stage into the rows of the simulation tables (spec 13 §4, spec 04 §4.2).

Input is the per-entity dictionary of ``StageLP.extract`` (contract §3) plus the incoming state
and the stage's costs; output is one column dictionary per table, rows ordered by entity then
block (stage-level quantities repeated on every block row). Everything is vectorised per stage;
the derived columns (MWh, outflow, net flow, losses) are computed here, as the writer's job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from pycobre.io.output.simulation_schemas import COSTS_COMPONENT_COLUMNS, SIMULATION_SCHEMAS

__all__ = ["ScenarioTables", "StageLayout", "build_table", "stage_rows"]

Columns = dict[str, np.ndarray | None]

_COST_LEADING = ("total_cost", "immediate_cost", "future_cost", "discount_factor")
_COST_COLUMNS = _COST_LEADING + tuple(COSTS_COMPONENT_COLUMNS)


@dataclass(frozen=True)
class StageLayout:
    """Static description of one study stage's entities (ids in LP position order)."""

    stage_index: int
    hours: np.ndarray  # (K,)
    hydro_ids: np.ndarray
    thermal_ids: np.ndarray
    line_ids: np.ndarray
    line_loss_fraction: np.ndarray  # losses_percent / 100 per line
    bus_ids: np.ndarray
    ncs_ids: np.ndarray  # sources active at the stage
    pumping_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    contract_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    n_lag_rows: int = 0  # P = largest AR order of the system (inflow_lags rows per hydro)
    # arrays that depend only on the layout (keys, ids, tiled hours, code columns), built once
    # and reused by every scenario; never mutated (tables concatenate, i.e. copy, them)
    _static: dict[str, np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def n_blocks(self) -> int:
        return int(self.hours.shape[0])

    def static(self, key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        arr = self._static.get(key)
        if arr is None:
            arr = self._static[key] = make()
        return arr


def _blockwise(a: np.ndarray | float, n: int, k: int) -> np.ndarray:
    """(n, k) per-block values, (n,) stage-level values (repeated), or a scalar -> n*k rows."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 2:
        return arr.reshape(n * k)
    if arr.ndim == 0:
        return np.full(n * k, float(arr))
    if arr.ndim == 1:
        return np.repeat(arr, k) if arr.shape[0] == n else np.full(n * k, np.nan)
    return arr.reshape(n * k)


def _keys(layout: StageLayout, ids: np.ndarray) -> Columns:
    n, k = ids.shape[0], layout.n_blocks
    return {
        "stage_id": layout.static(
            f"stage{n}", lambda: np.full(n * k, layout.stage_index, dtype=np.int32)
        ),
        "block_id": layout.static(f"block{n}", lambda: np.tile(np.arange(k, dtype=np.int32), n)),
    }


def _ids(ids: np.ndarray, k: int) -> np.ndarray:
    return np.repeat(np.asarray(ids, dtype=np.int32), k)


def _static_ids(layout: StageLayout, name: str, ids: np.ndarray) -> np.ndarray:
    return layout.static(f"ids:{name}", lambda: _ids(ids, layout.n_blocks))


def _static_hours(layout: StageLayout, n: int) -> np.ndarray:
    hours = np.asarray(layout.hours, dtype=np.float64)
    return layout.static(f"hours{n}", lambda: np.tile(hours, n))


def _static_fill(layout: StageLayout, rows: int, value: int | float, dtype: type) -> np.ndarray:
    return layout.static(
        f"fill{rows}:{value}:{np.dtype(dtype).str}", lambda: np.full(rows, value, dtype=dtype)
    )


def stage_rows(
    layout: StageLayout,
    q: Mapping[str, np.ndarray],
    *,
    x_in: np.ndarray,
    costs: Mapping[str, float],
) -> dict[str, Columns]:
    """Columns of every table for one (scenario, stage).

    ``costs`` holds ``total_cost``, ``immediate_cost``, ``future_cost``, ``discount_factor`` and
    the component columns of ``COSTS_COMPONENT_COLUMNS`` (missing components count as 0).
    """
    k = layout.n_blocks
    out: dict[str, Columns] = {}

    cost_cols: Columns = {
        "stage_id": _static_fill(layout, 1, layout.stage_index, np.int32),
        "block_id": None,
    }
    values = np.array(
        [float(costs[name]) for name in _COST_LEADING]
        + [float(costs.get(name, 0.0)) for name in COSTS_COMPONENT_COLUMNS]
    )
    for i, name in enumerate(_COST_COLUMNS):
        cost_cols[name] = values[i : i + 1]  # one-row views of one array (cheaper than 24 arrays)
    out["costs"] = cost_cols

    n = layout.hydro_ids.shape[0]
    if n:
        hours_h = _static_hours(layout, n)
        turb = _blockwise(q["hydro_turbined_m3s"], n, k)
        spill = _blockwise(q["hydro_spillage_m3s"], n, k)
        gen = _blockwise(q["hydro_generation_mw"], n, k)
        inflow = _blockwise(q["hydro_inflow_m3s"], n, k)
        zeros = _static_fill(layout, n * k, 0.0, np.float64)
        out["hydros"] = {
            **_keys(layout, layout.hydro_ids),
            "hydro_id": _static_ids(layout, "hydro", layout.hydro_ids),
            "turbined_m3s": turb,
            "spillage_m3s": spill,
            "outflow_m3s": turb + spill,
            "evaporation_m3s": _blockwise(q["hydro_evaporation_m3s"], n, k),
            "diverted_inflow_m3s": _blockwise(q["hydro_diverted_inflow_m3s"], n, k),
            "diverted_outflow_m3s": _blockwise(q["hydro_diverted_outflow_m3s"], n, k),
            "incremental_inflow_m3s": inflow,
            "inflow_m3s": inflow,
            "storage_initial_hm3": _blockwise(q["hydro_storage_initial_hm3"], n, k),
            "storage_final_hm3": _blockwise(q["hydro_storage_final_hm3"], n, k),
            "generation_mw": gen,
            "generation_mwh": gen * hours_h,
            "productivity_mw_per_m3s": _blockwise(q["hydro_productivity_mw_per_m3s"], n, k),
            "spillage_cost": _blockwise(q["hydro_spillage_cost"], n, k),
            "water_value_per_hm3": _blockwise(q["hydro_water_value_per_hm3"], n, k),
            "storage_binding_code": _static_fill(layout, n * k, 0, np.int8),
            "operative_state_code": _static_fill(layout, n * k, 1, np.int8),
            "turbined_slack_m3s": _blockwise(q["hydro_turbined_slack_m3s"], n, k),
            "outflow_slack_below_m3s": _blockwise(q["hydro_outflow_slack_below_m3s"], n, k),
            "outflow_slack_above_m3s": _blockwise(q["hydro_outflow_slack_above_m3s"], n, k),
            "generation_slack_mw": _blockwise(q["hydro_generation_slack_mw"], n, k),
            "storage_violation_below_hm3": zeros,
            "filling_target_violation_hm3": zeros,
            "evaporation_violation_pos_m3s": _blockwise(
                q["hydro_evaporation_violation_pos_m3s"], n, k
            ),
            "evaporation_violation_neg_m3s": _blockwise(
                q["hydro_evaporation_violation_neg_m3s"], n, k
            ),
            "inflow_nonnegativity_slack_m3s": _blockwise(
                q["hydro_inflow_nonnegativity_slack_m3s"], n, k
            ),
            "water_withdrawal_violation_pos_m3s": _blockwise(
                q["hydro_withdrawal_violation_pos_m3s"], n, k
            ),
            "water_withdrawal_violation_neg_m3s": _blockwise(
                q["hydro_withdrawal_violation_neg_m3s"], n, k
            ),
        }
        p = int(layout.n_lag_rows)
        if p:
            lags = np.asarray(x_in, dtype=np.float64)[n : n + p * n].reshape(p, n).T  # (N, P)
            out["inflow_lags"] = {
                "stage_id": _static_fill(layout, n * p, layout.stage_index, np.int32),
                "hydro_id": layout.static(
                    "lag_hydro", lambda: np.repeat(np.asarray(layout.hydro_ids, np.int32), p)
                ),
                "lag_index": layout.static(
                    "lag_index", lambda: np.tile(np.arange(p, dtype=np.int32), n)
                ),
                "inflow_m3s": lags.reshape(n * p),
            }

    j = layout.thermal_ids.shape[0]
    if j:
        g = _blockwise(q["thermal_generation_mw"], j, k)
        out["thermals"] = {
            **_keys(layout, layout.thermal_ids),
            "thermal_id": _static_ids(layout, "thermal", layout.thermal_ids),
            "generation_mw": g,
            "generation_mwh": g * _static_hours(layout, j),
            "generation_cost": _blockwise(q["thermal_generation_cost"], j, k),
            "is_gnl": _static_fill(layout, j * k, False, np.bool_),
            "gnl_committed_mw": None,
            "gnl_decision_mw": None,
            "operative_state_code": _static_fill(layout, j * k, 1, np.int8),
        }

    nl = layout.line_ids.shape[0]
    if nl:
        direct = _blockwise(q["line_direct_flow_mw"], nl, k)
        reverse = _blockwise(q["line_reverse_flow_mw"], nl, k)
        hrs = _static_hours(layout, nl)
        net = direct - reverse
        loss_fraction = layout.static(
            "loss_fraction",
            lambda: np.repeat(np.asarray(layout.line_loss_fraction, dtype=np.float64), k),
        )
        losses = loss_fraction * (direct + reverse)
        out["exchanges"] = {
            **_keys(layout, layout.line_ids),
            "line_id": _static_ids(layout, "line", layout.line_ids),
            "direct_flow_mw": direct,
            "reverse_flow_mw": reverse,
            "net_flow_mw": net,
            "net_flow_mwh": net * hrs,
            "losses_mw": losses,
            "losses_mwh": losses * hrs,
            "exchange_cost": _blockwise(q["line_exchange_cost"], nl, k),
            "operative_state_code": _static_fill(layout, nl * k, 2, np.int8),
        }

    nb = layout.bus_ids.shape[0]
    if nb:
        hrs = _static_hours(layout, nb)
        load = _blockwise(q["bus_load_mw"], nb, k)
        deficit = _blockwise(q["bus_deficit_mw"], nb, k)
        excess = _blockwise(q["bus_excess_mw"], nb, k)
        out["buses"] = {
            **_keys(layout, layout.bus_ids),
            "bus_id": _static_ids(layout, "bus", layout.bus_ids),
            "load_mw": load,
            "load_mwh": load * hrs,
            "deficit_mw": deficit,
            "deficit_mwh": deficit * hrs,
            "excess_mw": excess,
            "excess_mwh": excess * hrs,
            "spot_price": _blockwise(q["bus_spot_price"], nb, k),
        }

    nr = layout.ncs_ids.shape[0]
    if nr:
        hrs = _static_hours(layout, nr)
        g = _blockwise(q["ncs_generation_mw"], nr, k)
        curt = _blockwise(q["ncs_curtailment_mw"], nr, k)
        out["non_controllables"] = {
            **_keys(layout, layout.ncs_ids),
            "non_controllable_id": _static_ids(layout, "ncs", layout.ncs_ids),
            "generation_mw": g,
            "generation_mwh": g * hrs,
            "available_mw": _blockwise(q["ncs_available_mw"], nr, k),
            "curtailment_mw": curt,
            "curtailment_mwh": curt * hrs,
            "curtailment_cost": _blockwise(q["ncs_curtailment_cost"], nr, k),
            "operative_state_code": _static_fill(layout, nr * k, 1, np.int8),
        }

    for table, ids, id_col in (
        ("pumping_stations", layout.pumping_ids, "pumping_station_id"),
        ("contracts", layout.contract_ids, "contract_id"),
    ):
        m = ids.shape[0]
        if m:
            cols: Columns = {
                "stage_id": np.full(m, layout.stage_index, dtype=np.int32),
                "block_id": None,
                id_col: np.asarray(ids, dtype=np.int32),
            }
            for fld in SIMULATION_SCHEMAS[table]:
                if fld.name not in cols:
                    is_code = fld.name == "operative_state_code"
                    cols[fld.name] = np.ones(m, np.int8) if is_code else np.zeros(m)
            out[table] = cols

    cid = np.asarray(q.get("generic_constraint_id", np.zeros(0)), dtype=np.int32)
    if cid.shape[0]:
        out["violations/generic"] = {
            "stage_id": np.full(cid.shape[0], layout.stage_index, dtype=np.int32),
            "block_id": np.asarray(q["generic_block_id"], dtype=np.int32),
            "constraint_id": cid,
            "slack_value": np.asarray(q["generic_slack_value"], dtype=np.float64),
            "slack_cost": np.asarray(q["generic_slack_cost"], dtype=np.float64),
        }
    return out


@dataclass(frozen=True)
class _ColumnPlan:
    name: str
    type: pa.DataType
    nullable: bool
    floating: bool
    dtype: np.dtype


_PLANS: dict[str, tuple[_ColumnPlan, ...]] = {}


def _plan(entity: str) -> tuple[_ColumnPlan, ...]:
    """Per-column conversion facts of a schema, worked out once (not once per scenario)."""
    plan = _PLANS.get(entity)
    if plan is None:
        plan = _PLANS[entity] = tuple(
            _ColumnPlan(
                f.name,
                f.type,
                f.nullable,
                pa.types.is_floating(f.type),
                np.dtype(f.type.to_pandas_dtype()),
            )
            for f in SIMULATION_SCHEMAS[entity]
        )
    return plan


def build_table(entity: str, columns: Mapping[str, np.ndarray | None], n_rows: int) -> pa.Table:
    """Arrow table with the exact schema of ``entity``; ``None`` columns and NaN in nullable
    float columns become nulls."""
    arrays = []
    for col in _plan(entity):
        v = columns.get(col.name)
        if v is None:
            if not col.nullable:
                raise ValueError(f"simulation table {entity}: column {col.name} is required")
            arrays.append(pa.nulls(n_rows, type=col.type))
            continue
        arr = np.asarray(v).astype(col.dtype, copy=False)
        if col.floating and col.nullable:
            mask = np.isnan(arr)
            arrays.append(pa.array(arr, type=col.type, mask=mask if mask.any() else None))
        else:
            arrays.append(pa.array(arr, type=col.type))
    return pa.Table.from_arrays(arrays, schema=SIMULATION_SCHEMAS[entity])


class ScenarioTables:
    """Accumulates the stage rows of one scenario and concatenates them once at the end."""

    def __init__(self) -> None:
        self._parts: dict[str, list[Columns]] = {}

    def add(self, rows: Mapping[str, Columns]) -> None:
        for entity, cols in rows.items():
            self._parts.setdefault(entity, []).append(cols)

    def row_counts(self) -> dict[str, int]:
        """Rows per table, without building the tables."""
        return {e: sum(_n_rows(p) for p in parts) for e, parts in self._parts.items()}

    def tables(self) -> dict[str, pa.Table]:
        out: dict[str, pa.Table] = {}
        for entity, parts in self._parts.items():
            sizes = [_n_rows(p) for p in parts]
            merged: dict[str, np.ndarray | None] = {}
            for col in _plan(entity):
                name = col.name
                pieces = [p.get(name) for p in parts]
                if all(x is None for x in pieces):
                    merged[name] = None
                    continue
                merged[name] = np.concatenate(
                    [
                        np.full(m, np.nan) if x is None else x
                        for x, m in zip(pieces, sizes, strict=True)
                    ]
                )
            out[entity] = build_table(entity, merged, sum(sizes))
        return out


def _n_rows(cols: Columns) -> int:
    for v in cols.values():
        if v is not None:
            return int(np.asarray(v).shape[0])
    return 0
