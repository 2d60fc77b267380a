"""Backward pass of one stage (spec 12 §4): one risk-aggregated cut per trial point.

For trial point ``m`` of stage ``t`` the successor ``s = t+1`` is solved under every opening, in
index order, from the basis its forward trajectory left at stage ``s`` (same incoming state), then
keeping the solver's own basis between openings. Cut coefficients are the duals of the
state-fixing rows; the intercept makes the cut exact at the trial point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pycobre.sddp.risk import RiskMeasure, aggregate_cut
from pycobre.sddp.stage_solver import COLD
from pycobre.sddp.worker import Worker

__all__ = ["BackwardBlock", "backward_stage"]


@dataclass
class BackwardBlock:
    trial_points: range
    intercepts: np.ndarray  # (n_local,)
    coefs: np.ndarray  # (n_local, n_state)
    binding_slots: np.ndarray  # successor pool slots whose rows were loaded
    binding_counts: np.ndarray  # binding observations per loaded slot


def backward_stage(
    worker: Worker,
    iteration: int,
    stage: int,
    trial_points: np.ndarray,
    block: range,
    measure: RiskMeasure,
    activity_tolerance: float | None,
) -> BackwardBlock:
    """Cuts for ``stage`` from the trial points ``trial_points[block]`` (shape (M, n_state))."""
    prob = worker.problem
    succ = stage + 1
    slp = worker.lps[succ]
    slp.sync()
    lp = slp.lp
    openings = prob.openings[succ]
    n_open = openings.shape[0]
    prob_w = np.full(n_open, 1.0 / n_open)
    n = prob.n_state
    intercepts = np.empty(len(block))
    coefs = np.empty((len(block), n))
    # binding observations feed cut selection and the active-cut budget only; without either
    # (``activity_tolerance`` None) the cut-row duals are not read at all
    track = activity_tolerance is not None
    counts = np.zeros(slp.loaded.shape[0] if track else 0, dtype=np.int64)
    n_counts = counts.shape[0]
    q = np.empty(n_open)
    pis = np.empty((n_open, n))
    stats = worker.stats
    wid = worker.worker_id
    batched = getattr(slp, "batched", False)
    for i, m in enumerate(block):
        x_hat = trial_points[m]
        lp.set_state(x_hat)
        first = worker.forward_bases.get((m, succ), COLD)
        if batched:  # one call per trial point: patches vectorised over the openings
            out = slp.solve_openings(
                openings, first, stats, (iteration, "backward", succ, wid), scenario=m,
                n_cut_duals=n_counts,
            )
            q, pis = out.objectives, out.state_duals
            if n_counts:
                counts += (out.cut_duals > activity_tolerance).sum(axis=0)
        else:
            for w in range(n_open):
                lp.set_noise(openings[w])
                res = slp.solve(
                    first if w == 0 else None, stats, (iteration, "backward", succ, w, wid),
                    scenario=m, primal=False,
                )
                q[w] = res.objective
                pis[w] = res.state_duals
                if n_counts:
                    counts += np.asarray(res.cut_duals)[:n_counts] > activity_tolerance
        alphas = q - pis @ x_hat
        intercepts[i], coefs[i] = aggregate_cut(measure, q, alphas, pis, prob_w)
    slots = slp.loaded.copy() if track else slp.loaded[:0].copy()
    return BackwardBlock(block, intercepts, coefs, slots, counts)
