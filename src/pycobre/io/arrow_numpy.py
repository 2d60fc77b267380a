"""Arrow columns to NumPy, and Parquet reads, without importing pandas (start-up time).

Why: with pyarrow 26, ``Array.to_numpy()``, ``np.asarray(array)``, ``pa.array(...)`` and
``pq.read_table`` (through ``pyarrow.dataset``) import pandas — 0.2–0.45 s of CPU, a third to
a half of pycobre's whole start-up before the first LP. Primitive columns are plain buffers:
``np.frombuffer`` on the data buffer is zero-copy and never touches pandas;
``pq.ParquetFile(path).read()`` reads the same table as ``read_table`` without the dataset
layer. Owner: speed (docs/dev/requests/speed.md asks foundation/stochastic to call these).
"""

from __future__ import annotations

import pathlib
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["read_parquet_table", "to_numpy"]


def read_parquet_table(path: str | pathlib.Path, columns: list[str] | None = None) -> pa.Table:
    """``pq.read_table(path, columns=...)`` without importing ``pyarrow.dataset``/pandas."""
    return pq.ParquetFile(path).read(columns=columns)


def _chunk_numpy(chunk: pa.Array, dtype: Any) -> np.ndarray:
    t = chunk.type
    n = len(chunk)
    if pa.types.is_boolean(t):
        bits = chunk.buffers()[1]
        raw = np.frombuffer(bits, dtype=np.uint8) if bits is not None else np.zeros(0, np.uint8)
        vals = np.unpackbits(raw, bitorder="little")[chunk.offset : chunk.offset + n]
        out = vals.astype(bool)
        if chunk.null_count:
            out = out.astype(np.float64)
    elif (
        pa.types.is_integer(t) or pa.types.is_floating(t)
    ) and not pa.types.is_float16(t):
        np_t = np.dtype(t.to_pandas_dtype())
        out = np.frombuffer(
            chunk.buffers()[1], dtype=np_t, count=n, offset=chunk.offset * np_t.itemsize
        )
        if chunk.null_count:
            out = out.astype(np.float64)
    else:  # strings, dates, decimals ...: Python objects (no pandas either)
        return np.array(chunk.to_pylist(), dtype=dtype if dtype is not None else object)
    if chunk.null_count:
        valid = chunk.buffers()[0]
        mask = np.unpackbits(np.frombuffer(valid, dtype=np.uint8), bitorder="little")[
            chunk.offset : chunk.offset + n
        ].astype(bool)
        out = np.where(mask, out, np.nan)
    return out if dtype is None else out.astype(dtype, copy=False)


def to_numpy(column: pa.Array | pa.ChunkedArray, dtype: Any = None) -> np.ndarray:
    """NumPy values of an Arrow column; nulls become NaN (numeric/boolean columns, which are
    then float64) or None (other types). Same values as ``to_numpy(zero_copy_only=False)``."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    if not chunks:
        return np.zeros(0, dtype=dtype if dtype is not None else np.float64)
    parts = [_chunk_numpy(c, dtype) for c in chunks]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
