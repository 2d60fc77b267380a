"""The C API read path (pycobre/lp/highs_capi.py) returns exactly what highspy's lists hold."""

from pathlib import Path

import numpy as np
import pytest

from pycobre.io import load_case
from pycobre.lp import build_stage_templates, initial_state
from pycobre.lp.basis_codes import codes_of
from pycobre.lp.highs_capi import CAPI_ENV, reader_for
from pycobre.lp.solver import HighsSolver
from pycobre.lp.stage_lp import StageLP
from pycobre.stochastic import build_stochastic_model

ROOT = Path(__file__).resolve().parents[2]


def _stage(case: str, t: int = 0):
    system = load_case(ROOT / case)
    stoch = build_stochastic_model(system)
    tps = build_stage_templates(system, stoch)
    lp = StageLP(tps[t])
    lp.set_state(initial_state(system, stoch, tps))
    return lp, np.asarray(stoch.openings(t))


def test_reader_is_active_for_highspy():
    lp, _ = _stage("examples/4ree")
    assert lp.solver.reader is not None


def test_solution_and_basis_equal_highspy_lists():
    lp, etas = _stage("examples/4ree", 1)
    lp.add_cuts(np.ones((4, lp.n_state)), np.array([-1e9, -2e9, -3e9, -4e9]))
    h = lp.solver.highs
    for eta in etas[:5]:
        lp.set_noise(eta)
        lp.solve()
        reader = lp.solver.fast_reader()
        assert reader is not None
        sol = h.getSolution()
        x, y = reader.col_values(h.getNumCol()), reader.row_duals(h.getNumRow())
        np.testing.assert_array_equal(x, np.asarray(sol.col_value))
        np.testing.assert_array_equal(y, np.asarray(sol.row_dual))
        cols, rows = reader.basis_codes(h.getNumCol(), h.getNumRow())
        ref_cols, ref_rows = codes_of(h.getBasis())
        np.testing.assert_array_equal(cols, ref_cols)
        np.testing.assert_array_equal(rows, ref_rows)
        assert rows.shape[0] == lp.solver.num_rows == h.getNumRow()


def test_no_read_after_the_model_changed_size():
    """HiGHS keeps the old solution vectors after rows are deleted; reading them into arrays of
    the new size would overrun, so the reader is withheld until the next optimal solve."""
    lp, etas = _stage("examples/4ree")
    lp.add_cuts(np.zeros((3, lp.n_state)), np.array([-1e9, -2e9, -3e9]))
    lp.set_noise(etas[0])
    lp.solve()
    assert lp.solver.fast_reader() is not None
    lp.set_cuts(np.zeros((1, lp.n_state)), np.array([-1e9]))  # delete 3 rows, add 1
    assert lp.solver.fast_reader() is None
    lp.solve()
    assert lp.solver.fast_reader() is not None
    lp.add_cuts(np.zeros((1, lp.n_state)), np.array([-5e9]))
    assert lp.solver.fast_reader() is None


def test_openings_results_equal_with_and_without_the_c_api(monkeypatch):
    """Backward openings (inlined loop) and basis capture give identical numbers either way."""
    results = {}
    for flag in ("1", "0"):
        monkeypatch.setenv(CAPI_ENV, flag)
        lp, etas = _stage("examples/4ree", 2)
        assert (lp.solver.reader is not None) == (flag == "1")
        lp.add_cuts(np.full((2, lp.n_state), 10.0), np.array([1e8, 2e8]))
        lp.set_noise(etas[0])
        first = lp.solve()
        basis = lp.get_basis()
        out = lp.solve_openings(etas, basis=basis, n_cut_duals=2)
        results[flag] = (first, basis, out)
    a, b = results["1"], results["0"]
    assert a[0].objective == b[0].objective
    np.testing.assert_array_equal(a[0].primal, b[0].primal)
    np.testing.assert_array_equal(a[0].row_duals, b[0].row_duals)
    np.testing.assert_array_equal(a[1].col_codes, b[1].col_codes)
    np.testing.assert_array_equal(a[1].row_codes, b[1].row_codes)
    np.testing.assert_array_equal(a[2].objectives, b[2].objectives)
    np.testing.assert_array_equal(a[2].state_duals, b[2].state_duals)
    np.testing.assert_array_equal(a[2].cut_duals, b[2].cut_duals)
    np.testing.assert_array_equal(a[2].iterations, b[2].iterations)


@pytest.mark.parametrize("flag", ["0", "off", "false"])
def test_environment_switch_disables_it(monkeypatch, flag):
    monkeypatch.setenv(CAPI_ENV, flag)
    s = HighsSolver()
    assert reader_for(s.highs) is None


def test_no_reader_for_an_empty_model_or_a_foreign_object():
    s = HighsSolver()
    assert s.reader is None  # nothing loaded: sizes cannot be cross-checked
    assert reader_for(s.highs) is None
    assert reader_for(object()) is None
