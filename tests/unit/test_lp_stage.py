"""Hand-checked stage LPs (spec 10 worked examples and d-case optima) on synthetic StageData."""

from __future__ import annotations

import numpy as np
import pytest

from pycobre.errors import SolverError
from pycobre.lp.stage_lp import StageLP
from pycobre.lp.synthetic import make_stage
from pycobre.lp.template import build_template


def solve(sd, x=None, eta=None):
    lp = StageLP(build_template(sd))
    if x is not None:
        lp.set_state(np.asarray(x, dtype=float))
    if eta is not None:
        lp.set_noise(np.asarray(eta, dtype=float))
    return lp, lp.solve()


def benders(stages, x0, iterations=12):
    """Deterministic nested Benders over a list of StageData; returns (LB, UB)."""
    lps = [StageLP(build_template(sd)) for sd in stages]
    lb = ub = np.nan
    for _ in range(iterations):
        x = np.asarray(x0, dtype=float)
        trial, ub = [], 0.0
        for lp in lps:
            lp.set_state(x)
            r = lp.solve()
            ub += r.stage_cost
            trial.append(x)
            x = r.state_out
        for t in range(len(lps) - 1, 0, -1):
            lps[t].set_state(trial[t])
            r = lps[t].solve()
            alpha = r.objective - r.state_duals @ trial[t]
            lps[t - 1].add_cuts(r.state_duals[None, :], np.array([alpha]))
        lps[0].set_state(np.asarray(x0, dtype=float))
        lb = lps[0].solve().objective
    return lb * 1000, ub * 1000


def thermal_case(**kw):
    return make_stage(**kw)


def test_d01_merit_order_stage_cost():
    sd = make_stage(buses=[{"load": 20}], thermals=[{"max": 15, "cost": 5}, {"max": 15, "cost": 10}])
    lp, r = solve(sd)
    assert r.stage_cost == pytest.approx(91.25, abs=1e-9)  # LP units ($/1000)
    q = lp.extract(r)
    np.testing.assert_allclose(q["thermal_generation_mw"].ravel(), [15.0, 5.0])
    # marginal unit T1 at $10/MWh sets the spot price
    assert q["bus_spot_price"][0, 0] == pytest.approx(10.0)


def test_d09_deficit_tiers_fill_in_order():
    sd = make_stage(
        buses=[{"load": 50, "deficit": [(10, 500), (None, 5000)]}],
        thermals=[{"max": 30, "cost": 10}],
    )
    lp, r = solve(sd)
    assert r.stage_cost * 1000 == pytest.approx(40_369_000.0, rel=1e-12)
    np.testing.assert_allclose(r.primal[lp.template.cols("deficit")], [10.0, 10.0])


def test_d14_block_factors_and_durations():
    sd = make_stage(
        hours=(400, 330),
        buses=[{"load": 20, "load_factor": [0.8, 1.2]}],
        thermals=[{"max": 15, "cost": 5}, {"max": 15, "cost": 10}],
    )
    lp, r = solve(sd)
    assert r.stage_cost * 1000 == pytest.approx(34_000 + 54_450, rel=1e-12)
    np.testing.assert_allclose(lp.extract(r)["bus_load_mw"], [[16.0, 24.0]])


def test_d13_generic_constraint_caps_thermal():
    sd = make_stage(
        buses=[{"load": 20}],
        thermals=[{"max": 30, "cost": 50}],
        generic=[
            {"id": 7, "sense": "<=", "bound": 10, "slack_penalty": 5000,
             "terms": [("thermal_generation", 0, None, 1.0)]}
        ],
    )
    lp, r = solve(sd)
    assert r.stage_cost * 1000 == pytest.approx(7_665_000.0, rel=1e-12)
    q = lp.extract(r)
    assert q["generic_slack_value"][0] == pytest.approx(0.0)
    assert q["thermal_generation_mw"][0, 0] == pytest.approx(10.0)


def test_d15_ncs_generation_is_rewarded():
    sd = make_stage(
        buses=[{"load": 80}],
        thermals=[{"max": 100, "cost": 10}],
        ncs=[{"max_generation": 100, "mean": 0.5, "stochastic": True, "curtailment_cost": 0.001}],
    )
    lp, r = solve(sd)
    assert r.stage_cost * 1000 == pytest.approx(218_963.5, rel=1e-12)
    q = lp.extract(r)
    assert q["ncs_available_mw"][0, 0] == pytest.approx(50.0)
    assert q["ncs_curtailment_mw"][0, 0] == pytest.approx(0.0)


