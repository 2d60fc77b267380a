"""Rank-ordered gathers used by the SDDP loop (spec 21 §7.2 rule 3).

``gather_rows`` packs several per-item arrays into one buffer so a phase costs one
``allgatherv``; ``allreduce_counts`` sums integer histograms (exact, hence order-free).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pycobre.comm.communicator import Communicator
from pycobre.comm.reduce_op import ReduceOp

__all__ = ["gather_rows", "allreduce_counts"]


def gather_rows(
    comm: Communicator, arrays: Sequence[np.ndarray], counts: Sequence[int] | np.ndarray
) -> list[np.ndarray]:
    """All ranks' rows of each array, in global order, with one ``allgatherv``.

    Every array has this rank's ``counts[rank]`` rows and the same dtype (e.g. trial points
    ``(n, T, D)`` with costs ``(n,)``, or intercepts ``(n,)`` with coefficients ``(n, D)``).
    Trailing shapes must agree across ranks; they are restored on the result.
    """
    if not arrays:
        raise ValueError("gather_rows needs at least one array")
    arrs = [np.asarray(a) for a in arrays]
    dtype = arrs[0].dtype
    n = arrs[0].shape[0]
    for a in arrs:
        if a.dtype != dtype or a.ndim == 0 or a.shape[0] != n:
            raise ValueError("gather_rows: arrays need one dtype and the same number of rows")
    widths = [int(np.prod(a.shape[1:], dtype=np.int64)) for a in arrs]
    packed = np.empty((n, sum(widths)), dtype=dtype)
    col = 0
    for a, w in zip(arrs, widths, strict=True):
        packed[:, col : col + w] = a.reshape(n, w)
        col += w
    full = comm.allgatherv(packed, counts) if comm.size > 1 else packed
    out = []
    col = 0
    for a, w in zip(arrs, widths, strict=True):
        out.append(
            np.ascontiguousarray(full[:, col : col + w]).reshape(full.shape[0], *a.shape[1:])
        )
        col += w
    return out


def allreduce_counts(
    comm: Communicator,
    indices: Sequence[np.ndarray],
    counts: Sequence[np.ndarray],
    length: int,
) -> np.ndarray:
    """Dense ``int64`` histogram of length ``length``: ``sum counts`` at ``indices`` over all
    local parts and all ranks (e.g. binding observations per cut slot). Integer sums are exact,
    so the result does not depend on how items were split.
    """
    acc = np.zeros(int(length), dtype=np.int64)
    for idx, cnt in zip(indices, counts, strict=True):
        idx = np.asarray(idx, dtype=np.int64)
        if idx.size:
            np.add.at(acc, idx, np.asarray(cnt, dtype=np.int64))
    if comm.size > 1 and acc.size:
        acc = comm.allreduce(acc, ReduceOp.SUM)
    return acc
