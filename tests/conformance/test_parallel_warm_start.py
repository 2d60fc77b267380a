"""Warm-start bases are explicit per (trajectory or trial point, stage) — spec 21 §7.2 rule 4.

The same three iterations of 4ree (M = 5) are run by one worker that owns every trajectory and
by three workers that own uneven blocks (0-1, 2-3, 4) and run them in reverse order, so every
LP object has a different solve history. Each solve must start from the basis stored for its
unit (or cold), never from whatever its LP object solved last: trial points, trajectory costs
and cuts must be bit-identical between the two work splits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pycobre.run import prepare
from pycobre.sddp.backward import backward_stage
from pycobre.sddp.cut_pool import CutPool
from pycobre.sddp.forward import forward_pass
from pycobre.sddp.problem import build_problem
from pycobre.sddp.worker import Worker

CASE = Path(__file__).resolve().parents[2] / "examples" / "4ree"
M, ITERATIONS, TOL = 5, 3, 1e-6


def _train(problem, blocks: list[range]) -> tuple[list, list]:
    """Run ITERATIONS with one Worker per block (blocks run last-first); return traces."""
    T = problem.n_stages
    pools = [CutPool(problem.n_state, M, ITERATIONS, 0) for _ in range(T)]
    workers = [Worker(i, problem, pools) for i in range(len(blocks))]
    order = list(reversed(range(len(blocks))))
    trials, cuts = [], []
    for k in range(ITERATIONS):
        trial = np.empty((M, T, problem.n_state))
        costs = np.empty(M)
        for i in order:
            fwd = forward_pass(workers[i], k, blocks[i])
            trial[blocks[i].start : blocks[i].stop] = fwd.trial_points
            costs[blocks[i].start : blocks[i].stop] = fwd.costs
        trials.append((trial, costs))
        for t in range(T - 2, -1, -1):
            intercepts = np.empty(M)
            coefs = np.empty((M, problem.n_state))
            for i in order:
                part = backward_stage(
                    workers[i], k, t, trial[:, t, :], blocks[i], problem.risk_measures[t], TOL
                )
                intercepts[blocks[i].start : blocks[i].stop] = part.intercepts
                coefs[blocks[i].start : blocks[i].stop] = part.coefs
            pools[t].insert(k, np.arange(M), intercepts, coefs)
            cuts.append((intercepts, coefs))
    return trials, cuts


@pytest.fixture(scope="module")
def problem():
    ctx = prepare(CASE)
    return build_problem(ctx.system, ctx.stochastic, ctx.templates)


def test_results_do_not_depend_on_which_worker_solved_what_before(problem):
    one_trials, one_cuts = _train(problem, [range(0, M)])
    split_trials, split_cuts = _train(problem, [range(0, 2), range(2, 4), range(4, 5)])
    assert len(one_cuts) == ITERATIONS * (problem.n_stages - 1)
    for (a_trial, a_cost), (b_trial, b_cost) in zip(one_trials, split_trials, strict=True):
        assert np.array_equal(a_trial, b_trial)
        assert np.array_equal(a_cost, b_cost)
        assert np.all(a_cost > 0)
    for (a_int, a_coef), (b_int, b_coef) in zip(one_cuts, split_cuts, strict=True):
        assert np.array_equal(a_int, b_int)
        assert np.array_equal(a_coef, b_coef)
    # the cuts carry real information (non-zero storage duals), so equality is not vacuous
    assert np.abs(one_cuts[-1][1]).max() > 0


def test_forward_bases_are_kept_per_trajectory_and_stage(problem):
    """After a pass each worker holds exactly the bases of its own (trajectory, stage) units."""
    T = problem.n_stages
    pools = [CutPool(problem.n_state, M, 1, 0) for _ in range(T)]
    w = Worker(0, problem, pools)
    forward_pass(w, 0, range(2, 4))
    assert sorted(w.forward_bases) == [(m, t) for m in (2, 3) for t in range(T)]


def test_cut_activity_is_read_only_when_tracked(problem):
    """Binding observations (for cut selection / the active-cut budget) come from the cut-row
    duals; with ``activity_tolerance=None`` they are not read, and the cuts are unchanged."""
    T = problem.n_stages
    runs = {}
    for tol in (TOL, None):
        pools = [CutPool(problem.n_state, M, 2, 0) for _ in range(T)]
        worker = Worker(0, problem, pools)
        parts = []
        for k in range(2):
            trial = forward_pass(worker, k, range(M)).trial_points
            for t in range(T - 2, -1, -1):
                part = backward_stage(
                    worker, k, t, trial[:, t, :], range(M), problem.risk_measures[t], tol
                )
                pools[t].insert(k, np.arange(M), part.intercepts, part.coefs)
                parts.append(part)
        runs[tol] = parts
    tracked, untracked = runs[TOL], runs[None]
    for a, b in zip(tracked, untracked, strict=True):
        assert np.array_equal(a.intercepts, b.intercepts)
        assert np.array_equal(a.coefs, b.coefs)
        assert b.binding_slots.size == 0 and b.binding_counts.size == 0
        assert a.binding_counts.shape == a.binding_slots.shape
    # second iteration: successors hold the first iteration's cuts, some of them binding
    assert sum(int(p.binding_counts.sum()) for p in tracked) > 0
