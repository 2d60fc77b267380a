"""The workers of this process, how blocks of work reach them, and how results meet across ranks.

Items (trajectories / trial points) are split in contiguous blocks, first over ranks and then
over the threads of a rank (spec 21 §3.1); the split is fixed for the whole run, so trajectory
``m`` always lives on the same worker (its warm-start bases are there). With one worker
everything runs inline; with several, the blocks run in a thread pool (HiGHS releases the GIL)
and results come back in block order. Across MPI ranks, results are gathered in rank order, so
every rank ends with the same arrays in global index order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
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
    def __init__(
        self,
        problem: TrainingProblem,
        pools: list[CutPool],
        n_items: int,
        threads: int,
        comm: Any = None,
    ) -> None:
        self.comm = comm if comm is not None and comm.size > 1 else None
        threads = max(1, int(threads or 1))
        if self.comm is None:
            n = min(threads, max(1, n_items))
            self.blocks = block_ranges(n_items, n)
            ids = list(range(n))
            self.counts = np.array([n_items])
        else:
            from pycobre.comm import WorkSplit

            split = WorkSplit.for_comm(self.comm, n_items, threads)
            self.blocks = list(split.thread_blocks)
            # global worker ids, so solver-statistics keys sum the same for any layout
            ids = [self.comm.rank * threads + i for i in range(split.n_threads)]
            self.counts = split.counts
        self.workers = [Worker(w, problem, pools) for w in ids]
        n_local = len(self.workers)
        self._executor = ThreadPoolExecutor(max_workers=n_local - 1) if n_local > 1 else None
        self._busy_ms = np.zeros(n_local)

    def __len__(self) -> int:
        return len(self.workers)

    @property
    def is_root(self) -> bool:
        return self.comm is None or self.comm.rank == 0

    def _timed(self, fn: Callable[[Worker, range], R], i: int, block: range) -> R:
        t0 = time.perf_counter()
        try:
            return fn(self.workers[i], block)
        finally:
            self._busy_ms[i] += (time.perf_counter() - t0) * 1e3

    def run(self, fn: Callable[[Worker, range], R]) -> list[R]:
        """``fn(worker, block)`` for every local worker; results in block (= index) order.

        With several ranks this is followed by the error agreement of ``pycobre.comm``: if any
        rank failed, every rank raises (nobody is left waiting in a collective).
        """
        err: BaseException | None = None
        out: list[R] = []
        try:
            if self._executor is None:
                out = [self._timed(fn, 0, self.blocks[0])]
            else:
                # block 0 runs on the calling thread: one thread hand-off less per phase (the
                # caller would otherwise sleep on the futures while holding no work)
                futures = [
                    self._executor.submit(self._timed, fn, i, b)
                    for i, b in enumerate(self.blocks)
                    if i > 0
                ]
                try:
                    first = self._timed(fn, 0, self.blocks[0])
                finally:
                    done = [f.result() for f in futures]
                out = [first, *done]
        except Exception as exc:
            if self.comm is None:
                raise
            err = exc
        if self.comm is not None:
            from pycobre.comm import raise_if_any_failed

            raise_if_any_failed(self.comm, err)
        return out

    def gather(self, arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Per-item arrays of this rank -> the global arrays, in global index order."""
        if self.comm is None:
            return list(arrays)
        from pycobre.comm import gather_rows

        return gather_rows(self.comm, list(arrays), self.counts)

    def binding_counts(self, parts: Sequence[Any], length: int) -> np.ndarray:
        """Binding observations per successor slot, summed over workers and ranks (exact)."""
        idx = [p.binding_slots for p in parts]
        cnt = [p.binding_counts for p in parts]
        if self.comm is not None:
            from pycobre.comm import allreduce_counts

            return allreduce_counts(self.comm, idx, cnt, length)
        acc = np.zeros(int(length), dtype=np.int64)
        for i, c in zip(idx, cnt, strict=True):
            if np.asarray(i).size:
                np.add.at(acc, np.asarray(i, dtype=np.int64), np.asarray(c, dtype=np.int64))
        return acc

    def broadcast_value(self, value: float) -> float:
        """A float computed on rank 0 (the lower bound), on every rank."""
        if self.comm is None:
            return value
        buf = np.array([value if self.comm.rank == 0 else 0.0], dtype=np.float64)
        return float(self.comm.broadcast(buf, root=0)[0])

    def broadcast_object(self, obj: Any) -> Any:
        return obj if self.comm is None else self.comm.broadcast_object(obj, root=0)

    def sum_int(self, value: int) -> int:
        if self.comm is None:
            return int(value)
        from pycobre.comm import ReduceOp

        return int(self.comm.allreduce(np.array([value], dtype=np.int64), ReduceOp.SUM)[0])

    def take_busy_ms(self) -> tuple[float, ...]:
        """Busy time per local worker since the last call (one phase of an iteration)."""
        out = tuple(self._busy_ms.tolist())
        self._busy_ms[:] = 0.0
        return out

    def collect_stats(self, into: SolverStats) -> None:
        for w in self.workers:
            into.merge(w.stats.pop_all())

    def gather_stats(self, stats: SolverStats) -> SolverStats:
        """All ranks' statistics merged in rank order (identical on every rank)."""
        if self.comm is None:
            return stats
        merged = SolverStats()
        for part in self.comm.allgather_object(stats):
            merged.merge(part)
        return merged

    def first_trajectory_bases(self, n_stages: int) -> list[Any]:
        return [self.workers[0].forward_bases.get((0, t)) for t in range(n_stages)]

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
