"""Training output tables: Cobre's column names, Arrow types and nullability (spec 04 §3)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq

from pycobre.io.output.training import (
    convergence_table,
    cut_selection_table,
    solver_tables,
    timing_table,
    write_training_outputs,
)
from pycobre.sddp.records import IterationRecord, SelectionRecord
from pycobre.sddp.solver_stats import SolverStats


def rec(k, lb=100.0, ub=110.0, gap_pct=100 * 10 / 110):
    return IterationRecord(
        k, lb, ub, 0.0, 0.0, 10 / 110, gap_pct, 3, 0, 3 * k, 5, 7, 15, 1, 44, 1, 2
    )


def test_convergence_schema_and_null_gap():
    t = convergence_table([rec(1), rec(2, lb=-5.0, gap_pct=None)])
    assert t.schema.names == [
        "iteration",
        "lower_bound",
        "upper_bound_mean",
        "upper_bound_std",
        "gap_percent",
        "cuts_added",
        "cuts_removed",
        "cuts_active",
        "time_forward_ms",
        "time_backward_ms",
        "time_total_ms",
        "forward_passes",
        "lp_solves",
    ]
    assert t.schema.field("iteration").type == pa.int32()
    assert t.schema.field("cuts_active").type == pa.int64()
    assert not t.schema.field("lower_bound").nullable and t.schema.field("gap_percent").nullable
    assert t.column("gap_percent").to_pylist()[1] is None


def test_timing_has_18_columns_and_overhead_residual():
    t = timing_table([rec(1)])
    assert t.num_columns == 18
    row = t.to_pylist()[0]
    assert row["rank"] == 0 and row["worker_id"] is None
    # rank rows carry rank-only phases; forward/backward wall times live on worker rows
    assert (row["forward_wall_ms"], row["backward_wall_ms"], row["cut_selection_ms"]) == (0, 0, 1)
    assert row["lower_bound_ms"] == 2 and row["overhead_ms"] == 0


def test_timing_worker_rows_follow_rank_rows():
    import dataclasses

    r1 = dataclasses.replace(rec(1), worker_forward_ms=(3.0, 4.0), worker_backward_ms=(6.0, 5.0))
    r2 = dataclasses.replace(rec(2), worker_forward_ms=(2.0, 2.0), worker_backward_ms=(1.0, 1.0))
    rows = timing_table([r1, r2]).to_pylist()
    assert [(r["iteration"], r["worker_id"]) for r in rows] == [
        (1, None),
        (2, None),
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
    ]
    assert rows[0]["forward_wall_ms"] == 0 and rows[0]["fwd_load_imbalance_ms"] == 0  # round(0.5)
    assert rows[0]["fwd_scheduling_overhead_ms"] == 1 and rows[0]["bwd_scheduling_overhead_ms"] == 1
    assert (rows[3]["forward_wall_ms"], rows[3]["backward_wall_ms"]) == (4, 5)


def test_solver_tables_and_forward_only_histogram():
    s = SolverStats()
    kw = dict(simplex_iterations=3, solve_ms=1.0, set_bounds_ms=0.0, basis_offered=True)
    s.record((1, "forward", 0, None, 0), ok=True, retry_attempts=0, retry_level=None, **kw)
    s.record((1, "forward", 0, None, 0), ok=True, retry_attempts=2, retry_level=1, **kw)
    s.record((1, "backward", 1, 4, 0), ok=True, retry_attempts=1, retry_level=0, **kw)
    it, hist = solver_tables(s)
    assert it.schema.field("iteration").type == pa.uint32()
    assert it.schema.field("simplex_iterations").type == pa.uint64()
    assert it.schema.field("opening").nullable
    rows = it.to_pylist()
    assert [(r["phase"], r["opening"]) for r in rows] == [("forward", None), ("backward", 4)]
    assert (
        rows[0]["lp_solves"] == 2 and rows[0]["lp_retries"] == 1 and rows[0]["retry_attempts"] == 2
    )
    assert rows[1]["lp_retries"] == 1
    assert hist.to_pylist() == [
        {"iteration": 1, "phase": "forward", "stage": 0, "retry_level": 1, "count": 1}
    ]
    assert hist.schema.field("count").type == pa.uint64()


def test_cut_selection_nullable_budget():
    t = cut_selection_table([SelectionRecord(5, 0, 6, 3, 0, 3, 0.1, None, None)])
    assert t.schema.field("budget_evicted").nullable
    assert t.to_pylist()[0]["budget_evicted"] is None


def test_write_training_outputs_layout(tmp_path):
    system = SimpleNamespace(
        hydros=[SimpleNamespace(id=3, name="H3", bus_id=0)],
        thermals=[SimpleNamespace(id=1, name="T1", bus_id=0)],
        buses=[SimpleNamespace(id=0, name="B0")],
        lines=[],
        study_stages=[SimpleNamespace(id=0), SimpleNamespace(id=1)],
        resolved=None,
    )
    outcome = SimpleNamespace(
        records=[rec(1), rec(2)],
        selection_records=[],
        solver_stats=SolverStats(),
        last=rec(2),
        converged=False,
        started_at="2026-01-01T00:00:00Z",
        completed_at="2026-01-01T00:00:01Z",
        total_time_ms=1000,
        seed=42,
        max_iterations=2,
        forward_passes=1,
        stopping_mode="any",
        policy_mode="fresh",
        iterations=2,
        termination_reason="iteration_limit",
        total_cuts_generated=2,
        total_cuts_active=2,
        peak_active=2,
        seed_configured=False,
        total_slots_populated=3,
    )
    root = write_training_outputs(tmp_path, outcome, system, n_state=2, version="0.1.0")
    meta = json.loads((root / "metadata.json").read_text())
    assert list(meta)[:4] == [
        "cobre_version",
        "hostname",
        "solver",
        "started_at",
    ]  # no solver_version
    assert meta["problem_dimensions"] == {
        "num_stages": 2,
        "num_hydros": 1,
        "num_thermals": 1,
        "num_buses": 1,
        "num_lines": 0,
    }
    assert "mpi_library" not in meta["distribution"]
    assert meta["configuration"]["seed"] is None  # tree_seed not configured
    assert meta["row_pool"] == {"total_generated": 3, "total_active": 2, "peak_active": 2}
    assert (root / "_SUCCESS").read_bytes() == b""
    assert not (root / "cut_selection").exists()
    sd = json.loads((root / "dictionaries" / "state_dictionary.json").read_text())
    # without max_ar_order only the storages are listed
    assert sd == {
        "state_variables": [
            {"entity_id": 3, "entity_type": "hydro", "type": "storage", "unit": "hm3"}
        ],
        "version": "1.0",
    }
    root = write_training_outputs(
        tmp_path, outcome, system, n_state=2, version="0.1.0", max_ar_order=[1]
    )
    text = (root / "dictionaries" / "state_dictionary.json").read_text()
    assert json.loads(text)["state_variables"] == [
        {"entity_id": 3, "entity_type": "hydro", "type": "storage", "unit": "hm3"},
        {
            "entity_id": 3,
            "entity_type": "hydro",
            "lag_index": 1,
            "type": "inflow_lag",
            "unit": "m3/s",
        },
    ]
    codes = (root / "dictionaries" / "codes.json").read_text()
    keys = list(json.loads(codes))
    assert keys == sorted(keys) and not codes.endswith("\n")
    assert json.loads(codes)["generated_at"].endswith("+00:00")
    assert (
        (root / "dictionaries" / "variables.csv")
        .read_text()
        .startswith(
            "file,column,type,unit,description,nullable\ncosts,stage_id,i32,,Stage index,false\n"
        )
    )
    bounds = pq.read_table(root / "dictionaries" / "bounds.parquet")
    assert bounds.schema.names == [
        "entity_type_code",
        "entity_id",
        "stage_id",
        "block_id",
        "bound_type_code",
        "bound_value",
    ]
    assert bounds.num_rows == 0  # no resolved arrays in this stub system
    ents = (root / "dictionaries" / "entities.csv").read_text().splitlines()
    assert ents == [
        "entity_type_code,entity_id,name,bus_id,system_id",
        "0,3,H3,0,0",
        "1,1,T1,0,0",
        "2,0,B0,0,0",
    ]
    assert pq.read_table(root / "convergence.parquet").num_rows == 2
