"""One SDDP worker: its own stage LPs, warm-start bases and solver counters.

A worker never shares an LP with another worker, so several workers can solve in parallel
threads (HiGHS releases the GIL). Work is split in contiguous blocks (spec 21 §3.1).
"""

from __future__ import annotations

from typing import Any

from pycobre.sddp.cut_pool import CutPool
from pycobre.sddp.problem import TrainingProblem
from pycobre.sddp.solver_stats import SolverStats
from pycobre.sddp.stage_solver import PooledStageLP

__all__ = ["Worker", "block_ranges"]


def block_ranges(n_items: int, n_workers: int) -> list[range]:
    """Contiguous blocks: the first ``n % R`` workers get one extra item."""
    q, r = divmod(n_items, n_workers)
    out = []
    start = 0
    for w in range(n_workers):
        size = q + (1 if w < r else 0)
        out.append(range(start, start + size))
        start += size
    return out


class Worker:
    def __init__(self, worker_id: int, problem: TrainingProblem, pools: list[CutPool]) -> None:
        self.worker_id = worker_id
        self.problem = problem
        # the terminal stage has no pool rows unless boundary cuts were installed
        self.lps = [PooledStageLP(problem.make_lp(t), pools[t]) for t in range(problem.n_stages)]
        #: warm-start bases per (trajectory, stage) from the forward pass
        self.forward_bases: dict[tuple[int, int], Any] = {}
        self.stats = SolverStats()

    def sync_all(self) -> None:
        for lp in self.lps:
            lp.sync()
