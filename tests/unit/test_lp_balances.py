"""Physical identities hold on solved stage LPs of the shipped stochastic examples.

For random incoming states and opening-tree noise, the extracted quantities must close the
water balance of every hydro (spec 10 R3) and the power balance of every bus and block (R5).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pycobre.io import load_case
from pycobre.lp import StageLP, build_stage_templates, initial_state
from pycobre.lp.template import C_VOL
from pycobre.stochastic import build_stochastic_model

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module", params=["1dtoy", "4ree"])
def case(request):
    system = load_case(EXAMPLES / request.param)
    stoch = build_stochastic_model(system)
    return system, stoch, build_stage_templates(system, stoch)


def water_residual(tp, q):
    d = tp.data
    hy, hours = d.hydros, np.asarray(d.hours)
    tau = C_VOL * hours
    zeta = tau.sum()
    qs = q["hydro_turbined_m3s"] + q["hydro_spillage_m3s"]
    up = np.zeros_like(qs)
    down = np.asarray(hy.downstream)
    has = down >= 0
    np.add.at(up, down[has], qs[has])
    flows = (up + q["hydro_diverted_inflow_m3s"] - qs - q["hydro_diverted_outflow_m3s"]) @ tau
    stage = (
        q["hydro_inflow_m3s"] - hy.withdrawal + q["hydro_inflow_nonnegativity_slack_m3s"]
        + q["hydro_withdrawal_violation_neg_m3s"] - q["hydro_withdrawal_violation_pos_m3s"]
        - q["hydro_evaporation_m3s"]
    )
    return q["hydro_storage_final_hm3"] - q["hydro_storage_initial_hm3"] - zeta * stage - flows


def power_residual(tp, q):
    d = tp.data
    B, K = d.buses.n, d.n_blocks
    inj = np.zeros((B, K))
    np.add.at(inj, d.hydros.bus, q["hydro_generation_mw"])
    np.add.at(inj, d.thermals.bus, q["thermal_generation_mw"])
    np.add.at(inj, d.ncs.bus, q["ncs_generation_mw"])
    net = q["line_direct_flow_mw"] - q["line_reverse_flow_mw"]
    np.add.at(inj, d.lines.target, net)
    np.add.at(inj, d.lines.source, -net)
    return inj + q["bus_deficit_mw"] - q["bus_excess_mw"] - q["bus_load_mw"]


def test_balances_close_along_noisy_trajectories(case):
    system, stoch, templates = case
    lps = [StageLP(t) for t in templates]
    rng = np.random.default_rng(7)
    for _ in range(3):
        x = initial_state(system, stoch)
        for t, lp in enumerate(lps):
            tree = stoch.openings(t)
            lp.set_state(x)
            lp.set_noise(tree[rng.integers(tree.shape[0])])
            r = lp.solve()
            q = lp.extract(r)
            np.testing.assert_allclose(water_residual(lp.template, q), 0.0, atol=1e-6)
            np.testing.assert_allclose(power_residual(lp.template, q), 0.0, atol=1e-6)
            # storage stays within its stage bounds; realised inflow follows R4 with eta_eff
            hy = lp.template.data.hydros
            assert np.all(r.state_out[: hy.n] >= hy.vmin - 1e-7)
            assert np.all(r.state_out[: hy.n] <= hy.vmax + 1e-7)
            tp = lp.template
            lags = x[hy.n :].reshape(tp.n_lags, hy.n).T
            z = tp.inflow_base + (tp.data.inflow.psi * lags).sum(1)
            z = z + tp.inflow_sigma * lp.effective_inflow_noise()
            np.testing.assert_allclose(r.inflow_realised, z, atol=1e-7)
            total = q["cost_components"]
            assert np.isfinite(total).all()
            assert r.stage_cost * 1000 == pytest.approx(float(q["immediate_cost"]))
            x = r.state_out


def test_prescaling_keeps_optimum_and_narrows_coefficient_range(case):
    from pycobre.lp import build_template, scaling_report

    system, stoch, templates = case
    x0 = initial_state(system, stoch)
    for tp in templates[:3]:
        plain = StageLP(build_template(tp.data, prescale=False))
        scaled = StageLP(tp)
        eta = stoch.openings(tp.data.index)[0]
        for lp in (plain, scaled):
            lp.set_state(x0)
            lp.set_noise(eta)
            lp.add_cuts(np.full((1, lp.n_state), -0.01), np.array([5.0]))
        a, b = plain.solve(), scaled.solve()
        assert b.objective == pytest.approx(a.objective, rel=1e-9, abs=1e-9)
        assert b.theta == pytest.approx(a.theta, rel=1e-7, abs=1e-7)
    rep = scaling_report(templates)[0]
    spread = {k: rep[k]["coefficient_max"] / rep[k]["coefficient_min"] for k in ("before", "after")}
    assert spread["after"] < spread["before"]
