"""The two-level split of ``n_items`` (ranks, then threads) as seen by one rank.

Built once (``M`` and the simulation count are fixed) and reused for the forward pass, every
backward stage and the gathers, so each item always lives on the same rank and thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pycobre.comm.communicator import Communicator
from pycobre.comm.partition import block_counts, block_displs, block_partition

__all__ = ["WorkSplit"]


@dataclass(frozen=True)
class WorkSplit:
    n_items: int
    rank: int
    counts: np.ndarray  # rows owned by each rank (the ``counts`` of allgatherv)
    displs: np.ndarray  # first global index of each rank
    rank_block: range  # this rank's items
    thread_blocks: tuple[range, ...]  # this rank's items per thread, global indices, in order

    @classmethod
    def build(cls, n_items: int, n_ranks: int, rank: int, n_threads: int = 1) -> WorkSplit:
        """Threads beyond the rank's item count are not used (no idle LP copies)."""
        counts = block_counts(n_items, n_ranks)
        displs = block_displs(counts)
        start = int(displs[rank])
        block = range(start, start + int(counts[rank]))
        used = max(1, min(int(n_threads), len(block)))
        threads = tuple(
            range(start + b.start, start + b.stop) for b in block_partition(len(block), used)
        )
        return cls(int(n_items), int(rank), counts, displs, block, threads)

    @classmethod
    def for_comm(cls, comm: Communicator, n_items: int, n_threads: int = 1) -> WorkSplit:
        return cls.build(n_items, comm.size, comm.rank, n_threads)

    @property
    def n_threads(self) -> int:
        return len(self.thread_blocks)

    @property
    def n_local(self) -> int:
        return len(self.rank_block)

    def owner(self, item: int) -> int:
        """Rank owning global ``item``."""
        if not 0 <= item < self.n_items:
            raise IndexError(f"item {item} outside 0..{self.n_items - 1}")
        # empty blocks are at the end (counts never increase), so their displs exceed any item
        return int(np.searchsorted(self.displs, item, side="right")) - 1
