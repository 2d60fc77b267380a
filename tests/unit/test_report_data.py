"""Data extraction behind the report: scenario costs, categories, statistics, fans, deficit.

Output trees are built in ``tmp_path`` with the spec 04 schemas and hand-chosen numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pycobre.io.output.simulation_schemas import SIMULATION_SCHEMAS
from pycobre.report.cost_stats import category_totals, cost_stats, read_costs
from pycobre.report.fan_data import deficit_risk, spot_price_fan, storage_fan
from pycobre.report.number_format import rust_sci


def write_partition(sim: Path, entity: str, scenario: int, rows: list[dict]) -> None:
    """One ``scenario_id=NNNN/data.parquet`` with the entity's schema; unset columns are 0."""
    schema = SIMULATION_SCHEMAS[entity]
    cols = {}
    for field in schema:
        default = None if field.nullable and field.name == "block_id" else 0
        if pa.types.is_boolean(field.type):
            default = False
        cols[field.name] = [r.get(field.name, default) for r in rows]
    path = sim / entity / f"scenario_id={scenario:04d}" / "data.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(cols, schema=schema), path)


def test_rust_scientific_format_matches_cobre_summary():
    assert rust_sci(48500.0) == "4.85000e4"
    assert rust_sci(250.0) == "2.50000e2"
    assert rust_sci(0.0) == "0.00000e0"
    assert rust_sci(-0.00123) == "-1.23000e-3"
    assert rust_sci(2605295.1210092693) == "2.60530e6"


def test_scenario_cost_is_discounted_sum_of_immediate_costs(tmp_path):
    sim = tmp_path / "simulation"
    # scenario 0: 100 + 0.5*200 = 200 ; scenario 1: 300 + 0.5*0 = 300
    for s, (c0, c1) in enumerate([(100.0, 200.0), (300.0, 0.0)]):
        write_partition(sim, "costs", s, [
            {"stage_id": 0, "immediate_cost": c0, "discount_factor": 1.0, "thermal_cost": c0,
             "total_cost": 999.0},
            {"stage_id": 1, "immediate_cost": c1, "discount_factor": 0.5, "deficit_cost": c1},
        ])
    costs = read_costs(sim)
    np.testing.assert_allclose(costs.total, [200.0, 300.0])
    np.testing.assert_allclose(costs.stage_cost, [[100.0, 100.0], [300.0, 0.0]])
    # categories are undiscounted sums over stages
    cats = category_totals(costs)
    np.testing.assert_allclose(cats["resource"], [100.0, 300.0])
    np.testing.assert_allclose(cats["recourse"], [200.0, 0.0])
    stats = cost_stats(costs.total, cats)
    assert stats.mean == pytest.approx(250.0)
    assert stats.std == pytest.approx(np.sqrt(5000.0))  # sample std of (200, 300)
    assert stats.cvar == pytest.approx(300.0)  # S=2: tail = 2 - floor(1.9) = 1
    assert stats.categories["recourse"] == {"mean": 100.0, "max": 200.0, "frequency": 0.5}
    assert stats.ci_95_half_width == pytest.approx(1.96 * np.sqrt(5000.0) / np.sqrt(2.0))


def test_category_conformance_example_of_spec_13(tmp_path):
    sim = tmp_path / "simulation"
    values = {"thermal_cost": 400, "contract_cost": 100, "deficit_cost": 50, "excess_cost": 10,
              "storage_violation_cost": 20, "filling_target_cost": 30,
              "hydro_violation_cost": 5, "inflow_penalty_cost": 3,
              "generic_violation_cost": 2, "spillage_cost": 1, "fpha_turbined_cost": 4,
              "curtailment_cost": 7, "exchange_cost": 8, "pumping_cost": 60}
    write_partition(sim, "costs", 0, [{"stage_id": 0, "discount_factor": 1.0,
                                       **{k: float(v) for k, v in values.items()}}])
    cats = category_totals(read_costs(sim))
    assert {k: float(v[0]) for k, v in cats.items()} == {
        "resource": 500.0, "recourse": 60.0, "violation": 60.0, "regularization": 20.0,
        "imputed": 60.0}


def test_cost_stats_single_scenario_and_cvar_tail_of_100():
    one = cost_stats(np.array([100.0]), {})
    assert (one.mean, one.std, one.cvar, one.ci_95_half_width) == (100.0, 0.0, 100.0, 0.0)
    many = cost_stats(np.arange(1.0, 101.0), {})
    assert many.cvar == pytest.approx(98.0)  # mean of the worst 5: 96..100
    assert (many.min, many.max, many.n_scenarios) == (1.0, 100.0, 100)


def test_storage_fan_percentiles_and_initial_storage(tmp_path):
    sim = tmp_path / "simulation"
    for s, final in enumerate([10.0, 20.0, 30.0, 40.0, 50.0]):
        # two blocks per stage carry the same end-of-stage storage
        write_partition(sim, "hydros", s, [
            {"stage_id": 0, "block_id": b, "hydro_id": 7, "storage_initial_hm3": 80.0,
             "storage_final_hm3": final} for b in (0, 1)])
    fan = storage_fan(sim)
    assert list(fan.entities) == [7]
    # linear interpolation: p5 = 10 + 0.2*10, p25 = 20, p50 = 30, p75 = 40, p95 = 48
    np.testing.assert_allclose(fan.bands[:, 0, 0], [12.0, 20.0, 30.0, 40.0, 48.0])
    assert fan.mean[0, 0] == pytest.approx(30.0)
    assert fan.start[0] == pytest.approx(80.0)


def test_spot_price_is_hour_weighted_over_blocks(tmp_path):
    sim = tmp_path / "simulation"
    # block 0: 100 h at 10 $/MWh, block 1: 300 h at 50 $/MWh -> (1000 + 15000) / 400 = 40
    write_partition(sim, "buses", 0, [
        {"stage_id": 0, "block_id": 0, "bus_id": 1, "load_mw": 2.0, "load_mwh": 200.0,
         "spot_price": 10.0},
        {"stage_id": 0, "block_id": 1, "bus_id": 1, "load_mw": 2.0, "load_mwh": 600.0,
         "spot_price": 50.0},
    ])
    fan = spot_price_fan(sim)
    assert fan.bands[2, 0, 0] == pytest.approx(40.0)


def test_deficit_risk_per_stage_and_horizon(tmp_path):
    sim = tmp_path / "simulation"
    deficits = [(0.0, 5.0), (0.0, 0.0), (3.0, 1.0), (0.0, 0.0)]  # (stage 0, stage 1) MWh
    for s, (d0, d1) in enumerate(deficits):
        write_partition(sim, "buses", s, [
            {"stage_id": t, "block_id": 0, "bus_id": 0, "deficit_mwh": d} for t, d in
            enumerate((d0, d1))])
    risk = deficit_risk(sim)
    np.testing.assert_allclose(risk.probability[:, 0], [0.25, 0.5])
    np.testing.assert_allclose(risk.expected_mwh[:, 0], [0.75, 1.5])
    assert risk.any_probability[0] == pytest.approx(0.5)
    assert risk.expected_total_mwh[0] == pytest.approx(2.25)
    assert risk.max_total_mwh[0] == pytest.approx(5.0)
    assert risk.n_scenarios == 4


def test_missing_tables_give_none(tmp_path):
    sim = tmp_path / "simulation"
    (sim / "hydros").mkdir(parents=True)  # directory created but no partition written
    assert storage_fan(sim) is None
    assert read_costs(sim) is None
    assert deficit_risk(sim) is None
