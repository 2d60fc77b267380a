"""Fixed-size thread pool that runs contiguous blocks and returns results in block order.

HiGHS releases the GIL while it solves, so threads that each own their LP objects solve in
parallel (spec 00 §6). Each block is always handed to the same worker index, so per-worker state
(LPs, warm-start bases per trajectory) stays with the items it belongs to across iterations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, TypeVar

from pycobre.comm.partition import block_partition

__all__ = ["BlockThreadPool"]

R = TypeVar("R")


class BlockThreadPool:
    """``map_blocks(fn, blocks)`` -> ``[fn(0, blocks[0]), fn(1, blocks[1]), ...]``.

    With one thread everything runs in the calling thread (no executor, no overhead). If blocks
    raise, the pool first waits for every block to finish — no thread is left using an LP — and
    then raises the exception of the lowest failing block.
    """

    def __init__(self, n_threads: int, *, name: str = "pycobre-worker") -> None:
        if int(n_threads) < 1:
            raise ValueError(f"n_threads must be >= 1, got {n_threads}")
        self.n_threads = int(n_threads)
        self._executor = (
            ThreadPoolExecutor(max_workers=self.n_threads, thread_name_prefix=name)
            if self.n_threads > 1
            else None
        )

    def blocks(self, n_items: int) -> list[range]:
        """Contiguous blocks of ``0..n_items-1``, one per thread (some may be empty)."""
        return block_partition(n_items, self.n_threads)

    def map_blocks(self, fn: Callable[[int, Any], R], blocks: Sequence[Any]) -> list[R]:
        if len(blocks) > self.n_threads:
            raise ValueError(f"{len(blocks)} blocks for {self.n_threads} threads")
        if self._executor is None or len(blocks) <= 1:
            return [fn(i, b) for i, b in enumerate(blocks)]
        futures = [self._executor.submit(fn, i, b) for i, b in enumerate(blocks)]
        wait(futures)
        for f in futures:
            exc = f.exception()
            if exc is not None:
                raise exc
        return [f.result() for f in futures]

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def __enter__(self) -> BlockThreadPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
