"""Turn one solved stage into the rows of the simulation tables (spec 13 §4, spec 04 §4.2).

Input is the per-entity dictionary of ``StageLP.extract`` (contract §3) plus the incoming state
and the stage's costs; output is one column dictionary per table, rows ordered by entity then
block (stage-level quantities repeated on every block row). Everything is vectorised per stage;
the derived columns (MWh, outflow, net flow, losses) are computed here, as the writer's job.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from pycobre.io.arrow_numpy import from_values
from pycobre.io.output.simulation_schemas import COSTS_COMPONENT_COLUMNS, SIMULATION_SCHEMAS

__all__ = [
    "PackedScenario",
    "ScenarioTables",
    "StackedStage",
    "StageLayout",
    "build_scenario_tables",
    "build_table",
    "stack_scenarios",
    "stage_row_counts",
    "stage_rows",
    "tables_from_stacked",
    "unpack_stacked",
]

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
    _static: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def n_blocks(self) -> int:
        return int(self.hours.shape[0])

    def static(self, key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        arr = self._static.get(key)
        if arr is None:
            arr = self._static[key] = make()
        return arr


def _blockwise(a: np.ndarray | float, m: int, n: int, k: int) -> np.ndarray:
    """Per-scenario rows ``(m, n*k)`` from (m, n, k) per-block values, (m, n) stage-level values
    (repeated per block; NaN when the length is not n) or (m,) scalars."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 1:
        return np.repeat(arr[:, None], n * k, axis=1)
    if arr.ndim == 2:
        if arr.shape[1] == n:
            return np.repeat(arr, k, axis=1)
        return np.full((m, n * k), np.nan)
    return arr.reshape(m, n * k)


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


def _pack_stage(layout: StageLayout, q: Mapping[str, np.ndarray], x_in: np.ndarray) -> tuple | None:
    """(input names, shapes, dtypes, raw bytes) of one stage's row inputs and incoming state;
    ``None`` when one is missing or not a contiguous NumPy array."""
    # the row inputs this layout's ``extract`` returns, re-derived when the number of its
    # outputs changes (a missing one raises KeyError: not packed)
    cached = layout._static.get("row_inputs")
    if cached is None or cached[0] != len(q):
        cached = layout._static["row_inputs"] = (len(q), _present_inputs(q))
    try:
        arrays = list(map(q.__getitem__, cached[1]))
        arrays.append(x_in)
        shapes = tuple(map(_SHAPE, arrays))
        dtypes = tuple(map(_DTYPE, arrays))
        return cached[1], shapes, dtypes, b"".join(arrays)  # BufferError if not contiguous
    except (KeyError, TypeError, AttributeError, BufferError, ValueError):
        return None


def _present_inputs(q: Mapping[str, np.ndarray]) -> tuple[str, ...]:
    """The ``_ROW_INPUTS`` that ``q`` holds, in ``_ROW_INPUTS`` order."""
    return tuple(name for name in _ROW_INPUTS if name in q)


_COST_DEFAULTS = (None,) * len(_COST_LEADING) + (0.0,) * len(COSTS_COMPONENT_COLUMNS)


def _cost_matrix(costs: Sequence[Mapping[str, float]]) -> np.ndarray:
    """(m, 24) cost columns in ``_COST_COLUMNS`` order (missing components count as 0; the
    four leading columns are required). ``map`` over ``dict.get`` runs the lookups in C."""
    rows = [list(map(c.get, _COST_COLUMNS, _COST_DEFAULTS)) for c in costs]
    for row in rows:
        if None in row:
            raise KeyError(_COST_COLUMNS[row.index(None)])
    return np.array(rows, dtype=np.float64).reshape(len(costs), len(_COST_COLUMNS))


