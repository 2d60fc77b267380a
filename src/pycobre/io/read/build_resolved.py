"""The defaults cascade evaluated into dense arrays (spec 01 §4.1, spec 10 §13).

Tier 1 (global ``penalties.json`` / entity JSON bounds) and tier 2 (entity overrides) are
already in the entities; tier 3 are the sparse ``constraints/*.parquet`` rows keyed by
``(entity_id, stage_id)`` — a null (or absent) column leaves the lower tier in force. Block
factors come from the three factor JSON files (missing -> 1.0). Runs once per load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from pycobre.io.arrow_numpy import to_numpy
from pycobre.io.fields.constraint_files import HYDRO_BOUND_COLUMNS, HYDRO_OVERRIDE_COLUMNS
from pycobre.model import GlobalPenalties, Resolved, Stage

_DIRECTIONAL = (
    ("evaporation_violation_pos_cost", "evaporation_violation_cost"),
    ("evaporation_violation_neg_cost", "evaporation_violation_cost"),
    ("water_withdrawal_violation_pos_cost", "water_withdrawal_violation_cost"),
    ("water_withdrawal_violation_neg_cost", "water_withdrawal_violation_cost"),
)


class _Index:
    """Maps ids to positions with NumPy (unknown ids -> -1)."""

    def __init__(self, ids: Sequence[int]) -> None:
        self.ids = np.asarray(list(ids), dtype=np.int64)
        self.order = np.argsort(self.ids, kind="stable")
        self.sorted = self.ids[self.order]

    def positions(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.int64)
        if self.ids.size == 0:
            return np.full(values.shape, -1, dtype=np.int64)
        k = np.searchsorted(self.sorted, values).clip(0, self.ids.size - 1)
        return np.where(self.sorted[k] == values, self.order[k], -1)


def _column(table: pa.Table, name: str) -> np.ndarray:
    """Column as float64 with NaN for nulls (absent column -> all NaN)."""
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    col = table.column(name)
    arr = to_numpy(col)
    try:
        return np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError):
        return np.array([_as_float(v) for v in arr], dtype=np.float64)


def _as_float(value: Any) -> float:
    """Best effort for a mistyped column (the schema layer reports it): unreadable -> NaN."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _ids(table: pa.Table, name: str) -> np.ndarray:
    """Integer key column; nulls become an id that matches nothing."""
    return np.nan_to_num(_column(table, name), nan=-(2.0**40)).astype(np.int64)


def _overlay(
    arrays: dict[str, np.ndarray],
    table: pa.Table | None,
    key: str,
    entity_index: _Index,
    stage_index: _Index,
    columns: Mapping[str, str],
    *,
    row_mask: np.ndarray | None = None,
) -> None:
    """Write non-null ``table[col]`` into ``arrays[name][stage, entity]`` for known keys."""
    if table is None or table.num_rows == 0 or key not in table.column_names:
        return
    if "stage_id" not in table.column_names:
        return
    ent = entity_index.positions(_ids(table, key))
    stg = stage_index.positions(_ids(table, "stage_id"))
    ok = (ent >= 0) & (stg >= 0)
    if row_mask is not None:
        ok &= row_mask
    for col, name in columns.items():
        values = _column(table, col)
        sel = ok & ~np.isnan(values)
        arrays[name][stg[sel], ent[sel]] = values[sel]


def _tile(values: Sequence[float] | np.ndarray, n_stages: int) -> np.ndarray:
    row = np.asarray(values, dtype=np.float64).reshape(1, -1)
    return np.repeat(row, n_stages, axis=0)


def _active(entities: Sequence[Any], stage_ids: np.ndarray) -> np.ndarray:
    n = len(entities)
    entry = np.array([-(2**40) if e.entry_stage_id is None else e.entry_stage_id
                      for e in entities], dtype=np.int64).reshape(1, n)
    exit_ = np.array([2**40 if e.exit_stage_id is None else e.exit_stage_id
                      for e in entities], dtype=np.int64).reshape(1, n)
    sid = stage_ids.reshape(-1, 1)
    return (entry <= sid) & (sid < exit_)


