"""The SDDP training loop (spec 12 §2).

One iteration: forward pass over ``M`` trajectories -> upper-bound statistics -> backward pass
``T-2 .. 0`` (cuts inserted stage by stage, so earlier stages see this iteration's cuts) -> cut
selection and budget -> lower bound -> stopping rules. Trajectories and trial points are split in
contiguous blocks over workers; with ``threads > 1`` the blocks run in a thread pool (each worker
holds its own LPs) and results are gathered in global index order, so the outcome does not depend
on the number of workers.
"""

from __future__ import annotations

import datetime as _dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from pycobre.sddp.backward import backward_stage
from pycobre.sddp.bounds import gap, gap_percent, upper_bound_stats
from pycobre.sddp.cut_pool import CutPool
from pycobre.sddp.cut_selection import budget_evictions, build_strategy
from pycobre.sddp.forward import forward_pass
from pycobre.sddp.lower_bound import LowerBoundEvaluator
from pycobre.sddp.problem import TrainingProblem, build_problem
from pycobre.sddp.records import IterationRecord, SelectionRecord, TrainingOutcome
from pycobre.sddp.settings import TrainingSettings
from pycobre.sddp.solver_stats import SolverStats
from pycobre.sddp.stopping import GRACEFUL_SHUTDOWN, MonitorState
from pycobre.sddp.worker import Worker, block_ranges

__all__ = ["train", "train_problem", "StopRequested"]

log = logging.getLogger("pycobre.training")


class StopRequested(Exception):  # noqa: N818 - mirrors pycobre.events.StopTraining
    """Raised by a progress callback to end training after the current iteration."""


def _is_stop_request(exc: BaseException) -> bool:
    return isinstance(exc, StopRequested) or type(exc).__name__ == "StopTraining"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def train(
    system: Any,
    *,
    stochastic: Any = None,
    templates: Sequence[Any] | None = None,
    threads: int = 1,
    config: dict | None = None,
    warm_start: Sequence[Any] | None = None,
    start_iteration: int = 0,
    boundary_cuts: tuple[np.ndarray, np.ndarray] | None = None,
    progress_callback: Callable[[IterationRecord], object] | None = None,
    shutdown: threading.Event | None = None,
    solver_options: dict | None = None,
) -> TrainingOutcome:
    """Train a policy for ``system`` (spec 12); returns the pools and the per-iteration records.

    ``warm_start``: per-stage stored cut records (``StageCuts``-like: ``intercepts``,
    ``coefficients``, ``is_active``) that fill the first slots of each pool; with
    ``start_iteration > 0`` iterations continue at ``start_iteration + 1`` (resume).
    """
    config = dict(system.config if config is None else config)
    settings = TrainingSettings.from_config(config)
    if stochastic is None:
        from pycobre.stochastic import build_stochastic_model

        stochastic = build_stochastic_model(system, seed=settings.seed)
    if templates is None:
        from pycobre.lp import build_stage_templates

        templates = build_stage_templates(system, stochastic)
    problem = build_problem(system, stochastic, templates, solver_options)
    return train_problem(
        problem,
        settings,
        threads=threads,
        warm_start=warm_start,
        start_iteration=start_iteration,
        boundary_cuts=boundary_cuts,
        progress_callback=progress_callback,
        shutdown=shutdown,
    )


def _make_pools(
    problem: TrainingProblem,
    settings: TrainingSettings,
    warm_start: Sequence[Any] | None,
    boundary_cuts: tuple[np.ndarray, np.ndarray] | None,
) -> list[CutPool]:
    T = problem.n_stages
    pools = []
    for t in range(T):
        stored = warm_start[t] if warm_start is not None and t < len(warm_start) else None
        n_warm = 0 if stored is None else int(np.asarray(stored.intercepts).shape[0])
        if t == T - 1 and boundary_cuts is not None:
            n_warm += int(np.asarray(boundary_cuts[0]).shape[0])
        pool = CutPool(problem.n_state, settings.forward_passes, settings.max_iterations, n_warm)
        if stored is not None and n_warm:
            if hasattr(stored, "forward_pass_indices"):  # a policy file's StageCuts
                from pycobre.io.policy.pool_records import load_stage_into_pool

                load_stage_into_pool(pool, stored)
            else:
                pool.load_warm_start(stored.intercepts, stored.coefficients, stored.is_active)
        if t == T - 1 and boundary_cuts is not None:
            pool.load_warm_start(np.asarray(boundary_cuts[0]), np.asarray(boundary_cuts[1]))
        pools.append(pool)
    return pools


