"""The workers of one process and how blocks of work are handed to them.

With one worker everything runs inline; with several, each worker's contiguous block runs in a
thread pool (HiGHS releases the GIL) and results come back in worker order, i.e. in global index
order. Per-worker busy time is kept for the timing file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

from pycobre.sddp.cut_pool import CutPool
from pycobre.sddp.problem import TrainingProblem
from pycobre.sddp.solver_stats import SolverStats
from pycobre.sddp.worker import Worker, block_ranges

__all__ = ["WorkerPool"]

R = TypeVar("R")


class WorkerPool:
    def __init__(self, problem: TrainingProblem, pools: list[CutPool], n_items: int, threads: int):
        n = max(1, min(int(threads or 1), n_items))
        self.workers = [Worker(w, problem, pools) for w in range(n)]
        self.blocks = block_ranges(n_items, n)
        self._executor = ThreadPoolExecutor(max_workers=n) if n > 1 else None
        self._busy_ms = np.zeros(n)

    def __len__(self) -> int:
        return len(self.workers)

    def _timed(self, fn: Callable[[Worker, range], R], w: Worker, block: range) -> R:
        t0 = time.perf_counter()
        try:
            return fn(w, block)
        finally:
            self._busy_ms[w.worker_id] += (time.perf_counter() - t0) * 1e3

    def run(self, fn: Callable[[Worker, range], R]) -> list[R]:
        """``fn(worker, block)`` for every worker; results in worker (= index) order."""
        if self._executor is None:
            return [self._timed(fn, self.workers[0], self.blocks[0])]
        futures = [
            self._executor.submit(self._timed, fn, w, b)
            for w, b in zip(self.workers, self.blocks, strict=True)
        ]
        return [f.result() for f in futures]

    def take_busy_ms(self) -> tuple[float, ...]:
        """Busy time per worker since the last call (one phase of an iteration)."""
        out = tuple(self._busy_ms.tolist())
        self._busy_ms[:] = 0.0
        return out

    def collect_stats(self, into: SolverStats) -> None:
        for w in self.workers:
            into.merge(w.stats.pop_all())

    def first_trajectory_bases(self, n_stages: int) -> list[Any]:
        return [self.workers[0].forward_bases.get((0, t)) for t in range(n_stages)]

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