def _block_factors(
    doc: Any, key: str, id_key: str, entity_index: _Index, stage_index: _Index,
    shape: tuple[int, int, int], fields: Sequence[str],
) -> list[np.ndarray]:
    """Per-(stage, entity, block) factors of a factor JSON file, default 1.0."""
    out = [np.ones(shape) for _ in fields]
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return out
    for item in items:
        if not isinstance(item, dict):
            continue
        try:
            e = int(entity_index.positions(np.array([item.get(id_key)]))[0])
            s = int(stage_index.positions(np.array([item.get("stage_id")]))[0])
        except (TypeError, ValueError):
            continue
        if e < 0 or s < 0:
            continue
        for bf in item.get("block_factors") or []:
            if not isinstance(bf, dict):
                continue
            k = bf.get("block_id")
            if not isinstance(k, int) or not 0 <= k < shape[2]:
                continue
            for arr, name in zip(out, fields, strict=True):
                v = bf.get(name)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    arr[s, e, k] = float(v)
    return out


def _discount(stages: Sequence[Stage], graph: Any) -> np.ndarray:
    rate0 = float(graph.annual_discount_rate) if graph is not None else 0.0
    overrides: dict[int, float] = {}
    for t in graph.transitions if graph is not None else ():
        if t.annual_discount_rate_override is not None and t.source_id not in overrides:
            overrides[t.source_id] = float(t.annual_discount_rate_override)
    out = np.ones(len(stages))
    for i, s in enumerate(stages):
        r = overrides.get(s.id, rate0)
        if r != 0.0:
            out[i] = (1.0 + r) ** (-(s.end_date - s.start_date).days / 365.25)
    return out


