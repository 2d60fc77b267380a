"""Bases captured as int8 codes equal HiGHS's own getBasis(), and reinstall bit-identically."""

from pathlib import Path

import numpy as np
import pytest

from pycobre.io import load_case
from pycobre.lp import build_stage_templates, initial_state
from pycobre.lp.basis_codes import Basis, codes_of, nonbasic_codes
from pycobre.lp.stage_lp import StageLP
from pycobre.stochastic import build_stochastic_model

ROOT = Path(__file__).resolve().parents[2]


def _lps(case: str):
    system = load_case(ROOT / case)
    stoch = build_stochastic_model(system)
    tps = build_stage_templates(system, stoch)
    return stoch, tps, initial_state(system, stoch, tps)


@pytest.mark.parametrize(
    "case",
    ["examples/4ree", "tests/data/deterministic/d15-non-controllable-source",
     "tests/data/deterministic/d11-water-withdrawal"],
)
def test_captured_codes_equal_getbasis_under_every_opening(case):
    stoch, tps, x0 = _lps(case)
    lp = StageLP(tps[0])
    lp.set_state(x0)
    lp.add_cuts(np.zeros((3, lp.n_state)), np.array([-1e9, -2e9, -3e9]))
    checked = 0
    for eta in np.asarray(stoch.openings(0)):
        lp.set_noise(eta)
        lp.solve()
        b = lp.get_basis()
        assert b.col_codes is not None  # captured as codes, not through the enum getter
        ref_cols, ref_rows = codes_of(lp.solver.highs.getBasis())
        np.testing.assert_array_equal(b.col_codes, ref_cols)
        np.testing.assert_array_equal(b.row_codes, ref_rows)
        checked += 1
    assert checked == np.asarray(stoch.openings(0)).shape[0]


def test_padded_codes_reinstall_gives_the_same_solve():
    stoch, tps, x0 = _lps("examples/4ree")
    lp = StageLP(tps[1])
    lp.set_state(x0)
    eta = np.asarray(stoch.openings(1))
    lp.set_noise(eta[0])
    lp.solve()
    stored = lp.get_basis()
    lp.add_cuts(np.zeros((2, lp.n_state)), np.array([-1e9, -1e9]))
    lp.set_noise(eta[1])
    a = lp.solve(stored)  # codes path: padded with BASIC cut rows
    lp.set_noise(eta[1])
    b = lp.solve(Basis(stored.raw, stored.n_cuts))  # from a HighsBasis (converted once)
    assert a.objective == b.objective and a.simplex_iterations == b.simplex_iterations
    np.testing.assert_array_equal(a.state_duals, b.state_duals)


def test_nonbasic_code_rule():
    inf = np.inf
    lo = np.array([0.0, -inf, -inf, 0.0, 0.0, 2.0, 2.0])
    hi = np.array([inf, 5.0, inf, 10.0, 10.0, 2.0, 2.0])
    x = np.array([0.0, 5.0, 0.0, 9.0, 1.0, 2.0, 2.0])
    dual = np.array([0.0, 0.0, 0.0, 0.0, 0.0, -1.0, 1.0])
    # lower, upper, zero (free), nearer upper, nearer lower, fixed: kUpper iff dual < 0 (cols)
    assert nonbasic_codes(x, lo, hi, dual, -1.0).tolist() == [0, 2, 3, 2, 0, 2, 0]
    # rows: kUpper iff dual > 0
    assert nonbasic_codes(x, lo, hi, dual, 1.0).tolist() == [0, 2, 3, 2, 0, 0, 2]


def test_solve_openings_equals_one_solve_per_opening():
    stoch, tps, x0 = _lps("examples/4ree")
    eta = np.asarray(stoch.openings(2))
    one, many = StageLP(tps[2]), StageLP(tps[2])
    for lp in (one, many):
        lp.set_state(x0)
        lp.add_cuts(np.ones((2, lp.n_state)) * 1e-3, np.array([-1e6, -2e6]))
    q, pis, cuts = [], [], []
    for w in range(eta.shape[0]):
        one.set_noise(eta[w])
        r = one.solve(primal=False)
        q.append(r.objective)
        pis.append(r.state_duals)
        cuts.append(r.cut_duals)
    out = many.solve_openings(eta, None, 2)
    assert out.objectives.tolist() == q  # bit-identical
    np.testing.assert_array_equal(out.state_duals, np.array(pis))
    np.testing.assert_array_equal(out.cut_duals, np.array(cuts))
    assert out.iterations.sum() > 0


def test_solve_openings_without_cut_duals_reads_the_same_state_duals():
    """n_cut_duals=0 copies only the state rows of the dual list: same values, no cut duals."""
    stoch, tps, x0 = _lps("examples/4ree")
    eta = np.asarray(stoch.openings(3))
    full, narrow = StageLP(tps[3]), StageLP(tps[3])
    for lp in (full, narrow):
        lp.set_state(x0)
        lp.add_cuts(np.ones((4, lp.n_state)) * 1e-3, np.array([-1e6, -2e6, -3e6, -4e6]))
    a = full.solve_openings(eta, None, 4)
    b = narrow.solve_openings(eta, None, 0)
    assert a.objectives.tolist() == b.objectives.tolist()
    np.testing.assert_array_equal(a.state_duals, b.state_duals)
    assert b.cut_duals.shape == (eta.shape[0], 0)
    assert a.cut_duals.shape == (eta.shape[0], 4)


def test_padded_raw_is_cached_per_row_count_and_pads_with_basic_rows():
    stoch, tps, x0 = _lps("examples/4ree")
    lp = StageLP(tps[1])
    lp.set_state(x0)
    lp.set_noise(np.asarray(stoch.openings(1))[0])
    lp.solve()
    stored = lp.get_basis()
    n = stored.row_codes.shape[0]
    first = stored.padded_raw(n + 3)
    assert stored.padded_raw(n + 3) is first  # same size: the cached HighsBasis
    cols, rows = codes_of(first)
    np.testing.assert_array_equal(cols, stored.col_codes)
    np.testing.assert_array_equal(rows[:n], stored.row_codes)
    assert rows[n:].tolist() == [1, 1, 1]  # new cut rows basic
    shorter = stored.padded_raw(n - 1)
    assert shorter is not first
    np.testing.assert_array_equal(codes_of(shorter)[1], stored.row_codes[:-1])
