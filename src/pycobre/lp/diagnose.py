"""Turn a failed stage solve into a message that names rows and entities.

For an infeasible LP we solve an *elastic* copy (every row gets a non-negative slack on each
side, cost 1, original objective dropped): the rows whose slacks stay positive are a minimal-ish
set of conflicting constraints, which we name with the template's row map.  Runs only on the
error path, so it may be slow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from pycobre.lp.solver import HighsSolver, LpModel

if TYPE_CHECKING:
    from pycobre.lp.stage_lp import StageLP

MAX_REPORTED = 6


def _current_model(lp: StageLP) -> LpModel | None:
    h = getattr(lp.solver, "highs", None)
    if h is None:
        return None
    h.ensureColwise() if hasattr(h, "ensureColwise") else None
    raw = h.getLp()
    a = raw.a_matrix_
    return LpModel(
        col_cost=np.asarray(raw.col_cost_, dtype=np.float64),
        col_lower=np.asarray(raw.col_lower_, dtype=np.float64),
        col_upper=np.asarray(raw.col_upper_, dtype=np.float64),
        row_lower=np.asarray(raw.row_lower_, dtype=np.float64),
        row_upper=np.asarray(raw.row_upper_, dtype=np.float64),
        a_start=np.asarray(a.start_, dtype=np.int32),
        a_index=np.asarray(a.index_, dtype=np.int32),
        a_value=np.asarray(a.value_, dtype=np.float64),
    )


def violated_rows(
    model: LpModel, tol: float = 1e-7, fixed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Rows of an infeasible ``model`` that need relaxing, with the amount (row units).

    Rows flagged in ``fixed`` (the state-fixing rows: given data, not a modelling choice) get
    no elastic slack.  Returns None when the elastic problem fails too.
    """
    nr, nc = model.num_rows, model.num_cols
    bad_cols = np.flatnonzero(model.col_lower > model.col_upper + tol)
    if bad_cols.size:
        return None
    a = sp.csc_matrix((model.a_value, model.a_index, model.a_start), shape=(nr, nc))
    free = np.ones(nr, dtype=bool) if fixed is None else ~fixed
    eye = sp.identity(nr, format="csc")[:, np.flatnonzero(free)]
    ne = int(free.sum())
    big = sp.hstack([a, eye, -eye], format="csc")
    big.sort_indices()
    cost = np.concatenate([np.zeros(nc), np.ones(2 * ne)])
    lo = np.concatenate([model.col_lower, np.zeros(2 * ne)])
    hi = np.concatenate([model.col_upper, np.full(2 * ne, np.inf)])
    elastic = LpModel(
        cost, lo, hi, model.row_lower, model.row_upper,
        big.indptr.astype(np.int32), big.indices.astype(np.int32), big.data.astype(np.float64),
    )
    s = HighsSolver()
    s.load(elastic)
    out = s.solve()
    if not out.optimal:
        return None
    x = s.col_values()
    viol = np.zeros(nr)
    viol[free] = x[nc : nc + ne] - x[nc + ne :]
    rows = np.flatnonzero(np.abs(viol) > tol)
    order = np.argsort(-np.abs(viol[rows]), kind="stable")
    return rows[order], viol[rows][order]


def describe_failure(lp: StageLP, status: str) -> str:
    """One-line description of the rows/entities behind a failed solve."""
    tp = lp.template
    if status == "unbounded":
        model = _current_model(lp)
        if model is not None:
            c = model.col_cost
            open_cols = np.flatnonzero(
                ((c < 0) & np.isinf(model.col_upper)) | ((c > 0) & np.isinf(model.col_lower))
            )
            if open_cols.size:
                names = ", ".join(tp.col_label(int(j)) for j in open_cols[:MAX_REPORTED])
                return f"the objective decreases without limit along {names} (no bound)"
        return "the objective can decrease without limit (check negative costs or missing bounds)"
    if "infeasible" not in status:
        return "the solver could not reach optimality after the retry ladder"
    model = _current_model(lp)
    if model is None:
        return ""
    fixed = np.zeros(model.num_rows, dtype=bool)
    fixed[tp.state_rows] = True
    found = violated_rows(model, fixed=fixed)
    if found is None:
        found = violated_rows(model)
    if found is None:
        bad = np.flatnonzero(model.col_lower > model.col_upper + 1e-7)
        if bad.size:
            names = ", ".join(tp.col_label(int(c)) for c in bad[:MAX_REPORTED])
            return f"column bounds conflict (lower > upper) on {names}"
        return "no row relaxation restores feasibility"
    rows, amount = found
    struct = rows < tp.num_rows
    amount = amount.copy()
    amount[struct] /= tp.row_scale[rows[struct]]  # back to physical units
    if rows.size == 0:
        if status == "unbounded_or_infeasible":
            return describe_failure(lp, "unbounded")
        return "infeasible status but no violated row found (numerical trouble)"
    parts = [
        f"{tp.row_label(int(r))} short by {abs(float(v)):.6g}"
        for r, v in zip(rows[:MAX_REPORTED], amount[:MAX_REPORTED], strict=True)
    ]
    more = f" (+{rows.size - MAX_REPORTED} more rows)" if rows.size > MAX_REPORTED else ""
    return "rows that cannot be satisfied: " + "; ".join(parts) + more
