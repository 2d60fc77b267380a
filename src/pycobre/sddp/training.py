"""The SDDP training loop (spec 12 §2).

One iteration: forward pass over ``M`` trajectories -> upper-bound statistics -> backward pass
``T-2 .. 0`` (cuts inserted stage by stage, so earlier stages see this iteration's cuts) -> cut
selection and budget -> lower bound -> stopping rules. Trajectories and trial points are split in
contiguous blocks over MPI ranks and then over the threads of a rank (each worker holds its own
LPs and warm-start bases); results are gathered in global index order and every solve starts from
a basis keyed by (trajectory or trial point, stage), so the outcome does not depend on the number
of ranks or threads (spec 21 §7).
"""

from __future__ import annotations

import datetime as _dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from pycobre.sddp.backward import backward_stage
from pycobre.sddp.bounds import gap, gap_percent, upper_bound_stats
from pycobre.sddp.cut_management import CutManager
from pycobre.sddp.cut_pool import CutPool
from pycobre.sddp.forward import forward_pass
from pycobre.sddp.lower_bound import LowerBoundEvaluator
from pycobre.sddp.problem import TrainingProblem, build_problem
from pycobre.sddp.records import IterationRecord, SelectionRecord, TrainingOutcome
from pycobre.sddp.settings import TrainingSettings
from pycobre.sddp.solver_stats import SolverStats
from pycobre.sddp.stopping import GRACEFUL_SHUTDOWN, MonitorState
from pycobre.sddp.worker_pool import WorkerPool

__all__ = ["train", "train_problem", "TrainingLoop", "StopRequested", "CheckpointHook"]

log = logging.getLogger("pycobre.training")