def build_resolved(
    *,
    stages: Sequence[Stage],
    policy_graph: Any,
    penalties: GlobalPenalties,
    buses: Sequence[Any],
    lines: Sequence[Any],
    hydros: Sequence[Any],
    thermals: Sequence[Any],
    ncs: Sequence[Any],
    pumping: Sequence[Any],
    contracts: Sequence[Any],
    generic: Sequence[Any],
    tables: Mapping[str, pa.Table],
    json_docs: Mapping[str, Any],
) -> Resolved:
    study = [s for s in stages if s.id >= 0]
    T = len(study)
    K = max((s.n_blocks for s in study), default=0)
    stage_ids = np.array([s.id for s in study], dtype=np.int64)
    sidx = _Index(stage_ids)
    idx = {name: _Index([e.id for e in coll]) for name, coll in (
        ("bus", buses), ("line", lines), ("hydro", hydros), ("thermal", thermals),
        ("ncs", ncs), ("pumping", pumping), ("contract", contracts), ("generic", generic))}
    a: dict[str, np.ndarray] = {}

    # temporal
    hours = np.zeros((T, K))
    for t, s in enumerate(study):
        hours[t, : s.n_blocks] = [b.hours for b in s.blocks]
    a["block_hours"] = hours
    a["n_blocks"] = np.array([s.n_blocks for s in study], dtype=np.int64)
    a["stage_hours"] = hours.sum(axis=1)
    a["discount_factor"] = _discount(study, policy_graph)

    # buses
    B = len(buses)
    a["bus_excess_cost"] = np.full((T, B), penalties.excess_cost)
    _overlay(a, tables.get("constraints/penalty_overrides_bus.parquet"), "bus_id", idx["bus"],
             sidx, {"excess_cost": "bus_excess_cost"})
    S = max((len(b.deficit_segments) for b in buses), default=0)
    depth = np.full((B, S), np.inf)
    cost = np.full((B, S), np.nan)
    for i, b in enumerate(buses):
        for j, seg in enumerate(b.deficit_segments):
            depth[i, j] = np.inf if seg.depth_mw is None else seg.depth_mw
            cost[i, j] = seg.cost
    a["bus_deficit_depth_mw"] = depth
    a["bus_deficit_cost"] = cost
    a["bus_n_deficit_segments"] = np.array([len(b.deficit_segments) for b in buses],
                                           dtype=np.int64)
    (a["load_block_factor"],) = _block_factors(
        json_docs.get("scenarios/load_factors.json"), "load_factors", "bus_id", idx["bus"],
        sidx, (T, B, K), ("factor",))

    # lines
    a["line_direct_mw"] = _tile([ln.capacity.direct_mw for ln in lines], T)
    a["line_reverse_mw"] = _tile([ln.capacity.reverse_mw for ln in lines], T)
    a["line_exchange_cost"] = _tile([ln.exchange_cost for ln in lines], T)
    _overlay(a, tables.get("constraints/line_bounds.parquet"), "line_id", idx["line"], sidx,
             {"direct_mw": "line_direct_mw", "reverse_mw": "line_reverse_mw"})
    _overlay(a, tables.get("constraints/penalty_overrides_line.parquet"), "line_id",
             idx["line"], sidx, {"exchange_cost": "line_exchange_cost"})
    a["line_direct_factor"], a["line_reverse_factor"] = _block_factors(
        json_docs.get("constraints/exchange_factors.json"), "exchange_factors", "line_id",
        idx["line"], sidx, (T, len(lines), K), ("direct_factor", "reverse_factor"))

    # thermals
    a["thermal_min_generation_mw"] = _tile([th.generation.min_mw for th in thermals], T)
    a["thermal_max_generation_mw"] = _tile([th.generation.max_mw for th in thermals], T)
    a["thermal_cost_per_mwh"] = _tile([th.cost_per_mwh for th in thermals], T)
    tb = tables.get("constraints/thermal_bounds.parquet")
    mask = None
    if tb is not None and "block_id" in tb.column_names:
        mask = np.isnan(_column(tb, "block_id"))  # rows with a block id are ignored
    _overlay(a, tb, "thermal_id", idx["thermal"], sidx,
             {"min_generation_mw": "thermal_min_generation_mw",
              "max_generation_mw": "thermal_max_generation_mw",
              "cost_per_mwh": "thermal_cost_per_mwh"}, row_mask=mask)

    # hydro bounds
    def hval(h: Any, col: str) -> float:
        r, o, g = h.reservoir, h.outflow, h.generation
        return {
            "min_turbined_m3s": g.min_turbined_m3s,
            "max_turbined_m3s": g.max_turbined_m3s,
            "min_storage_hm3": r.min_storage_hm3,
            "max_storage_hm3": r.max_storage_hm3,
            "min_outflow_m3s": o.min_outflow_m3s,
            "max_outflow_m3s": np.inf if o.max_outflow_m3s is None else o.max_outflow_m3s,
            "min_generation_mw": g.min_generation_mw,
            "max_generation_mw": g.max_generation_mw,
            "max_diversion_m3s": 0.0 if h.diversion is None else h.diversion.max_flow_m3s,
            "filling_inflow_m3s": 0.0 if h.filling is None else h.filling.filling_inflow_m3s,
            "water_withdrawal_m3s": 0.0,
        }[col]

    for col, _unit in HYDRO_BOUND_COLUMNS:
        a[f"hydro_{col}"] = _tile([hval(h, col) for h in hydros], T)
    _overlay(a, tables.get("constraints/hydro_bounds.parquet"), "hydro_id", idx["hydro"], sidx,
             {col: f"hydro_{col}" for col, _ in HYDRO_BOUND_COLUMNS})

    # hydro penalties: global -> entity -> stage
    gh = penalties.hydro

    def entity_pen(h: Any, key: str, fallback: float) -> float:
        own = None if h.penalties is None else getattr(h.penalties, key)
        return fallback if own is None else own

    for key in (*HYDRO_OVERRIDE_COLUMNS, "inflow_nonnegativity_cost"):
        a[f"hydro_{key}"] = _tile([entity_pen(h, key, getattr(gh, key)) for h in hydros], T)
    for key, sym in _DIRECTIONAL:
        a[f"hydro_{key}"] = _tile([entity_pen(h, sym, getattr(gh, key)) for h in hydros], T)
    _overlay(a, tables.get("constraints/penalty_overrides_hydro.parquet"), "hydro_id",
             idx["hydro"], sidx,
             {k: f"hydro_{k}" for k in (*HYDRO_OVERRIDE_COLUMNS, "inflow_nonnegativity_cost",
                                         *(d for d, _ in _DIRECTIONAL))})

    # non-controllable sources
    R = len(ncs)
    a["ncs_available_generation_mw"] = _tile([r.max_generation_mw for r in ncs], T)
    _overlay(a, tables.get("constraints/ncs_bounds.parquet"), "ncs_id", idx["ncs"], sidx,
             {"available_generation_mw": "ncs_available_generation_mw"})
    a["ncs_curtailment_cost"] = _tile([r.curtailment_cost for r in ncs], T)
    _overlay(a, tables.get("constraints/penalty_overrides_ncs.parquet"), "source_id",
             idx["ncs"], sidx, {"curtailment_cost": "ncs_curtailment_cost"})
    (a["ncs_block_factor"],) = _block_factors(
        json_docs.get("scenarios/non_controllable_factors.json"), "non_controllable_factors",
        "ncs_id", idx["ncs"], sidx, (T, R, K), ("factor",))

    # pumping stations, contracts
    a["pumping_min_m3s"] = _tile([p.flow.min_m3s for p in pumping], T)
    a["pumping_max_m3s"] = _tile([p.flow.max_m3s for p in pumping], T)
    _overlay(a, tables.get("constraints/pumping_bounds.parquet"), "station_id", idx["pumping"],
             sidx, {"min_m3s": "pumping_min_m3s", "max_m3s": "pumping_max_m3s"})
    a["contract_min_mw"] = _tile([c.limits.min_mw for c in contracts], T)
    a["contract_max_mw"] = _tile([c.limits.max_mw for c in contracts], T)
    a["contract_price_per_mwh"] = _tile([c.price_per_mwh for c in contracts], T)
    _overlay(a, tables.get("constraints/contract_bounds.parquet"), "contract_id",
             idx["contract"], sidx,
             {"min_mw": "contract_min_mw", "max_mw": "contract_max_mw",
              "price_per_mwh": "contract_price_per_mwh"})

    # lifecycle
    for name, coll in (("hydro", hydros), ("thermal", thermals), ("line", lines), ("ncs", ncs),
                       ("pumping", pumping), ("contract", contracts)):
        a[f"{name}_active"] = _active(coll, stage_ids)

    # generic constraint rows
    gb = tables.get("constraints/generic_constraint_bounds.parquet")
    if gb is not None and gb.num_rows and {"constraint_id", "stage_id", "bound"} <= set(
        gb.column_names
    ):
        con = idx["generic"].positions(_ids(gb, "constraint_id"))
        stg = sidx.positions(_ids(gb, "stage_id"))
        blk = np.nan_to_num(_column(gb, "block_id"), nan=-1).astype(np.int64)
        bound = _column(gb, "bound")
        ok = (con >= 0) & (stg >= 0)
        con, stg, blk, bound = con[ok], stg[ok], blk[ok], bound[ok]
        order = np.lexsort((blk, con, stg))
        a["generic_row_stage"] = stg[order]
        a["generic_row_constraint"] = con[order]
        a["generic_row_block"] = blk[order]
        a["generic_row_bound"] = bound[order]
    else:
        a["generic_row_stage"] = np.zeros(0, dtype=np.int64)
        a["generic_row_constraint"] = np.zeros(0, dtype=np.int64)
        a["generic_row_block"] = np.zeros(0, dtype=np.int64)
        a["generic_row_bound"] = np.zeros(0)

    return Resolved(a, {"bus_deficit_segments": tuple(b.deficit_segments for b in buses)})
