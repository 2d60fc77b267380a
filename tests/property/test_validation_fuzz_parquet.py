"""Fuzz the Parquet files of valid cases: change one column's type or one value, drop a column,
drop or duplicate rows. ``validate`` must never raise nor crash a rule (``InternalError``), and
``load_case`` must agree with it (a valid case loads; an invalid one raises ``ValidationError``
or ``CobreIOError``, never another exception).

Bounded to a few dozen examples in the default run; raise ``PYCOBRE_FUZZ_EXAMPLES`` to dig deeper.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tests.cli._cases import DETERMINISTIC, EXAMPLES

from pycobre.errors import CobreIOError, ValidationError
from pycobre.io import load_case
from pycobre.io.validate import validate

SOURCES = [EXAMPLES / "1dtoy", DETERMINISTIC / "d13-generic-constraint",
           DETERMINISTIC / "d14-block-factors", DETERMINISTIC / "d11-water-withdrawal",
           DETERMINISTIC / "d06-fpha-variable-head"]
N_EXAMPLES = int(os.environ.get("PYCOBRE_FUZZ_EXAMPLES", "30"))

VALUES = st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 0.0, 1e300, -(2.0**40), 7.0,
                          None])
TYPES = st.sampled_from([pa.int8(), pa.int64(), pa.uint32(), pa.float32(), pa.float64(),
                         pa.string(), pa.bool_(), pa.date32()])


def _cast_or_replace(column: pa.ChunkedArray, dtype: pa.DataType) -> pa.Array:
    """``column`` cast to ``dtype`` when Arrow can, else a column of nulls of that type."""
    try:
        return column.cast(dtype)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.nulls(len(column), dtype)


def _set_value(column: pa.ChunkedArray, row: int, value: float | None) -> pa.Array:
    values = column.to_pylist()
    if value is not None and pa.types.is_integer(column.type) and abs(value) < 2.0**62:
        value = int(value)  # larger and non-finite values stay floats: the column widens
    values[row] = value
    try:
        return pa.array(values, column.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array(values)  # the value does not fit: let Arrow widen the type


@settings(max_examples=N_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_validate_and_load_case_agree_on_mutated_parquet(data):
    source = data.draw(st.sampled_from(SOURCES), label="case")
    files = sorted(p.relative_to(source).as_posix() for p in source.rglob("*.parquet")
                   if "output" not in p.relative_to(source).parts)
    rel = data.draw(st.sampled_from(files), label="file")
    table = pq.read_table(source / rel)
    name = data.draw(st.sampled_from(table.column_names), label="column")
    idx = table.column_names.index(name)
    action = data.draw(st.sampled_from(["cast", "value", "drop_column", "drop_rows",
                                        "duplicate_rows"]), label="action")
    if action == "cast":
        table = table.set_column(idx, name, _cast_or_replace(table.column(name),
                                                             data.draw(TYPES, label="type")))
    elif action == "value" and table.num_rows:
        row = data.draw(st.integers(0, table.num_rows - 1), label="row")
        table = table.set_column(idx, name, _set_value(table.column(name), row,
                                                       data.draw(VALUES, label="value")))
    elif action == "drop_column":
        table = table.drop([name])
    elif action == "drop_rows":
        table = table.slice(0, data.draw(st.integers(0, table.num_rows), label="keep"))
    else:
        table = pa.concat_tables([table, table.slice(0, 1)])
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(shutil.copytree(source, Path(tmp) / "case"))
        pq.write_table(table, case / rel)
        result = validate(case)
        try:
            load_case(case)
            loaded = True
        except (ValidationError, CobreIOError):
            loaded = False
    event(f"{action}: {'valid' if result.valid else 'invalid'}")
    crashes = [str(r) for r in result.records if r.kind == "InternalError"]
    assert crashes == []
    assert loaded == result.valid, [str(r) for r in result.errors]
    for rec in result.errors:
        assert rec.message and rec.context.get("file"), str(rec)