#: ``hook(loop, iteration, last)`` after each completed iteration (periodic checkpoints)
CheckpointHook = Callable[["TrainingLoop", int, bool], None]


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
    comm: Any = None,
    checkpoint: CheckpointHook | None = None,
    resume_state: Any = None,
) -> TrainingOutcome:
    """Train a policy for ``system`` (spec 12); returns the pools and the per-iteration records.

    ``warm_start``: per-stage stored cut records (``StageCuts``-like: ``intercepts``,
    ``coefficients``, ``is_active``) that fill the first slots of each pool; with
    ``start_iteration > 0`` iterations continue at ``start_iteration + 1`` (resume).
    ``checkpoint(loop, k, last)`` runs on rank 0 after every completed iteration (``last``: the
    loop stops after it), preceded on every rank by ``checkpoint.collect(loop, k, last)`` when
    the hook has it (a place for collectives such as gathering bases); ``resume_state`` (``pycobre.io.policy.resume_state.ResumeState``) restores
    what an uninterrupted run would carry into iteration ``start_iteration + 1``.
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
        comm=comm,
        checkpoint=checkpoint,
        resume_state=resume_state,
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
    comm: Any = None,
    checkpoint: CheckpointHook | None = None,
    resume_state: Any = None,
) -> TrainingOutcome:
    """Run the loop on a prepared problem (tests and benchmarks build the problem directly).

    ``comm`` (a ``pycobre.comm`` communicator with more than one rank) runs the SPMD loop of
    spec 21: every rank calls this with the same arguments and ends with identical pools.
    """
    loop = TrainingLoop(
        problem,
        settings,
        threads=threads,
        warm_start=warm_start,
        boundary_cuts=boundary_cuts,
        shutdown=shutdown,
        comm=comm,
    )
    if resume_state is not None:
        from pycobre.sddp.checkpoint import restore_resume_state

        restore_resume_state(loop, resume_state)
    return loop.run(start_iteration, progress_callback, checkpoint)


class TrainingLoop:
    """State of one training run: pools, workers, records; :meth:`iteration` is spec 12 §2."""

    def __init__(
        self,
        problem: TrainingProblem,
        settings: TrainingSettings,
        *,
        threads: int = 1,
        warm_start: Sequence[Any] | None = None,
        boundary_cuts: tuple[np.ndarray, np.ndarray] | None = None,
        shutdown: threading.Event | None = None,
        comm: Any = None,
    ) -> None:
        self.problem = problem
        self.settings = settings
        self.shutdown = shutdown
        self.started_at = _now()
        self.t_start = time.perf_counter()  # the monitor's clock starts here (spec 12 §7)
        M = settings.forward_passes
        self.pools = _make_pools(problem, settings, warm_start, boundary_cuts)
        self.workers = WorkerPool(problem, self.pools, M, threads, comm)
        # the lower bound is evaluated on rank 0 and broadcast (spec 21 §5.1)
        self.lower_bound = (
            LowerBoundEvaluator(problem, self.pools[0]) if self.workers.is_root else None
        )
        self.cuts = CutManager(
            settings.cut_selection, problem.n_stages, fixed_terminal=boundary_cuts is not None
        )
        budget = settings.cut_selection.max_active_per_stage
        if budget is not None and budget < M:
            log.warning("cut_selection.max_active_per_stage (%d) < forward_passes (%d)", budget, M)
        self.stats = SolverStats()
        self.records: list[IterationRecord] = []
        self.selection_records: list[SelectionRecord] = []
        self.visited: list[list[np.ndarray]] = [[] for _ in range(problem.n_stages)]
        self.lb_history: list[float] = []
        #: convergence rows of iterations before a resume (``pycobre_resume.npz``)
        self.prior_convergence = np.zeros((0, 0))
        self.peak_active = sum(p.n_active for p in self.pools)

    # -- one iteration -----------------------------------------------------------------------
    def _stop_requested(self) -> bool:
        return bool(self.shutdown is not None and self.shutdown.is_set())

    def _forward(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Trial points ``(M, T, n)`` and discounted costs ``(M,)`` in global order."""
        blocks = self.workers.run(lambda w, b: forward_pass(w, k, b))
        trial, costs = self.workers.gather(
            [
                np.concatenate([f.trial_points for f in blocks], axis=0),
                np.concatenate([f.costs for f in blocks]),
            ]
        )
        return trial, costs

    def _backward(self, k: int, trial: np.ndarray) -> None:
        """Stages ``T-2 .. 0``: cuts inserted before the previous stage is processed."""
        T, M = self.problem.n_stages, self.settings.forward_passes
        tol = self.settings.cut_selection.activity_tolerance
        for t in range(T - 1):
            self.visited[t].append(trial[:, t, :].copy())
        for t in range(T - 2, -1, -1):
            pts = trial[:, t, :]
            measure = self.problem.risk_measures[t]
            parts = self.workers.run(
                lambda w, b, t=t, pts=pts, measure=measure: backward_stage(
                    w, k, t, pts, b, measure, tol
                )
            )
            intercepts, coefs = self.workers.gather(
                [
                    np.concatenate([p.intercepts for p in parts]),
                    np.concatenate([p.coefs for p in parts], axis=0),
                ]
            )
            self.pools[t].insert(k, np.arange(M), intercepts, coefs)
            if tol is None:  # binding counts not tracked
                continue
            succ = self.pools[t + 1]
            hits = self.workers.binding_counts(parts, succ.high_water)
            slots = np.flatnonzero(hits)
            if slots.size:
                succ.record_binding(slots, hits[slots], k)

    def iteration(self, k: int) -> tuple[IterationRecord, bool, str | None]:
        settings = self.settings
        T, M = self.problem.n_stages, settings.forward_passes
        stop_at_start = self._stop_requested()
        t0 = time.perf_counter()
        trial, costs = self._forward(k)
        ub = upper_bound_stats(costs)
        fwd_ms = self.workers.take_busy_ms()
        t_fwd = time.perf_counter()
        self._backward(k, trial)
        bwd_ms = self.workers.take_busy_ms()
        t_bwd = time.perf_counter()
        managed = self.cuts.manage(self.pools, k, self.visited)
        self.selection_records.extend(managed.selection_records)
        self.peak_active = max(self.peak_active, managed.cuts_active)
        t_sel = time.perf_counter()
        it_stats = SolverStats()  # this iteration only: totals without rescanning the history
        lb = 0.0 if self.lower_bound is None else self.lower_bound.evaluate(k, it_stats)
        lb = self.workers.broadcast_value(lb)
        t_lb = time.perf_counter()
        self.workers.collect_stats(it_stats)
        self.stats.merge(it_stats)
        self.lb_history.append(lb)
        wall = t_lb - self.t_start
        # a stop requested during the iteration ends training once it is complete
        state = MonitorState(
            k, wall, lb, tuple(self.lb_history), stop_at_start or self._stop_requested()
        )
        stop, why = settings.stopping.evaluate(state)

        def ms(a: float, b: float) -> int:
            return int(round((b - a) * 1e3))

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
            cuts_active=managed.cuts_active,
            time_forward_ms=ms(t0, t_fwd),
            time_backward_ms=ms(t_fwd, t_bwd),
            time_total_ms=ms(t0, t_lb),
            forward_passes=M,
            lp_solves=self.workers.sum_int(it_stats.total_solves()),
            cut_selection_ms=ms(t_bwd, t_sel),
            lower_bound_ms=ms(t_sel, t_lb),
            wall_time_ms=int(round(wall * 1e3)),
            solve_time_ms=sum(c.solve_time_ms for c in it_stats.rows.values()),
            rules=settings.stopping.last_results,
            worker_forward_ms=fwd_ms,
            worker_backward_ms=bwd_ms,
            selection=managed.selection_records,
            budget_evicted=managed.budget_evicted,
        )
        self.records.append(rec)
        return rec, stop, why

    # -- the loop ------------------------------------------------------------------------------
    def run(
        self,
        start_iteration: int = 0,
        progress_callback: Callable[[IterationRecord], object] | None = None,
        checkpoint: CheckpointHook | None = None,
    ) -> TrainingOutcome:
        reason = "iteration_limit"
        error: BaseException | None = None
        limit = self.settings.stopping.max_iterations
        k = start_iteration
        try:
            if limit is not None and start_iteration >= limit:
                log.warning("resume: %d iterations already completed (limit %d)", k, limit)
            else:
                while True:
                    k += 1
                    rec, stop, why = self.iteration(k)
                    if progress_callback is not None and self.workers.is_root:
                        try:
                            progress_callback(rec)
                        except Exception as exc:
                            if not _is_stop_request(exc):
                                raise
                            stop, why = True, GRACEFUL_SHUTDOWN
                    # rank 0 decides, so time limits, callbacks and signals end every rank alike
                    stop, why = self.workers.broadcast_object((stop, why))
                    if checkpoint is not None:
                        collect = getattr(checkpoint, "collect", None)
                        if collect is not None:  # every rank: may hold collectives
                            collect(self, k, bool(stop))
                        if self.workers.is_root:
                            checkpoint(self, k, bool(stop))
                    if stop:
                        reason = why or "iteration_limit"
                        break
        except BaseException as exc:  # keep what was trained; the caller decides what to write
            error = exc
            reason = "error"
            self.workers.collect_stats(self.stats)  # the failed solve is part of the statistics
        finally:
            self.workers.close()
        if error is None:
            self.stats = self.workers.gather_stats(self.stats)
        return self._outcome(reason, error, start_iteration)

    def snapshot(self, start_iteration: int) -> TrainingOutcome:
        """The outcome as it stands after the last completed iteration (periodic checkpoints)."""
        return self._outcome("checkpoint", None, start_iteration)

    def _outcome(
        self, reason: str, error: BaseException | None, start_iteration: int
    ) -> TrainingOutcome:
        settings, n = self.settings, self.problem.n_state
        return TrainingOutcome(
            pools=self.pools,
            records=self.records,
            selection_records=self.selection_records,
            solver_stats=self.stats,
            termination_reason=reason,
            iterations=self.records[-1].iteration if self.records else start_iteration,
            start_iteration=start_iteration,
            total_time_ms=int(round((time.perf_counter() - self.t_start) * 1e3)),
            started_at=self.started_at,
            completed_at=_now(),
            forward_passes=settings.forward_passes,
            seed=settings.seed,
            max_iterations=settings.stopping.max_iterations,
            stopping_mode=settings.stopping.mode,
            policy_mode=settings.policy_mode,
            visited_states=[
                np.concatenate(v, axis=0) if v else np.zeros((0, n)) for v in self.visited
            ],
            stage_bases=self.workers.first_trajectory_bases(self.problem.n_stages),
            warm_start_counts=[p.warm_start_count for p in self.pools],
            peak_active=self.peak_active,
            error=error,
            seed_configured=settings.seed_configured,
        )
