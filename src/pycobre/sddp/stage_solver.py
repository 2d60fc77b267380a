"""A worker's stage LP bound to that stage's cut pool.

Keeps the LP's cut rows equal to the pool's active cuts in slot order (append when only new cuts
arrived, rebake when any was deactivated), and wraps every solve with the solver counters and
the error context (iteration, scenario, opening) that only the training loop knows.
"""

from __future__ import annotations

import inspect
import time
from typing import Any

import numpy as np

from pycobre.errors import SolverError
from pycobre.sddp.cut_pool import CutPool
from pycobre.sddp.solver_stats import Key, SolverStats

__all__ = ["PooledStageLP", "COLD"]

#: Sentinel basis: drop the solver state before solving (first solve of a unit, determinism).
COLD = object()


class PooledStageLP:
    def __init__(self, lp: Any, pool: CutPool | None, *, append_only: bool = False) -> None:
        self.lp = lp
        self.pool = pool
        self.append_only = append_only
        self.loaded = np.zeros(0, dtype=np.int64)  # pool slots of the LP's cut rows, in order
        self._generation = -1
        self._high_water = 0
        self._theta_freed = False
        try:
            params = inspect.signature(lp.solve).parameters
        except (TypeError, ValueError):
            params = {}
        #: the LP can skip reading the primal or the duals (pycobre.lp.StageLP)
        self._partial = "primal" in params and "duals" in params
        clear = getattr(lp, "clear_basis", None) or getattr(
            getattr(lp, "solver", None), "clear_basis", None
        )
        self._clear = clear
        #: the LP solves all openings of a trial point in one call (pycobre.lp.StageLP)
        self.batched = callable(getattr(type(lp), "solve_openings", None))

    # -- cuts ------------------------------------------------------------------------------
    def sync(self) -> None:
        """Bring the LP's cut rows in line with the pool (called outside the per-solve path)."""
        pool = self.pool
        if pool is None:
            return
        if self.append_only:
            # lower-bound LP: every cut ever generated stays (spec 12 §5.4)
            if pool.high_water > self._high_water:
                new = np.flatnonzero(pool.populated[self._high_water : pool.high_water])
                new += self._high_water
                if self._generation < 0:  # first load: skip warm-start cuts stored inactive
                    new = new[pool.active[new]]
                    self._generation = 0
                self._append(new)
                self._high_water = pool.high_water
            return
        if pool.generation != self._generation:
            slots = pool.active_slots()
            coefs, intercepts = pool.cuts(slots)
            if slots.size:
                self._free_theta()
            self.lp.set_cuts(coefs, intercepts)
            self.loaded = slots
            self._generation = pool.generation
            self._high_water = pool.high_water
            return
        if pool.high_water > self._high_water:
            new = np.flatnonzero(pool.active[self._high_water : pool.high_water])
            new += self._high_water
            self._append(new)
            self._high_water = pool.high_water

    def _free_theta(self) -> None:
        """A terminal stage with boundary cuts needs theta free (spec 10 §11.4)."""
        if self._theta_freed:
            return
        self._theta_freed = True
        lp = self.lp
        if hasattr(lp, "free_theta"):
            lp.free_theta()
            return
        tpl, solver = getattr(lp, "template", None), getattr(lp, "solver", None)
        if tpl is not None and solver is not None and getattr(tpl.data, "is_last", False):
            col = np.array([tpl.theta_col], dtype=np.int32)
            solver.set_col_bounds(col, np.zeros(1), np.full(1, np.inf))

    def _append(self, slots: np.ndarray) -> None:
        if slots.size == 0:
            return
        self._free_theta()
        coefs, intercepts = self.pool.cuts(slots)
        self.lp.add_cuts(coefs, intercepts)
        self.loaded = np.concatenate((self.loaded, slots))

    # -- solving ---------------------------------------------------------------------------
    def solve(
        self,
        basis: Any,
        stats: SolverStats,
        key: Key,
        *,
        scenario: int | None = None,
        primal: bool = True,
        duals: bool = True,
    ) -> Any:
        """Solve with ``basis`` (a stored basis, ``None`` = keep solver state, ``COLD``).

        ``primal=False`` / ``duals=False`` are passed on to LPs that support partial reads
        (backward and lower-bound solves need no primal, forward solves no duals).
        """
        lp = self.lp
        if basis is COLD:
            # First solve of a unit: start from a clean solver, never from what this LP object
            # solved before (determinism across workers). StageLP clears on a stored basis itself.
            if self._clear is not None:
                self._clear()
            basis = None
        t0 = time.perf_counter()
        try:
            if self._partial and not (primal and duals):
                res = lp.solve(basis, primal=primal, duals=duals)
            else:
                res = lp.solve(basis)
        except SolverError as exc:
            elapsed = (time.perf_counter() - t0) * 1e3
            stats.record(
                key,
                ok=False,
                simplex_iterations=0,
                solve_ms=elapsed,
                set_bounds_ms=0.0,
                basis_offered=basis is not None,
                retry_attempts=int(exc.context.get("retry_attempts", 0) or 0),
                retry_level=None,
            )
            iteration, phase, stage, opening, _ = key
            exc.iteration = exc.iteration if exc.iteration is not None else iteration
            exc.scenario = exc.scenario if exc.scenario is not None else scenario
            exc.opening = exc.opening if exc.opening is not None else opening
            exc.context.setdefault("iteration", iteration)
            exc.context.setdefault("phase", phase)
            exc.context.setdefault("stage", stage)
            if scenario is not None:
                exc.context.setdefault("scenario", scenario)
            if opening is not None:
                exc.context.setdefault("opening", opening)
            raise
        solve_s = getattr(res, "solve_time_s", None)
        stats.record_ok(
            key,
            int(getattr(res, "simplex_iterations", 0) or 0),
            (time.perf_counter() - t0) * 1e3 if solve_s is None else 1e3 * solve_s,
            basis is not None,
            int(getattr(res, "retry_attempts", 0) or 0),
            getattr(res, "retry_level", None),
        )
        return res

    def solve_openings(
        self,
        noises: np.ndarray,
        basis: Any,
        stats: SolverStats,
        key: tuple[int, str, int, int | None],
        *,
        scenario: int | None = None,
        n_cut_duals: int = 0,
    ) -> Any:
        """All openings of one trial point (``basis`` for opening 0, then warm), see
        ``StageLP.solve_openings``; ``key`` is ``(iteration, phase, stage, worker)`` and the
        counters go to ``(iteration, phase, stage, w, worker)`` exactly as per-solve calls do."""
        lp = self.lp
        if basis is COLD:
            if self._clear is not None:
                self._clear()
            basis = None
        iteration, phase, stage, wid = key
        t0 = time.perf_counter()
        try:
            res = lp.solve_openings(noises, basis, n_cut_duals)
        except SolverError as exc:
            w = int(getattr(exc, "opening", 0) or 0)
            part = getattr(exc, "partial", None)
            if part is not None:
                self._record(stats, part, iteration, phase, stage, wid, basis is not None)
            stats.record(
                (iteration, phase, stage, w, wid),
                ok=False,
                simplex_iterations=0,
                solve_ms=(time.perf_counter() - t0) * 1e3,
                set_bounds_ms=0.0,
                basis_offered=basis is not None and w == 0,
                retry_attempts=int(exc.context.get("retry_attempts", 0) or 0),
                retry_level=None,
            )
            exc.iteration = exc.iteration if exc.iteration is not None else iteration
            exc.scenario = exc.scenario if exc.scenario is not None else scenario
            exc.opening = w
            exc.context.setdefault("iteration", iteration)
            exc.context.setdefault("phase", phase)
            exc.context.setdefault("stage", stage)
            if scenario is not None:
                exc.context.setdefault("scenario", scenario)
            exc.context.setdefault("opening", w)
            raise
        self._record(stats, res, iteration, phase, stage, wid, basis is not None)
        return res

    @staticmethod
    def _record(stats, res, iteration, phase, stage, wid, offered) -> None:
        its = res.iterations.tolist()
        ms = (res.solve_time_s * 1e3).tolist()
        att = res.retry_attempts.tolist()
        record = getattr(stats, "record_openings", None)
        if record is not None:
            record(iteration, phase, stage, wid, its, ms, offered, att, res.retry_levels)
            return
        levels = res.retry_levels
        for w in range(len(its)):
            stats.record_ok(
                (iteration, phase, stage, w, wid), its[w], ms[w], offered and w == 0, att[w],
                levels[w],
            )
