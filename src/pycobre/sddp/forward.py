"""Forward pass (spec 12 §3): simulate trajectories, record trial points and costs.

Everything a trajectory draws depends only on (iteration, scenario, stage), and its warm-start
basis per stage is the one stored for the same trajectory in the previous iteration, so the
result does not depend on which worker ran it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pycobre.sddp.lag_state import LagAccumulator
from pycobre.sddp.stage_solver import COLD
from pycobre.sddp.worker import Worker

__all__ = ["ForwardBlock", "forward_pass"]

COST_SCALE = 1000.0


@dataclass
class ForwardBlock:
    scenarios: range
    trial_points: np.ndarray  # (n_local, T, n_state): outgoing state of every stage
    costs: np.ndarray  # (n_local,) discounted trajectory cost in $


def _block_noise(worker: Worker, iteration: int, scenarios: range) -> list[np.ndarray] | None:
    """Noise of every (stage, scenario) of the block, drawn with one call per stage."""
    batch = worker.problem.forward_noise_batch
    if batch is None or len(scenarios) == 0:
        return None
    ids = np.arange(scenarios.start, scenarios.stop, dtype=np.int64)
    return [np.asarray(batch(iteration, ids, t)) for t in range(worker.problem.n_stages)]


def forward_pass(worker: Worker, iteration: int, scenarios: range) -> ForwardBlock:
    prob = worker.problem
    T, n = prob.n_stages, prob.n_state
    trial = np.empty((len(scenarios), T, n))
    costs = np.zeros(len(scenarios))
    worker.sync_all()
    acc = LagAccumulator(prob.n_hydros, prob.n_lags, layout=prob.lag_extras)
    stats = worker.stats
    noise = _block_noise(worker, iteration, scenarios)
    for i, m in enumerate(scenarios):
        acc.reset(prob.lag_seed)
        x = prob.initial_state
        total = 0.0
        for t in range(T):
            slp = worker.lps[t]
            lp = slp.lp
            lp.set_state(x)
            lp.set_noise(noise[t][i] if noise is not None else prob.forward_noise(iteration, m, t))
            basis = worker.forward_bases.get((m, t), COLD)
            res = slp.solve(
                basis, stats, (iteration, "forward", t, None, None), scenario=m, duals=False
            )
            worker.forward_bases[(m, t)] = lp.get_basis()
            total += prob.cumulative_discount[t] * res.stage_cost * COST_SCALE
            x_out = np.array(res.state_out, dtype=np.float64, copy=True)
            if prob.n_lags:
                acc.apply(prob.transitions[t], x, x_out, np.asarray(res.inflow_realised))
            trial[i, t] = x_out
            x = x_out
        costs[i] = total
    return ForwardBlock(scenarios, trial, costs)
