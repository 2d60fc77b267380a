"""Geometric prescaling of a stage LP (spec 10 §12, Cobre's conditioning step).

One pass of column scaling ``c_j = 1/sqrt(max_i|a_ij| * min_i|a_ij|)`` followed by one pass of
row scaling computed on the column-scaled matrix.  The scaled LP has variables ``x' = x / c``
and rows multiplied by ``r``; primal values are unscaled as ``x = c x'`` and row duals as
``y = r y'``.  Optima are unchanged; only the simplex path (and conditioning) is.

NumPy only (no SciPy import at start-up, see ``csc.py``); the arithmetic is the one SciPy's
sparse products did: scaled entry ``(r_i * a_ij) * c_j``, exact zeros dropped.
"""

from __future__ import annotations

import numpy as np

from pycobre.lp.csc import reduce_segments
from pycobre.lp.solver import LpModel


def _col_ids(model: LpModel) -> np.ndarray:
    return np.repeat(np.arange(model.num_cols), np.diff(model.a_start))


def geometric_scales(model: LpModel) -> tuple[np.ndarray, np.ndarray]:
    """(column scale, row scale) of ``model``."""
    nr, nc = model.num_rows, model.num_cols
    val = np.asarray(model.a_value, dtype=np.float64)
    keep = val != 0.0
    ci, ri, vv = _col_ids(model)[keep], np.asarray(model.a_index)[keep], val[keep]
    col = reduce_segments(vv, np.searchsorted(ci, np.arange(nc + 1)), nc)
    w = vv * col[ci]  # the column-scaled matrix, exact zeros dropped
    nz = w != 0.0
    ri, w = ri[nz], w[nz]
    order = np.argsort(ri, kind="stable")
    ri, w = ri[order], w[order]
    row = reduce_segments(w, np.searchsorted(ri, np.arange(nr + 1)), nr)
    return col, row


def apply_scales(model: LpModel, col: np.ndarray, row: np.ndarray) -> LpModel:
    """The scaled LP: ``R A C``, costs ``C c``, column bounds ``/ c``, row bounds ``* r``."""
    nc = model.num_cols
    ci = _col_ids(model)
    idx = np.asarray(model.a_index)
    v = (row[idx] * np.asarray(model.a_value, dtype=np.float64)) * col[ci]
    keep = v != 0.0
    counts = np.bincount(ci[keep], minlength=nc)
    start = np.zeros(nc + 1, dtype=np.int32)
    np.cumsum(counts, out=start[1:])
    with np.errstate(invalid="ignore"):
        return LpModel(
            col_cost=model.col_cost * col,
            col_lower=model.col_lower / col,
            col_upper=model.col_upper / col,
            row_lower=model.row_lower * row,
            row_upper=model.row_upper * row,
            a_start=start,
            a_index=idx[keep].astype(np.int32),
            a_value=v[keep].astype(np.float64),
        )
