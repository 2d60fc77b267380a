"""COO -> CSC assembly and geometric prescaling with NumPy only (no SciPy at start-up).

Why: ``import scipy.sparse`` costs 100–250 ms CPU, paid by every run only for building the
stage matrices. These functions give bit-for-bit the arrays SciPy gave (same duplicate sums,
same explicit zeros, same products) — checked against SciPy on every shipped and test case.
Duplicate groups of three or more entries are summed by SciPy itself (its unstable sort fixes
the summation order), which never happens in the stage LPs built today.
"""

from __future__ import annotations

import numpy as np

__all__ = ["coo_to_csc", "reduce_segments"]


def coo_to_csc(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, nrow: int, ncol: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(indptr, indices, data) of the canonical CSC matrix: duplicates summed, rows sorted
    within each column, explicit zeros kept (``scipy.sparse.csc_matrix((v, (r, c)))`` +
    ``sum_duplicates`` + ``sort_indices``)."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    vals = np.asarray(vals, dtype=np.float64)
    order = np.lexsort((rows, cols))  # stable: duplicates keep their input order
    r, c, v = rows[order], cols[order], vals[order]
    if r.shape[0]:
        new = np.empty(r.shape[0], dtype=bool)
        new[0] = True
        new[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
        if not new.all():
            starts = np.flatnonzero(new)
            if np.diff(np.append(starts, r.shape[0])).max() > 2:
                return _scipy_csc(rows, cols, vals, nrow, ncol)
            v = np.add.reduceat(v, starts)  # pairs: a + b, exact whatever the order
            r, c = r[starts], c[starts]
    indptr = np.searchsorted(c, np.arange(ncol + 1), side="left")
    return indptr.astype(np.int32), r.astype(np.int32), v


def _scipy_csc(rows, cols, vals, nrow, ncol):
    import scipy.sparse as sp

    m = sp.csc_matrix((vals, (rows, cols)), shape=(nrow, ncol))
    m.sum_duplicates()
    m.sort_indices()
    return m.indptr.astype(np.int32), m.indices.astype(np.int32), m.data.astype(np.float64)


def reduce_segments(values: np.ndarray, indptr: np.ndarray, n: int) -> np.ndarray:
    """``1/sqrt(max*min)`` of ``|values|`` per compressed segment (1 where empty)."""
    nnz = np.diff(indptr)
    out = np.ones(n)
    has = nnz > 0
    if has.any():
        absv = np.abs(values)
        mx = np.maximum.reduceat(absv, indptr[:-1][has])
        mn = np.minimum.reduceat(absv, indptr[:-1][has])
        out[has] = 1.0 / np.sqrt(mx * mn)
    return out
