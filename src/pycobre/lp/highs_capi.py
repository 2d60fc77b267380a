"""Solution and basis reads straight into NumPy buffers through HiGHS's C API.

Why: highspy hands a solution back as a copied ``HighsSolution`` whose vectors become Python
lists on access, and a basis as lists of enum objects. After every backward solve that costs
~10–15 µs (copy the solution, build a list of row duals, convert it back to an array), after
every forward solve ~80 µs for the basis; over a 4ree training run, seconds of pure Python
around LPs that take ~150 µs. The highspy wheel links HiGHS's C API into its extension module
and exports it (``Highs_getSolution``, ``Highs_getBasis``: plain loops writing into caller
buffers), so a ``ctypes`` call with a preallocated array does the same read in ~1 µs.

The C API wants the ``Highs*`` that the highspy object wraps. highspy is a pybind11 module, and
a pybind11 instance of a class with one C++ base stores the value pointer right after the
Python object header (pybind11's ``instance::simple_value_holder[0]``). :func:`reader_for`
reads it only for pybind11 objects, checks it against highspy's own answers (column and row
counts of a loaded model, size of ``HighsInt``) and returns ``None`` otherwise — the caller then
keeps highspy's list path, which gives the same values. ``PYCOBRE_HIGHS_CAPI=0`` forces that.

Reading is only valid right after an optimal solve on the current model: HiGHS copies its
whole solution/basis vectors, so they must have the model's current size (callers guarantee it;
``HighsSolver`` tracks it).
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

import numpy as np

__all__ = ["CAPI_ENV", "CApiReader", "reader_for"]

#: ``0``/``false``/``off`` disables the C API path (highspy's list path is used instead)
CAPI_ENV = "PYCOBRE_HIGHS_CAPI"

_P = ctypes.c_void_p
_LIB: Any = None  # the loaded library, False when unavailable


def _library() -> Any:
    """The highspy extension module as a ``ctypes`` library with typed C API entry points."""
    global _LIB
    if _LIB is None:
        _LIB = False
        try:
            import highspy._core as core

            lib = ctypes.CDLL(core.__file__)
            for name, argtypes in (
                ("Highs_getSolution", [_P, _P, _P, _P, _P]),
                ("Highs_getBasis", [_P, _P, _P]),
                ("Highs_getNumCol", [_P]),
                ("Highs_getNumRow", [_P]),
                ("Highs_getSizeofHighsInt", [_P]),
            ):
                fn = getattr(lib, name)
                fn.argtypes = argtypes
                fn.restype = ctypes.c_int32 if name != "Highs_getSizeofHighsInt" else ctypes.c_int
            _LIB = lib
        except (ImportError, OSError, AttributeError):
            _LIB = False
    return _LIB or None


def _enabled() -> bool:
    return os.environ.get(CAPI_ENV, "").strip().lower() not in ("0", "false", "no", "off")


def _value_pointer(h: Any) -> int | None:
    """The ``Highs*`` held by a pybind11 ``highspy.Highs`` (None for any other binding)."""
    if not any(
        c.__name__ == "pybind11_object" and c.__module__ == "pybind11_builtins"
        for c in type(h).__mro__
    ):
        return None
    return ctypes.c_void_p.from_address(id(h) + object.__basicsize__).value


class CApiReader:
    """Reads the last solve's solution and basis of one ``Highs`` object into arrays."""

    __slots__ = ("_ptr", "_get_solution", "_get_basis", "_int")

    def __init__(self, lib: Any, ptr: int, int_dtype: Any) -> None:
        self._ptr = ptr
        self._get_solution = lib.Highs_getSolution
        self._get_basis = lib.Highs_getBasis
        self._int = int_dtype

    def row_duals_at(self, address: int) -> None:
        """Row duals written at a raw address (a preallocated buffer's ``ctypes.data``)."""
        self._get_solution(self._ptr, None, None, None, address)

    def col_values(self, n_cols: int) -> np.ndarray:
        x = np.empty(n_cols)
        self._get_solution(self._ptr, x.ctypes.data, None, None, None)
        return x

    def row_duals(self, n_rows: int) -> np.ndarray:
        y = np.empty(n_rows)
        self._get_solution(self._ptr, None, None, None, y.ctypes.data)
        return y

    def basis_codes(self, n_cols: int, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
        """(column, row) ``HighsBasisStatus`` codes as int8 arrays."""
        cols = np.empty(n_cols, dtype=self._int)
        rows = np.empty(n_rows, dtype=self._int)
        self._get_basis(self._ptr, cols.ctypes.data, rows.ctypes.data)
        return cols.astype(np.int8), rows.astype(np.int8)


def reader_for(h: Any) -> CApiReader | None:
    """A C API reader for the loaded model of ``h``, or None when the path is unavailable or
    does not check out (the model must already be loaded, with at least one row and column)."""
    if not _enabled():
        return None
    lib = _library()
    if lib is None:
        return None
    ptr = _value_pointer(h)
    if not ptr:
        return None
    n_cols, n_rows = int(h.getNumCol()), int(h.getNumRow())
    if n_cols <= 0 or n_rows <= 0:
        return None
    if lib.Highs_getNumCol(ptr) != n_cols or lib.Highs_getNumRow(ptr) != n_rows:
        return None
    size = lib.Highs_getSizeofHighsInt(ptr)
    int_dtype = {4: np.int32, 8: np.int64}.get(size)
    if int_dtype is None:
        return None
    return CApiReader(lib, ptr, int_dtype)
