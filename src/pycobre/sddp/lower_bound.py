"""Lower bound (spec 12 §6.1, §5.4): stage 0 at the initial state under every opening.

Its LP is separate from the forward-pass LPs and append-only — every stage-0 cut ever generated
stays in it, so budget evictions never lower the bound.

The openings are aggregated with the same greedy risk weights as the cuts (``measure.weights``),
not with ``evaluate_risk``'s convex combination: only the former reproduces the reference's
end-to-end CVaR lower bounds (1dtoy, CVaR α=λ=0.5: 3,693,438.426192 at iteration 1, spec 12 §10).
"""

from __future__ import annotations

import numpy as np

from pycobre.sddp.cut_pool import CutPool
from pycobre.sddp.problem import TrainingProblem
from pycobre.sddp.solver_stats import SolverStats
from pycobre.sddp.stage_solver import COLD, PooledStageLP

__all__ = ["LowerBoundEvaluator"]

COST_SCALE = 1000.0


class LowerBoundEvaluator:
    def __init__(self, problem: TrainingProblem, pool: CutPool) -> None:
        self.problem = problem
        self.slp = PooledStageLP(problem.make_lp(0), pool, append_only=True)
        self._first = True

    def evaluate(self, iteration: int, stats: SolverStats) -> float:
        prob = self.problem
        self.slp.sync()
        lp = self.slp.lp
        lp.set_state(prob.initial_state)
        openings = prob.openings[0]
        n_open = openings.shape[0]
        q = np.empty(n_open)
        for w in range(n_open):
            lp.set_noise(openings[w])
            basis = COLD if self._first else None
            self._first = False
            res = self.slp.solve(
                basis, stats, (iteration, "lower_bound", -1, None, None), primal=False, duals=False
            )
            q[w] = res.objective
        p = np.full(n_open, 1.0 / n_open)
        mu = prob.risk_measures[0].weights(q, p)
        return COST_SCALE * float(mu @ q)
