"""Writers of ``<output>/training/`` (spec 04 §3): Cobre's file names, columns and Arrow types.

Every file goes through the atomic helpers (temporary sibling + rename); ``metadata.json`` and then
``_SUCCESS`` are written last by :func:`write_training_outputs`, so their presence certifies the
folder. Inputs are plain records/arrays (duck-typed), so this module does not import the solver.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import socket
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from pycobre.io.arrow_numpy import from_values
from pycobre.io.output.atomic import (
    write_json_atomic,
    write_parquet_atomic,
    write_success_marker,
    write_text_atomic,
)

__all__ = [
    "CONVERGENCE_SCHEMA",
    "TIMING_SCHEMA",
    "SOLVER_SCHEMA",
    "RETRY_HISTOGRAM_SCHEMA",
    "CUT_SELECTION_SCHEMA",
    "BOUNDS_SCHEMA",
    "TRAINING_SCHEMAS",
    "convergence_table",
    "timing_table",
    "solver_tables",
    "cut_selection_table",
    "training_metadata",
    "write_training_outputs",
    "write_scaling_report",
    "write_model_provenance",
    "write_dictionaries",
]


def _f(name: str, typ: pa.DataType, nullable: bool = False) -> pa.Field:
    return pa.field(name, typ, nullable=nullable)


CONVERGENCE_SCHEMA = pa.schema(
    [
        _f("iteration", pa.int32()),
        _f("lower_bound", pa.float64()),
        _f("upper_bound_mean", pa.float64()),
        _f("upper_bound_std", pa.float64()),
        _f("gap_percent", pa.float64(), True),
        _f("cuts_added", pa.int32()),
        _f("cuts_removed", pa.int32()),
        _f("cuts_active", pa.int64()),
        _f("time_forward_ms", pa.int64()),
        _f("time_backward_ms", pa.int64()),
        _f("time_total_ms", pa.int64()),
        _f("forward_passes", pa.int32()),
        _f("lp_solves", pa.int64()),
    ]
)

_TIMING_MS = (
    "forward_wall_ms",
    "backward_wall_ms",
    "cut_selection_ms",
    "mpi_allreduce_ms",
    "cut_sync_ms",
    "lower_bound_ms",
    "state_exchange_ms",
    "cut_batch_build_ms",
    "bwd_setup_ms",
    "bwd_load_imbalance_ms",
    "bwd_scheduling_overhead_ms",
    "fwd_setup_ms",
    "fwd_load_imbalance_ms",
    "fwd_scheduling_overhead_ms",
    "overhead_ms",
)
TIMING_SCHEMA = pa.schema(
    [_f("iteration", pa.int32()), _f("rank", pa.int32(), True), _f("worker_id", pa.int32(), True)]
    + [_f(n, pa.int64()) for n in _TIMING_MS]
)

_SOLVER_U32 = (
    "lp_solves",
    "lp_successes",
    "lp_retries",
    "lp_failures",
    "retry_attempts",
    "basis_offered",
    "basis_consistency_failures",
)
_SOLVER_F64 = ("solve_time_ms", "load_model_time_ms", "set_bounds_time_ms", "basis_set_time_ms")
SOLVER_SCHEMA = pa.schema(
    [
        _f("iteration", pa.uint32()),
        _f("phase", pa.string()),
        _f("stage", pa.int32()),
        _f("opening", pa.int32(), True),
        _f("rank", pa.int32(), True),
        _f("worker_id", pa.int32(), True),
    ]
    + [_f(n, pa.uint32()) for n in _SOLVER_U32]
    + [_f("simplex_iterations", pa.uint64())]
    + [_f(n, pa.float64()) for n in _SOLVER_F64]
    + [_f("basis_reconstructions", pa.uint64())]
)
RETRY_HISTOGRAM_SCHEMA = pa.schema(
    [
        _f("iteration", pa.uint32()),
        _f("phase", pa.string()),
        _f("stage", pa.int32()),
        _f("retry_level", pa.uint32()),
        _f("count", pa.uint64()),
    ]
)
CUT_SELECTION_SCHEMA = pa.schema(
    [
        _f("iteration", pa.int32()),
        _f("stage", pa.int32()),
        _f("cuts_populated", pa.int32()),
        _f("cuts_active_before", pa.int32()),
        _f("cuts_deactivated", pa.int32()),
        _f("cuts_active_after", pa.int32()),
        _f("selection_time_ms", pa.float64()),
        _f("budget_evicted", pa.int32(), True),
        _f("active_after_budget", pa.int32(), True),
    ]
)
BOUNDS_SCHEMA = pa.schema(
    [
        _f("entity_type_code", pa.int8()),
        _f("entity_id", pa.int32()),
        _f("stage_id", pa.int32()),
        _f("block_id", pa.int32(), True),
        _f("bound_type_code", pa.int8()),
        _f("bound_value", pa.float64()),
    ]
)

#: schema name (as in variables.csv) -> Arrow schema
TRAINING_SCHEMAS: dict[str, pa.Schema] = {
    "convergence": CONVERGENCE_SCHEMA,
    "timing_iterations": TIMING_SCHEMA,
    "solver_iterations": SOLVER_SCHEMA,
    "retry_histogram": RETRY_HISTOGRAM_SCHEMA,
    "cut_selection_iterations": CUT_SELECTION_SCHEMA,
    "bounds": BOUNDS_SCHEMA,
}


def _table(schema: pa.Schema, columns: Mapping[str, Sequence[Any]]) -> pa.Table:
    arrays = [from_values(columns[f.name], f.type) for f in schema]  # pandas never imported
    return pa.Table.from_arrays(arrays, schema=schema)


# -- tables ----------------------------------------------------------------------------------
def convergence_rows(records: Sequence[Any]) -> np.ndarray:
    """``convergence.parquet`` rows as a float matrix (null -> NaN), in schema column order.

    A checkpoint carries these (``pycobre_resume.npz``), so a resumed run writes the whole
    history, as the uninterrupted run does (timing columns are those of the earlier process).
    """
    names = CONVERGENCE_SCHEMA.names
    out = np.full((len(records), len(names)), np.nan)
    for i, rec in enumerate(records):  # once per checkpoint, one row per iteration
        for j, name in enumerate(names):
            value = getattr(rec, name)
            if value is not None:
                out[i, j] = float(value)
    return out


def convergence_table(records: Sequence[Any], prior: np.ndarray | None = None) -> pa.Table:
    """``prior``: rows of `convergence_rows` from a checkpoint, kept for earlier iterations."""
    cols = {f.name: [getattr(r, f.name) for r in records] for f in CONVERGENCE_SCHEMA}
    if prior is not None and prior.ndim == 2 and prior.shape[0]:
        first = min((int(r.iteration) for r in records), default=None)
        keep = prior if first is None else prior[prior[:, 0] < first]
        for j, f in enumerate(CONVERGENCE_SCHEMA):
            col = keep[:, j]
            if pa.types.is_floating(f.type):
                old = [None if f.nullable and np.isnan(x) else float(x) for x in col]
            else:
                old = [int(x) for x in col]
            cols[f.name] = old + cols[f.name]
    return _table(CONVERGENCE_SCHEMA, cols)


def timing_table(records: Sequence[Any]) -> pa.Table:
    """Rank rows (``worker_id`` null: rank-only phases) for every iteration, then per-worker
    rows (parallel-region timings: forward/backward wall), as Cobre orders them."""
    cols: dict[str, list[Any]] = {f.name: [] for f in TIMING_SCHEMA}

    def row(iteration: int, worker: int | None, vals: Mapping[str, int]) -> None:
        cols["iteration"].append(iteration)
        cols["rank"].append(0)
        cols["worker_id"].append(worker)
        for n in _TIMING_MS:
            cols[n].append(int(vals.get(n, 0)))

    for r in records:
        fwd_w = list(getattr(r, "worker_forward_ms", ()) or ())
        bwd_w = list(getattr(r, "worker_backward_ms", ()) or ())
        fwd, bwd = int(r.time_forward_ms), int(r.time_backward_ms)
        sel, lb = int(r.cut_selection_ms), int(r.lower_bound_ms)
        vals = {"cut_selection_ms": sel, "lower_bound_ms": lb}
        if fwd_w:
            vals["fwd_load_imbalance_ms"] = max(0, round(max(fwd_w) - sum(fwd_w) / len(fwd_w)))
            vals["fwd_scheduling_overhead_ms"] = max(0, round(fwd - max(fwd_w)))
        if bwd_w:
            vals["bwd_load_imbalance_ms"] = max(0, round(max(bwd_w) - sum(bwd_w) / len(bwd_w)))
            vals["bwd_scheduling_overhead_ms"] = max(0, round(bwd - max(bwd_w)))
        vals["overhead_ms"] = max(0, int(r.time_total_ms) - fwd - bwd - sel - lb)
        row(r.iteration, None, vals)
    for r in records:
        fwd_w = list(getattr(r, "worker_forward_ms", ()) or ())
        bwd_w = list(getattr(r, "worker_backward_ms", ()) or ())
        for w in range(max(len(fwd_w), len(bwd_w))):
            row(
                r.iteration,
                w,
                {
                    "forward_wall_ms": round(fwd_w[w]) if w < len(fwd_w) else 0,
                    "backward_wall_ms": round(bwd_w[w]) if w < len(bwd_w) else 0,
                },
            )
    return _table(TIMING_SCHEMA, cols)


_PHASE_ORDER = {"forward": 0, "backward": 1, "lower_bound": 2, "simulation": 3}


def solver_tables(stats: Any, rank: int | None = 0) -> tuple[pa.Table, pa.Table]:
    """``(iterations.parquet, retry_histogram.parquet)`` tables from a ``SolverStats``."""

    def sort_key(key: tuple) -> tuple:
        it, phase, stage, opening, worker = key
        return (
            it,
            _PHASE_ORDER.get(phase, 9),
            -stage if phase == "backward" else stage,
            -1 if opening is None else opening,
            -1 if worker is None else worker,
        )

    keys = sorted(stats.rows, key=sort_key)
    cols: dict[str, list[Any]] = {f.name: [] for f in SOLVER_SCHEMA}
    for key in keys:
        c = stats.rows[key]
        it, phase, stage, opening, worker = key
        cols["iteration"].append(it)
        cols["phase"].append(phase)
        cols["stage"].append(stage)
        cols["opening"].append(opening)
        cols["rank"].append(rank)
        cols["worker_id"].append(worker)
        for n in (*_SOLVER_U32, "simplex_iterations", *_SOLVER_F64, "basis_reconstructions"):
            cols[n].append(getattr(c, n))
    hist: dict[str, list[Any]] = {f.name: [] for f in RETRY_HISTOGRAM_SCHEMA}
    for (it, phase, stage, level), n in sorted(
        stats.histogram.items(),
        key=lambda kv: (kv[0][0], _PHASE_ORDER.get(kv[0][1], 9), *kv[0][2:]),
    ):
        if n > 0:
            for name, v in zip(hist, (it, phase, stage, level, n), strict=True):
                hist[name].append(v)
    return _table(SOLVER_SCHEMA, cols), _table(RETRY_HISTOGRAM_SCHEMA, hist)


def cut_selection_table(records: Sequence[Any]) -> pa.Table:
    cols = {f.name: [getattr(r, f.name) for r in records] for f in CUT_SELECTION_SCHEMA}
    return _table(CUT_SELECTION_SCHEMA, cols)


# -- JSON reports ----------------------------------------------------------------------------
def training_metadata(
    outcome: Any,
    system: Any,
    *,
    version: str,
    solver_version: str | None,
    threads: int,
    status: str = "complete",
    distribution: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The merged manifest of spec 04 §3.1 (key order as in Cobre)."""
    last = outcome.last
    achieved = bool(outcome.converged)
    meta: dict[str, Any] = {
        "cobre_version": version,
        "hostname": socket.gethostname(),
        "solver": "highs",
    }
    if solver_version:
        meta["solver_version"] = solver_version
    started = outcome.started_at
    completed = outcome.completed_at
    meta.update(
        {
            "started_at": started,
            "completed_at": completed,
            "duration_seconds": outcome.total_time_ms / 1000.0,
            "status": status,
            "configuration": {
                "seed": outcome.seed if getattr(outcome, "seed_configured", True) else None,
                "max_iterations": outcome.max_iterations,
                "forward_passes": outcome.forward_passes,
                "stopping_mode": outcome.stopping_mode,
                "policy_mode": outcome.policy_mode,
            },
            "problem_dimensions": {
                "num_stages": len(list(system.study_stages)),
                "num_hydros": len(list(system.hydros)),
                "num_thermals": len(list(system.thermals)),
                "num_buses": len(list(system.buses)),
                "num_lines": len(list(system.lines)),
            },
            "iterations": {
                "completed": outcome.iterations,
                "converged_at": outcome.iterations if achieved else None,
            },
            "convergence": {
                "achieved": achieved,
                "final_gap_percent": None if last is None else last.gap_percent,
                "termination_reason": outcome.termination_reason,
            },
            "row_pool": {
                "total_generated": int(
                    getattr(outcome, "total_slots_populated", outcome.total_cuts_generated)
                ),
                "total_active": outcome.total_cuts_active,
                "peak_active": outcome.peak_active,
            },
            "distribution": dict(distribution)
            if distribution is not None
            else {
                "backend": "local",
                "world_size": 1,
                "ranks_participated": 1,
                "num_nodes": 1,
                "threads_per_rank": int(threads),
            },
        }
    )
    return meta