def train_problem(
    problem: TrainingProblem,
    settings: TrainingSettings,
    *,
    threads: int = 1,
    warm_start: Sequence[Any] | None = None,
    start_iteration: int = 0,
    boundary_cuts: tuple[np.ndarray, np.ndarray] | None = None,
    progress_callback: Callable[[IterationRecord], object] | None = None,
    shutdown: threading.Event | None = None,
) -> TrainingOutcome:
    T = problem.n_stages
    M = settings.forward_passes
    n_workers = max(1, min(int(threads or 1), M))
    started_at = _now()
    t_start = time.perf_counter()  # the monitor's clock starts here (spec 12 §7)
    pools = _make_pools(problem, settings, warm_start, boundary_cuts)
    workers = [Worker(w, problem, pools) for w in range(n_workers)]
    blocks = block_ranges(M, n_workers)
    lb_eval = LowerBoundEvaluator(problem, pools[0])
    strategy = build_strategy(settings.cut_selection)
    sel_cfg = settings.cut_selection
    budget = sel_cfg.max_active_per_stage
    if budget is not None and budget < M:
        log.warning("cut_selection.max_active_per_stage (%d) < forward_passes (%d)", budget, M)
    budget_stages = range(T - 1) if boundary_cuts is not None else range(T)
    stats = SolverStats()
    records: list[IterationRecord] = []
    sel_records: list[SelectionRecord] = []
    visited: list[list[np.ndarray]] = [[] for _ in range(T)]
    lb_history: list[float] = []
    reason = "iteration_limit"
    peak_active = sum(p.n_active for p in pools)
    executor = ThreadPoolExecutor(max_workers=n_workers) if n_workers > 1 else None
    max_it = settings.max_iterations if settings.stopping.max_iterations is not None else None
    error: BaseException | None = None

    worker_ms = np.zeros(n_workers)  # per-worker busy time of the current phase

    def timed(fn: Callable[[Worker, range], Any], w: Worker, b: range) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(w, b)
        finally:
            worker_ms[w.worker_id] += (time.perf_counter() - t0) * 1e3

    def run_blocks(fn: Callable[[Worker, range], Any]) -> list[Any]:
        if executor is None:
            return [timed(fn, workers[0], blocks[0])]
        futures = [
            executor.submit(timed, fn, w, b) for w, b in zip(workers, blocks, strict=True)
        ]
        return [f.result() for f in futures]

    k = start_iteration
    try:
        if max_it is not None and start_iteration >= max_it:
            log.warning(
                "resume: %d iterations already completed (limit %d)", start_iteration, max_it
            )
            reason = "iteration_limit"
        else:
            while True:
                k += 1
                shutdown_requested = bool(shutdown is not None and shutdown.is_set())
                it_start = time.perf_counter()
                solves_before = stats.total_solves()
                # -- forward pass ------------------------------------------------------
                worker_ms[:] = 0.0
                fwd = run_blocks(lambda w, b, k=k: forward_pass(w, k, b))
                fwd_worker_ms = tuple(worker_ms.tolist())
                worker_ms[:] = 0.0
                trial = np.concatenate([f.trial_points for f in fwd], axis=0)  # (M, T, n)
                costs = np.concatenate([f.costs for f in fwd])
                ub = upper_bound_stats(costs)
                t_fwd = time.perf_counter()
                # -- backward pass -----------------------------------------------------
                for t in range(T - 1):
                    visited[t].append(trial[:, t, :].copy())
                for t in range(T - 2, -1, -1):
                    pts = trial[:, t, :]
                    measure = problem.risk_measures[t]
                    tol = sel_cfg.cut_activity_tolerance
                    parts = run_blocks(
                        lambda w, b, k=k, t=t, pts=pts, measure=measure, tol=tol: backward_stage(
                            w, k, t, pts, b, measure, tol
                        )
                    )
                    intercepts = np.concatenate([p.intercepts for p in parts])
                    coefs = np.concatenate([p.coefs for p in parts], axis=0)
                    pools[t].insert(k, np.arange(M), intercepts, coefs)
                    succ_pool = pools[t + 1]
                    for p in parts:
                        if p.binding_slots.size:
                            succ_pool.record_binding(p.binding_slots, p.binding_counts, k)
                t_bwd = time.perf_counter()
                bwd_worker_ms = tuple(worker_ms.tolist())
                # -- cut management ----------------------------------------------------
                stage_sel: dict[int, list[Any]] = {}
                if strategy is not None and sel_cfg.selection_due(k):
                    for t in range(T - 1):
                        t0 = time.perf_counter()
                        before = pools[t].n_active
                        removed = 0
                        if t >= 1:
                            states = np.concatenate(visited[t], axis=0) if visited[t] else None
                            drop = strategy.select(
                                pools[t],
                                k,
                                states if states is not None else np.zeros((0, problem.n_state)),
                            )
                            pools[t].deactivate(drop)
                            removed = int(drop.size)
                        stage_sel[t] = [
                            pools[t].high_water,
                            before,
                            removed,
                            pools[t].n_active,
                            (time.perf_counter() - t0) * 1e3,
                        ]
                cuts_active = sum(p.n_active for p in pools)
                peak_active = max(peak_active, cuts_active)
                evicted: dict[int, int] = {}
                if budget is not None:
                    for t in budget_stages:
                        ev = budget_evictions(pools[t], k, budget)
                        pools[t].deactivate(ev)
                        evicted[t] = int(ev.size)
                for t, (pop, before, removed, after, ms) in stage_sel.items():
                    sel_records.append(
                        SelectionRecord(
                            k,
                            t,
                            pop,
                            before,
                            removed,
                            after,
                            ms,
                            None if budget is None else evicted.get(t, 0),
                            None if budget is None else pools[t].n_active,
                        )
                    )
                for p in pools:
                    p.shift_windows()
                t_sel = time.perf_counter()
                # -- lower bound -------------------------------------------------------
                lb = lb_eval.evaluate(k, stats)
                t_lb = time.perf_counter()
                for w in workers:
                    stats.merge(w.stats.pop_all())
                # -- convergence -------------------------------------------------------
                lb_history.append(lb)
                wall = time.perf_counter() - t_start
                stop, why = settings.stopping.evaluate(
                    MonitorState(k, wall, lb, tuple(lb_history), shutdown_requested)
                )
                solve_ms = sum(c.solve_time_ms for key, c in stats.rows.items() if key[0] == k)
                rec = IterationRecord(
                    iteration=k,
                    lower_bound=lb,
                    upper_bound_mean=ub.mean,
                    upper_bound_std=ub.std,
                    ci_95=ub.ci_95,
                    gap=gap(lb, ub.mean),
                    gap_percent=gap_percent(lb, ub.mean),
                    cuts_added=M * (T - 1),
                    cuts_removed=0,
                    cuts_active=cuts_active,
                    time_forward_ms=int(round((t_fwd - it_start) * 1e3)),
                    time_backward_ms=int(round((t_bwd - t_fwd) * 1e3)),
                    time_total_ms=int(round((t_lb - it_start) * 1e3)),
                    forward_passes=M,
                    lp_solves=stats.total_solves() - solves_before,
                    cut_selection_ms=int(round((t_sel - t_bwd) * 1e3)),
                    lower_bound_ms=int(round((t_lb - t_sel) * 1e3)),
                    wall_time_ms=int(round(wall * 1e3)),
                    solve_time_ms=solve_ms,
                    rules=settings.stopping.last_results,
                    worker_forward_ms=fwd_worker_ms,
                    worker_backward_ms=bwd_worker_ms,
                )
                records.append(rec)
                if progress_callback is not None:
                    try:
                        progress_callback(rec)
                    except Exception as exc:
                        if not _is_stop_request(exc):
                            raise
                        stop, why = True, GRACEFUL_SHUTDOWN
                if stop:
                    reason = why or "iteration_limit"
                    break
    except BaseException as exc:  # keep what was trained; the caller decides what to write
        error = exc
        reason = "error"
    finally:
        if executor is not None:
            executor.shutdown(wait=True)
    stage_bases = [workers[0].forward_bases.get((0, t)) for t in range(T)]
    outcome = TrainingOutcome(
        pools=pools,
        records=records,
        selection_records=sel_records,
        solver_stats=stats,
        termination_reason=reason,
        iterations=records[-1].iteration if records else start_iteration,
        start_iteration=start_iteration,
        total_time_ms=int(round((time.perf_counter() - t_start) * 1e3)),
        started_at=started_at,
        completed_at=_now(),
        forward_passes=M,
        seed=settings.seed,
        max_iterations=settings.stopping.max_iterations,
        stopping_mode=settings.stopping.mode,
        policy_mode=settings.policy_mode,
        visited_states=[
            np.concatenate(v, axis=0) if v else np.zeros((0, problem.n_state)) for v in visited
        ],
        stage_bases=stage_bases,
        warm_start_counts=[p.warm_start_count for p in pools],
        peak_active=peak_active,
        error=error,
        seed_configured=settings.seed_configured,
    )
    return outcome