def test_ncs_stochastic_availability_and_curtailment_cost():
    # load 30 < 50 available: 20 MW curtailed, immediate cost -0.001*30*730 (spec 13 §5.1)
    sd = make_stage(
        buses=[{"load": 30}],
        thermals=[{"max": 100, "cost": 10}],
        ncs=[{"max_generation": 100, "mean": 0.5, "std": 0.1, "stochastic": True,
              "curtailment_cost": 0.001}],
    )
    lp, r = solve(sd, eta=[2.0])  # availability clip(0.5+0.2) = 0.7 -> 70 MW
    q = lp.extract(r)
    assert q["ncs_available_mw"][0, 0] == pytest.approx(70.0)
    assert r.stage_cost * 1000 == pytest.approx(-0.001 * 30 * 730)
    assert q["ncs_curtailment_cost"][0, 0] == pytest.approx(40 * 0.001 * 730)


def test_stochastic_load_rhs_is_clamped_at_zero():
    sd = make_stage(
        buses=[{"load": 20, "load_std": 5, "noise": True, "load_factor": 1.0}],
        thermals=[{"max": 100, "cost": 10}],
    )
    lp, r = solve(sd, eta=[2.0])
    assert r.stage_cost * 1000 == pytest.approx(30 * 10 * 730)
    lp.set_noise(np.array([-10.0]))
    r = lp.solve()
    assert r.stage_cost == pytest.approx(0.0, abs=1e-12)


D02 = {"vmax": 200, "qmax": 50, "gmax": 50, "omax": 50}


def d02_stages(h0=None, h1=None, thermal_cost=50, inflows=(40, 10), method="none"):
    out = []
    for t, a in enumerate(inflows):
        hyd = {**D02, "inflow_mean": a, **((h0 if t == 0 else h1) or {})}
        out.append(
            make_stage(
                index=t, buses=[{"load": 80}], thermals=[{"max": 100, "cost": thermal_cost}],
                hydros=[hyd], is_last=t == len(inflows) - 1, inflow_method=method,
            )
        )
    return out


def test_d02_water_balance_and_storage_dual():
    # stage 1 alone at v_in = 105.12: turbines 50, thermal 30; one more hm3 saves 1/2.628 MW.stage
    lp, r = solve(d02_stages()[1], x=[105.12])
    assert r.stage_cost * 1000 == pytest.approx(30 * 50 * 730, rel=1e-12)
    assert r.state_out[0] == pytest.approx(0.0, abs=1e-9)
    # below the turbine cap the marginal hm3 is worth 50 $/MWh * 730 h / 2.628 = -13,888.9 $/hm3
    lp.set_state(np.array([50.0]))
    r = lp.solve()
    assert r.state_duals[0] * 1000 == pytest.approx(-50 * 730 / 2.628, rel=1e-10)
    q = lp.extract(r)
    assert q["hydro_water_value_per_hm3"][0] == pytest.approx(-50 * 730 / 2.628, rel=1e-10)


def test_d02_two_stage_benders_reaches_optimum():
    lb, ub = benders(d02_stages(), [100.0])
    assert lb == pytest.approx(23_635_000 / 9, abs=1e-4)
    assert ub == pytest.approx(23_635_000 / 9, abs=1e-4)


def test_d05_single_fpha_plane_equals_d02():
    fp = {"is_fpha": True, "productivity": 0.0, "cost_fpha": 0.0, "planes": [(0.0, 0.0, 1.0, 0.0)]}
    lb, _ = benders(d02_stages(fp, fp), [100.0])
    assert lb == pytest.approx(23_635_000 / 9, abs=1e-6)


def test_d06_fpha_average_storage_planes():
    fp = {"is_fpha": True, "productivity": 0.0, "cost_fpha": 0.0,
          "planes": [(0.0, 0.002, 0.8, 0.0), (0.0, 0.001, 0.95, 0.0)]}
    lb, _ = benders(d02_stages(fp, fp), [100.0])
    assert lb == pytest.approx(732_952_154 / 225, abs=1e-4)