def write_scaling_report(path: Path, report: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, report if isinstance(report, Mapping) else list(report))


def write_model_provenance(path: Path, provenance: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, dict(provenance))


# -- dictionaries ----------------------------------------------------------------------------
CODES = {
    "operative_state": {"0": "deactivated", "1": "maintenance", "2": "operating", "3": "saturated"},
    "storage_binding": {"0": "none", "1": "below_minimum", "2": "above_maximum", "3": "both"},
    "contract_type": {"0": "import", "1": "export"},
    "entity_type": {
        "0": "hydro",
        "1": "thermal",
        "2": "bus",
        "3": "line",
        "4": "pumping_station",
        "5": "contract",
        "7": "non_controllable",
    },
    "bound_type": {
        "0": "storage_min",
        "1": "storage_max",
        "2": "turbined_min",
        "3": "turbined_max",
        "4": "outflow_min",
        "5": "outflow_max",
        "6": "generation_min",
        "7": "generation_max",
        "8": "flow_min",
        "9": "flow_max",
    },
}


def _entities_csv(system: Any) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["entity_type_code", "entity_id", "name", "bus_id", "system_id"])
    groups: list[tuple[int, Iterable[Any], str | None]] = [
        (0, system.hydros, "bus_id"),
        (1, system.thermals, "bus_id"),
        (2, system.buses, None),
        (3, system.lines, "-1"),  # lines have no single bus: Cobre writes -1
        (4, getattr(system, "pumping_stations", []), "bus_id"),
        (5, getattr(system, "contracts", []), "bus_id"),
        (7, getattr(system, "non_controllable_sources", []), "bus_id"),
    ]
    for code, items, bus_attr in groups:
        for e in sorted(items, key=lambda e: e.id):
            bus = (
                e.id
                if bus_attr is None
                else (-1 if bus_attr == "-1" else getattr(e, bus_attr, None))
            )
            w.writerow([code, e.id, getattr(e, "name", ""), "" if bus is None else bus, 0])
    return buf.getvalue()


