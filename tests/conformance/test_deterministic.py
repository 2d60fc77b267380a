"""d01–d15 reach the hand-derived optima of tests/data/deterministic/EXPECTED.md (training only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pycobre.run import prepare
from pycobre.sddp.training import train

DATA = Path(__file__).resolve().parents[1] / "data" / "deterministic"
D02 = 23_635_000 / 9

# case -> (expected LB or None, absolute tolerance, gap tolerance)
CASES = {
    "d01-thermal-dispatch": (182_500.0, 1e-6, 1e-6),
    "d02-single-hydro": (D02, 1e-4, 1e-6),
    "d03-two-hydro-cascade": (4_171_000 / 3, 1e-4, 1e-6),
    "d04-transmission": (5_263_443_883 / 657, 1e-4, 1e-6),
    "d05-fpha-constant-head": (D02, 1e-6, 1e-6),
    "d06-fpha-variable-head": (732_952_154 / 225, 1e-4, 1e-6),
    "d07-fpha-computed": (3_519_535.46, 1e-2, 1e-6),
    "d08-evaporation": (94_644_561_875 / 36_009, 1e-4, 1e-6),
    "d09-multi-deficit": (80_738_000.0, 1e-6, 1e-6),
    "d10-inflow-nonnegativity": (28_562_500 / 9, 1e-4, 1e-6),
    "d11-water-withdrawal": (3_930_320_000 / 657, 1e-4, 1e-6),
    "d13-generic-constraint": (15_330_000.0, 1e-2, 1e-4),
    "d14-block-factors": (176_900.0, 1e-4, 1e-6),
    "d15-non-controllable-source": (437_927.0, 1e-2, 1e-4),
}


def _train(case: str, overrides: dict | None = None):
    ctx = prepare(DATA / case, overrides)
    out = train(ctx.system, stochastic=ctx.stochastic, templates=ctx.templates)
    if out.error is not None:
        raise out.error
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_lower_bound_matches_expected(case):
    expected, tol, gap_tol = CASES[case]
    out = _train(case)
    assert out.iterations == 10
    assert out.termination_reason == "iteration_limit"
    assert not out.converged
    last = out.records[-1]
    assert abs(last.lower_bound - expected) <= tol
    assert abs(last.gap) < gap_tol
    # the lower bound never decreases (append-only stage-0 LP)
    lbs = [r.lower_bound for r in out.records]
    assert all(b >= a - 1e-6 for a, b in zip(lbs, lbs[1:], strict=False))
    assert [r.iteration for r in out.records] == list(range(1, 11))
    if case in ("d06-fpha-variable-head",):
        assert abs(last.lower_bound - D02) > 1
    if case in ("d08-evaporation", "d10-inflow-nonnegativity", "d11-water-withdrawal"):
        assert last.lower_bound > D02


def test_d03_cut_selection_and_budget_keep_the_optimum():
    overrides = {
        "training": {
            "forward_passes": 3,
            "stopping_rules": [{"type": "iteration_limit", "limit": 8}],
            "cut_selection": {
                "enabled": True,
                "method": "lml1",
                "memory_window": 2,
                "check_frequency": 1,
                "max_active_per_stage": 6,
            },
        }
    }
    out = _train("d03-two-hydro-cascade", overrides)
    assert out.iterations == 8
    for r in out.records:
        assert r.lower_bound == pytest.approx(1_390_333.3333, abs=1e-4)
        assert r.cuts_added == 6
    assert [r.cuts_active for r in out.records] == [6, 12, 18, 18, 18, 18, 18, 18]
    assert [len(r.selection) for r in out.records] == [2] * 8
    assert [r.budget_evicted for r in out.records] == [0, 0, 6, 6, 6, 6, 6, 6]
    sel = out.selection_records
    assert [(s.iteration, s.stage) for s in sel] == [(k, t) for k in range(1, 9) for t in (0, 1)]
    for s in sel:
        assert s.cuts_deactivated == 0
        assert s.cuts_populated == 3 * (s.iteration + 1)
        assert s.budget_evicted == (3 if s.iteration >= 3 else 0)
        assert s.active_after_budget == (6 if s.iteration >= 3 else 3 * s.iteration)


def test_d12_par_annual_full_cut_rows():
    """PAR(p)-A: full cut rows give LB = UB (spec 10 §11.2), 20 iterations."""
    out = _train("d12-par-annual")
    assert out.iterations == 20
    last = out.records[-1]
    assert last.lower_bound == pytest.approx(16_613_296_859.68, rel=1e-9)
    assert abs(last.gap) < 1e-9


def test_d12_par_annual_cobre_compat_masked_rows():
    """Compatibility mode reproduces Cobre's masked cut rows (LB above UB, spec 10 §11.2)."""
    out = _train("d12-par-annual", {"modeling": {"cobre_compat": True}})
    assert out.records[0].lower_bound == pytest.approx(19_934_005_306.98, rel=1e-12)
    assert out.records[-1].lower_bound > out.records[-1].upper_bound_mean
