"""Scenario costs, cost categories and their statistics (spec 13 §5.2, §6).

Recomputed from ``simulation/costs`` because no file carries them: the scenario total is
``C_j = sum_t discount_factor * immediate_cost``; categories are undiscounted sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pycobre.report.sim_tables import read_columns, to_cube

__all__ = ["CATEGORIES", "COMPONENTS", "CostData", "CostStats", "cost_stats", "read_costs"]

CVAR_ALPHA = 0.95
CATEGORIES: dict[str, tuple[str, ...]] = {
    "resource": ("thermal_cost", "contract_cost"),
    "recourse": ("deficit_cost", "excess_cost"),
    "violation": ("storage_violation_cost", "filling_target_cost", "hydro_violation_cost",
                  "inflow_penalty_cost", "generic_violation_cost"),
    "regularization": ("spillage_cost", "fpha_turbined_cost", "curtailment_cost",
                       "exchange_cost"),
    "imputed": ("pumping_cost",),
}
COMPONENTS: tuple[str, ...] = tuple(c for cols in CATEGORIES.values() for c in cols)


@dataclass(frozen=True)
class CostData:
    scenarios: np.ndarray  # (S,) ids
    stages: np.ndarray  # (T,) ids
    total: np.ndarray  # (S,) discounted scenario cost C_j
    stage_cost: np.ndarray  # (S, T) discounted immediate cost
    components: dict[str, np.ndarray]  # name -> (S,) undiscounted sum over stages


@dataclass(frozen=True)
class CostStats:
    n_scenarios: int
    mean: float
    std: float
    min: float
    max: float
    cvar: float
    cvar_alpha: float
    categories: dict[str, dict[str, float]]  # name -> {"mean", "max", "frequency"}

    @property
    def ci_95_half_width(self) -> float:
        return 1.96 * self.std / math.sqrt(self.n_scenarios) if self.n_scenarios > 1 else 0.0


def read_costs(sim_dir: Path) -> CostData | None:
    """Per-scenario totals from ``simulation/costs``; ``None`` when there is no costs table."""
    table = read_columns(sim_dir, "costs",
                         ["stage_id", "immediate_cost", "discount_factor", *COMPONENTS])
    if table is None or table.num_rows == 0:
        return None
    discounted = (table["immediate_cost"].to_numpy() * table["discount_factor"].to_numpy())
    cube = to_cube(table, None, discounted, how="sum")
    stage_cost = np.nan_to_num(cube.values[:, :, 0])
    components = {}
    for name in COMPONENTS:
        c = to_cube(table, None, table[name].to_numpy(), how="sum").values[:, :, 0]
        components[name] = np.nansum(c, axis=1)
    return CostData(cube.scenarios, cube.stages, stage_cost.sum(axis=1), stage_cost, components)


def category_totals(costs: CostData) -> dict[str, np.ndarray]:
    return {cat: np.sum([costs.components[c] for c in cols], axis=0)
            for cat, cols in CATEGORIES.items()}


def cost_stats(total: np.ndarray, categories: dict[str, np.ndarray]) -> CostStats:
    """Mean, sample std, extremes, CVaR_0.95 (tail = S - floor(alpha*S)), category stats."""
    s = int(total.size)
    if s == 0:
        zero = {k: {"mean": 0.0, "max": 0.0, "frequency": 0.0} for k in categories}
        return CostStats(0, 0.0, 0.0, 0.0, 0.0, 0.0, CVAR_ALPHA, zero)
    tail = min(s, max(1, s - math.floor(CVAR_ALPHA * s)))
    worst = np.sort(total)[::-1][:tail]
    cats = {k: {"mean": float(v.mean()), "max": float(v.max()),
                "frequency": float(np.count_nonzero(v) / s)} for k, v in categories.items()}
    return CostStats(
        n_scenarios=s,
        mean=float(total.mean()),
        std=float(total.std(ddof=1)) if s > 1 else 0.0,
        min=float(total.min()),
        max=float(total.max()),
        cvar=float(worst.mean()),
        cvar_alpha=CVAR_ALPHA,
        categories=cats,
    )