def _bounds_table(system: Any) -> pa.Table:
    """Resolved bounds, one row per finite value, sorted (type, entity, stage, bound type).

    Cobre writes hydro storage/turbined/outflow/generation min and max, thermal generation
    min/max and line flow min (0, the direct-flow variable's lower bound) and max (direct MW);
    infinite values (an unbounded outflow) are left out and ``block_id`` is null.
    """
    res = getattr(system, "resolved", None)
    stages = np.array([s.id for s in system.study_stages], dtype=np.int64)
    parts: list[tuple[np.ndarray, ...]] = []

    def add(code: int, ids: Sequence[int], pairs: Sequence[tuple[int, Any]]) -> None:
        if not len(ids) or res is None or not len(stages):
            return
        T, n = len(stages), len(ids)
        for btype, source in pairs:
            vals = source if isinstance(source, np.ndarray) else getattr(res, source, None)
            if vals is None:
                continue
            vals = np.broadcast_to(np.asarray(vals, dtype=np.float64), (T, n))
            ent = np.broadcast_to(np.asarray(ids, dtype=np.int64)[None, :], (T, n))
            stg = np.broadcast_to(stages[:, None], (T, n))
            parts.append(
                (
                    np.full(T * n, code),
                    ent.ravel(),
                    stg.ravel(),
                    np.full(T * n, btype),
                    vals.ravel(),
                )
            )

    hyd = [h.id for h in system.hydros]
    add(
        0,
        hyd,
        [
            (0, "hydro_min_storage_hm3"),
            (1, "hydro_max_storage_hm3"),
            (2, "hydro_min_turbined_m3s"),
            (3, "hydro_max_turbined_m3s"),
            (4, "hydro_min_outflow_m3s"),
            (5, "hydro_max_outflow_m3s"),
            (6, "hydro_min_generation_mw"),
            (7, "hydro_max_generation_mw"),
        ],
    )
    add(
        1,
        [t.id for t in system.thermals],
        [
            (6, "thermal_min_generation_mw"),
            (7, "thermal_max_generation_mw"),
        ],
    )
    lines = [ln.id for ln in system.lines]
    add(3, lines, [(8, np.zeros((1, len(lines)))), (9, "line_direct_mw")])
    if not parts:
        return BOUNDS_SCHEMA.empty_table()
    code, ent, stg, btype, val = (np.concatenate(c) for c in zip(*parts, strict=True))
    keep = np.isfinite(val)
    code, ent, stg, btype, val = code[keep], ent[keep], stg[keep], btype[keep], val[keep]
    order = np.lexsort((btype, stg, ent, code))
    return pa.Table.from_arrays(
        [
            from_values(code[order], pa.int8()),
            from_values(ent[order], pa.int32()),
            from_values(stg[order], pa.int32()),
            pa.nulls(int(order.shape[0]), pa.int32()),
            from_values(btype[order], pa.int8()),
            from_values(val[order], pa.float64()),
        ],
        schema=BOUNDS_SCHEMA,
    )