#: the ``extract`` quantities ``stage_rows`` reads (the others are not stacked for a batch)
_ROW_INPUTS = (
    *(
        f"hydro_{name}"
        for name in (
            "turbined_m3s",
            "spillage_m3s",
            "generation_mw",
            "inflow_m3s",
            "evaporation_m3s",
            "diverted_inflow_m3s",
            "diverted_outflow_m3s",
            "storage_initial_hm3",
            "storage_final_hm3",
            "productivity_mw_per_m3s",
            "spillage_cost",
            "water_value_per_hm3",
            "turbined_slack_m3s",
            "outflow_slack_below_m3s",
            "outflow_slack_above_m3s",
            "generation_slack_mw",
            "evaporation_violation_pos_m3s",
            "evaporation_violation_neg_m3s",
            "inflow_nonnegativity_slack_m3s",
            "withdrawal_violation_pos_m3s",
            "withdrawal_violation_neg_m3s",
        )
    ),
    "thermal_generation_mw",
    "thermal_generation_cost",
    "line_direct_flow_mw",
    "line_reverse_flow_mw",
    "line_exchange_cost",
    "bus_load_mw",
    "bus_deficit_mw",
    "bus_excess_mw",
    "bus_spot_price",
    "ncs_generation_mw",
    "ncs_available_mw",
    "ncs_curtailment_mw",
    "ncs_curtailment_cost",
    "generic_constraint_id",
    "generic_block_id",
    "generic_slack_value",
    "generic_slack_cost",
)
_SHAPE = operator.attrgetter("shape")
_DTYPE = operator.attrgetter("dtype")


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
    batch = {name: np.asarray(v)[None] for name, v in q.items()}
    x = np.asarray(x_in, dtype=np.float64)[None]
    rows = _batch_rows(layout, batch, x, _cost_matrix([costs]), 1)
    return {
        entity: {c: v[0] if v is not None and v.ndim == 2 else v for c, v in cols.items()}
        for entity, cols in rows.items()
    }


