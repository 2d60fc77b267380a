"""Per-iteration records produced by training (spec 12 §9) and the training outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pycobre.sddp.cut_pool import CutPool
from pycobre.sddp.solver_stats import SolverStats
from pycobre.sddp.stopping import RuleResult

__all__ = ["IterationRecord", "SelectionRecord", "TrainingOutcome", "CONVERGED_REASONS"]

#: termination reasons that count as convergence (spec 12 §7: only bound stalling)
CONVERGED_REASONS = frozenset({"bound_stalling"})


@dataclass(frozen=True)
class SelectionRecord:
    iteration: int
    stage: int
    cuts_populated: int
    cuts_active_before: int
    cuts_deactivated: int
    cuts_active_after: int
    selection_time_ms: float
    budget_evicted: int | None
    active_after_budget: int | None


@dataclass(frozen=True)
class IterationRecord:
    iteration: int
    lower_bound: float
    upper_bound_mean: float
    upper_bound_std: float
    ci_95: float
    gap: float  # (UB - LB) / max(1, |UB|)
    gap_percent: float | None
    cuts_added: int
    cuts_removed: int
    cuts_active: int
    time_forward_ms: int
    time_backward_ms: int
    time_total_ms: int
    forward_passes: int
    lp_solves: int
    cut_selection_ms: int = 0
    lower_bound_ms: int = 0
    wall_time_ms: int = 0  # cumulative since training start
    solve_time_ms: float = 0.0
    rules: tuple[RuleResult, ...] = ()
    worker_forward_ms: tuple[float, ...] = ()
    worker_backward_ms: tuple[float, ...] = ()
    #: this iteration's cut-selection rows (empty when selection did not run)
    selection: tuple[SelectionRecord, ...] = ()
    #: cuts evicted by the active-cut budget this iteration (None without a budget)
    budget_evicted: int | None = None


@dataclass
class TrainingOutcome:
    pools: list[CutPool]
    records: list[IterationRecord]
    selection_records: list[SelectionRecord]
    solver_stats: SolverStats
    termination_reason: str
    iterations: int  # absolute count of completed iterations
    start_iteration: int
    total_time_ms: int
    started_at: str
    completed_at: str
    forward_passes: int
    seed: int
    max_iterations: int | None
    stopping_mode: str
    policy_mode: str
    visited_states: list[np.ndarray] = field(default_factory=list)  # per stage (n_visits, n)
    stage_bases: list[Any] = field(default_factory=list)  # per stage, last forward basis of m=0
    warm_start_counts: list[int] = field(default_factory=list)
    peak_active: int = 0
    error: BaseException | None = None
    seed_configured: bool = True

    @property
    def converged(self) -> bool:
        return self.termination_reason in CONVERGED_REASONS

    @property
    def last(self) -> IterationRecord | None:
        return self.records[-1] if self.records else None

    @property
    def final_lower_bound(self) -> float:
        return self.records[-1].lower_bound if self.records else 0.0

    @property
    def final_upper_bound(self) -> float | None:
        return self.records[-1].upper_bound_mean if self.records else None

    @property
    def final_upper_bound_std(self) -> float | None:
        return self.records[-1].upper_bound_std if self.records else None

    @property
    def final_gap_percent(self) -> float | None:
        return self.records[-1].gap_percent if self.records else None

    @property
    def total_cuts_generated(self) -> int:
        return sum(p.n_populated for p in self.pools)

    @property
    def total_slots_populated(self) -> int:
        """Pool high-water marks summed over stages (Cobre's ``row_pool.total_generated``)."""
        return sum(p.high_water for p in self.pools)

    @property
    def total_cuts_active(self) -> int:
        return sum(p.n_active for p in self.pools)

    @property
    def lp_solves(self) -> int:
        return self.solver_stats.total_solves()
