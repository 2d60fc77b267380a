"""Geometric prescaling of a stage LP (spec 10 §12, Cobre's conditioning step).

One pass of column scaling ``c_j = 1/sqrt(max_i|a_ij| * min_i|a_ij|)`` followed by one pass of
row scaling computed on the column-scaled matrix.  The scaled LP has variables ``x' = x / c``
and rows multiplied by ``r``; primal values are unscaled as ``x = c x'`` and row duals as
``y = r y'``.  Optima are unchanged; only the simplex path (and conditioning) is.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from pycobre.lp.solver import LpModel


def _geometric(mat: sp.csc_matrix | sp.csr_matrix, axis_len: int) -> np.ndarray:
    """1/sqrt(max*min) of |nonzeros| per major index of a compressed matrix (1 if empty)."""
    absm = abs(mat)
    ptr = absm.indptr
    nnz = np.diff(ptr)
    out = np.ones(axis_len)
    has = nnz > 0
    if has.any():
        mx = np.maximum.reduceat(absm.data, ptr[:-1][has])
        mn = np.minimum.reduceat(absm.data, ptr[:-1][has])
        out[has] = 1.0 / np.sqrt(mx * mn)
    return out


def geometric_scales(model: LpModel) -> tuple[np.ndarray, np.ndarray]:
    """(column scale, row scale) of ``model``."""
    nr, nc = model.num_rows, model.num_cols
    a = sp.csc_matrix((model.a_value, model.a_index, model.a_start), shape=(nr, nc))
    a.eliminate_zeros()
    col = _geometric(a, nc)
    ac = (a @ sp.diags(col)).tocsr()
    ac.eliminate_zeros()
    row = _geometric(ac, nr)
    return col, row


def apply_scales(model: LpModel, col: np.ndarray, row: np.ndarray) -> LpModel:
    """The scaled LP: ``R A C``, costs ``C c``, column bounds ``/ c``, row bounds ``* r``."""
    nr, nc = model.num_rows, model.num_cols
    a = sp.csc_matrix((model.a_value, model.a_index, model.a_start), shape=(nr, nc))
    s = (sp.diags(row) @ a @ sp.diags(col)).tocsc()
    s.sort_indices()
    with np.errstate(invalid="ignore"):
        return LpModel(
            col_cost=model.col_cost * col,
            col_lower=model.col_lower / col,
            col_upper=model.col_upper / col,
            row_lower=model.row_lower * row,
            row_upper=model.row_upper * row,
            a_start=s.indptr.astype(np.int32),
            a_index=s.indices.astype(np.int32),
            a_value=s.data.astype(np.float64),
        )
