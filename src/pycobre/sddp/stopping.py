"""Stopping rules and their combination (spec 12 §7).

Each rule sees an immutable ``MonitorState`` after a completed iteration and says whether it
fires. The rule set combines them (``any``/``all``) and names the first triggered rule in
configuration order as the termination reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pycobre.errors import ValidationError

__all__ = [
    "MonitorState",
    "RuleResult",
    "StoppingRule",
    "IterationLimit",
    "TimeLimit",
    "BoundStalling",
    "StoppingRuleSet",
    "STOPPING_RULES",
    "build_stopping_rules",
    "GRACEFUL_SHUTDOWN",
    "DEFAULT_MAX_ITERATIONS",
]

GRACEFUL_SHUTDOWN = "graceful_shutdown"
#: iteration limit used when no rule sets one (pool capacity) and for the `simulation` rule
DEFAULT_MAX_ITERATIONS = 100


@dataclass(frozen=True)
class MonitorState:
    iteration: int
    wall_time_seconds: float
    lower_bound: float
    lower_bound_history: tuple[float, ...]
    shutdown_requested: bool = False
    simulation_costs: Any = None


@dataclass(frozen=True)
class RuleResult:
    rule_name: str
    triggered: bool
    detail: str = ""


class StoppingRule(Protocol):
    name: str

    def evaluate(self, state: MonitorState) -> RuleResult: ...


@dataclass(frozen=True)
class IterationLimit:
    limit: int
    name: str = "iteration_limit"

    def evaluate(self, state: MonitorState) -> RuleResult:
        hit = state.iteration >= self.limit
        return RuleResult(self.name, hit, f"iteration {state.iteration}/{self.limit}")


@dataclass(frozen=True)
class TimeLimit:
    seconds: float
    name: str = "time_limit"

    def evaluate(self, state: MonitorState) -> RuleResult:
        hit = state.wall_time_seconds >= self.seconds
        return RuleResult(self.name, hit, f"elapsed {state.wall_time_seconds:.1f}s/{self.seconds}s")


@dataclass(frozen=True)
class BoundStalling:
    iterations: int
    tolerance: float
    name: str = "bound_stalling"

    def evaluate(self, state: MonitorState) -> RuleResult:
        h = state.lower_bound_history
        if len(h) < self.iterations or self.iterations < 1:
            return RuleResult(self.name, False, "insufficient history")
        lb = state.lower_bound
        delta = (lb - h[len(h) - self.iterations]) / max(1.0, abs(lb))
        return RuleResult(self.name, abs(delta) < self.tolerance, f"delta {delta:.6g}")


def _field(params: Mapping[str, Any], key: str, index: int) -> Any:
    if key not in params:
        raise ValidationError(
            f"config.json: training.stopping_rules[{index}] ({params.get('type')}) misses "
            f"field '{key}'",
            kind="SchemaViolation",
            context={"file": "config.json", "field": f"training.stopping_rules[{index}].{key}"},
        )
    return params[key]


#: config `type` -> factory(params, index)
STOPPING_RULES: dict[str, Callable[[Mapping[str, Any], int], StoppingRule]] = {
    "iteration_limit": lambda p, i: IterationLimit(int(_field(p, "limit", i))),
    "time_limit": lambda p, i: TimeLimit(float(_field(p, "seconds", i))),
    "bound_stalling": lambda p, i: BoundStalling(
        int(_field(p, "iterations", i)), float(_field(p, "tolerance", i))
    ),
    # Not implemented in the reference: mapped to an iteration limit of 100 (spec 12 §7).
    "simulation": lambda p, i: IterationLimit(DEFAULT_MAX_ITERATIONS),
}


@dataclass
class StoppingRuleSet:
    rules: list[StoppingRule]
    mode: str = "any"
    last_results: tuple[RuleResult, ...] = field(default_factory=tuple)

    @property
    def max_iterations(self) -> int | None:
        """Largest configured iteration limit (None when no rule sets one)."""
        limits = [r.limit for r in self.rules if isinstance(r, IterationLimit)]
        return max(limits) if limits else None

    def evaluate(self, state: MonitorState) -> tuple[bool, str | None]:
        """Return ``(stop, reason)`` and keep the per-rule results in ``last_results``."""
        results = tuple(rule.evaluate(state) for rule in self.rules)
        self.last_results = results
        triggered = [r.rule_name for r in results if r.triggered]
        if state.shutdown_requested:
            return True, GRACEFUL_SHUTDOWN
        if self.mode == "all":
            if results and len(triggered) == len(results):
                return True, triggered[0]
            cap = self.max_iterations
            if cap is not None and state.iteration >= cap:
                return True, "iteration_limit"
            return False, None
        if triggered:
            return True, triggered[0]
        return False, None


def build_stopping_rules(
    rules: Sequence[Mapping[str, Any]] | None, mode: str | None
) -> StoppingRuleSet:
    """Rule set from ``training.stopping_rules`` / ``stopping_mode`` (empty list -> limit 100)."""
    built: list[StoppingRule] = []
    for i, params in enumerate(rules or []):
        kind = str(params.get("type", ""))
        factory = STOPPING_RULES.get(kind)
        if factory is None:
            raise ValidationError(
                f"config.json: unknown stopping rule type {kind!r} in training.stopping_rules[{i}]"
                f" (valid: {', '.join(STOPPING_RULES)})",
                kind="InvalidEnum",
                context={"file": "config.json", "field": f"training.stopping_rules[{i}].type"},
            )
        built.append(factory(params, i))
    if not built:
        built.append(IterationLimit(DEFAULT_MAX_ITERATIONS))
    mode_norm = "all" if str(mode or "any").lower() == "all" else "any"
    return StoppingRuleSet(built, mode_norm)
