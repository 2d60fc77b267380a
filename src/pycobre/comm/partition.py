"""Contiguous block partition of work items (spec 21 §3.1).

Blocks are contiguous and ascending, so concatenating per-part results in part order reproduces
the global index order exactly: this is what makes gathers independent of how many ranks and
threads took part. ``counts``/``displs`` are pure arithmetic, computed identically on every rank
without communication.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "block_partition",
    "block_counts",
    "block_displs",
    "two_level_partition",
    "concat_in_order",
]


def _check(n_items: int, n_parts: int) -> tuple[int, int]:
    n_items, n_parts = int(n_items), int(n_parts)
    if n_items < 0:
        raise ValueError(f"n_items must be >= 0, got {n_items}")
    if n_parts < 1:
        raise ValueError(f"n_parts must be >= 1, got {n_parts}")
    return n_items, n_parts


def block_counts(n_items: int, n_parts: int) -> np.ndarray:
    """Block sizes: ``q + 1`` for the first ``n_items % n_parts`` parts, ``q`` for the rest."""
    n_items, n_parts = _check(n_items, n_parts)
    q, r = divmod(n_items, n_parts)
    counts = np.full(n_parts, q, dtype=np.int64)
    counts[:r] += 1
    return counts


def block_displs(counts: Sequence[int] | np.ndarray) -> np.ndarray:
    """First index of every block: ``displs[r] = sum(counts[:r])``."""
    c = np.asarray(counts, dtype=np.int64)
    out = np.zeros(c.shape[0], dtype=np.int64)
    np.cumsum(c[:-1], out=out[1:])
    return out


def block_partition(n_items: int, n_parts: int) -> list[range]:
    """``n_parts`` contiguous ranges covering ``0..n_items-1``; sizes differ by at most one."""
    counts = block_counts(n_items, n_parts)
    displs = block_displs(counts)
    return [range(int(d), int(d + c)) for d, c in zip(displs, counts, strict=True)]


def two_level_partition(n_items: int, n_ranks: int, n_threads: int) -> list[list[range]]:
    """Ranks first, then threads inside each rank's block: ``out[rank][thread]`` is a range.

    Thread blocks of rank ``r`` tile rank ``r``'s block in order, so iterating ranks then threads
    visits ``0..n_items-1`` ascending. The split must stay the same across iterations so that
    per-item state (warm-start bases) stays with the thread that owns the item.
    """
    _check(n_items, n_threads)
    out = []
    for rank_block in block_partition(n_items, n_ranks):
        out.append(
            [
                range(rank_block.start + b.start, rank_block.start + b.stop)
                for b in block_partition(len(rank_block), n_threads)
            ]
        )
    return out


def concat_in_order(parts: Sequence[np.ndarray], *, like: np.ndarray | None = None) -> np.ndarray:
    """Concatenate per-block results (already in block order) along axis 0.

    ``like`` gives dtype and trailing shape when every part may be empty (zero parts).
    """
    if len(parts) == 0:
        if like is None:
            raise ValueError("concat_in_order needs 'like' when there are no parts")
        return np.empty((0, *np.shape(like)[1:]), dtype=np.asarray(like).dtype)
    return np.concatenate([np.asarray(p) for p in parts], axis=0)
