"""Simulation output tree and table schemas (spec 04 §1, §2, §4)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _sim_quantities import HYDRO_BLOCK_QUANTITIES

from pycobre.io.output.simulation import (
    EntityCounts,
    SimulationWriter,
    entity_dirs_for,
    partition_dir_name,
    simulation_metadata,
)
from pycobre.io.output.simulation_rows import ScenarioTables, StageLayout, build_table, stage_rows
from pycobre.io.output.simulation_schemas import (
    COSTS_COMPONENT_COLUMNS,
    SIMULATION_SCHEMAS,
    SOLVER_ITERATIONS_SCHEMA,
)

REFERENCE = Path(__file__).parents[1] / "interop" / "data" / "simulation_reference"


def test_column_counts_match_spec():
    counts = {k: len(s) for k, s in SIMULATION_SCHEMAS.items()}
    assert counts == {
        "costs": 26,
        "hydros": 31,
        "thermals": 10,
        "exchanges": 11,
        "buses": 10,
        "pumping_stations": 9,
        "contracts": 8,
        "non_controllables": 10,
        "inflow_lags": 4,
        "violations/generic": 5,
    }
    for name, schema in SIMULATION_SCHEMAS.items():
        if name != "inflow_lags":
            assert schema.field("block_id").nullable and schema.field("block_id").type == pa.int32()
    assert not any(f.nullable for f in SIMULATION_SCHEMAS["inflow_lags"])


@pytest.mark.parametrize(
    "entity_file",
    sorted(p for p in REFERENCE.rglob("data.parquet")),
    ids=lambda p: p.relative_to(REFERENCE).parent.as_posix(),
)
def test_schema_equals_cobre_file(entity_file):
    """Each table schema equals the one in a partition written by Cobre 0.5.1."""
    entity = "/".join(entity_file.relative_to(REFERENCE).parts[1:-1])  # <case>/<table>/data
    ref = pq.read_schema(entity_file).remove_metadata()
    assert ref.equals(SIMULATION_SCHEMAS[entity])


def test_solver_schema_equals_cobre_file():
    ref = pq.read_schema(REFERENCE / "d04-transmission" / "solver_iterations.parquet")
    assert ref.remove_metadata().equals(SOLVER_ITERATIONS_SCHEMA)


def _layout() -> StageLayout:
    return StageLayout(
        stage_index=3,
        hours=np.array([10.0, 20.0]),
        hydro_ids=np.array([4, 7]),
        thermal_ids=np.array([1]),
        line_ids=np.array([2]),
        line_loss_fraction=np.array([0.05]),
        bus_ids=np.array([0]),
        ncs_ids=np.array([9]),
        pumping_ids=np.array([5]),
        contract_ids=np.array([6, 8]),
        n_lag_rows=2,
    )


def _q() -> dict[str, np.ndarray]:
    nk = np.array([[1.0, 2.0], [3.0, 4.0]])
    n1 = np.array([10.0, 20.0])
    q = {
        f"hydro_{k}": nk
        for k in HYDRO_BLOCK_QUANTITIES
    }
    for k in (
        "evaporation_m3s",
        "inflow_m3s",
        "storage_initial_hm3",
        "storage_final_hm3",
        "water_value_per_hm3",
        "evaporation_violation_pos_m3s",
        "evaporation_violation_neg_m3s",
        "inflow_nonnegativity_slack_m3s",
        "withdrawal_violation_pos_m3s",
        "withdrawal_violation_neg_m3s",
    ):
        q[f"hydro_{k}"] = n1
    q["hydro_productivity_mw_per_m3s"] = np.array([0.9, np.nan])  # second hydro FPHA
    one = np.array([[5.0, 6.0]])
    q.update(
        thermal_generation_mw=one,
        thermal_generation_cost=one * 100,
        line_direct_flow_mw=np.array([[10.0, 0.0]]),
        line_reverse_flow_mw=np.array([[0.0, 4.0]]),
        line_exchange_cost=np.zeros((1, 2)),
        bus_load_mw=np.array([[50.0, 60.0]]),
        bus_deficit_mw=np.array([[1.0, 0.0]]),
        bus_excess_mw=np.zeros((1, 2)),
        bus_spot_price=np.array([[100.0, 200.0]]),
        ncs_generation_mw=np.array([[3.0, 3.0]]),
        ncs_available_mw=np.array([[5.0, 3.0]]),
        ncs_curtailment_mw=np.array([[2.0, 0.0]]),
        ncs_curtailment_cost=np.array([[20.0, 0.0]]),
        generic_constraint_id=np.array([11, 11]),
        generic_block_id=np.array([0, 1]),
        generic_slack_value=np.array([0.5, -0.25]),
        generic_slack_cost=np.array([5.0, 2.5]),
    )
    return q


def _costs() -> dict[str, float]:
    c = {"total_cost": 30.0, "immediate_cost": 10.0, "future_cost": 20.0, "discount_factor": 0.9}
    c["thermal_cost"] = 10.0
    return c


def _tables():
    x_in = np.array([100.0, 200.0, 1.0, 2.0, 3.0, 4.0])  # storages, lag 1 (h0,h1), lag 2
    acc = ScenarioTables()
    acc.add(stage_rows(_layout(), _q(), x_in=x_in, costs=_costs()))
    return acc.tables()


def test_stage_rows_order_and_derived_columns():
    t = _tables()
    h = t["hydros"].to_pydict()
    assert h["hydro_id"] == [4, 4, 7, 7] and h["block_id"] == [0, 1, 0, 1]
    assert h["stage_id"] == [3] * 4
    assert h["outflow_m3s"] == [2.0, 4.0, 6.0, 8.0]
    assert h["generation_mwh"] == [10.0, 40.0, 30.0, 80.0]  # MW x block hours
    assert h["storage_initial_hm3"] == [10.0, 10.0, 20.0, 20.0]  # stage-level repeated
    assert h["inflow_m3s"] == h["incremental_inflow_m3s"] == [10.0, 10.0, 20.0, 20.0]
    assert h["productivity_mw_per_m3s"] == [0.9, 0.9, None, None]
    assert h["operative_state_code"] == [1] * 4 and h["storage_binding_code"] == [0] * 4
    ex = t["exchanges"].to_pydict()
    assert ex["net_flow_mw"] == [10.0, -4.0] and ex["net_flow_mwh"] == [100.0, -80.0]
    assert ex["losses_mw"] == pytest.approx([0.5, 0.2])
    assert ex["losses_mwh"] == pytest.approx([5.0, 4.0])
    assert ex["operative_state_code"] == [2, 2]
    b = t["buses"].to_pydict()
    assert b["load_mwh"] == [500.0, 1200.0] and b["deficit_mwh"] == [10.0, 0.0]
    th = t["thermals"].to_pydict()
    assert th["is_gnl"] == [False, False] and th["gnl_committed_mw"] == [None, None]
    nc = t["non_controllables"].to_pydict()
    assert nc["curtailment_mwh"] == [20.0, 0.0] and nc["non_controllable_id"] == [9, 9]


def test_costs_and_placeholder_rows_have_null_block():
    t = _tables()
    c = t["costs"].to_pydict()
    assert c["block_id"] == [None] and c["stage_id"] == [3]
    assert c["discount_factor"] == [0.9] and c["thermal_cost"] == [10.0]
    assert c["pumping_cost"] == [0.0]
    assert t["costs"].schema.names[6:] == list(COSTS_COMPONENT_COLUMNS)
    p = t["pumping_stations"].to_pydict()
    assert p["block_id"] == [None] and p["pumping_station_id"] == [5]
    assert p["operative_state_code"] == [1] and p["pumped_volume_hm3"] == [0.0]
    ct = t["contracts"].to_pydict()
    assert ct["contract_id"] == [6, 8] and ct["power_mw"] == [0.0, 0.0]


def test_inflow_lags_and_generic_rows():
    t = _tables()
    lags = t["inflow_lags"].to_pydict()
    assert lags["hydro_id"] == [4, 4, 7, 7]
    assert lags["lag_index"] == [0, 1, 0, 1]
    assert lags["inflow_m3s"] == [1.0, 3.0, 2.0, 4.0]  # lag-major state -> (hydro, lag) rows
    g = t["violations/generic"].to_pydict()
    assert g == {
        "stage_id": [3, 3],
        "block_id": [0, 1],
        "constraint_id": [11, 11],
        "slack_value": [0.5, -0.25],
        "slack_cost": [5.0, 2.5],
    }
    for name, table in t.items():
        assert table.schema.equals(SIMULATION_SCHEMAS[name]), name


def test_two_stages_concatenate_in_stage_order():
    acc = ScenarioTables()
    for stage in (0, 1):
        lay = StageLayout(
            stage, np.array([1.0]), *(np.zeros(0, np.int64) for _ in range(2)),
            np.zeros(0, np.int64), np.zeros(0), np.array([0]), np.zeros(0, np.int64),
        )  # fmt: skip
        q = {
            "bus_load_mw": np.array([[stage + 1.0]]),
            "bus_deficit_mw": np.zeros((1, 1)),
            "bus_excess_mw": np.zeros((1, 1)),
            "bus_spot_price": np.zeros((1, 1)),
        }
        acc.add(stage_rows(lay, q, x_in=np.zeros(0), costs=_costs()))
    t = acc.tables()
    assert t["buses"].column("stage_id").to_pylist() == [0, 1]
    assert t["costs"].column("stage_id").to_pylist() == [0, 1]
    assert set(t) == {"costs", "buses"}


def test_build_table_rejects_missing_required_column():
    with pytest.raises(ValueError, match="column hydro_id is required"):
        build_table("hydros", {"stage_id": np.zeros(1)}, 1)


def test_entity_dirs_rules():
    assert entity_dirs_for(EntityCounts(thermals=1, buses=1)) == ["costs", "thermals", "buses"]
    full = entity_dirs_for(EntityCounts(1, 1, 1, 1, 1, 1, 1, 1))
    assert full == list(SIMULATION_SCHEMAS)
    assert "inflow_lags" in entity_dirs_for(EntityCounts(hydros=2))


def test_partition_name():
    assert partition_dir_name(7) == "scenario_id=0007"
    assert partition_dir_name(12345) == "scenario_id=12345"


def test_writer_layout_and_marker_last(tmp_path):
    w = SimulationWriter(tmp_path, ["costs", "hydros", "inflow_lags", "buses"])
    (tmp_path / "simulation" / "costs" / "scenario_id=0099").mkdir(parents=True)  # stale
    (tmp_path / "simulation" / "_SUCCESS").write_text("")
    w.prepare()
    assert not (tmp_path / "simulation" / "_SUCCESS").exists()
    assert not (tmp_path / "simulation" / "costs" / "scenario_id=0099").exists()
    tables = _tables()
    tables["inflow_lags"] = tables["inflow_lags"].slice(0, 0)  # empty -> no partition
    w.write_scenario(0, {k: tables[k] for k in ("costs", "hydros", "inflow_lags", "buses")})
    meta = simulation_metadata(
        version="0.1.0",
        started_at="2026-01-01T00:00:00Z",
        completed_at="2026-01-01T00:00:01Z",
        duration_seconds=1.0,
        total=1,
        completed=1,
        hostname="h",
        solver_version="1.13.1",
    )
    w.finish(meta)
    root = tmp_path / "simulation"
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == [
        "_SUCCESS",
        "buses/scenario_id=0000/data.parquet",
        "costs/scenario_id=0000/data.parquet",
        "hydros/scenario_id=0000/data.parquet",
        "metadata.json",
    ]
    assert (root / "inflow_lags").is_dir()
    back = pq.read_table(root / "hydros" / "scenario_id=0000" / "data.parquet")
    assert back.schema.remove_metadata().equals(SIMULATION_SCHEMAS["hydros"])
    assert "scenario_id" not in back.column_names
    assert (root / "_SUCCESS").stat().st_mtime_ns >= (root / "metadata.json").stat().st_mtime_ns
    doc = json.loads((root / "metadata.json").read_text())
    assert list(doc) == list(
        json.loads((REFERENCE / "d04-transmission" / "metadata.json").read_text())
    )
    assert doc["scenarios"] == {"total": 1, "completed": 1, "failed": 0}
