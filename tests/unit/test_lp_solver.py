"""Solver backend behaviour: retry ladder, bases across cut changes, cut maps, noise rules."""

from __future__ import annotations

import numpy as np
import pytest

from pycobre.errors import SolverError
from pycobre.lp.options import RETRY_LADDER, STANDARD_OPTIONS, simplex_iteration_limit
from pycobre.lp.stage_lp import StageLP
from pycobre.lp.synthetic import make_stage
from pycobre.lp.template import build_template

HYD = {"vmax": 200, "qmax": 50, "gmax": 50}


def hydro_stage(**kw):
    base = dict(buses=[{"load": 80}], thermals=[{"max": 100, "cost": 50}], is_last=False)
    base.update(kw)
    return make_stage(**base)


def test_option_set_and_ladder_shape():
    assert STANDARD_OPTIONS["presolve"] == "off" and STANDARD_OPTIONS["simplex_strategy"] == 1
    assert STANDARD_OPTIONS["dual_simplex_cost_perturbation_multiplier"] == 0.0
    assert len(RETRY_LADDER) == 12
    assert RETRY_LADDER[4]["solver"] == "ipm" and RETRY_LADDER[4]["presolve"] == "on"
    assert RETRY_LADDER[10]["user_objective_scale"] == -13
    assert simplex_iteration_limit(10) == 100_000
    assert simplex_iteration_limit(3000) == 150_000


def test_iteration_limit_goes_through_ladder_level_0():
    lp = StageLP(build_template(hydro_stage(hydros=[{**HYD, "inflow_mean": 40}])))
    lp.set_state(np.array([100.0]))
    lp.solver.highs.setOptionValue("simplex_iteration_limit", 0)
    r = lp.solve()
    assert r.retry_level == 0 and r.retry_attempts == 1
    assert r.stage_cost * 1000 == pytest.approx(1_095_000.0)
    # standard options and limits are restored after the ladder
    h = lp.solver.highs
    assert h.getOptionValue("simplex_iteration_limit")[1] == 100_000
    assert h.getOptionValue("dual_simplex_cost_perturbation_multiplier")[1] == 0.0
    assert h.getOptionValue("presolve")[1] == "off"
    r2 = lp.solve()
    assert r2.retry_level is None and r2.retry_attempts == 0


def test_basis_survives_cut_count_changes_and_set_cuts_replaces():
    lp = StageLP(build_template(hydro_stage(hydros=[{**HYD, "inflow_mean": 40}])))
    lp.set_state(np.array([100.0]))
    lp.solve()
    b0 = lp.get_basis()
    lp.add_cuts(np.array([[-0.5], [-0.2]]), np.array([100.0, 50.0]))
    assert lp.n_cuts == 2
    assert lp.set_basis(b0)  # fewer rows than the model: new cut rows become basic
    r = lp.solve()
    assert r.cut_duals.shape == (2,)
    assert r.theta == pytest.approx(max(0.0, 100 - 0.5 * r.state_out[0], 50 - 0.2 * r.state_out[0]))
    b2 = lp.get_basis()
    lp.set_cuts(np.array([[-0.1]]), np.array([5.0]))
    assert lp.n_cuts == 1 and lp.solver.num_rows == lp.template.num_rows + 1
    lp.solve(b2)  # more rows in the basis than in the model: trimmed
    r = lp.solve()
    assert r.theta == pytest.approx(max(0.0, 5 - 0.1 * r.state_out[0]))
    lp.set_cuts(np.zeros((0, 1)), np.zeros(0))
    assert lp.solve().theta == pytest.approx(0.0)


def lag_stage(**kw):
    return hydro_stage(
        hydros=[{**HYD, "inflow_mean": 10.0, "psi": [0.5, 0.25], "ar_order": 1}], n_lags=2, **kw
    )


@pytest.mark.parametrize(("compat", "expected_theta"), [(False, 2.0 * 20.0), (True, 0.0)])
def test_compat_mode_drops_lags_beyond_ar_order(compat, expected_theta):
    # cut on outgoing lag 2 only: theta >= 2 * (incoming lag 1); P_h = 1 so compat drops it
    lp = StageLP(build_template(lag_stage(cobre_compat=compat)))
    lp.set_state(np.array([100.0, 20.0, 30.0]))
    lp.add_cuts(np.array([[0.0, 0.0, 2.0]]), np.array([0.0]))
    r = lp.solve()
    assert r.theta == pytest.approx(expected_theta)
    # the intercept of a cut is untouched: full alpha regardless of the mask
    assert lp.template.cut_mask.tolist() == [True, True, not compat]


def test_frozen_lag_map_points_cut_at_incoming_lags():
    lp = StageLP(build_template(lag_stage(lag_cut_map="frozen")))
    lp.set_state(np.array([100.0, 20.0, 30.0]))
    lp.add_cuts(np.array([[0.0, 1.0, 0.0]]), np.array([0.0]))
    r = lp.solve()
    assert r.theta == pytest.approx(20.0)  # incoming lag 1, not z = 10 + 0.5*20 + 0.25*30
    assert r.state_out[1] == pytest.approx(10 + 10 + 7.5)  # state_out stays plain shift
    assert r.state_out[2] == pytest.approx(20.0)


def trunc_stage(method, base, sigma, psi=(0.5,), P=1):
    return make_stage(
        buses=[{"load": 10}], thermals=[{"max": 100, "cost": 10}], n_lags=1, inflow_method=method,
        hydros=[{**HYD, "inflow_mean": base, "inflow_sigma": sigma, "psi": list(psi), "ar_order": P}],
    )


