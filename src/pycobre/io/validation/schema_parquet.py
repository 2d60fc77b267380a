"""L2 for Parquet files: required columns, column types, nulls, value ranges, duplicate keys.

Checks are vectorised per column; one record per (column, problem) names how many rows are
affected and the entity of the first one, so huge tables give short reports.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa

from pycobre.io.arrow_numpy import to_numpy
from pycobre.io.fields import Field, FileSpec
from pycobre.io.limits import MAX_ABS_VALUE
from pycobre.io.validation.collector import Collector

#: declared type -> (predicate on the Arrow type, words for messages)
_TYPE_OK = {
    "INT32": (pa.types.is_integer, "INT32 (integer)"),
    "UINT32": (pa.types.is_integer, "UINT32 (unsigned integer)"),
    "DOUBLE": (pa.types.is_floating, "DOUBLE (floating point)"),
    "DATE": (lambda t: pa.types.is_date(t) or pa.types.is_timestamp(t), "DATE"),
}
_LIMITS = {"INT32": (-(2**31), 2**31 - 1), "UINT32": (0, 2**32 - 1)}


def _first_key(spec: FileSpec, table: pa.Table, rows: np.ndarray) -> Any:
    """Entity id (first key column) of the first offending row, for the record's entity."""
    key = spec.key_columns[0] if spec.key_columns else None
    if key is None or key not in table.column_names or rows.size == 0:
        return None
    return table.column(key)[int(rows[0])].as_py()


class ParquetChecker:
    def __init__(self, spec: FileSpec, sink: Collector) -> None:
        self.spec = spec
        self.rel = spec.path
        self.sink = sink

    def _add(self, kind: str, column: str, message: str, entity: Any = None, **ctx: Any) -> None:
        self.sink.add(kind, f"schema error in {self.rel}, field {column}: {message}",
                      file=self.rel, entity=entity, field=column, **ctx)

    def check(self, table: pa.Table) -> None:
        names = set(table.column_names)
        typed_ok: list[Field] = []
        for decl in self.spec.fields:
            if decl.name not in names:
                if decl.required:
                    self._add("SchemaViolation", decl.name, "missing required column",
                              expected=decl.type, actual="missing",
                              suggestion=f"add a {decl.type} column '{decl.name}'")
                continue
            dtype = table.schema.field(decl.name).type
            ok, words = _TYPE_OK.get(decl.type, (lambda t: True, decl.type))
            if not ok(dtype):
                self._add("TypeMismatch", decl.name, f"column type {dtype} is not {words}",
                          expected_type=decl.type, actual_type=str(dtype))
                continue
            typed_ok.append(decl)
        for decl in typed_ok:
            self._values(table, decl)
        self._duplicates(table, {d.name for d in typed_ok})

    def _values(self, table: pa.Table, decl: Field) -> None:
        col = table.column(decl.name)
        n_null = col.null_count
        if n_null and not decl.nullable:
            rows = np.flatnonzero(to_numpy(col.is_null()))
            self._add("SchemaViolation", decl.name, f"{n_null} null value(s) in a non-nullable "
                      "column", entity=_first_key(self.spec, table, rows), expected=decl.type,
                      actual="null", rows_affected=int(n_null))
        if decl.type == "DATE" or table.num_rows == 0:
            return
        values = to_numpy(col, dtype=float)
        present = ~np.isnan(values) if n_null else np.ones(values.shape, bool)
        if decl.type == "DOUBLE":
            bad = present & ~np.isfinite(values)  # nulls read as NaN; only real NaN/inf count
            self._report(table, decl, bad, "value(s) are not finite (NaN or infinite)")
            present = present & np.isfinite(values)
            huge = present & (np.abs(values) > MAX_ABS_VALUE)
            if huge.any():
                first = float(values[np.flatnonzero(huge)[0]])
                self._report(table, decl, huge, f"value(s) beyond the supported magnitude "
                             f"{MAX_ABS_VALUE:g} (e.g. {first:g})", value=first,
                             limit=MAX_ABS_VALUE)
                present = present & ~huge
        lo, hi = decl.minimum, decl.maximum
        limits = _LIMITS.get(decl.type)
        if limits is not None:
            lo = limits[0] if lo is None else max(lo, limits[0])
            hi = limits[1] if hi is None else min(hi, limits[1])
        bad = np.zeros(values.shape, bool)
        with np.errstate(invalid="ignore"):
            if lo is not None:
                bad |= present & ((values <= lo) if decl.minimum_exclusive else (values < lo))
            if hi is not None:
                bad |= present & ((values >= hi) if decl.maximum_exclusive else (values > hi))
        if bad.any():
            lb = "(" if decl.minimum_exclusive else "["
            rb = ")" if decl.maximum_exclusive else "]"
            interval = f"{lb}{'-inf' if lo is None else f'{lo:g}'}, " \
                       f"{'+inf' if hi is None else f'{hi:g}'}{rb}"
            first = values[np.flatnonzero(bad)[0]]
            self._report(table, decl, bad, f"value(s) out of range {interval} (e.g. {first:g})",
                         kind="OutOfRange", value=float(first), min=lo, max=hi)

    def _report(self, table: pa.Table, decl: Field, bad: np.ndarray, words: str,
                kind: str = "OutOfRange", **ctx: Any) -> None:
        if not bad.any():
            return
        rows = np.flatnonzero(bad)
        ctx.setdefault("value", None)
        keys = [k for k in self.spec.key_columns if k in table.column_names]
        row = {k: table.column(k)[int(rows[0])].as_py() for k in keys}
        shown = ", ".join(f"{k}={v}" for k, v in row.items())
        self._add(kind, decl.name, f"{rows.size} {words}" + (f"; first at {shown}" if row else ""),
                  entity=_first_key(self.spec, table, rows), rows_affected=int(rows.size),
                  first_row_key=row, **ctx)

    def _duplicates(self, table: pa.Table, names: set[str]) -> None:
        keys = [k for k in self.spec.key_columns if k in names]
        required = {f.name for f in self.spec.fields if f.required}
        if not keys or any(k not in names for k in self.spec.key_columns if k in required) \
                or table.num_rows < 2:
            return  # an optional key column (thermal_bounds.block_id) may be absent
        if self.rel == "system/hydro_geometry.parquet":
            return  # repeated volumes are the L5a "strictly increasing" rule
        # Counter keeps first-appearance order, as group_by did (group_by imports pandas).
        counts = Counter(zip(*(table.column(k).to_pylist() for k in keys), strict=True))
        repeated = [(key, n) for key, n in counts.items() if n > 1]
        if repeated:
            first_dup = repeated[0][0]
            dup_rows = sum(n - 1 for _, n in repeated)
            shown = ", ".join(f"{k}={v}" for k, v in zip(keys, first_dup, strict=True))
            self.sink.add("DuplicateId", f"schema error in {self.rel}: duplicate key ({shown}); "
                          f"{dup_rows} duplicate row(s)", file=self.rel, entity=first_dup[0],
                          field=keys[0], registry=self.rel, rows_affected=dup_rows,
                          key=dict(zip(keys, first_dup, strict=True)))
