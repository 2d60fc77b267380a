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
