"""HiGHS option sets: the standard set of spec 10 §12.1 and the retry ladder of spec 12 §3.1.

Kept as data so that the backend applies them by looping over a small dict, and so that the
ladder can be inspected and tested without a solver.
"""

from __future__ import annotations

from typing import Any

#: Options set once per solver instance and restored after every retry (spec 10 §12.1).
STANDARD_OPTIONS: dict[str, Any] = {
    "solver": "simplex",
    "simplex_strategy": 1,
    "simplex_scale_strategy": 0,
    "presolve": "off",
    "parallel": "off",
    "output_flag": False,
    "primal_feasibility_tolerance": 1e-7,
    "dual_feasibility_tolerance": 1e-7,
    "simplex_dual_edge_weight_strategy": 1,
    "dual_simplex_cost_perturbation_multiplier": 0.0,
    "simplex_initial_condition_check": False,
    "simplex_price_strategy": 1,
    "rebuild_refactor_solution_error_tolerance": 1e-6,
    "user_objective_scale": 0,
    "user_bound_scale": 0,
}

_TOL6 = {"primal_feasibility_tolerance": 1e-6, "dual_feasibility_tolerance": 1e-6}

_L0 = {"dual_simplex_cost_perturbation_multiplier": 1.0}
_L1 = {**_L0, "presolve": "on"}
_L2 = {**_L1, "simplex_strategy": 1}
_L3 = {**_L2, **_TOL6}
_L4 = {**_L3, "solver": "ipm"}
_PRE = {"presolve": "on"}

#: Per-level option overrides applied on top of STANDARD_OPTIONS (levels 0-4 cumulative,
#: 5-11 each from the standard set).  Every level starts cold (level 0 clears the basis).
RETRY_LADDER: tuple[dict[str, Any], ...] = (
    _L0,
    _L1,
    _L2,
    _L3,
    _L4,
    {**_PRE, "simplex_scale_strategy": 3},
    {**_PRE, "simplex_strategy": 1, "simplex_scale_strategy": 4},
    {**_PRE, "simplex_scale_strategy": 3, **_TOL6},
    {**_PRE, "user_objective_scale": -10},
    {**_PRE, "simplex_strategy": 1, "user_objective_scale": -10, "user_bound_scale": -5},
    {**_PRE, "user_objective_scale": -13, "user_bound_scale": -8, **_TOL6},
    {**_PRE, "solver": "ipm", "user_objective_scale": -10, "user_bound_scale": -5, **_TOL6},
)

#: Wall-time budgets in seconds (spec 12 §3.1): first attempt, levels 0-4, levels 5-11, total.
FIRST_ATTEMPT_BUDGET = 15.0
LEVEL_BUDGET_EARLY = 15.0
LEVEL_BUDGET_LATE = 30.0
LADDER_BUDGET = 120.0


def simplex_iteration_limit(num_cols: int) -> int:
    """Iteration cap applied before every solve: ``max(100000, 50 * num_cols)``."""
    return max(100_000, 50 * int(num_cols))