def _state_dictionary(system: Any, max_ar_order: Sequence[int] | None) -> dict[str, Any]:
    """Storage of every hydro, then each hydro's lags ``1..P_h`` (Cobre's listing)."""
    hyd = [h.id for h in system.hydros]
    orders = [0] * len(hyd) if max_ar_order is None else [int(p) for p in max_ar_order]
    variables: list[dict[str, Any]] = [
        {"entity_id": h, "entity_type": "hydro", "type": "storage", "unit": "hm3"} for h in hyd
    ]
    for h, p in zip(hyd, orders, strict=False):
        variables += [
            {
                "entity_id": h,
                "entity_type": "hydro",
                "lag_index": j,
                "type": "inflow_lag",
                "unit": "m3/s",
            }
            for j in range(1, p + 1)
        ]
    return {"state_variables": variables, "version": "1.0"}


def _rfc3339_now() -> str:
    """UTC time with nanoseconds and ``+00:00``, as Rust's ``chrono`` prints it."""
    ns = time.time_ns()
    whole = _dt.datetime.fromtimestamp(ns // 1_000_000_000, tz=_dt.UTC)
    return whole.strftime("%Y-%m-%dT%H:%M:%S") + f".{ns % 1_000_000_000:09d}+00:00"


def _json_sorted(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=True)


def write_dictionaries(
    directory: Path, system: Any, n_state: int, max_ar_order: Sequence[int] | None = None
) -> None:
    """``codes.json``, ``entities.csv``, ``variables.csv``, ``bounds.parquet``,
    ``state_dictionary.json`` (Cobre writes the JSON files with sorted keys)."""
    directory.mkdir(parents=True, exist_ok=True)
    codes = {"version": "1.0", "generated_at": _rfc3339_now(), **CODES}
    write_text_atomic(directory / "codes.json", _json_sorted(codes))
    write_text_atomic(directory / "entities.csv", _entities_csv(system))
    write_text_atomic(directory / "variables.csv", COBRE_VARIABLES_CSV)
    write_parquet_atomic(_bounds_table(system), directory / "bounds.parquet")
    write_text_atomic(
        directory / "state_dictionary.json", _json_sorted(_state_dictionary(system, max_ar_order))
    )


# -- everything ------------------------------------------------------------------------------
def write_training_outputs(
    output_dir: str | Path,
    outcome: Any,
    system: Any,
    *,
    n_state: int,
    version: str,
    solver_version: str | None = None,
    threads: int = 1,
    cut_selection_enabled: bool = False,
    max_ar_order: Sequence[int] | None = None,
    status: str = "complete",
    distribution: Mapping[str, Any] | None = None,
    before_certify: Callable[[], object] | None = None,
    prior_convergence: np.ndarray | None = None,
) -> Path:
    """Write every training file; ``metadata.json`` then ``_SUCCESS`` last.

    ``before_certify`` runs after the data files and before the two markers: the run writes the
    policy there, so the markers certify the policy of the same run too (a failure in between
    leaves ``training/`` uncertified instead of vouching for another run's policy).
    ``prior_convergence``: the history a resumed run's checkpoint carried (`convergence_rows`).
    """
    root = Path(output_dir) / "training"
    for sub in ("timing", "solver", "dictionaries"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    write_parquet_atomic(
        convergence_table(outcome.records, prior_convergence), root / "convergence.parquet"
    )
    write_parquet_atomic(timing_table(outcome.records), root / "timing" / "iterations.parquet")
    solver, hist = solver_tables(outcome.solver_stats)
    write_parquet_atomic(solver, root / "solver" / "iterations.parquet")
    write_parquet_atomic(hist, root / "solver" / "retry_histogram.parquet")
    if cut_selection_enabled:
        (root / "cut_selection").mkdir(parents=True, exist_ok=True)
        write_parquet_atomic(
            cut_selection_table(outcome.selection_records),
            root / "cut_selection" / "iterations.parquet",
        )
    write_dictionaries(root / "dictionaries", system, n_state, max_ar_order)
    if before_certify is not None:
        before_certify()
    meta = training_metadata(
        outcome,
        system,
        version=version,
        solver_version=solver_version,
        threads=threads,
        status=status,
        distribution=distribution,
    )
    write_json_atomic(root / "metadata.json", meta)
    write_success_marker(root)
    return root


def metadata_json_text(meta: Mapping[str, Any]) -> str:
    """Serialised manifest (for tests and the CLI summary)."""
    return json.dumps(meta, indent=2)


#: Cobre 0.5.1's ``dictionaries/variables.csv`` (the same catalog for every case): one row per
#: column of every output schema, with Cobre's own type names, units and descriptions.
COBRE_VARIABLES_CSV = """file,column,type,unit,description,nullable
costs,stage_id,i32,,Stage index,false
costs,block_id,i32,,Block index within stage (nullable),true
costs,total_cost,f64,$,Total stage cost,false
costs,immediate_cost,f64,$,Immediate (operation) cost,false
costs,future_cost,f64,$,Expected future cost (envelope value),false
costs,discount_factor,f64,,Discount factor applied to this stage,false
costs,thermal_cost,f64,$,Total thermal generation cost,false
costs,contract_cost,f64,$,Total contract cost,false
costs,deficit_cost,f64,$,Total load-deficit penalty cost,false
costs,excess_cost,f64,$,Total excess-generation cost,false
costs,storage_violation_cost,f64,$,Total storage violation penalty,false
costs,filling_target_cost,f64,$,Total filling-target violation cost,false
costs,hydro_violation_cost,f64,$,Total hydro constraint violation cost,false
costs,outflow_violation_below_cost,f64,$,Cost of minimum outflow violations,false
costs,outflow_violation_above_cost,f64,$,Cost of maximum outflow violations,false
costs,turbined_violation_cost,f64,$,Cost of minimum turbining violations,false
costs,generation_violation_cost,f64,$,Cost of minimum generation violations,false
costs,evaporation_violation_cost,f64,$,Cost of evaporation constraint violations,false
costs,withdrawal_violation_cost,f64,$,Cost of water withdrawal constraint violations,false
costs,inflow_penalty_cost,f64,$,Total inflow non-negativity penalty,false
costs,generic_violation_cost,f64,$,Total generic constraint violation cost,false
costs,spillage_cost,f64,$,Total spillage regularization cost,false
costs,fpha_turbined_cost,f64,$,Total FPHA turbined regularization cost,false
costs,curtailment_cost,f64,$,Total curtailment cost,false
costs,exchange_cost,f64,$,Total exchange regularization cost,false
costs,pumping_cost,f64,$,Total pumping cost,false
hydros,stage_id,i32,,Stage index,false
hydros,block_id,i32,,Block index within stage (nullable),true
hydros,hydro_id,i32,,Hydro plant identifier,false
hydros,turbined_m3s,f64,m3/s,Turbined flow,false
hydros,spillage_m3s,f64,m3/s,Spilled flow,false
hydros,outflow_m3s,f64,m3/s,Total outflow (turbined + spilled),false
hydros,evaporation_m3s,f64,m3/s,Evaporation loss (nullable),true
hydros,diverted_inflow_m3s,f64,m3/s,Diverted inflow received (nullable),true
hydros,diverted_outflow_m3s,f64,m3/s,Diverted outflow sent (nullable),true
hydros,incremental_inflow_m3s,f64,m3/s,Incremental (local) inflow,false
hydros,inflow_m3s,f64,m3/s,Total inflow including upstream contributions,false
hydros,storage_initial_hm3,f64,hm3,Reservoir storage at start of stage,false
hydros,storage_final_hm3,f64,hm3,Reservoir storage at end of stage,false
hydros,generation_mw,f64,MW,Hydro generation,false
hydros,generation_mwh,f64,MWh,Hydro energy generated,false
hydros,productivity_mw_per_m3s,f64,MW/(m3/s),Effective productivity (nullable),true
hydros,spillage_cost,f64,$,Spillage regularization cost,false
hydros,water_value_per_hm3,f64,$/hm3,Marginal water value,false
hydros,storage_binding_code,i8,,Storage bound binding code,false
hydros,operative_state_code,i8,,Operative state code,false
hydros,turbined_slack_m3s,f64,m3/s,Turbined minimum slack,false
hydros,outflow_slack_below_m3s,f64,m3/s,Outflow below-minimum slack,false
hydros,outflow_slack_above_m3s,f64,m3/s,Outflow above-maximum slack,false
hydros,generation_slack_mw,f64,MW,Generation minimum slack,false
hydros,storage_violation_below_hm3,f64,hm3,Storage below dead-volume violation,false
hydros,filling_target_violation_hm3,f64,hm3,Filling target violation,false
hydros,evaporation_violation_pos_m3s,f64,m3/s,Over-evaporation constraint violation,false
hydros,evaporation_violation_neg_m3s,f64,m3/s,Under-evaporation constraint violation,false
hydros,inflow_nonnegativity_slack_m3s,f64,m3/s,Inflow non-negativity slack,false
hydros,water_withdrawal_violation_pos_m3s,f64,m3/s,Over-withdrawal constraint violation,false
hydros,water_withdrawal_violation_neg_m3s,f64,m3/s,Under-withdrawal constraint violation,false
thermals,stage_id,i32,,Stage index,false
thermals,block_id,i32,,Block index within stage (nullable),true
thermals,thermal_id,i32,,Thermal plant identifier,false
thermals,generation_mw,f64,MW,Thermal generation,false
thermals,generation_mwh,f64,MWh,Thermal energy generated,false
thermals,generation_cost,f64,$,Thermal generation cost,false
thermals,is_gnl,bool,,Whether plant is GNL-modeled,false
thermals,gnl_committed_mw,f64,MW,GNL committed capacity (nullable),true
thermals,gnl_decision_mw,f64,MW,GNL dispatch decision (nullable),true
thermals,operative_state_code,i8,,Operative state code,false
exchanges,stage_id,i32,,Stage index,false
exchanges,block_id,i32,,Block index within stage (nullable),true
exchanges,line_id,i32,,Transmission line identifier,false
exchanges,direct_flow_mw,f64,MW,Flow in direct direction,false
exchanges,reverse_flow_mw,f64,MW,Flow in reverse direction,false
exchanges,net_flow_mw,f64,MW,Net flow (direct minus reverse),false
exchanges,net_flow_mwh,f64,MWh,Net energy exchanged,false
exchanges,losses_mw,f64,MW,Transmission losses,false
exchanges,losses_mwh,f64,MWh,Transmission energy losses,false
exchanges,exchange_cost,f64,$,Exchange regularization cost,false
exchanges,operative_state_code,i8,,Operative state code,false
buses,stage_id,i32,,Stage index,false
buses,block_id,i32,,Block index within stage (nullable),true
buses,bus_id,i32,,Bus identifier,false
buses,load_mw,f64,MW,Load demand,false
buses,load_mwh,f64,MWh,Load energy demand,false
buses,deficit_mw,f64,MW,Unmet demand (deficit),false
buses,deficit_mwh,f64,MWh,Unmet energy demand,false
buses,excess_mw,f64,MW,Excess generation absorbed,false
buses,excess_mwh,f64,MWh,Excess energy absorbed,false
buses,spot_price,f64,MW,Bus spot price (dual of balance constraint),false
pumping_stations,stage_id,i32,,Stage index,false
pumping_stations,block_id,i32,,Block index within stage (nullable),true
pumping_stations,pumping_station_id,i32,,Pumping station identifier,false
pumping_stations,pumped_flow_m3s,f64,MW,Pumped water flow,false
pumping_stations,pumped_volume_hm3,f64,m3/s,Pumped water volume,false
pumping_stations,power_consumption_mw,f64,MW,Electrical power consumed,false
pumping_stations,energy_consumption_mwh,f64,MWh,Electrical energy consumed,false
pumping_stations,pumping_cost,f64,$,Pumping operation cost,false
pumping_stations,operative_state_code,i8,,Operative state code,false
contracts,stage_id,i32,,Stage index,false
contracts,block_id,i32,,Block index within stage (nullable),true
contracts,contract_id,i32,,Contract identifier,false
contracts,power_mw,f64,MW,Contracted power,false
contracts,energy_mwh,f64,MWh,Contracted energy,false
contracts,price_per_mwh,f64,$,Effective contract price,false
contracts,total_cost,f64,$,Total contract cost,false
contracts,operative_state_code,i8,,Operative state code,false
non_controllables,stage_id,i32,,Stage index,false
non_controllables,block_id,i32,,Block index within stage (nullable),true
non_controllables,non_controllable_id,i32,,Non-controllable source identifier,false
non_controllables,generation_mw,f64,MW,Non-controllable generation dispatched,false
non_controllables,generation_mwh,f64,MWh,Non-controllable energy generated,false
non_controllables,available_mw,f64,MW,Available generation capacity,false
non_controllables,curtailment_mw,f64,MW,Curtailed generation,false
non_controllables,curtailment_mwh,f64,MWh,Curtailed energy,false
non_controllables,curtailment_cost,f64,$,Curtailment cost,false
non_controllables,operative_state_code,i8,,Operative state code,false
inflow_lags,stage_id,i32,,Stage index,false
inflow_lags,hydro_id,i32,,Hydro plant identifier,false
inflow_lags,lag_index,i32,,AR lag index (1-based),false
inflow_lags,inflow_m3s,f64,m3/s,Historical inflow for this lag,false
generic_violations,stage_id,i32,,Stage index,false
generic_violations,block_id,i32,,Block index within stage (nullable),true
generic_violations,constraint_id,i32,,Generic constraint identifier,false
generic_violations,slack_value,f64,,Constraint slack value,false
generic_violations,slack_cost,f64,$,Constraint slack penalty cost,false
convergence,iteration,i32,,Iteration number (1-based),false
convergence,lower_bound,f64,,Lower bound on the optimal value,false
convergence,upper_bound_mean,f64,,Mean upper bound estimate (nullable),false
convergence,upper_bound_std,f64,,Std deviation of upper bound (nullable),false
convergence,gap_percent,f64,,Relative optimality gap in percent (nullable),true
convergence,cuts_added,i32,,Cuts added in this iteration,false
convergence,cuts_removed,i32,,Cuts removed in this iteration,false
convergence,cuts_active,i64,,Total active cuts after iteration,false
convergence,time_forward_ms,i64,ms,Forward-pass wall-clock time,false
convergence,time_backward_ms,i64,ms,Backward-pass wall-clock time,false
convergence,time_total_ms,i64,ms,Total iteration wall-clock time,false
convergence,forward_passes,i32,,Number of forward-pass scenarios,false
convergence,lp_solves,i64,,Total LP solves in iteration,false
iteration_timing,iteration,i32,,Iteration number (1-based),false
iteration_timing,rank,i32,,MPI rank that produced this row. Always set; single-rank runs use 0.,true
iteration_timing,worker_id,i32,,"Worker thread index within the rank's pool. NULL on rank-aggregated rows that carry rank-only timings (cut_selection, mpi_allreduce, cut_sync, lower_bound, state_exchange, cut_batch_build, load_imbalance / scheduling_overhead, overhead). Set on per-worker rows that carry parallel-region timings (forward_wall, backward_wall, fwd_setup, bwd_setup).",true
iteration_timing,forward_wall_ms,i64,,Forward pass wall-clock time,false
iteration_timing,backward_wall_ms,i64,,Backward pass wall-clock time,false
iteration_timing,cut_selection_ms,i64,ms,Row-selection time,false
iteration_timing,mpi_allreduce_ms,i64,ms,MPI allreduce time,false
iteration_timing,cut_sync_ms,i64,,Per-stage row-sync allgatherv time,false
iteration_timing,lower_bound_ms,i64,,Lower bound evaluation time,false
iteration_timing,state_exchange_ms,i64,ms,State exchange allgatherv time,false
iteration_timing,cut_batch_build_ms,i64,ms,Row-batch assembly time,false
iteration_timing,bwd_setup_ms,i64,ms,Thread-pool setup time before backward pass,false
iteration_timing,bwd_load_imbalance_ms,i64,ms,Estimated load imbalance across backward pass worker threads,false
iteration_timing,bwd_scheduling_overhead_ms,i64,ms,Scheduling and synchronisation overhead in the backward pass,false
iteration_timing,fwd_setup_ms,i64,ms,Thread-pool setup time before forward pass,false
iteration_timing,fwd_load_imbalance_ms,i64,ms,Estimated load imbalance across forward pass worker threads,false
iteration_timing,fwd_scheduling_overhead_ms,i64,ms,Scheduling and synchronisation overhead in the forward pass,false
iteration_timing,overhead_ms,i64,ms,Residual iteration time not attributed to any phase,false
rank_timing,iteration,i32,,Iteration number (1-based),false
rank_timing,rank,i32,,MPI rank,false
rank_timing,forward_time_ms,i64,ms,Forward-pass time for this rank,false
rank_timing,backward_time_ms,i64,ms,Backward-pass time for this rank,false
rank_timing,communication_time_ms,i64,ms,Communication time for this rank,false
rank_timing,idle_time_ms,i64,ms,Idle time for this rank,false
rank_timing,lp_solves,i64,,LP solves on this rank,false
rank_timing,scenarios_processed,i32,,Scenarios processed by this rank,false
cut_selection,iteration,i32,,Iteration number (1-based),false
cut_selection,stage,i32,,Stage index (0-based),false
cut_selection,cuts_populated,i32,,Total cuts ever generated at this stage,false
cut_selection,cuts_active_before,i32,,Active cuts before selection ran,false
cut_selection,cuts_deactivated,i32,,Cuts deactivated by selection,false
cut_selection,cuts_active_after,i32,,Active cuts after selection,false
cut_selection,selection_time_ms,f64,ms,Wall-clock time for selection at this stage,false
cut_selection,budget_evicted,i32,,,true
cut_selection,active_after_budget,i32,,,true
solver_iterations,iteration,unknown,,Iteration number (1-based) or scenario ID (0-based),false
solver_iterations,phase,unknown,,"Solver phase (forward, backward, lower_bound, simulation)",false
solver_iterations,stage,i32,,Stage index (-1 for non-per-stage phases),false
solver_iterations,opening,i32,,"Opening (noise realization) index within the stage, for backward-pass rows. NULL for forward, lower_bound, and simulation rows — these phases do not have an opening dimension. Backward rows range 0..n_openings.",true
solver_iterations,rank,i32,,MPI rank that produced this row. NULL for rank-aggregated rows.,true
solver_iterations,worker_id,i32,,Worker thread index within the rank's pool that produced this row. NULL for rank-aggregated rows.,true
solver_iterations,lp_solves,unknown,,Number of LP solves,false
solver_iterations,lp_successes,unknown,,Solves that returned optimal,false
solver_iterations,lp_retries,unknown,,Solves requiring retry escalation,false
solver_iterations,lp_failures,unknown,,Solves that exhausted all retry levels,false
solver_iterations,retry_attempts,unknown,,Total retry attempts across all solves,false
solver_iterations,basis_offered,unknown,,Number of warm-start solve calls (basis-offered),false
solver_iterations,basis_consistency_failures,unknown,,Number of warm-start solve calls rejected because isBasisConsistent returned false,false
solver_iterations,simplex_iterations,unknown,,Total simplex iterations,false
solver_iterations,solve_time_ms,f64,ms,Cumulative solve wall-clock time,false
solver_iterations,load_model_time_ms,f64,ms,Cumulative load_model call time,false
solver_iterations,set_bounds_time_ms,f64,ms,Cumulative set_bounds call time,false
solver_iterations,basis_set_time_ms,f64,ms,Cumulative set_basis call time,false
solver_iterations,basis_reconstructions,unknown,,Number of reconstruct_basis invocations: incremented once per warm-start solve that applied a stored basis via slot reconciliation. A non-zero value indicates basis reconstruction is active.,false
retry_histogram,iteration,unknown,,Iteration number (1-based) or scenario ID (0-based),false
retry_histogram,phase,unknown,,"Solver phase (forward, backward, lower_bound, simulation)",false
retry_histogram,stage,i32,,Stage index (-1 for non-per-stage phases),false
retry_histogram,retry_level,unknown,,Retry escalation level (0-based),false
retry_histogram,count,unknown,,Number of solves recovered at this level,false
"""
