"""Progress and typed training events (spec 20 §9) and the ``StopTraining`` request.

``ProgressEvent`` is the compact per-iteration record handed to ``progress_callback``; the typed
classes mirror Cobre's ``TrainingEvent`` variants for ``event_callback``. All are frozen
dataclasses so a callback cannot alter what the next callback sees. Events are produced only at
iteration (or scenario) boundaries, never from inside LP-solving code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "StopTraining",
    "StoppingRuleResult",
    "ProgressEvent",
    "TrainingEvent",
    "TrainingStarted",
    "ForwardPassComplete",
    "ForwardSyncComplete",
    "BackwardPassComplete",
    "PolicySyncComplete",
    "SelectionStageRecord",
    "PolicySelectionComplete",
    "PolicyBudgetEnforcementComplete",
    "PolicyTemplateBakeComplete",
    "ConvergenceUpdate",
    "CheckpointComplete",
    "IterationSummary",
    "WorkerTiming",
    "TrainingFinished",
    "SimulationStarted",
    "SimulationProgress",
    "SimulationFinished",
]


class StopTraining(Exception):  # noqa: N818 - name fixed by spec 20 §9.1
    """Raise from a progress/event callback to stop training gracefully.

    The current iteration is completed, outputs and the policy checkpoint are written and the
    result's ``termination_reason`` is ``"shutdown"``. It is control flow, not an error.
    Returning ``StopTraining`` (the class or an instance) from a callback does the same.
    """


@dataclass(frozen=True)
class StoppingRuleResult:
    """Outcome of one stopping rule after an iteration."""

    rule_name: str
    triggered: bool
    detail: str = ""


def _rule_results(rules: Iterable[Any]) -> tuple[StoppingRuleResult, ...]:
    """Accept the loop's own rule records (same field names) and return the public type."""
    return tuple(
        r
        if isinstance(r, StoppingRuleResult)
        else StoppingRuleResult(str(r.rule_name), bool(r.triggered), str(getattr(r, "detail", "")))
        for r in rules
    )


@dataclass(frozen=True)
class ProgressEvent:
    """One completed training iteration, or one simulation progress report."""

    phase: str
    iteration: int | None = None
    lower_bound: float | None = None
    upper_bound: float | None = None
    upper_bound_std: float | None = None
    ci_95: float | None = None
    gap: float | None = None
    wall_time_ms: int = 0
    iteration_time_ms: int | None = None
    scenarios_complete: int | None = None
    scenarios_total: int | None = None
    rules: tuple[StoppingRuleResult, ...] = ()
    worker_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", _rule_results(self.rules))


class TrainingEvent:
    """Marker base class of the typed events (Cobre's ``TrainingEvent`` enum)."""

    __slots__ = ()


@dataclass(frozen=True)
class TrainingStarted(TrainingEvent):
    case_name: str
    stages: int
    hydros: int
    thermals: int
    ranks: int
    threads_per_rank: int
    timestamp: str


@dataclass(frozen=True)
class ForwardPassComplete(TrainingEvent):
    iteration: int
    scenarios: int
    ub_mean: float
    ub_std: float
    elapsed_ms: int


@dataclass(frozen=True)
class ForwardSyncComplete(TrainingEvent):
    iteration: int
    global_ub_mean: float
    global_ub_std: float
    sync_time_ms: int


@dataclass(frozen=True)
class BackwardPassComplete(TrainingEvent):
    iteration: int
    rows_generated: int
    stages_processed: int
    elapsed_ms: int
    state_exchange_time_ms: int = 0
    row_batch_build_time_ms: int = 0
    setup_time_ms: int = 0
    load_imbalance_ms: int = 0
    scheduling_overhead_ms: int = 0


@dataclass(frozen=True)
class PolicySyncComplete(TrainingEvent):
    iteration: int
    rows_distributed: int
    rows_active: int
    rows_removed: int
    sync_time_ms: int


@dataclass(frozen=True)
class SelectionStageRecord:
    stage: int
    rows_populated: int
    rows_active_before: int
    rows_deactivated: int
    rows_active_after: int
    selection_time_ms: float
    budget_evicted: int | None = None
    active_after_budget: int | None = None


@dataclass(frozen=True)
class PolicySelectionComplete(TrainingEvent):
    iteration: int
    rows_deactivated: int
    stages_processed: int
    selection_time_ms: int
    allgatherv_time_ms: int
    per_stage: tuple[SelectionStageRecord, ...] = ()


@dataclass(frozen=True)
class PolicyBudgetEnforcementComplete(TrainingEvent):
    iteration: int
    rows_evicted: int
    stages_processed: int
    enforcement_time_ms: int


@dataclass(frozen=True)
class PolicyTemplateBakeComplete(TrainingEvent):
    iteration: int
    stages_processed: int
    total_rows_baked: int
    bake_time_ms: int


@dataclass(frozen=True)
class ConvergenceUpdate(TrainingEvent):
    iteration: int
    lower_bound: float
    upper_bound: float
    upper_bound_std: float
    gap: float | None
    rules_evaluated: tuple[StoppingRuleResult, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules_evaluated", _rule_results(self.rules_evaluated))


@dataclass(frozen=True)
class CheckpointComplete(TrainingEvent):
    iteration: int
    checkpoint_path: str
    elapsed_ms: int


@dataclass(frozen=True)
class IterationSummary(TrainingEvent):
    iteration: int
    lower_bound: float
    upper_bound: float
    gap: float | None
    wall_time_ms: int
    iteration_time_ms: int
    forward_ms: int
    backward_ms: int
    lp_solves: int
    solve_time_ms: float
    lower_bound_eval_ms: int
    fwd_setup_time_ms: int = 0
    fwd_load_imbalance_ms: int = 0
    fwd_scheduling_overhead_ms: int = 0


@dataclass(frozen=True)
class WorkerTiming(TrainingEvent):
    iteration: int
    rank: int
    worker_id: int
    phase: str
    forward_wall_ms: int
    backward_wall_ms: int
    fwd_setup_ms: int = 0
    bwd_setup_ms: int = 0


@dataclass(frozen=True)
class TrainingFinished(TrainingEvent):
    reason: str
    iterations: int
    final_lb: float
    final_ub: float | None
    total_time_ms: int
    total_rows: int


@dataclass(frozen=True)
class SimulationStarted(TrainingEvent):
    case_name: str
    n_scenarios: int
    n_stages: int
    ranks: int
    threads_per_rank: int
    timestamp: str


@dataclass(frozen=True)
class SimulationProgress(TrainingEvent):
    scenarios_complete: int
    scenarios_total: int
    elapsed_ms: int
    scenario_cost: float | None = None
    solve_time_ms: float | None = None
    lp_solves: int | None = None


@dataclass(frozen=True)
class SimulationFinished(TrainingEvent):
    scenarios: int
    output_dir: str | None
    elapsed_ms: int
