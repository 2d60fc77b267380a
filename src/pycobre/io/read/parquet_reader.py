"""Parquet via pyarrow; tables are canonically sorted so row order in a file never matters."""

from __future__ import annotations

import pathlib
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pycobre.io.arrow_numpy import read_parquet_table
from pycobre.io.limits import MAX_PARQUET_ROWS
from pycobre.io.records import ValidationRecord, make_record

_SORTABLE = (pa.types.is_integer, pa.types.is_floating, pa.types.is_date, pa.types.is_string,
             pa.types.is_boolean, pa.types.is_timestamp)


def _sortable(dtype: pa.DataType) -> bool:
    return any(test(dtype) for test in _SORTABLE)


def canonical_sort(table: pa.Table, key_columns: tuple[str, ...]) -> pa.Table:
    """Sort by the declared key columns present (nulls first), then by every other sortable
    column as a tie-breaker, so duplicates also end in a deterministic order."""
    keys = [c for c in key_columns if c in table.column_names]
    keys += [c for c in table.column_names if c not in keys]
    keys = [c for c in keys if _sortable(table.schema.field(c).type)]
    if not keys or table.num_rows < 2:
        return table
    return _sorted(table, [(c, "ascending", "at_start") for c in keys]).combine_chunks()


def _sorted(table: pa.Table, sort_keys: list[tuple[str, str, str]]) -> pa.Table:
    """``table.take(pyarrow.compute.sort_indices(...))`` through the compiled kernel module:
    importing ``pyarrow.compute`` (which ``Table.take`` does) wraps ~290 functions and scrapes
    their docstrings, ~50 ms of every run's start-up for one sort per input file."""
    try:
        import pyarrow._compute as kernels

        options = kernels.SortOptions(sort_keys=sort_keys)
        idx = kernels.call_function("sort_indices", [table], options)
        return kernels.call_function("take", [table, idx])
    except (ImportError, AttributeError, TypeError):  # another pyarrow layout: public API
        import pyarrow.compute as pc

        return table.take(pc.sort_indices(table, sort_keys=sort_keys))


def read_parquet(
    path: pathlib.Path, relpath: str, key_columns: tuple[str, ...] = ()
) -> tuple[Any, ValidationRecord | None]:
    """Read one Parquet file; ``(table, None)`` or ``(None, ParseError record)``."""
    try:
        rows = pq.ParquetFile(path).metadata.num_rows  # the footer only: refuse a bomb unread
        if rows > MAX_PARQUET_ROWS:
            return None, make_record(
                "OutOfRange", f"{relpath} has {rows:,} rows, more than the supported limit of "
                f"{MAX_PARQUET_ROWS:,}", file=relpath, value=rows, limit=MAX_PARQUET_ROWS,
                suggestion="this is far beyond production scale (docs/dev/limits.md)",
            )
        table = read_parquet_table(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        return None, make_record(
            "ParseError", f"parse error in {relpath}: cannot read Parquet file: {exc}",
            file=relpath,
            detail=str(exc), suggestion="re-export the table as Parquet",
        )
    return canonical_sort(table, key_columns), None