def test_truncation_clamps_noise_to_zero_inflow():
    lp = StageLP(build_template(trunc_stage("truncation", -20.0, 5.0)))
    lp.set_state(np.array([100.0, 10.0]))  # d = -20 + 0.5*10 = -15
    lp.set_noise(np.array([0.0]))
    r = lp.solve()
    assert lp.last_eta_effective[0] == pytest.approx(3.0)
    assert r.inflow_realised[0] == pytest.approx(0.0, abs=1e-12)
    lp.set_noise(np.array([4.0]))  # positive inflow: untouched
    assert lp.solve().inflow_realised[0] == pytest.approx(5.0)


def test_truncation_with_zero_sigma_cannot_fix_negative_inflow():
    lp = StageLP(build_template(trunc_stage("truncation_with_penalty", -5.0, 0.0, psi=(), P=0)))
    lp.set_state(np.array([0.0, 0.0]))
    r = lp.solve()
    assert r.inflow_realised[0] == pytest.approx(-5.0)
    q = lp.extract(r)
    # slack buys the missing water at 1000 $/(m3/s.h) x 730 h
    assert q["hydro_inflow_nonnegativity_slack_m3s"][0] == pytest.approx(5.0)
    assert q["cost_components"][7] == pytest.approx(5 * 1000 * 730)


def test_diversion_and_cascade_routing():
    # H0 (bus 0) spills into H1 and diverts into H2; only H1/H2 turbines reach the load
    hyd = [
        {"vmax": 0, "qmax": 0, "gmax": 0, "inflow_mean": 30, "downstream": 1,
         "diversion_target": 2, "diversion_max": 10, "cost_spill": 0.01, "cost_diversion": 0.001},
        {"vmax": 0, "qmax": 100, "gmax": 100, "productivity": 1.0},
        {"vmax": 0, "qmax": 100, "gmax": 100, "productivity": 2.0},
    ]
    lp = StageLP(build_template(make_stage(buses=[{"load": 200}], hydros=hyd,
                                           thermals=[{"max": 500, "cost": 100}])))
    lp.set_state(np.zeros(3))
    q = lp.extract(lp.solve())
    np.testing.assert_allclose(q["hydro_diverted_outflow_m3s"][:, 0], [10, 0, 0], atol=1e-9)
    np.testing.assert_allclose(q["hydro_diverted_inflow_m3s"][:, 0], [0, 0, 10], atol=1e-9)
    np.testing.assert_allclose(q["hydro_turbined_m3s"][:, 0], [0, 20, 10], atol=1e-9)
    assert q["thermal_generation_mw"][0, 0] == pytest.approx(200 - 20 - 20)


def test_min_outflow_soft_row_and_generic_equality_slack():
    sd = make_stage(
        buses=[{"load": 0}], thermals=[{"max": 50, "cost": 1}],
        hydros=[{"vmax": 0, "qmax": 100, "inflow_mean": 5, "omin": 8, "cost_outflow_below": 2,
                 "productivity": 0.0}],
        generic=[{"id": 3, "sense": "==", "bound": 20, "slack_penalty": 7,
                  "terms": [("thermal_generation", 0, None, 1.0)]}],
    )
    lp = StageLP(build_template(sd))
    lp.set_state(np.zeros(1))
    r = lp.solve()
    q = lp.extract(r)
    # only 5 m3/s reach the river: 3 m3/s below the minimum, priced 2 $/(m3/s.h)
    assert q["hydro_outflow_slack_below_m3s"][0, 0] == pytest.approx(3.0)
    # the generic equality is met by thermal (1 $/MWh) only if cheaper than the slack (7): yes,
    # but load is 0 so thermal output must go to excess (0.01) -> g = 20, slack 0
    assert q["generic_slack_value"][0] == pytest.approx(0.0)
    assert q["thermal_generation_mw"][0, 0] == pytest.approx(20.0)
    # outflow slack 3 x 2 + thermal 20 x 1 + excess 20 x 0.01, all x 730 h (water turbined free)
    assert r.stage_cost * 1000 == pytest.approx(730 * (3 * 2 + 20 * 1 + 20 * 0.01), rel=1e-12)


def test_reinstalled_basis_needs_no_iterations_after_cold_reset():
    lp = StageLP(build_template(hydro_stage(hydros=[{**HYD, "inflow_mean": 40}] * 3)))
    lp.add_cuts(np.array([[-0.3, -0.2, -0.1]]), np.array([80.0]))
    lp.set_state(np.array([100.0, 50.0, 20.0]))
    cold = lp.solve()
    assert cold.simplex_iterations > 0
    b = lp.get_basis()
    lp.clear_basis()
    again = lp.solve(b)
    assert again.simplex_iterations == 0
    assert again.basis_offered and not cold.basis_offered
    assert again.objective == pytest.approx(cold.objective, rel=1e-12)


def test_free_theta_lets_terminal_cuts_bind():
    lp = StageLP(build_template(hydro_stage(hydros=[{**HYD, "inflow_mean": 40}], is_last=True)))
    lp.set_state(np.array([100.0]))
    lp.add_cuts(np.array([[-1.0]]), np.array([500.0]))
    with pytest.raises(SolverError, match="cut row 0"):  # theta fixed at 0 violates the cut
        lp.solve()
    lp.free_theta()
    r = lp.solve()
    assert r.theta == pytest.approx(500.0 - r.state_out[0])
