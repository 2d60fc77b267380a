"""Simulation statistics and cost categories (spec 13 §5.2, §6)."""

from __future__ import annotations

import numpy as np
import pytest

from pycobre.io.output.simulation_schemas import COSTS_COMPONENT_COLUMNS
from pycobre.sddp.simulation import CATEGORIES, active_cuts, category_totals, summarize_costs


def test_category_conformance_example():
    values = {
        "thermal_cost": 400,
        "contract_cost": 100,
        "deficit_cost": 50,
        "excess_cost": 10,
        "storage_violation_cost": 20,
        "filling_target_cost": 30,
        "hydro_violation_cost": 5,
        "inflow_penalty_cost": 3,
        "generic_violation_cost": 2,
        "spillage_cost": 1,
        "fpha_turbined_cost": 4,
        "curtailment_cost": 7,
        "exchange_cost": 8,
        "pumping_cost": 60,
        # sub-components of hydro_violation_cost must not be counted twice
        "outflow_violation_below_cost": 5,
    }
    comps = np.array([values.get(c, 0.0) for c in COSTS_COMPONENT_COLUMNS], dtype=float)
    cats = dict(zip(CATEGORIES, category_totals(comps), strict=True))
    assert cats == {
        "resource": 500,
        "recourse": 60,
        "violation": 60,
        "regularization": 20,
        "imputed": 60,
    }


def test_single_scenario():
    s = summarize_costs(np.array([100.0]))
    assert (s.mean_cost, s.std_cost, s.cvar, s.min_cost, s.max_cost) == (100, 0, 100, 100, 100)
    assert s.ci_95_half_width == 0.0 and s.n_scenarios == 1


def test_cvar_tail_uses_floor_rule():
    costs = np.arange(1.0, 101.0)  # S = 100 -> tail 5: 96..100
    s = summarize_costs(costs)
    assert s.cvar == pytest.approx(98.0)
    assert s.mean_cost == pytest.approx(50.5)
    assert s.std_cost == pytest.approx(np.std(costs, ddof=1))
    assert s.ci_95_half_width == pytest.approx(1.96 * np.std(costs, ddof=1) / 10)
    # S = 10 -> tail max(1, 10 - 9) = 1: the worst cost
    assert summarize_costs(np.arange(10.0)).cvar == 9.0


def test_category_statistics():
    cats = np.zeros((4, 5))
    cats[:, 0] = [10, 20, 30, 40]
    cats[1, 1] = 7.0
    s = summarize_costs(np.ones(4), cats)
    assert s.categories["resource"] == {"mean": 25.0, "max": 40.0, "frequency": 1.0}
    assert s.categories["recourse"] == {"mean": 1.75, "max": 7.0, "frequency": 0.25}
    assert s.to_dict()["cvar_alpha"] == 0.95


def test_empty_run():
    s = summarize_costs(np.zeros(0))
    assert s.n_scenarios == 0 and s.mean_cost == 0.0


def test_active_cuts_from_pairs_and_stage_cuts():
    from pycobre.io.policy import StageCuts

    stage = StageCuts(
        stage_id=0,
        state_dimension=1,
        capacity=3,
        warm_start_count=0,
        cut_ids=[0, 1, 2],
        slot_indices=[0, 1, 2],
        iterations=[0, 1, 2],
        forward_pass_indices=[0, 0, 0],
        intercepts=[0.0, 5.0, 6.0],
        coefficients=[[0.0], [1.0], [2.0]],
        is_active=[False, True, True],
        active_cut_indices=[1, 2],
        populated_count=3,
    )
    (coefs, icpt), (c2, i2) = active_cuts([stage, (np.zeros((0, 1)), np.zeros(0))])
    assert icpt.tolist() == [5.0, 6.0] and coefs.tolist() == [[1.0], [2.0]]
    assert c2.shape == (0, 1) and i2.shape == (0,)