def _batch_rows(
    layout: StageLayout,
    q: Mapping[str, np.ndarray],
    x_in: np.ndarray,
    costs: np.ndarray,
    m: int,
) -> dict[str, Columns]:
    """Columns of every table for one stage of ``m`` scenarios at once.

    Every ``q`` array and ``x_in`` carry a leading scenario axis; ``costs`` is ``(m, 24)``.
    Returned columns are ``(m, rows)`` arrays, ``(rows,)`` arrays shared by every scenario (keys,
    ids, codes: layout-level, never mutated) or ``None`` (a null column).
    """
    k = layout.n_blocks
    out: dict[str, Columns] = {}

    cost_cols: Columns = {
        "stage_id": _static_fill(layout, 1, layout.stage_index, np.int32),
        "block_id": None,
    }
    for i, name in enumerate(_COST_COLUMNS):
        cost_cols[name] = costs[:, i : i + 1]
    out["costs"] = cost_cols

    def bw(name: str, n: int) -> np.ndarray:
        return _blockwise(q[name], m, n, k)

    n = layout.hydro_ids.shape[0]
    if n:
        hours_h = _static_hours(layout, n)
        turb = bw("hydro_turbined_m3s", n)
        spill = bw("hydro_spillage_m3s", n)
        gen = bw("hydro_generation_mw", n)
        inflow = bw("hydro_inflow_m3s", n)
        zeros = _static_fill(layout, n * k, 0.0, np.float64)
        out["hydros"] = {
            **_keys(layout, layout.hydro_ids),
            "hydro_id": _static_ids(layout, "hydro", layout.hydro_ids),
            "turbined_m3s": turb,
            "spillage_m3s": spill,
            "outflow_m3s": turb + spill,
            "evaporation_m3s": bw("hydro_evaporation_m3s", n),
            "diverted_inflow_m3s": bw("hydro_diverted_inflow_m3s", n),
            "diverted_outflow_m3s": bw("hydro_diverted_outflow_m3s", n),
            "incremental_inflow_m3s": inflow,
            "inflow_m3s": inflow,
            "storage_initial_hm3": bw("hydro_storage_initial_hm3", n),
            "storage_final_hm3": bw("hydro_storage_final_hm3", n),
            "generation_mw": gen,
            "generation_mwh": gen * hours_h,
            "productivity_mw_per_m3s": bw("hydro_productivity_mw_per_m3s", n),
            "spillage_cost": bw("hydro_spillage_cost", n),
            "water_value_per_hm3": bw("hydro_water_value_per_hm3", n),
            "storage_binding_code": _static_fill(layout, n * k, 0, np.int8),
            "operative_state_code": _static_fill(layout, n * k, 1, np.int8),
            "turbined_slack_m3s": bw("hydro_turbined_slack_m3s", n),
            "outflow_slack_below_m3s": bw("hydro_outflow_slack_below_m3s", n),
            "outflow_slack_above_m3s": bw("hydro_outflow_slack_above_m3s", n),
            "generation_slack_mw": bw("hydro_generation_slack_mw", n),
            "storage_violation_below_hm3": zeros,
            "filling_target_violation_hm3": zeros,
            "evaporation_violation_pos_m3s": bw("hydro_evaporation_violation_pos_m3s", n),
            "evaporation_violation_neg_m3s": bw("hydro_evaporation_violation_neg_m3s", n),
            "inflow_nonnegativity_slack_m3s": bw("hydro_inflow_nonnegativity_slack_m3s", n),
            "water_withdrawal_violation_pos_m3s": bw("hydro_withdrawal_violation_pos_m3s", n),
            "water_withdrawal_violation_neg_m3s": bw("hydro_withdrawal_violation_neg_m3s", n),
        }
        p = int(layout.n_lag_rows)
        if p:
            x = np.asarray(x_in, dtype=np.float64)
            lags = x[:, n : n + p * n].reshape(m, p, n).transpose(0, 2, 1)  # (m, N, P)
            out["inflow_lags"] = {
                "stage_id": _static_fill(layout, n * p, layout.stage_index, np.int32),
                "hydro_id": layout.static(
                    "lag_hydro", lambda: np.repeat(np.asarray(layout.hydro_ids, np.int32), p)
                ),
                "lag_index": layout.static(
                    "lag_index", lambda: np.tile(np.arange(p, dtype=np.int32), n)
                ),
                "inflow_m3s": lags.reshape(m, n * p),
            }

    j = layout.thermal_ids.shape[0]
    if j:
        g = bw("thermal_generation_mw", j)
        out["thermals"] = {
            **_keys(layout, layout.thermal_ids),
            "thermal_id": _static_ids(layout, "thermal", layout.thermal_ids),
            "generation_mw": g,
            "generation_mwh": g * _static_hours(layout, j),
            "generation_cost": bw("thermal_generation_cost", j),
            "is_gnl": _static_fill(layout, j * k, False, np.bool_),
            "gnl_committed_mw": None,
            "gnl_decision_mw": None,
            "operative_state_code": _static_fill(layout, j * k, 1, np.int8),
        }

    nl = layout.line_ids.shape[0]
    if nl:
        direct = bw("line_direct_flow_mw", nl)
        reverse = bw("line_reverse_flow_mw", nl)
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
            "exchange_cost": bw("line_exchange_cost", nl),
            "operative_state_code": _static_fill(layout, nl * k, 2, np.int8),
        }

    nb = layout.bus_ids.shape[0]
    if nb:
        hrs = _static_hours(layout, nb)
        load = bw("bus_load_mw", nb)
        deficit = bw("bus_deficit_mw", nb)
        excess = bw("bus_excess_mw", nb)
        out["buses"] = {
            **_keys(layout, layout.bus_ids),
            "bus_id": _static_ids(layout, "bus", layout.bus_ids),
            "load_mw": load,
            "load_mwh": load * hrs,
            "deficit_mw": deficit,
            "deficit_mwh": deficit * hrs,
            "excess_mw": excess,
            "excess_mwh": excess * hrs,
            "spot_price": bw("bus_spot_price", nb),
        }

    nr = layout.ncs_ids.shape[0]
    if nr:
        hrs = _static_hours(layout, nr)
        g = bw("ncs_generation_mw", nr)
        curt = bw("ncs_curtailment_mw", nr)
        out["non_controllables"] = {
            **_keys(layout, layout.ncs_ids),
            "non_controllable_id": _static_ids(layout, "ncs", layout.ncs_ids),
            "generation_mw": g,
            "generation_mwh": g * hrs,
            "available_mw": bw("ncs_available_mw", nr),
            "curtailment_mw": curt,
            "curtailment_mwh": curt * hrs,
            "curtailment_cost": bw("ncs_curtailment_cost", nr),
            "operative_state_code": _static_fill(layout, nr * k, 1, np.int8),
        }

    for table, ids, id_col in (
        ("pumping_stations", layout.pumping_ids, "pumping_station_id"),
        ("contracts", layout.contract_ids, "contract_id"),
    ):
        r = ids.shape[0]
        if r:
            cols: Columns = {
                "stage_id": _static_fill(layout, r, layout.stage_index, np.int32),
                "block_id": None,
                id_col: layout.static(f"ids:{table}", lambda ids=ids: np.asarray(ids, np.int32)),
            }
            for fld in SIMULATION_SCHEMAS[table]:
                if fld.name not in cols:
                    is_code = fld.name == "operative_state_code"
                    cols[fld.name] = _static_fill(
                        layout, r, 1 if is_code else 0.0, np.int8 if is_code else np.float64
                    )
            out[table] = cols

    cid = q.get("generic_constraint_id")
    if cid is not None and np.shape(cid)[-1]:
        g = np.shape(cid)[-1]
        out["violations/generic"] = {
            "stage_id": _static_fill(layout, g, layout.stage_index, np.int32),
            "block_id": np.asarray(q["generic_block_id"]).reshape(m, g).astype(np.int32),
            "constraint_id": np.asarray(cid).reshape(m, g).astype(np.int32),
            "slack_value": np.asarray(q["generic_slack_value"], dtype=np.float64).reshape(m, g),
            "slack_cost": np.asarray(q["generic_slack_cost"], dtype=np.float64).reshape(m, g),
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
        mask = np.isnan(arr) if col.floating and col.nullable else None
        arrays.append(from_values(arr, col.type, mask))  # pandas never imported
    return pa.Table.from_arrays(arrays, schema=SIMULATION_SCHEMAS[entity])


class ScenarioTables:
    """Accumulates the stage rows of one scenario and concatenates them once at the end.

    ``add_stage`` keeps a solved stage's inputs instead of its rows: the columns are then built
    by ``tables()``, on whichever thread calls it (the background writer's), so the solving
    thread only appends references. Its inputs must not be mutated afterwards (``extract``
    returns fresh arrays; the simulation copies the state).
    """

    def __init__(self) -> None:
        self._parts: dict[str, list[Columns]] = {}
        self._stages: list[tuple[StageLayout, Mapping[str, np.ndarray], np.ndarray, Mapping]] = []

    def add(self, rows: Mapping[str, Columns]) -> None:
        self._build_stages()  # keep stage order when both forms are mixed
        for entity, cols in rows.items():
            self._parts.setdefault(entity, []).append(cols)

    def add_stage(
        self,
        layout: StageLayout,
        q: Mapping[str, np.ndarray],
        *,
        x_in: np.ndarray,
        costs: Mapping[str, float],
    ) -> None:
        """Defer ``stage_rows(layout, q, x_in=x_in, costs=costs)`` to ``tables()``."""
        self._stages.append((layout, q, x_in, costs))

    def _batch_key(self) -> tuple | None:
        """Scenarios with equal keys (same stage layouts) may be built together."""
        if self._parts or not self._stages:
            return None
        return tuple(id(st[0]) for st in self._stages)

    def pack(self) -> PackedScenario | None:
        """The scenario's stage inputs as one byte string (see ``PackedScenario``); ``None``
        when it holds built rows (``add``), no stages or inputs that are not contiguous
        NumPy arrays. The scenario is left untouched."""
        stages = self._stages
        if self._parts or not stages:
            return None
        packed = [_pack_stage(layout, q, x_in) for layout, q, x_in, _ in stages]
        if None in packed:
            return None
        try:
            costs = _cost_matrix([st[3] for st in stages])
        except (KeyError, TypeError, ValueError):
            return None
        names, shapes, dtypes, data = zip(*packed, strict=True)  # type: ignore[misc]
        layouts = tuple(st[0] for st in stages)
        key = (tuple(map(id, layouts)), names, shapes, dtypes)
        return PackedScenario(key, layouts, b"".join(data), costs)

    def _build_stages(self) -> None:
        stages, self._stages = self._stages, []
        for layout, q, x_in, costs in stages:
            for entity, cols in stage_rows(layout, q, x_in=x_in, costs=costs).items():
                self._parts.setdefault(entity, []).append(cols)

    def row_counts(self) -> dict[str, int]:
        """Rows per table, without building the tables."""
        counts = {e: sum(_n_rows_batch(p) for p in parts) for e, parts in self._parts.items()}
        for layout, q, _, _ in self._stages:
            for e, n in stage_row_counts(layout, q).items():
                counts[e] = counts.get(e, 0) + n
        return counts

    def tables(self) -> dict[str, pa.Table]:
        self._build_stages()
        out: dict[str, pa.Table] = {}
        for entity, parts in self._parts.items():
            merged, width = _merge_stage_parts(entity, parts, 1)
            out[entity] = build_table(entity, merged, width)
        return out


def build_scenario_tables(scenarios: Sequence[ScenarioTables]) -> list[dict[str, pa.Table]]:
    """``[s.tables() for s in scenarios]``, built for all scenarios at once where possible.

    Why: a scenario's tables are ~150 small columns; built one scenario at a time, the fixed
    cost of each NumPy/Arrow call dominates (~2 ms of GIL-holding Python per scenario, as much
    as writing a partition). Scenarios whose stages were added with ``add_stage`` on the same
    layouts with equally shaped inputs are stacked per stage, their columns computed once for
    the group and each table built once, then sliced per scenario (zero-copy; the Parquet bytes
    are those of the per-scenario tables). Anything else falls back to ``tables()``.
    """
    out: list[dict[str, pa.Table] | None] = [None] * len(scenarios)
    groups: dict[tuple, list[int]] = {}
    for i, sc in enumerate(scenarios):
        key = sc._batch_key()
        if key is None:
            out[i] = sc.tables()
        else:
            groups.setdefault(key, []).append(i)
    for members in groups.values():
        group = [scenarios[i] for i in members]
        tables = _build_group(group) if len(group) > 1 else None
        if tables is None:  # a single scenario, or inputs of unequal shapes
            tables = [sc.tables() for sc in group]
        for i, t in zip(members, tables, strict=True):
            out[i] = t
    return out  # type: ignore[return-value]


@dataclass
class StackedStage:
    """One stage of ``m`` scenarios, inputs stacked along a leading scenario axis."""

    layout: StageLayout
    q: dict[str, np.ndarray]  # the ``_ROW_INPUTS`` present, each (m, ...)
    x_in: np.ndarray  # (m, n_state)
    costs: np.ndarray  # (m, 24), ``_COST_COLUMNS`` order


@dataclass
class PackedScenario:
    """One scenario's stage inputs (``ScenarioTables.pack``), for the writer process: per
    stage its row inputs then its incoming state, their raw bytes laid end to end in
    ``data``; ``costs`` is (stages, 24). ``key`` (layouts, input names, shapes, dtypes)
    describes ``data``; scenarios with equal keys stack.

    Why: every microsecond of work in the solving process delays the solver, whichever
    thread does it (a solve's return waits for the GIL while another thread runs Python). Packed by ``write_scenario`` (~60 µs
    for 4ree's 12 stages in isolation, ~0.25 ms in a run; ``bytes.join`` copies the 468 small
    arrays ~6x faster than ``np.concatenate``), a batch is then one ``bytes.join`` and one
    buffer to pickle. The key's shapes and dtypes make the reinterpretation exact.
    """

    key: tuple
    layouts: tuple[StageLayout, ...]
    data: bytes
    costs: np.ndarray

    def stage_spec(self) -> tuple[tuple[tuple[str, tuple[int, ...], np.dtype], ...], ...]:
        """Per stage, ``(name, shape, dtype)`` of each piece of ``data`` (state: ``""``)."""
        _, names, shapes, dtypes = self.key
        return tuple(
            tuple(zip((*n, ""), sh, dt, strict=True))
            for n, sh, dt in zip(names, shapes, dtypes, strict=True)
        )


def unpack_stacked(
    layouts: Sequence[StageLayout],
    spec: Sequence[Sequence[tuple[str, tuple[int, ...], np.dtype]]],
    data: np.ndarray,
    costs: np.ndarray,
) -> list[StackedStage]:
    """``StackedStage`` views of ``m`` stacked ``PackedScenario`` byte strings: ``data`` is
    (m, nbytes) uint8, ``costs`` (m, stages, 24); ``spec`` is ``PackedScenario.stage_spec()``."""
    m = data.shape[0]
    start = 0
    out = []
    for t, (layout, pieces) in enumerate(zip(layouts, spec, strict=True)):
        q: dict[str, np.ndarray] = {}
        for name, shape, dtype in pieces:
            stop = start + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            q[name] = data[:, start:stop].view(dtype).reshape((m, *shape))
            start = stop
        x_in = q.pop("")
        out.append(StackedStage(layout, q, x_in, costs[:, t]))
    if start != data.shape[1]:
        raise ValueError(f"packed scenario of {data.shape[1]} bytes, its spec says {start}")
    return out


def stack_scenarios(group: Sequence[ScenarioTables]) -> list[StackedStage] | None:
    """The stage inputs of scenarios added with ``add_stage`` on the same layouts, stacked
    along a leading scenario axis (views of their ``pack``s). ``None`` when a scenario does not
    pack or their layouts, inputs, shapes or dtypes differ; the scenarios are left untouched."""
    packed = [sc.pack() for sc in group]
    if not packed or any(p is None or p.key != packed[0].key for p in packed):
        return None
    first = packed[0]
    data = np.frombuffer(b"".join(p.data for p in packed), dtype=np.uint8)  # type: ignore[union-attr]
    costs = np.stack([p.costs for p in packed])  # type: ignore[union-attr]
    return unpack_stacked(first.layouts, first.stage_spec(), data.reshape(len(packed), -1), costs)


def tables_from_stacked(stages: Sequence[StackedStage]) -> list[dict[str, pa.Table]]:
    """Per-scenario tables of stacked stages: every table built once, sliced per scenario."""
    if not stages:
        return []
    m = stages[0].x_in.shape[0]
    per_stage = [_batch_rows(st.layout, st.q, st.x_in, st.costs, m) for st in stages]
    results: list[dict[str, pa.Table]] = [{} for _ in range(m)]
    for entity in _entities_in_order(per_stage):
        parts = [rows[entity] for rows in per_stage if entity in rows]
        merged, width = _merge_stage_parts(entity, parts, m)
        table = build_table(entity, merged, m * width)
        for s in range(m):
            results[s][entity] = table.slice(s * width, width)
    return results


def _build_group(group: Sequence[ScenarioTables]) -> list[dict[str, pa.Table]] | None:
    """Tables of scenarios on the same layouts; ``None`` when their inputs' shapes differ."""
    stacked = stack_scenarios(group)
    if stacked is None:
        return None
    for sc in group:
        sc._stages = []
    return tables_from_stacked(stacked)


def _entities_in_order(per_stage: Sequence[Mapping[str, Columns]]) -> list[str]:
    """Tables in first-appearance order over the stages (the order ``tables()`` returns)."""
    seen: dict[str, None] = {}
    for rows in per_stage:
        for entity in rows:
            seen.setdefault(entity, None)
    return list(seen)


def _n_rows_batch(cols: Columns) -> int:
    for v in cols.values():
        if v is not None:
            return int(np.shape(v)[-1])
    return 0


def _merge_stage_parts(
    entity: str, parts: Sequence[Columns], m: int
) -> tuple[dict[str, np.ndarray | None], int]:
    """One table's columns from its per-stage parts, for ``m`` scenarios at once.

    A piece is ``(m, rows)`` (per scenario) or ``(rows,)`` (the same for every scenario); a
    column missing from a stage is null there. Returns the columns, scenario-major and
    ``m * width`` long, and the rows per scenario ``width``.
    """
    sizes = [_n_rows_batch(p) for p in parts]
    width = sum(sizes)
    merged: dict[str, np.ndarray | None] = {}
    for col in _plan(entity):
        pieces = [p.get(col.name) for p in parts]
        if all(v is None for v in pieces):
            merged[col.name] = None
            continue
        merged[col.name] = np.concatenate(
            [
                np.full((m, r), np.nan)
                if v is None
                else (v if np.ndim(v) == 2 else np.broadcast_to(v, (m, r)))
                for v, r in zip(pieces, sizes, strict=True)
            ],
            axis=1,
        ).reshape(m * width)
    return merged, width


def stage_row_counts(layout: StageLayout, q: Mapping[str, np.ndarray]) -> dict[str, int]:
    """The tables ``stage_rows`` returns for this stage and their row counts (no columns built)."""
    k = layout.n_blocks
    n = layout.hydro_ids.shape[0]
    counts = {
        "costs": 1,
        "hydros": n * k,
        "inflow_lags": n * int(layout.n_lag_rows),
        "thermals": layout.thermal_ids.shape[0] * k,
        "exchanges": layout.line_ids.shape[0] * k,
        "buses": layout.bus_ids.shape[0] * k,
        "non_controllables": layout.ncs_ids.shape[0] * k,
        "pumping_stations": layout.pumping_ids.shape[0],
        "contracts": layout.contract_ids.shape[0],
        "violations/generic": int(np.shape(q.get("generic_constraint_id", ()))[0]),
    }
    return {e: m for e, m in counts.items() if m}
