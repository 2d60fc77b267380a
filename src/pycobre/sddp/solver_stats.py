"""LP solver counters per (iteration, phase, stage, opening, worker) (spec 04 §3.5–3.6).

Each worker keeps its own ``SolverStats``; the training loop merges them after the iteration.
Counters are plain dict entries keyed by the row key — one dict update per LP solve.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["SolveCounters", "SolverStats", "COUNTER_FIELDS"]

COUNTER_FIELDS = (
    "lp_solves",
    "lp_successes",
    "lp_retries",
    "lp_failures",
    "retry_attempts",
    "basis_offered",
    "basis_consistency_failures",
    "simplex_iterations",
    "solve_time_ms",
    "load_model_time_ms",
    "set_bounds_time_ms",
    "basis_set_time_ms",
    "basis_reconstructions",
)

#: (iteration, phase, stage, opening | None, worker_id | None)
Key = tuple[int, str, int, int | None, int | None]


@dataclass
class SolveCounters:
    lp_solves: int = 0
    lp_successes: int = 0
    lp_retries: int = 0
    lp_failures: int = 0
    retry_attempts: int = 0
    basis_offered: int = 0
    basis_consistency_failures: int = 0
    simplex_iterations: int = 0
    solve_time_ms: float = 0.0
    load_model_time_ms: float = 0.0
    set_bounds_time_ms: float = 0.0
    basis_set_time_ms: float = 0.0
    basis_reconstructions: int = 0


@dataclass
class SolverStats:
    rows: dict[Key, SolveCounters] = field(default_factory=lambda: defaultdict(SolveCounters))
    #: (iteration, phase, stage, retry_level) -> count
    histogram: dict[tuple[int, str, int, int], int] = field(
        default_factory=lambda: defaultdict(int)
    )

    def record(
        self,
        key: Key,
        *,
        ok: bool,
        simplex_iterations: int,
        solve_ms: float,
        set_bounds_ms: float,
        basis_offered: bool,
        retry_attempts: int,
        retry_level: int | None,
        basis_reconstructed: bool = False,
    ) -> None:
        c = self.rows[key]
        c.lp_solves += 1
        c.basis_reconstructions += int(basis_reconstructed)
        c.simplex_iterations += int(simplex_iterations)
        c.solve_time_ms += solve_ms
        c.set_bounds_time_ms += set_bounds_ms
        c.basis_offered += int(basis_offered)
        if ok:
            c.lp_successes += 1
        else:
            c.lp_failures += 1
        if retry_attempts:
            c.retry_attempts += int(retry_attempts)
            if ok:
                c.lp_retries += 1
        # Cobre 0.5.1 keeps the histogram of forward (and simulation) solves only (spec 12 §3.1).
        if ok and retry_level is not None and key[1] != "backward":
            self.histogram[(key[0], key[1], key[2], int(retry_level))] += 1

    def record_ok(
        self,
        key: Key,
        simplex_iterations: int,
        solve_ms: float,
        basis_offered: bool,
        retry_attempts: int,
        retry_level: int | None,
    ) -> None:
        """:meth:`record` of a successful solve, positional and branch-light (once per LP)."""
        c = self.rows[key]
        c.lp_solves += 1
        c.lp_successes += 1
        c.simplex_iterations += simplex_iterations
        c.solve_time_ms += solve_ms
        if basis_offered:
            c.basis_offered += 1
            # Cobre counts a stored basis installed into a forward solve as a reconstruction
            if key[1] == "forward":
                c.basis_reconstructions += 1
        if retry_attempts:
            c.retry_attempts += retry_attempts
            c.lp_retries += 1
        if retry_level is not None and key[1] != "backward":
            self.histogram[(key[0], key[1], key[2], int(retry_level))] += 1

    def record_openings(
        self,
        iteration: int,
        phase: str,
        stage: int,
        worker: int | None,
        iterations: list[int],
        solve_ms: list[float],
        basis_offered: bool,
        retry_attempts: list[int],
        retry_levels: list,
    ) -> None:
        """:meth:`record_ok` of openings ``0..W-1`` of one trial point (``basis_offered``
        applies to opening 0): the same updates in the same order, one Python call per batch."""
        rows = self.rows
        forward = phase == "forward"
        hist = phase != "backward"
        for w, its in enumerate(iterations):
            c = rows[(iteration, phase, stage, w, worker)]
            c.lp_solves += 1
            c.lp_successes += 1
            c.simplex_iterations += its
            c.solve_time_ms += solve_ms[w]
            if basis_offered and w == 0:
                c.basis_offered += 1
                if forward:
                    c.basis_reconstructions += 1
            att = retry_attempts[w]
            if att:
                c.retry_attempts += att
                c.lp_retries += 1
            level = retry_levels[w]
            if level is not None and hist:
                self.histogram[(iteration, phase, stage, int(level))] += 1

    def merge(self, other: SolverStats) -> None:
        rows = self.rows
        for key, c in other.rows.items():
            mine = rows.get(key)
            if mine is None:  # most keys are new (they carry the iteration): copy, no re-add
                mine = rows[key] = SolveCounters.__new__(SolveCounters)
                mine.__dict__.update(c.__dict__)
                continue
            for name in COUNTER_FIELDS:
                setattr(mine, name, getattr(mine, name) + getattr(c, name))
        for key, n in other.histogram.items():
            self.histogram[key] += n

    def total_solves(self, iteration: int | None = None) -> int:
        return sum(
            c.lp_solves for k, c in self.rows.items() if iteration is None or k[0] == iteration
        )

    def pop_all(self) -> SolverStats:
        out = SolverStats(self.rows, self.histogram)
        self.rows = defaultdict(SolveCounters)
        self.histogram = defaultdict(int)
        return out
