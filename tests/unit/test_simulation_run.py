"""End-to-end simulation (spec 13) on the deterministic cases, checked against Cobre's outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from pycobre.errors import PolicyIncompatibleError

ROOT = Path(__file__).parents[2]
CASES = ROOT / "tests" / "data" / "deterministic"
REFERENCE = ROOT / "tests" / "interop" / "data" / "simulation_reference"


def _trained(case: str):
    from pycobre.io import load_case
    from pycobre.lp import build_stage_templates
    from pycobre.sddp.training import train
    from pycobre.stochastic import build_stochastic_model

    system = load_case(CASES / case)
    stoch = build_stochastic_model(system)
    templates = build_stage_templates(system, stoch)
    return system, stoch, templates, train(system, stochastic=stoch, templates=templates)


@pytest.fixture(scope="module")
def d02():
    return _trained("d02-single-hydro")


@pytest.fixture(scope="module")
def d04():
    return _trained("d04-transmission")


def _simulate(trained, **kw):
    from pycobre.sddp.simulation import simulate

    system, stoch, templates, outcome = trained
    kw.setdefault("policy", outcome)
    return simulate(system, kw.pop("policy"), stochastic=stoch, templates=templates, **kw)


def test_d02_simulated_cost_equals_optimum(d02):
    sim = _simulate(d02, num_scenarios=2)
    assert sim.scenario_ids.tolist() == [0, 1]
    assert sim.scenario_costs == pytest.approx([23_635_000 / 9] * 2, abs=1e-2)
    assert sim.summary.mean_cost == pytest.approx(23_635_000 / 9, abs=1e-2)
    assert sim.summary.std_cost == pytest.approx(0.0, abs=1e-6)
    costs = sim.tables[0]["costs"].to_pydict()
    # stage 0: thermal 80-38.05... MW; future cost = stage 1 cost (no discounting)
    assert costs["future_cost"][0] == pytest.approx(1_095_000.0, abs=1e-3)
    assert costs["immediate_cost"][0] == pytest.approx(23_635_000 / 9 - 1_095_000.0, abs=1e-2)
    assert costs["discount_factor"] == [1.0, 1.0]
    hydro = sim.tables[0]["hydros"].to_pydict()
    assert hydro["storage_final_hm3"][0] == pytest.approx(105.12, abs=1e-6)
    assert hydro["storage_initial_hm3"][1] == pytest.approx(105.12, abs=1e-6)
    # category totals are undiscounted sums: all cost is thermal
    assert sim.category_costs[0].tolist() == pytest.approx([23_635_000 / 9, 0, 0, 0, 0], abs=1e-2)


@pytest.mark.parametrize("table", ["costs", "buses", "exchanges", "thermals", "hydros"])
def test_d04_matches_cobre_partition(d04, table):
    sim = _simulate(d04, num_scenarios=1)
    ref = pq.read_table(REFERENCE / "d04-transmission" / table / "data.parquet")
    mine = sim.tables[0][table]
    assert mine.schema.equals(ref.schema.remove_metadata())
    assert mine.num_rows == ref.num_rows
    for name in ref.column_names:
        a = np.array(ref.column(name).to_pylist(), dtype=float)
        b = np.array(mine.column(name).to_pylist(), dtype=float)
        np.testing.assert_allclose(b, a, rtol=1e-7, atol=1e-6, err_msg=f"{table}.{name}")


def test_d04_spot_price_and_water_value(d04):
    sim = _simulate(d04, num_scenarios=1)
    buses = sim.tables[0]["buses"].to_pydict()
    stage0_bus1 = [
        p
        for s, b, p in zip(buses["stage_id"], buses["bus_id"], buses["spot_price"], strict=True)
        if s == 0 and b == 1
    ]
    assert stage0_bus1 == pytest.approx([1000.0])
    hydros = sim.tables[0]["hydros"].to_pydict()
    wv = [
        v
        for s, h, v in zip(
            hydros["stage_id"], hydros["hydro_id"], hydros["water_value_per_hm3"], strict=True
        )
        if s == 0 and h == 1
    ]
    assert wv == pytest.approx([-277_777.78], abs=0.01)


def test_results_independent_of_threads(d04):
    one = _simulate(d04, num_scenarios=3, threads=1)
    two = _simulate(d04, num_scenarios=3, threads=2)
    assert one.scenario_costs.tolist() == two.scenario_costs.tolist()
    for j in range(3):
        for name, table in one.tables[j].items():
            assert table.equals(two.tables[j][name]), (j, name)


def test_output_tree(d04, tmp_path):
    sim = _simulate(d04, num_scenarios=2, output_dir=tmp_path)
    assert sim.tables == {}  # streamed to disk, not kept
    root = tmp_path / "simulation"
    assert (root / "_SUCCESS").read_bytes() == b""
    for table in ("costs", "buses", "exchanges", "thermals", "hydros"):
        for j in (0, 1):
            assert (root / table / f"scenario_id={j:04d}" / "data.parquet").is_file()
    assert (root / "inflow_lags").is_dir() and not any((root / "inflow_lags").iterdir())
    solver = pq.read_table(root / "solver" / "iterations.parquet").to_pydict()
    assert solver["iteration"] == [0, 1] and solver["phase"] == ["simulation"] * 2
    assert solver["stage"] == [-1, -1] and solver["rank"] == [None, None]
    assert solver["lp_solves"] == [2, 2]


def test_simulation_only_from_policy_files(d02, tmp_path):
    from pycobre.io.policy import PolicyData, PolicyMetadata, read_policy, write_policy
    from pycobre.io.policy.pool_records import stage_cuts_from_pool

    system, stoch, templates, outcome = d02
    T = len(outcome.pools)
    cuts = [stage_cuts_from_pool(p, t, 1, terminal=t == T - 1) for t, p in enumerate(outcome.pools)]
    meta = PolicyMetadata(
        "0.1.0", "2026-01-01T00:00:00Z", 10, 1.0, None, 1, T, 10, 1, 0, [0] * T, 42
    )
    write_policy(tmp_path / "policy", PolicyData(meta, cuts, [None] * T))
    policy = read_policy(tmp_path / "policy")
    from_files = _simulate(d02, policy=policy, num_scenarios=1)
    assert from_files.scenario_costs == pytest.approx([23_635_000 / 9], abs=1e-2)
    policy.metadata.state_dimension = 2
    with pytest.raises(
        PolicyIncompatibleError,
        match="state_dimension mismatch: policy has 2, current system has 1",
    ):
        _simulate(d02, policy=policy, num_scenarios=1)


def test_1dtoy_summary_matches_cobre():
    """Spec 13 §6 reference statistics (Cobre 0.5.1, 128 iterations, 100 scenarios)."""
    from pycobre.io import load_case
    from pycobre.lp import build_stage_templates
    from pycobre.sddp.simulation import simulate
    from pycobre.sddp.training import train
    from pycobre.stochastic import build_stochastic_model

    system = load_case(ROOT / "examples" / "1dtoy")
    stoch = build_stochastic_model(system)
    templates = build_stage_templates(system, stoch)
    outcome = train(system, stochastic=stoch, templates=templates)
    sim = simulate(system, outcome, stochastic=stoch, templates=templates, keep_tables=False)
    s = sim.summary
    assert s.n_scenarios == 100  # config.simulation.num_scenarios
    assert s.mean_cost == pytest.approx(2_463_357.956469, abs=1e-3)
    assert s.std_cost == pytest.approx(4_767_158.621824, abs=1e-3)
    assert s.min_cost == pytest.approx(538_324.730499, abs=1e-3)
    assert s.max_cost == pytest.approx(26_112_517.245629, abs=1e-2)
    assert s.cvar == pytest.approx(19_635_821.423542, abs=1e-2)


def test_progress_and_result_aliases(d02):
    seen = []
    sim = _simulate(
        d02, num_scenarios=3, threads=2, progress=lambda done, total: seen.append((done, total))
    )
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    assert (sim.scenarios, sim.completed) == (3, 3)
    assert sim.costs is sim.scenario_costs and sim.mean_cost == sim.summary.mean_cost


def test_written_partitions_read_back_identically(d04, tmp_path):
    from pycobre.results import load_simulation_arrow

    kept = _simulate(d04, num_scenarios=2)
    _simulate(d04, num_scenarios=2, output_dir=tmp_path)
    for table in ("costs", "hydros", "exchanges"):
        back = load_simulation_arrow(tmp_path, table)
        assert back.column("scenario_id").to_pylist()[0] == 0
        for j in (0, 1):
            mine = kept.tables[j][table]
            part = back.filter(back.column("scenario_id").to_numpy() == j).drop_columns(
                ["scenario_id"]
            )
            assert part.equals(mine), (table, j)
