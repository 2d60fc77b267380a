"""pycobre.io.arrow_numpy: same values as pyarrow's to_numpy, and pandas is never imported."""

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from pycobre.io.arrow_numpy import from_values, read_parquet_table, to_numpy


@pytest.mark.parametrize(
    "values, typ",
    [
        ([1.5, -2.0, 3.25], pa.float64()),
        ([1, 2, 3, -7], pa.int32()),
        ([1, 2, 3], pa.int64()),
        ([1, 2, 3], pa.int8()),
        ([True, False, True, True, False, False, True, False, True], pa.bool_()),
    ],
)
def test_values_match_pyarrow(values, typ):
    arr = pa.chunked_array([pa.array(values, type=typ), pa.array(values[:2], type=typ)])
    got = to_numpy(arr)
    want = arr.to_numpy()
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    sliced = arr.chunk(0).slice(1)  # non-zero offset
    np.testing.assert_array_equal(to_numpy(sliced), sliced.to_numpy(zero_copy_only=False))


def test_nulls_become_nan_and_strings_stay_objects():
    arr = pa.array([1.0, None, 3.0]).slice(1)
    np.testing.assert_array_equal(to_numpy(arr), np.array([np.nan, 3.0]))
    ints = pa.array([4, None, 6], type=pa.int32())
    np.testing.assert_array_equal(to_numpy(ints), np.array([4.0, np.nan, 6.0]))
    assert to_numpy(pa.array(["a", None])).tolist() == ["a", None]
    assert to_numpy(pa.array([1, 2]), dtype=np.float64).dtype == np.float64


def test_reading_4ree_never_imports_pandas():
    code = (
        "import sys\n"
        "from pycobre.io.arrow_numpy import read_parquet_table, to_numpy\n"
        "t = read_parquet_table('examples/4ree/scenarios/inflow_seasonal_stats.parquet')\n"
        "v = to_numpy(t.column('mean_m3s'))\n"
        "assert v.shape == (t.num_rows,) and v.dtype.kind == 'f'\n"
        "print(sorted(m for m in ('pandas', 'pyarrow.dataset') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=_repo())
    assert out.stdout.strip() == "[]"


def test_read_parquet_table_equals_read_table():
    import pyarrow.parquet as pq

    path = _repo() + "/examples/4ree/scenarios/inflow_seasonal_stats.parquet"
    assert read_parquet_table(path).equals(pq.read_table(path))
    assert read_parquet_table(path, columns=["hydro_id"]).column_names == ["hydro_id"]


def _repo() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[2])


@pytest.mark.parametrize(
    ("values", "typ"),
    [
        ([1, None, 3], pa.int32()),
        ([1.5, None, float("nan")], pa.float64()),
        (["a", None, "ü", ""], pa.string()),
        ([True, None, False], pa.bool_()),
        (np.array([1, 2], dtype=np.int64), pa.uint32()),
        ([], pa.int64()),
        ([None, None], pa.int64()),
        ([2**40, -1], pa.int64()),
        (np.array([0.5, -2.0]), pa.float64()),
    ],
)
def test_from_values_equals_pa_array(values, typ):
    got = from_values(values, typ)
    ref = pa.array(list(values), type=typ)
    got.validate(full=True)
    assert got.type == ref.type
    assert got.null_count == ref.null_count
    assert repr(got.to_pylist()) == repr(ref.to_pylist())


def test_from_values_does_not_import_pandas():
    code = (
        "import sys, pyarrow as pa\n"
        "from pycobre.io.arrow_numpy import from_values\n"
        "from_values([1, None], pa.int32()); from_values(['x'], pa.string())\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
