"""d01 warm start, resume and boundary cuts through pycobre.run.run (EXPECTED.md, other tests)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pycobre.errors import RunError
from pycobre.run import run

D01 = Path(__file__).resolve().parents[1] / "data" / "deterministic" / "d01-thermal-dispatch"
LB = 182_500.0


def _limit(n: int) -> dict:
    return {"training": {"stopping_rules": [{"type": "iteration_limit", "limit": n}]}}


def test_resume_keeps_absolute_iteration_count(tmp_path):
    first = run(D01, tmp_path, config_overrides=_limit(5))
    assert first["iterations"] == 5
    meta = json.loads((tmp_path / "policy" / "metadata.json").read_text())
    assert meta["completed_iterations"] == 5 and meta["state_dimension"] == 0
    res = run(D01, tmp_path, config_overrides={"policy": {"mode": "resume"}})
    assert res["iterations"] == 10
    assert res["lower_bound"] >= first["lower_bound"] - 1e-6
    assert res["lower_bound"] == pytest.approx(LB, abs=1e-6)


def test_warm_start_loads_cuts(tmp_path):
    run(D01, tmp_path, config_overrides=_limit(5))
    res = run(D01, tmp_path, config_overrides={"policy": {"mode": "warm_start"}})
    assert res["iterations"] == 10
    assert res["lower_bound"] >= LB - 1e-6
    meta = json.loads((tmp_path / "policy" / "metadata.json").read_text())
    assert meta["warm_start_counts"][0] > 0 and meta["warm_start_cuts"] > 0


def test_boundary_cuts_raise_the_bound(tmp_path):
    src = tmp_path / "src"
    run(D01, src, config_overrides=_limit(5))
    out = tmp_path / "out"
    out.mkdir()
    shutil.copytree(src / "policy", out / "boundary_policy")
    res = run(
        D01,
        out,
        config_overrides={"policy": {"boundary": {"path": "boundary_policy", "source_stage": 0}}},
    )
    assert res["lower_bound"] >= LB - 1e-6
    assert res["lower_bound"] == pytest.approx(LB + 91_250.0, abs=1e-6)


def test_warm_start_without_policy_is_an_error(tmp_path):
    with pytest.raises(RunError) as err:
        run(D01, tmp_path, config_overrides={"policy": {"mode": "warm_start"}})
    assert "Policy directory not found" in str(err.value)
    assert err.value.inner is not None


def test_simulation_only_reads_the_stored_policy(tmp_path):
    d02 = D01.parent / "d02-single-hydro"
    run(d02, tmp_path, config_overrides={"exports": {"states": True}})
    states = sorted((tmp_path / "policy" / "states").iterdir())
    assert [p.name for p in states] == ["stage_000.bin", "stage_001.bin"]
    meta = json.loads((tmp_path / "policy" / "metadata.json").read_text())
    assert meta["total_visited_states"] == 10  # only stage 0 (0..T-2) archives, M=1 per iteration
    res = run(
        d02,
        tmp_path,
        config_overrides={
            "training": {"enabled": False},
            "simulation": {"enabled": True, "num_scenarios": 2},
        },
    )
    assert res["iterations"] == 0 and res["gap_percent"] is None
    assert res["lower_bound"] == pytest.approx(23_635_000 / 9, abs=1e-4)
    assert res["simulation"] == {"n_scenarios": 2, "completed": 2}
    assert (tmp_path / "simulation" / "_SUCCESS").is_file()


@pytest.mark.parametrize(
    ("reference", "second"),
    [
        (
            "1dtoy_resume_m2_policy",
            {"training": {"forward_passes": 2}, "policy": {"mode": "resume"}, "limit": 6},
        ),
        (
            "1dtoy_warm_start_m3_policy",
            {
                "training": {"forward_passes": 3},
                "policy": {"mode": "warm_start"},
                "exports": {"states": True},
                "limit": 3,
            },
        ),
    ],
)
def test_pool_layout_after_warm_start_and_resume_matches_cobre(tmp_path, reference, second):
    """Slots, capacities, iteration labels, activity and cut ids equal Cobre's files.

    The cut *values* of the first iteration after loading may differ: the terminal-stage duals
    are degenerate and the solver path picks another vertex (spec 10 §12.1).
    """
    from pycobre.io.policy import read_policy

    toy = D01.parents[3] / "examples" / "1dtoy"
    ref_dir = D01.parents[2] / "interop" / "data" / reference
    first = {
        "training": {
            "forward_passes": 2,
            "stopping_rules": [{"type": "iteration_limit", "limit": 4}],
        },
        "simulation": {"enabled": False},
    }
    run(toy, tmp_path, config_overrides=first)
    overrides = {k: v for k, v in second.items() if k != "limit"}
    overrides["training"] = {
        **second["training"],
        "stopping_rules": [{"type": "iteration_limit", "limit": second["limit"]}],
    }
    overrides["simulation"] = {"enabled": False}
    res = run(toy, tmp_path, config_overrides=overrides)
    mine, ref = read_policy(tmp_path / "policy"), read_policy(ref_dir)
    assert res["upper_bound"] == pytest.approx(ref.metadata.best_upper_bound, rel=1e-12)
    skip = {"cobre_version", "created_at", "final_lower_bound", "best_upper_bound"}
    assert {k: v for k, v in mine.metadata.to_dict().items() if k not in skip} == {
        k: v for k, v in ref.metadata.to_dict().items() if k not in skip
    }
    for a, b in zip(mine.cuts, ref.cuts, strict=True):
        assert (a.capacity, a.warm_start_count, a.populated_count) == (
            b.capacity,
            b.warm_start_count,
            b.populated_count,
        )
        assert a.iterations.tolist() == b.iterations.tolist()
        assert a.is_active.tolist() == b.is_active.tolist()
        assert a.cut_ids.tolist() == b.cut_ids.tolist()
        # the records loaded from the first run are Cobre's to machine precision
        n = a.warm_start_count
        assert a.intercepts[:n] == pytest.approx(b.intercepts[:n], rel=1e-9, abs=1e-6)
    if ref.states is not None:
        assert [s.count for s in mine.states] == [s.count for s in ref.states]


# -- policies written by Cobre 0.5.1, simulated by pycobre (benchmarks/interop_policy_modes.py) --
INTEROP = D01.parents[2] / "interop" / "data"
OPTIMA = {
    "d02-single-hydro": 23_635_000 / 9,
    "d03-two-hydro-cascade": 4_171_000 / 3,
    "d04-transmission": 5_263_443_883 / 657,
}


def _mean_simulated_cost(out: Path) -> float:
    import pyarrow.parquet as pq

    totals = []
    for part in sorted((out / "simulation" / "costs").glob("scenario_id=*/data.parquet")):
        t = pq.read_table(part, columns=["immediate_cost", "discount_factor"]).to_pydict()
        totals.append(
            sum(c * d for c, d in zip(t["immediate_cost"], t["discount_factor"], strict=True))
        )
    assert len(totals) == 3
    return sum(totals) / len(totals)


@pytest.mark.parametrize("case", sorted(OPTIMA))
def test_cobre_policy_simulated_by_pycobre_reaches_the_optimum(tmp_path, case):
    short = case[:3]
    shutil.copytree(INTEROP / f"{short}_cobre_policy", tmp_path / "policy")
    meta = json.loads((tmp_path / "policy" / "metadata.json").read_text())
    assert meta["cobre_version"] == "0.5.1" and meta["completed_iterations"] == 10
    res = run(
        D01.parent / case,
        tmp_path,
        config_overrides={
            "training": {"enabled": False},
            "simulation": {"enabled": True, "num_scenarios": 3},
        },
    )
    assert res["iterations"] == 0
    assert res["lower_bound"] == meta["final_lower_bound"]
    assert _mean_simulated_cost(tmp_path) == pytest.approx(OPTIMA[case], rel=1e-12)


def test_cobre_d03_policy_is_degenerate_off_its_training_vertex():
    """Why Cobre's own simulation-only run of this policy gives 1,847,527.78 (not the optimum).

    Cobre's d03 cuts value the stage-0 decision "turbine upstream water first" (upstream storage
    72.202 hm3) exactly like the optimal one (105.12 hm3): both give theta = 365 k$ and the same
    immediate cost, because no stored cut prices upstream storage alone. A cold-started simplex
    picks the former; starting from the stored ``basis/stage_000.bin`` keeps the training vertex.
    """
    from pycobre.io import load_case
    from pycobre.io.policy import read_policy
    from pycobre.sddp.checkpoint import stored_bases
    from pycobre.sddp.simulation import simulate

    system = load_case(D01.parent / "d03-two-hydro-cascade")
    policy = read_policy(INTEROP / "d03_cobre_policy")
    cold = simulate(system, policy, num_scenarios=1)
    warm = simulate(system, policy, num_scenarios=1, bases=stored_bases(policy, _templates(system)))
    assert float(cold.costs[0]) == pytest.approx(1_847_527.7777777778, rel=1e-12)
    assert float(warm.costs[0]) == pytest.approx(OPTIMA["d03-two-hydro-cascade"], rel=1e-12)


def _templates(system):
    from pycobre.lp import build_stage_templates
    from pycobre.stochastic import build_stochastic_model

    return list(build_stage_templates(system, build_stochastic_model(system)))


@pytest.mark.parametrize("case", sorted(OPTIMA))
def test_basis_num_cut_rows_is_the_pool_size_at_write_time(tmp_path, case):
    """Spec 05 §3.1: ``num_cut_rows`` = min(populated, capacity), terminal 0 — as Cobre writes."""
    from pycobre.io.policy import read_policy

    run(D01.parent / case, tmp_path, config_overrides={"simulation": {"enabled": False}})
    mine = read_policy(tmp_path / "policy")
    ref = read_policy(INTEROP / f"{case[:3]}_cobre_policy")
    got = [b.num_cut_rows for b in mine.bases]
    assert got == [b.num_cut_rows for b in ref.bases]
    assert got == [c.populated_count for c in mine.cuts[:-1]] + [0]
    assert got[0] == 11  # 10 iterations x 1 forward pass + the empty slot 0
