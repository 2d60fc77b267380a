"""Stage templates built from the in-repo deterministic cases reach their hand-derived optima.

A tiny nested-Benders loop (one trajectory, zero noise) drives the stage LPs; with correct LPs
the lower bound equals the optimum of tests/data/deterministic/EXPECTED.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pycobre.io import load_case
from pycobre.lp import StageLP, build_stage_templates, initial_state
from pycobre.stochastic import build_stochastic_model

CASES = Path(__file__).resolve().parents[1] / "data" / "deterministic"


def benders(case: str, iterations: int = 10):
    system = load_case(CASES / case)
    stoch = build_stochastic_model(system)
    templates = build_stage_templates(system, stoch)
    x0 = initial_state(system, stoch)
    lps = [StageLP(t) for t in templates]
    for lp in lps:
        lp.set_noise(np.zeros(stoch.noise_dim))
    for _ in range(iterations):
        x, trial, ub = x0, [], 0.0
        for lp in lps:
            lp.set_state(x)
            r = lp.solve()
            ub += r.stage_cost
            trial.append(x)
            x = r.state_out
        for t in range(len(lps) - 1, 0, -1):
            lps[t].set_state(trial[t])
            r = lps[t].solve()
            lps[t - 1].add_cuts(r.state_duals[None, :], np.array([r.objective - r.state_duals @ trial[t]]))
        lps[0].set_state(x0)
        lb = lps[0].solve().objective
    return lb * 1000, ub * 1000, templates


@pytest.mark.parametrize(
    ("case", "expected", "tol"),
    [
        ("d01-thermal-dispatch", 182_500.0, 1e-6),
        ("d02-single-hydro", 23_635_000 / 9, 1e-4),
        ("d03-two-hydro-cascade", 4_171_000 / 3, 1e-4),
        ("d04-transmission", 5_263_443_883 / 657, 1e-4),
        ("d05-fpha-constant-head", 23_635_000 / 9, 1e-6),
        ("d06-fpha-variable-head", 732_952_154 / 225, 1e-4),
        ("d08-evaporation", 94_644_561_875 / 36_009, 1e-4),
        ("d09-multi-deficit", 80_738_000.0, 1e-6),
        ("d10-inflow-nonnegativity", 28_562_500 / 9, 1e-4),
        ("d11-water-withdrawal", 3_930_320_000 / 657, 1e-4),
        ("d13-generic-constraint", 15_330_000.0, 1e-2),
        ("d14-block-factors", 176_900.0, 1e-4),
        ("d15-non-controllable-source", 437_927.0, 1e-2),
    ],
)
def test_deterministic_case_optimum(case, expected, tol):
    lb, ub, _ = benders(case)
    assert abs(lb - expected) <= tol
    assert abs(ub - expected) <= max(tol, 1e-6 * expected)


def test_d07_computed_fpha_cross_check():
    lb, _, templates = benders("d07-fpha-computed")
    # spec 10 §14: 3 planes, kappa ~ 0.0247, extensive form ~ 3,519,535.46 $
    assert templates[0].row_spans["fpha"][1] == 3
    assert lb == pytest.approx(3_519_535.46, abs=0.01)


def test_d04_spot_price_and_water_value_signs():
    system = load_case(CASES / "d04-transmission")
    stoch = build_stochastic_model(system)
    tp = build_stage_templates(system, stoch)[0]
    lp = StageLP(tp)
    lp.set_state(initial_state(system, stoch))
    q = lp.extract(lp.solve())
    # bus 1 has deficit in stage 0 -> spot price = deficit cost (spec 13 §4)
    assert q["bus_spot_price"][1, 0] == pytest.approx(1000.0)
    assert np.all(q["hydro_water_value_per_hm3"] <= 1e-9)
    # without NCS the cost components (curtailment excluded) add up to the immediate cost
    from pycobre.lp.extract import COST_COMPONENTS

    comps = dict(zip(COST_COMPONENTS, q["cost_components"], strict=True))
    assert comps["curtailment_cost"] == 0.0
    assert sum(comps.values()) == pytest.approx(float(q["immediate_cost"]), rel=1e-12)
    assert comps["deficit_cost"] == pytest.approx(5 * 1000 * 730, rel=1e-12)  # myopic stage 0


@pytest.mark.parametrize(
    ("compat", "expected"),
    [(False, 16_613_296_859.68), (True, 19_934_005_306.98)],
)
def test_d12_par_annual_full_vs_masked_cut_rows(compat, expected):
    """Spec 10 §11.2: full cut rows give LB = UB; Cobre's masked rows overshoot (compat only)."""
    from dataclasses import replace

    from pycobre.lp import build_template
    from pycobre.lp.from_system import stage_inputs

    system = load_case(CASES / "d12-par-annual")
    stoch = build_stochastic_model(system)
    data = [replace(d, cobre_compat=compat) for d in stage_inputs(system, stoch)]
    lps = [StageLP(build_template(d)) for d in data]
    for t, lp in enumerate(lps):
        lp.set_noise(stoch.openings(t)[0])  # one opening per stage: in-sample = deterministic
    x0 = initial_state(system, stoch)
    for _ in range(3):
        x, trial, ub = x0, [], 0.0
        for lp in lps:
            lp.set_state(x)
            r = lp.solve()
            ub += r.stage_cost
            trial.append(x)
            x = r.state_out
        for t in range(len(lps) - 1, 0, -1):
            lps[t].set_state(trial[t])
            r = lps[t].solve()
            lps[t - 1].add_cuts(r.state_duals[None, :], np.array([r.objective - r.state_duals @ trial[t]]))
        lps[0].set_state(x0)
        lb = lps[0].solve().objective * 1000
    assert lb == pytest.approx(expected, abs=0.01)
    if compat:
        assert lb > ub * 1000  # invalid cuts: lower bound above the upper bound
