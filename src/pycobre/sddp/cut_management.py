"""Cut management after the backward pass (spec 12 §5.2–5.3, §2 step 5).

Strategy selection on stages ``1..T-2`` when due, then the active-cut budget on every stage,
then the activity windows age by one iteration. Deactivated cuts leave the forward/backward LPs
at their next sync (the "bake"); the lower-bound LP keeps every cut.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from pycobre.sddp.cut_pool import CutPool
from pycobre.sddp.cut_selection import CutSelectionConfig, budget_evictions, build_strategy
from pycobre.sddp.records import SelectionRecord

__all__ = ["CutManager", "ManagementResult"]


@dataclass(frozen=True)
class ManagementResult:
    #: active cuts over all stages after the strategy, before the budget (convergence column)
    cuts_active: int
    selection_records: tuple[SelectionRecord, ...]
    budget_evicted: int | None = None  # over all stages; None without a budget


class CutManager:
    def __init__(self, config: CutSelectionConfig, n_stages: int, *, fixed_terminal: bool):
        self.config = config
        self.strategy = build_strategy(config)
        self.budget = config.max_active_per_stage
        # boundary cuts of the terminal stage are fixed: never evicted
        self.budget_stages = range(n_stages - 1) if fixed_terminal else range(n_stages)

    def manage(
        self, pools: list[CutPool], iteration: int, visited: list[list[np.ndarray]]
    ) -> ManagementResult:
        k = iteration
        T = len(pools)
        selected: dict[int, tuple[int, int, int, int, float]] = {}
        if self.strategy is not None and self.config.selection_due(k):
            for t in range(T - 1):
                t0 = time.perf_counter()
                pool = pools[t]
                before = pool.n_active
                removed = 0
                if t >= 1:  # stage 0's cuts are never a successor: no activity to judge
                    states = (
                        np.concatenate(visited[t], axis=0)
                        if visited[t]
                        else np.zeros((0, pool.n_state))
                    )
                    drop = self.strategy.select(pool, k, states)
                    pool.deactivate(drop)
                    removed = int(drop.size)
                ms = (time.perf_counter() - t0) * 1e3
                selected[t] = (pool.high_water, before, removed, pool.n_active, ms)
        cuts_active = sum(p.n_active for p in pools)
        evicted: dict[int, int] = {}
        if self.budget is not None:
            for t in self.budget_stages:
                ev = budget_evictions(pools[t], k, self.budget)
                pools[t].deactivate(ev)
                evicted[t] = int(ev.size)
        has_budget = self.budget is not None
        records = tuple(
            SelectionRecord(
                k,
                t,
                populated,
                before,
                removed,
                after,
                ms,
                evicted.get(t, 0) if has_budget else None,
                pools[t].n_active if has_budget else None,
            )
            for t, (populated, before, removed, after, ms) in selected.items()
        )
        for p in pools:
            p.shift_windows()
        total = sum(evicted.values()) if has_budget else None
        return ManagementResult(cuts_active, records, total)
