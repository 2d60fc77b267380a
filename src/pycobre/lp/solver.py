"""LP solver protocol and its HiGHS (``highspy``) backend.

The stage LP code talks to a :class:`Solver`; the backend owns one ``highspy.Highs`` object.
Everything that runs once per solve is a single vectorised call (bounds patches, cut batches,
solution reads), see spec 00 §4/§6a.  The retry ladder of spec 12 §3.1 lives here because it
is about solver options and status codes, not about the model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import highspy
import numpy as np

from pycobre.lp.heap import limit_heap_fragmentation
from pycobre.lp.highs_capi import CApiReader, reader_for
from pycobre.lp.options import (
    FIRST_ATTEMPT_BUDGET,
    LADDER_BUDGET,
    LEVEL_BUDGET_EARLY,
    LEVEL_BUDGET_LATE,
    RETRY_LADDER,
    STANDARD_OPTIONS,
    simplex_iteration_limit,
)

INF = float(highspy.kHighsInf)

_MS = highspy.HighsModelStatus
_OPTIMAL = _MS.kOptimal
#: Statuses that send the first attempt to the ladder (spec 12 §3.1).
_RETRY_STATUSES = {
    _MS.kUnknown,
    _MS.kSolveError,
    _MS.kUnbounded,
    _MS.kIterationLimit,
    _MS.kTimeLimit,
    _MS.kNotset,
}
_STATUS_NAMES = {
    _MS.kOptimal: "optimal",
    _MS.kInfeasible: "infeasible",
    _MS.kUnboundedOrInfeasible: "unbounded_or_infeasible",
    _MS.kUnbounded: "unbounded",
    _MS.kIterationLimit: "iteration_limit",
    _MS.kTimeLimit: "time_limit",
    _MS.kUnknown: "unknown",
    _MS.kSolveError: "solve_error",
}


def status_name(status: Any) -> str:
    """Stable lower-case name of a HiGHS model status."""
    return _STATUS_NAMES.get(status, str(status).rsplit(".", 1)[-1].lstrip("k").lower())


@dataclass
class LpModel:
    """A column-wise LP in CSC arrays (int32 indices), ready for ``passModel``."""

    col_cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray

    @property
    def num_cols(self) -> int:
        return int(self.col_cost.shape[0])

    @property
    def num_rows(self) -> int:
        return int(self.row_lower.shape[0])


@dataclass
class SolveOutcome:
    """What one (possibly retried) solve produced.  ``status`` is a :func:`status_name`."""

    status: str
    objective: float = float("nan")
    iterations: int = 0
    retry_level: int | None = None  # ladder level that succeeded (None: first try or failure)
    retry_attempts: int = 0
    first_status: str = ""
    wall_time: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


class Solver(Protocol):
    """The few operations the stage LP needs from an LP solver."""

    def load(self, model: LpModel) -> None: ...
    def set_row_bounds(self, index: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None: ...
    def set_col_bounds(self, index: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None: ...
    def add_rows(
        self,
        lower: np.ndarray,
        upper: np.ndarray,
        starts: np.ndarray,
        index: np.ndarray,
        value: np.ndarray,
    ) -> None: ...
    def delete_rows_from(self, first: int) -> None: ...
    def solve(self) -> SolveOutcome: ...
    def solution(self) -> Any: ...  # object with col_value / row_dual sequences
    def col_values(self) -> np.ndarray: ...
    def row_duals(self) -> np.ndarray: ...
    def get_basis(self) -> Any: ...
    def set_basis(self, basis: Any, n_rows: int | None = None) -> bool: ...
    def clear_basis(self) -> None: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def num_cols(self) -> int: ...


class HighsSolver:
    """HiGHS backend: dual simplex, presolve off, one thread, the spec 10 §12.1 option set."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        limit_heap_fragmentation()  # once per process: see pycobre/lp/heap.py
        self._h = highspy.Highs()
        # highspy's Highs enables its Python callback dispatcher on construction; with it on, a
        # solve re-takes the GIL inside HiGHS, so worker threads queue behind each other (10
        # solves of a 400-row LP next to a busy Python thread: 0.58 s with it, 0.36 s without;
        # benchmarks/gil_during_solve.py). pycobre registers no callbacks.
        self._h.disableCallbacks()
        # threads is process-wide in HiGHS: set before anything is solved.
        self._h.setOptionValue("output_flag", False)
        self._h.setOptionValue("threads", 1)
        self._standard = {**STANDARD_OPTIONS, **(options or {})}
        self._apply(self._standard)
        self._num_rows = 0
        self._num_cols = 0
        self._solution: Any = None
        #: C API reader (pycobre/lp/highs_capi.py), set once a model is loaded; None -> lists
        self.reader: CApiReader | None = None
        # True right after an optimal solve of the current model: only then do HiGHS's
        # solution/basis vectors have the model's size, which the C API reads rely on
        self._sized = False

    # -- options -------------------------------------------------------------------------
    def _apply(self, opts: dict[str, Any]) -> None:
        h = self._h
        for name, value in opts.items():
            h.setOptionValue(name, value)

    def _apply_limits(self) -> None:
        self._h.setOptionValue("simplex_iteration_limit", simplex_iteration_limit(self._num_cols))
        self._h.setOptionValue("ipm_iteration_limit", 10_000)

    # -- model ---------------------------------------------------------------------------
    def load(self, model: LpModel) -> None:
        nc, nr = model.num_cols, model.num_rows
        self._h.passModel(
            nc,
            nr,
            int(model.a_value.shape[0]),
            1,  # column-wise
            1,  # minimise
            0.0,
            model.col_cost,
            model.col_lower,
            model.col_upper,
            model.row_lower,
            model.row_upper,
            model.a_start,
            model.a_index,
            model.a_value,
            np.zeros(nc, dtype=np.int32),
        )
        self._num_rows, self._num_cols = nr, nc
        self._sized = False
        self._apply_limits()
        self.reader = reader_for(self._h)

    @property
    def num_rows(self) -> int:
        return self._num_rows

    @property
    def num_cols(self) -> int:
        return self._num_cols

    @property
    def highs(self) -> highspy.Highs:
        """The underlying ``highspy.Highs`` object (diagnostics and tests only)."""
        return self._h

    def set_row_bounds(self, index: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        if index.shape[0]:
            self._h.changeRowsBounds(int(index.shape[0]), index, lower, upper)

    def set_col_bounds(self, index: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        if index.shape[0]:
            self._h.changeColsBounds(int(index.shape[0]), index, lower, upper)

    def add_rows(
        self,
        lower: np.ndarray,
        upper: np.ndarray,
        starts: np.ndarray,
        index: np.ndarray,
        value: np.ndarray,
    ) -> None:
        n = int(lower.shape[0])
        if n == 0:
            return
        self._h.addRows(n, lower, upper, int(value.shape[0]), starts, index, value)
        self._num_rows += n
        self._sized = False

    def delete_rows_from(self, first: int) -> None:
        """Delete rows ``first..num_rows-1`` (the cut rows) in one call."""
        n = self._num_rows - first
        if n <= 0:
            return
        self._h.deleteRows(n, np.arange(first, self._num_rows, dtype=np.int32))
        self._num_rows = first
        self._sized = False

    # -- solving -------------------------------------------------------------------------
    def _run_once(self) -> tuple[Any, float]:
        t0 = time.perf_counter()
        self._h.run()
        return self._h.getModelStatus(), time.perf_counter() - t0

    def _iterations(self) -> int:
        return int(self._h.getInfoValue("simplex_iteration_count")[1])

    def solve(self) -> SolveOutcome:
        """Solve warm; on a retryable failure walk the ladder of spec 12 §3.1.

        The first attempt is inlined: three scalar getters cost ~1 µs together, less than one
        ``getInfo()`` (which copies the whole info struct, ~7 µs).
        """
        h = self._h
        self._solution = None
        t0 = time.perf_counter()
        h.run()
        status = h.getModelStatus()
        wall = time.perf_counter() - t0
        iters = int(h.getInfoValue("simplex_iteration_count")[1])
        self._sized = status == _OPTIMAL
        if status == _OPTIMAL and wall <= FIRST_ATTEMPT_BUDGET:
            return SolveOutcome(
                "optimal", h.getObjectiveValue(), iters, None, 0, "optimal", wall
            )
        return self.after_first(status, iters, wall)

    def after_first(self, status: Any, iters: int, wall: float) -> SolveOutcome:
        """Outcome of a first attempt that was not a quick optimum: the ladder or a failure."""
        first = status_name(status)
        if status not in _RETRY_STATUSES and status != _MS.kOptimal:
            return SolveOutcome(first, iterations=iters, first_status=first, wall_time=wall)
        return self._ladder(first, iters, wall)

    def _ladder(self, first: str, iters: int, wall: float) -> SolveOutcome:
        start = time.perf_counter()
        attempts = 0
        result = SolveOutcome(
            "numerical_difficulty" if first != "unbounded" else "unbounded",
            iterations=iters,
            first_status=first,
        )
        try:
            for level, overrides in enumerate(RETRY_LADDER):
                if time.perf_counter() - start > LADDER_BUDGET:
                    break
                if level == 0:
                    self._h.clearSolver()
                if level <= 4:
                    opts = {**self._standard}
                    for lv in RETRY_LADDER[: level + 1]:
                        opts.update(lv)
                else:
                    self._h.clearSolver()
                    opts = {**self._standard, **overrides}
                self._apply(opts)
                self._apply_limits()
                attempts += 1
                status, took = self._run_once()
                iters += self._iterations()
                budget = LEVEL_BUDGET_EARLY if level <= 4 else LEVEL_BUDGET_LATE
                if status == _MS.kOptimal and took <= budget:
                    result = SolveOutcome(
                        "optimal",
                        float(self._h.getObjectiveValue()),
                        iters,
                        level,
                        attempts,
                        first,
                    )
                    break
                if status in (_MS.kInfeasible, _MS.kUnboundedOrInfeasible):
                    result = SolveOutcome(
                        status_name(status), iterations=iters, first_status=first
                    )
                    result.retry_attempts = attempts
                    break
        finally:
            self._apply(self._standard)
            self._apply_limits()
        result.retry_attempts = attempts
        result.wall_time = wall + (time.perf_counter() - start)
        self._sized = result.optimal
        return result

    # -- solution ------------------------------------------------------------------------
    def _sol(self) -> Any:
        if self._solution is None:
            self._solution = self._h.getSolution()
        return self._solution

    def solution(self) -> Any:
        """The ``HighsSolution`` of the last solve (read once; ``col_value``/``row_dual`` are
        converted to Python lists only when accessed)."""
        if self._solution is None:
            self._solution = self._h.getSolution()
        return self._solution

    def fast_reader(self) -> CApiReader | None:
        """The C API reader when the last solve was optimal on the current model, else None."""
        return self.reader if self._sized else None

    def mark_solved(self, optimal: bool) -> None:
        """Record the outcome of a solve run outside :meth:`solve` (``StageLP``'s inlined loop)."""
        self._sized = optimal

    def col_values(self) -> np.ndarray:
        r = self.fast_reader()
        if r is not None:
            return r.col_values(self._num_cols)
        return np.asarray(self._sol().col_value, dtype=np.float64)

    def row_duals(self) -> np.ndarray:
        r = self.fast_reader()
        if r is not None:
            return r.row_duals(self._num_rows)
        return np.asarray(self._sol().row_dual, dtype=np.float64)

    def row_values(self) -> np.ndarray:
        return np.asarray(self._sol().row_value, dtype=np.float64)

    # -- basis ---------------------------------------------------------------------------
    def get_basis(self) -> Any:
        return self._h.getBasis()

    def set_basis(self, basis: Any, n_rows: int | None = None) -> bool:
        """Install ``basis`` (captured when the model had ``n_rows`` rows).

        Same row count: passed straight to HiGHS (no conversion, microseconds).  Otherwise rows
        beyond the stored ones (new cuts) become basic and extra stored rows are dropped; this
        path converts the status vectors and costs ~1 us per row/column.
        Returns False (and keeps the current basis) when HiGHS rejects the result.
        """
        n = self._num_rows
        if n_rows is None or n_rows != n:
            rows = list(basis.row_status)
            if len(rows) != n:
                if len(rows) < n:
                    rows.extend([highspy.HighsBasisStatus.kBasic] * (n - len(rows)))
                else:
                    rows = rows[:n]
                cols = list(basis.col_status)
                if len(cols) != self._num_cols:
                    return False
                b = highspy.HighsBasis()
                b.col_status = cols
                b.row_status = rows
                b.valid = True
                # the stored basis plus basic slacks of the new rows: a basis of this LP, so
                # HiGHS need not treat it as alien (no re-factorisation search; measured -6 %)
                b.alien = False
                basis = b
        return self._h.setBasis(basis) == highspy.HighsStatus.kOk

    def clear_basis(self) -> None:
        """Drop the internal basis so that the next solve is cold."""
        self._h.clearSolver()
        self._sized = False
