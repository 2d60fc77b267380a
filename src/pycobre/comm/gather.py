"""Rank-ordered gathers used by the SDDP loop (spec 21 §7.2 rule 3).

``gather_rows`` gathers per-item arrays into global order; ``allreduce_counts`` sums integer
histograms (exact, hence independent of the split).
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
    """All ranks' rows of each array, in global order (one ``allgatherv`` per array).

    Every array has this rank's ``counts[rank]`` rows (e.g. trial points ``(n, T, D)`` and
    costs ``(n,)``, or intercepts ``(n,)`` and coefficients ``(n, D)``); trailing shapes and
    dtypes must agree across ranks. Arrays are not packed into one buffer: for the MB-sized
    payloads of the loop the two extra copies cost more than one more collective's latency
    (measured ~10 us per small collective on one node). With one rank the inputs are
    returned as they are (no copy).
    """
    if not arrays:
        raise ValueError("gather_rows needs at least one array")
    arrs = [np.asarray(a) for a in arrays]
    n = arrs[0].shape[0] if arrs[0].ndim else -1
    if any(a.ndim == 0 or a.shape[0] != n for a in arrs):
        raise ValueError("gather_rows: every array needs the same number of rows")
    if comm.size == 1:
        comm._check_counts(arrs[0], counts)
        return arrs
    return [comm.allgatherv(a, counts) for a in arrs]


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
