"""4ree: CVaR lower bounds of spec 12 §10 and worker-count independence (spec 21 §7)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from pycobre.run import prepare
from pycobre.sddp.training import train

REE = Path(__file__).resolve().parents[2] / "examples" / "4ree"


def _cvar_case(tmp_path: Path, lam: float) -> Path:
    case = tmp_path / "case"
    shutil.copytree(REE, case)
    stages = json.loads((case / "stages.json").read_text())
    for s in stages["stages"]:
        s["risk_measure"] = {"cvar": {"alpha": 0.5, "lambda": lam}}
    (case / "stages.json").write_text(json.dumps(stages))
    return case


def _train(case: Path, limit: int, threads: int = 1):
    ctx = prepare(
        case, {"training": {"stopping_rules": [{"type": "iteration_limit", "limit": limit}]}}
    )
    out = train(ctx.system, stochastic=ctx.stochastic, templates=ctx.templates, threads=threads)
    if out.error is not None:
        raise out.error
    return out


@pytest.mark.parametrize(("lam", "lb1"), [(0.5, 78_919_558_879.879), (1.0, 88_595_187_164.075)])
def test_cvar_first_iteration(tmp_path, lam, lb1):
    out = _train(_cvar_case(tmp_path, lam), 1)
    assert out.records[0].lower_bound == pytest.approx(lb1, rel=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize(("lam", "lb40"), [(0.5, 79_020_451_198.44), (1.0, 88_699_744_705.07)])
def test_cvar_forty_iterations(tmp_path, lam, lb40):
    out = _train(_cvar_case(tmp_path, lam), 40)
    assert out.records[-1].lower_bound == pytest.approx(lb40, rel=1e-4)


def test_two_workers_give_identical_results():
    one = _train(REE, 3, threads=1)
    two = _train(REE, 3, threads=2)
    assert [r.lower_bound for r in one.records] == [r.lower_bound for r in two.records]
    assert [r.upper_bound_mean for r in one.records] == [r.upper_bound_mean for r in two.records]
    assert [r.lp_solves for r in one.records] == [r.lp_solves for r in two.records]
    for a, b in zip(one.pools, two.pools, strict=True):
        np.testing.assert_array_equal(a.intercepts, b.intercepts)
        np.testing.assert_array_equal(a.coefs, b.coefs)
    # solver counters agree per (iteration, phase, stage, opening) once summed over workers
    assert _counters(one) == _counters(two)
    assert {k[4] for k in two.solver_stats.rows if k[1] == "backward"} == {0, 1}
    assert {k[4] for k in two.solver_stats.rows if k[1] != "backward"} == {None}


def _counters(outcome) -> dict:
    out: dict = {}
    for (it, phase, stage, opening, _worker), c in outcome.solver_stats.rows.items():
        key = (it, phase, stage, opening)
        prev = out.get(key, (0, 0, 0))
        out[key] = (prev[0] + c.lp_solves, prev[1] + c.simplex_iterations, prev[2] + c.lp_retries)
    return out
