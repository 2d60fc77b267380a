"""Simplex bases as int8 status-code arrays instead of ``HighsBasis`` enum lists.

Why: reading ``HighsBasis.col_status``/``row_status`` through highspy builds one Python enum
object per entry (~0.5 µs each: 150 µs for a 4ree stage with cuts, ~600 µs at XLarge), and every
stored basis is reinstalled into an LP that has gained cut rows, so it must be converted. Here
the codes are derived from what HiGHS already reports after an optimal solve — the basic
variables (``getBasicVariables``, an int array) and, for nonbasic ones, the primal value against
the bounds — and turned back into enum lists by one fancy-indexing of a 5-entry table.

The rule reproduces ``getBasis()`` exactly (checked entry by entry on every forward basis of a
4ree run, and by bit-identical bound traces): a nonbasic variable sits at its nearer finite
bound (``kLower`` 0 / ``kUpper`` 2, ``kZero`` 3 when free); a *fixed* nonbasic one is reported
``kUpper`` when its dual has the "decreasing" sign — column dual < 0, row dual > 0 in highspy's
sign convention — and ``kLower`` otherwise (zero included), as HiGHS derives it from the
nonbasic move.
"""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np

__all__ = ["Basis", "BoundClasses", "STATUS", "codes_of", "from_codes", "nonbasic_codes"]

_S = highspy.HighsBasisStatus
#: enum object per code (HighsBasisStatus values 0..4: kLower, kBasic, kUpper, kZero, kNonbasic)
STATUS = np.array([_S(i) for i in range(5)], dtype=object)
LOWER, BASIC, UPPER, ZERO = 0, 1, 2, 3


class Basis:
    """Simplex basis of a stage LP: status codes (int8) plus the cut-row count at capture.

    ``Basis(raw, n_cuts)`` wraps a ``highspy.HighsBasis`` (converted to codes only when it has
    to be padded); ``Basis(None, n_cuts, col_codes, row_codes)`` holds codes and builds ``raw``
    on first access (cached).
    """

    __slots__ = ("_raw", "n_cuts", "col_codes", "row_codes", "_padded")

    def __init__(
        self,
        raw: Any,
        n_cuts: int,
        col_codes: np.ndarray | None = None,
        row_codes: np.ndarray | None = None,
    ) -> None:
        self._raw = raw
        self.n_cuts = n_cuts
        self.col_codes = col_codes
        self.row_codes = row_codes
        self._padded: tuple[int, Any] | None = None

    def padded_raw(self, n_rows: int) -> Any:
        """A ``HighsBasis`` for an LP with ``n_rows`` rows: rows beyond the stored ones (cuts
        added since capture) basic, extra stored rows dropped. The last one is cached: a
        forward basis is installed twice at the same row count (backward pass of its iteration,
        forward pass of the next), and the conversion costs ~40 µs per 1,000 rows."""
        if self._padded is not None and self._padded[0] == n_rows:
            return self._padded[1]
        cc, rc = self.codes()
        if rc.shape[0] < n_rows:
            rc = np.concatenate((rc, np.full(n_rows - rc.shape[0], BASIC, dtype=np.int8)))
        elif rc.shape[0] > n_rows:
            rc = rc[:n_rows]
        raw = from_codes(cc, rc)
        self._padded = (n_rows, raw)
        return raw

    @property
    def raw(self) -> Any:
        if self._raw is None:
            self._raw = from_codes(self.col_codes, self.row_codes)
        return self._raw

    def codes(self) -> tuple[np.ndarray, np.ndarray]:
        """(column codes, row codes), converted once from ``raw`` when not captured as codes."""
        if self.col_codes is None:
            self.col_codes, self.row_codes = codes_of(self._raw)
        return self.col_codes, self.row_codes

    def __repr__(self) -> str:
        return f"Basis(n_cuts={self.n_cuts}, codes={self.col_codes is not None})"


def codes_of(raw: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes of a ``HighsBasis`` (slow path: one enum object per entry)."""
    cols = np.fromiter((int(s) for s in raw.col_status), dtype=np.int8)
    rows = np.fromiter((int(s) for s in raw.row_status), dtype=np.int8)
    return cols, rows


def from_codes(col_codes: np.ndarray, row_codes: np.ndarray) -> Any:
    """A valid, non-alien ``HighsBasis`` with these statuses."""
    b = highspy.HighsBasis()
    b.col_status = STATUS[col_codes].tolist()
    b.row_status = STATUS[row_codes].tolist()
    b.valid = True
    # the stored basis (plus basic slacks of new cut rows): a basis of this LP, so HiGHS need
    # not treat it as alien (no re-factorisation search; measured -6 % CPU on 4ree)
    b.alien = False
    return b


def nonbasic_codes(
    value: np.ndarray, lower: np.ndarray, upper: np.ndarray, dual: np.ndarray, up_sign: float
) -> np.ndarray:
    """Codes of every entry as if nonbasic (the caller marks the basic ones ``BASIC``).

    ``up_sign`` is the dual sign for which a fixed entry is reported ``kUpper``: -1 for
    columns, +1 for rows (highspy's dual sign convention).
    """
    lo_fin = np.isfinite(lower)
    hi_fin = np.isfinite(upper)
    with np.errstate(invalid="ignore"):
        near_hi = hi_fin & (~lo_fin | (np.abs(value - upper) < np.abs(value - lower)))
    codes = np.where(near_hi, UPPER, np.where(lo_fin, LOWER, ZERO)).astype(np.int8)
    fixed = lower == upper
    if fixed.any():
        d = dual[fixed]
        codes[fixed] = np.where(d * up_sign > 0.0, UPPER, LOWER)
    return codes


class BoundClasses:
    """:func:`nonbasic_codes` split into what depends on the bounds only (computed once per
    bound change) and what depends on the solution (boxed entries: the nearer bound; fixed
    entries: the dual sign) — a few fancy-indexing operations per captured basis."""

    __slots__ = ("base", "boxed", "box_lo", "box_hi", "fixed")

    def __init__(self, lower: np.ndarray, upper: np.ndarray) -> None:
        lo_fin = np.isfinite(lower)
        hi_fin = np.isfinite(upper)
        fixed = lower == upper
        self.base = np.where(hi_fin & ~lo_fin, UPPER, np.where(lo_fin, LOWER, ZERO)).astype(
            np.int8
        )
        self.base[fixed] = LOWER
        self.boxed = np.flatnonzero(lo_fin & hi_fin & ~fixed)
        self.box_lo = lower[self.boxed]
        self.box_hi = upper[self.boxed]
        self.fixed = np.flatnonzero(fixed)

    def codes(self, value: np.ndarray, dual: np.ndarray | None, up_sign: float) -> np.ndarray:
        """Same as ``nonbasic_codes(value, lower, upper, dual, up_sign)``; ``dual`` may be None
        when there is no fixed entry."""
        c = self.base.copy()
        if self.boxed.shape[0]:
            v = value[self.boxed]
            c[self.boxed] = np.where(
                np.abs(v - self.box_hi) < np.abs(v - self.box_lo), UPPER, LOWER
            )
        if self.fixed.shape[0]:
            c[self.fixed] = np.where(dual[self.fixed] * up_sign > 0.0, UPPER, LOWER)
        return c
