"""Cut selection strategies and the active-cut budget (spec 12 §5.2–5.3).

A strategy looks at one stage's pool and returns the slots to deactivate; deactivated cuts keep
their slot and just leave the LPs. Selection runs on stages ``1..T-2`` every
``check_frequency`` iterations; the budget runs every iteration on every stage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from pycobre.errors import ValidationError
from pycobre.sddp.cut_pool import WARM_START_ITERATION, CutPool

__all__ = [
    "CutSelectionConfig",
    "SelectionStrategy",
    "Level1",
    "LML1",
    "Domination",
    "SELECTION_STRATEGIES",
    "build_strategy",
    "selection_candidates",
    "budget_evictions",
]


@dataclass(frozen=True)
class CutSelectionConfig:
    enabled: bool = False
    method: str | None = None
    threshold: float = 0.0
    memory_window: int = 0
    domination_epsilon: float = 0.0
    check_frequency: int = 5
    cut_activity_tolerance: float = 0.0
    basis_activity_window: int = 5
    max_active_per_stage: int | None = None

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any] | None) -> CutSelectionConfig:
        """Resolve ``training.cut_selection`` with the implemented defaults (spec 12 §5.2)."""
        cfg = dict(cfg or {})

        def get(key: str, default: Any) -> Any:
            value = cfg.get(key)
            return default if value is None else value

        def bad(field: str, msg: str) -> ValidationError:
            return ValidationError(
                f"config.json: training.cut_selection.{field}: {msg}",
                kind="IncompatibleSettings",
                context={"file": "config.json", "field": f"training.cut_selection.{field}"},
            )

        threshold = get("threshold", 0)
        enabled = bool(get("enabled", False))
        method = cfg.get("method")
        if enabled:
            if method is None:
                raise bad("method", "required when cut selection is enabled")
            if str(method) not in SELECTION_STRATEGIES:
                raise bad(
                    "method",
                    f"unknown method {method!r} (valid: {', '.join(SELECTION_STRATEGIES)})",
                )
        check_frequency = int(get("check_frequency", 5))
        if check_frequency <= 0:
            raise bad("check_frequency", "must be > 0")
        window = int(get("basis_activity_window", 5))
        if not 1 <= window <= 31:
            raise bad("basis_activity_window", f"must be within 1..31, got {window}")
        budget = cfg.get("max_active_per_stage")
        return cls(
            enabled=enabled,
            method=None if method is None else str(method),
            threshold=float(threshold),
            memory_window=int(get("memory_window", threshold)),
            domination_epsilon=float(get("domination_epsilon", threshold)),
            check_frequency=check_frequency,
            cut_activity_tolerance=float(get("cut_activity_tolerance", 0.0)),
            basis_activity_window=window,
            max_active_per_stage=None if budget is None else int(budget),
        )

    @property
    def activity_tolerance(self) -> float | None:
        """Dual tolerance for counting binding cuts, or ``None`` when nothing reads the counts
        (neither selection nor the active-cut budget): the backward pass then skips the cut-row
        duals."""
        if self.enabled or self.max_active_per_stage is not None:
            return self.cut_activity_tolerance
        return None

    def selection_due(self, iteration: int) -> bool:
        return self.enabled and iteration > 0 and iteration % self.check_frequency == 0


class SelectionStrategy(Protocol):
    def select(self, pool: CutPool, iteration: int, visited_states: np.ndarray) -> np.ndarray:
        """Slots (ascending) of the candidate cuts to deactivate at this iteration."""
        ...


def selection_candidates(pool: CutPool, iteration: int) -> np.ndarray:
    """Active cuts generated before ``iteration`` (warm-start cuts excluded by the sentinel)."""
    hw = pool.high_water
    gen = pool.iteration_generated[:hw]
    mask = pool.active[:hw] & (gen < np.uint64(iteration)) & (gen != WARM_START_ITERATION)
    return np.flatnonzero(mask)


@dataclass(frozen=True)
class Level1:
    threshold: float

    def select(self, pool: CutPool, iteration: int, visited_states: np.ndarray) -> np.ndarray:
        cand = selection_candidates(pool, iteration)
        return cand[pool.active_count[cand].astype(np.float64) <= self.threshold]


@dataclass(frozen=True)
class LML1:
    memory_window: int

    def select(self, pool: CutPool, iteration: int, visited_states: np.ndarray) -> np.ndarray:
        cand = selection_candidates(pool, iteration)
        age = iteration - pool.last_active_iter[cand].astype(np.int64)
        return cand[age > self.memory_window]


@dataclass(frozen=True)
class Domination:
    epsilon: float

    def select(self, pool: CutPool, iteration: int, visited_states: np.ndarray) -> np.ndarray:
        cand = selection_candidates(pool, iteration)
        active = pool.active_slots()
        states = np.asarray(visited_states, dtype=np.float64)
        if cand.size == 0 or active.size < 2 or states.size == 0:
            return cand[:0]
        best = pool.evaluate(states, active).max(axis=0)  # (n_states,)
        values = pool.evaluate(states, cand)  # (n_cand, n_states)
        dominated = np.all(values < best[None, :] - self.epsilon, axis=1)
        return cand[dominated]


#: config ``method`` -> factory(config)
SELECTION_STRATEGIES: dict[str, Callable[[CutSelectionConfig], SelectionStrategy]] = {
    "level1": lambda c: Level1(c.threshold),
    "lml1": lambda c: LML1(c.memory_window),
    "domination": lambda c: Domination(c.domination_epsilon),
}


def build_strategy(config: CutSelectionConfig) -> SelectionStrategy | None:
    if not config.enabled or config.method is None:
        return None
    return SELECTION_STRATEGIES[config.method](config)


def budget_evictions(pool: CutPool, iteration: int, budget: int) -> np.ndarray:
    """Slots to evict so that at most ``budget`` cuts stay active (spec 12 §5.3).

    Candidates are active cuts not generated in this iteration (warm-start cuts included),
    least recently binding first, then least often binding, then lowest slot.
    """
    active = pool.active_slots()
    excess = active.size - budget
    if excess <= 0:
        return active[:0]
    cand = active[pool.iteration_generated[active] != np.uint64(iteration)]
    order = np.lexsort((cand, pool.active_count[cand], pool.last_active_iter[cand]))
    return np.sort(cand[order[: min(excess, cand.size)]])