def test_d08_linearised_evaporation():
    ev = {"has_evaporation": True, "evap_kv": 1 / 5256, "evap_k0": 25 / 1314}
    lb, _ = benders(d02_stages(ev, ev), [100.0])
    assert lb == pytest.approx(94_644_561_875 / 36_009, abs=1e-4)


def test_d10_negative_inflow_with_penalty_slack():
    lb, _ = benders(d02_stages(inflows=(40, -5), method="penalty"), [100.0])
    assert lb == pytest.approx(28_562_500 / 9, abs=1e-4)


def test_d11_withdrawal_reduces_net_inflow():
    w = {"withdrawal": 10.0}
    lb, _ = benders(d02_stages(w, w, thermal_cost=100, inflows=(30, 30)), [100.0])
    assert lb == pytest.approx(3_930_320_000 / 657, abs=1e-4)


def test_cut_row_evaluates_to_alpha_plus_pi_x():
    sd = make_stage(
        buses=[{"load": 80}], thermals=[{"max": 100, "cost": 50}],
        hydros=[{**D02, "inflow_mean": 40, "psi": [0.5], "inflow_sigma": 0.0}],
        n_lags=1, is_last=False,
    )
    lp = StageLP(build_template(sd))
    lp.set_state(np.array([100.0, 20.0]))  # storage 100, lag-1 inflow 20
    alpha, pi = 3.0, np.array([-0.01, -0.02])
    lp.add_cuts(pi[None, :], np.array([alpha]))
    r = lp.solve()
    # outgoing state: storage v, lag 1 = z = 40 + 0.5*20 = 50
    assert r.state_out[1] == pytest.approx(50.0)
    assert r.theta == pytest.approx(max(0.0, alpha + pi @ r.state_out), abs=1e-9)
    assert r.cut_duals.shape == (1,)


def test_warm_start_reduces_iterations():
    sd = make_stage(
        hours=(200, 300, 230), buses=[{"load": 300}, {"load": 200}],
        thermals=[{"bus": b, "max": 60, "cost": 10 + 7 * i} for i, b in enumerate([0, 1] * 5)],
        hydros=[{**D02, "bus": i % 2, "vmax": 500, "qmax": 80, "gmax": 80, "inflow_mean": 30 + i,
                 "downstream": i + 1 if i < 5 else -1} for i in range(6)],
        lines=[{"source": 0, "target": 1, "direct": 50, "reverse": 50}], is_last=False,
    )
    lp = StageLP(build_template(sd))
    lp.set_state(np.full(6, 200.0))
    cold = lp.solve()
    basis = lp.get_basis()
    lp.set_state(np.full(6, 210.0))
    lp.solver.clear_basis()
    cold2 = lp.solve()
    lp.set_state(np.full(6, 210.0))
    warm = lp.solve(basis)
    assert warm.objective == pytest.approx(cold2.objective, rel=1e-9)
    assert warm.simplex_iterations < cold2.simplex_iterations
    assert cold.simplex_iterations > 0


def test_infeasible_stage_names_the_hydro_row():
    # method none, negative inflow, empty reservoir: the water balance of hydro 3 fails
    sd = make_stage(
        buses=[{"load": 10}], thermals=[{"max": 100, "cost": 1}],
        hydros=[{**D02, "id": 3, "inflow_mean": -5.0}], inflow_method="none",
    )
    lp = StageLP(build_template(sd))
    lp.set_state(np.array([0.0]))
    with pytest.raises(SolverError) as err:
        lp.solve()
    e = err.value
    assert e.stage == 0 and e.kind == "Infeasible"
    assert "water_balance[hydro 3]" in str(e)


def test_unbounded_stage_names_the_open_column():
    # an NCS with infinite availability and a negative (reward) cost makes the LP unbounded
    sd = make_stage(
        buses=[{"load": 10, "excess_cost": 0.0}],
        ncs=[{"id": 4, "available": float("inf"), "curtailment_cost": 1.0}],
    )
    lp = StageLP(build_template(sd))
    with pytest.raises(SolverError) as err:
        lp.solve()
    assert err.value.kind == "Unbounded"
    assert err.value.retry_attempts == 12  # every ladder level tried (spec 12 §3.1)
    assert "ncs_generation[ncs 4, block 0]" in str(err.value)
