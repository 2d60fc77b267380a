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

__all__ = ["from_values", "read_parquet_table", "to_numpy"]


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


def _validity(valid: np.ndarray) -> pa.Buffer | None:
    if valid.all():
        return None
    return pa.py_buffer(np.packbits(valid.astype(np.uint8), bitorder="little"))


def from_values(values: Any, type: pa.DataType, mask: np.ndarray | None = None) -> pa.Array:
    """``pa.array(values, type=type, mask=mask)`` for a list (``None`` = null) or a NumPy array
    of numbers, booleans or strings (``mask`` True = null), built from buffers so that pandas
    is never imported.

    Other types fall back to ``pa.array``.
    """
    if isinstance(values, np.ndarray) and values.dtype != object:
        valid = np.ones(values.shape[0], dtype=bool) if mask is None else ~np.asarray(mask)
        data = values
    else:
        seq = list(values)
        valid = np.fromiter((v is not None for v in seq), dtype=bool, count=len(seq))
        data = seq if valid.all() else [v if ok else None for v, ok in zip(seq, valid, strict=True)]
    n = int(valid.shape[0])
    if (pa.types.is_integer(type) or pa.types.is_floating(type)) and not pa.types.is_float16(
        type
    ):
        np_t = np.dtype(type.to_pandas_dtype())
        if isinstance(data, np.ndarray):
            arr = np.ascontiguousarray(data, dtype=np_t)
        else:
            fill = 0
            arr = np.array([fill if v is None else v for v in data], dtype=np_t)
        return pa.Array.from_buffers(type, n, [_validity(valid), pa.py_buffer(arr)])
    if pa.types.is_boolean(type):
        bits = (
            np.asarray(data, dtype=bool).astype(np.uint8)
            if isinstance(data, np.ndarray)
            else np.array([bool(v) if v is not None else False for v in data], dtype=np.uint8)
        )
        packed = pa.py_buffer(np.packbits(bits, bitorder="little"))
        return pa.Array.from_buffers(type, n, [_validity(valid), packed])
    if pa.types.is_string(type) or pa.types.is_large_string(type):
        enc = [b"" if v is None else str(v).encode("utf-8") for v in data]
        off_t = np.int64 if pa.types.is_large_string(type) else np.int32
        offsets = np.zeros(n + 1, dtype=off_t)
        if n:
            np.cumsum([len(b) for b in enc], out=offsets[1:])
        return pa.Array.from_buffers(
            type, n, [_validity(valid), pa.py_buffer(offsets), pa.py_buffer(b"".join(enc))]
        )
    return pa.array(list(data), type=type)
