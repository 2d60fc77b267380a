"""Return-type selection for the result readers (spec 20 §8.2 ``format=``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["FORMATS", "convert_table", "to_frame"]

FORMATS = ("dicts", "arrow", "polars", "pandas", "numpy")


def to_frame(table: pa.Table, library: str = "polars") -> Any:
    """Convert a ``pyarrow.Table`` to a polars or pandas DataFrame."""
    if library == "polars":
        import polars as pl

        return pl.from_arrow(table)
    if library == "pandas":
        import pandas  # noqa: F401 - raises ImportError with a clear name when absent

        return table.to_pandas()
    raise ValueError(f"unknown frame library {library!r}; use 'polars' or 'pandas'")


def _numpy_columns(table: pa.Table) -> dict[str, np.ndarray]:
    """One array per column; float nulls -> nan, integer/bool nulls -> masked array."""
    out: dict[str, np.ndarray] = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        typ = arr.type
        if pa.types.is_floating(typ):
            out[name] = arr.to_numpy(zero_copy_only=False).astype(np.float64)
        elif pa.types.is_integer(typ) or pa.types.is_boolean(typ):
            dtype = bool if pa.types.is_boolean(typ) else typ.to_pandas_dtype()
            if arr.null_count:
                filled = arr.fill_null(False if pa.types.is_boolean(typ) else 0)
                out[name] = np.ma.masked_array(
                    filled.to_numpy(zero_copy_only=False).astype(dtype),
                    mask=arr.is_null().to_numpy(zero_copy_only=False),
                )
            else:
                out[name] = arr.to_numpy(zero_copy_only=False).astype(dtype)
        else:
            out[name] = np.array(arr.to_pylist(), dtype=object)
    return out


def convert_table(table: pa.Table, fmt: str) -> Any:
    if fmt == "dicts":
        return table.to_pylist()
    if fmt == "arrow":
        return table
    if fmt in ("polars", "pandas"):
        return to_frame(table, fmt)
    if fmt == "numpy":
        return _numpy_columns(table)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
