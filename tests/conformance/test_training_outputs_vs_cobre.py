"""Training outputs of d13 against Cobre 0.5.1's own output directory (tests/interop/data)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pycobre.run import run

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "data" / "deterministic" / "d13-generic-constraint"
COBRE = ROOT / "interop" / "data" / "d13_cobre_output" / "training"
TIMES = {"solve_time_ms", "load_model_time_ms", "set_bounds_time_ms", "basis_set_time_ms"}


@pytest.fixture(scope="module")
def ours(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("d13")
    run(CASE, out, skip_simulation=True)
    return out / "training"


def test_same_files(ours):
    mine = sorted(p.relative_to(ours).as_posix() for p in ours.rglob("*") if p.is_file())
    ref = sorted(p.relative_to(COBRE).as_posix() for p in COBRE.rglob("*") if p.is_file())
    assert mine == ref


@pytest.mark.parametrize(
    "rel",
    [
        "convergence.parquet",
        "timing/iterations.parquet",
        "solver/iterations.parquet",
        "solver/retry_histogram.parquet",
        "dictionaries/bounds.parquet",
    ],
)
def test_parquet_schemas_match(ours, rel):
    assert pq.read_schema(ours / rel).equals(pq.read_schema(COBRE / rel))


def test_convergence_values(ours):
    a = pq.read_table(ours / "convergence.parquet").to_pylist()
    b = pq.read_table(COBRE / "convergence.parquet").to_pylist()
    skip = {"time_forward_ms", "time_backward_ms", "time_total_ms"}
    assert [{k: v for k, v in r.items() if k not in skip} for r in a] == [
        {k: v for k, v in r.items() if k not in skip} for r in b
    ]


def test_solver_counters_and_row_keys(ours):
    a = pq.read_table(ours / "solver" / "iterations.parquet").to_pylist()
    b = pq.read_table(COBRE / "solver" / "iterations.parquet").to_pylist()
    drop = TIMES
    assert [{k: v for k, v in r.items() if k not in drop} for r in a] == [
        {k: v for k, v in r.items() if k not in drop} for r in b
    ]


def test_timing_row_layout(ours):
    cols = ("iteration", "rank", "worker_id")
    a = pq.read_table(ours / "timing" / "iterations.parquet").select(list(cols)).to_pylist()
    b = pq.read_table(COBRE / "timing" / "iterations.parquet").select(list(cols)).to_pylist()
    assert a == b


@pytest.mark.parametrize(
    "rel",
    [
        "scaling_report.json",
        "dictionaries/state_dictionary.json",
        "dictionaries/entities.csv",
        "dictionaries/variables.csv",
    ],
)
def test_text_files_identical(ours, rel):
    assert (ours / rel).read_bytes() == (COBRE / rel).read_bytes()


def test_metadata_and_codes(ours):
    a = json.loads((ours / "metadata.json").read_text())
    b = json.loads((COBRE / "metadata.json").read_text())
    assert list(a) == list(b)
    for key in (
        "solver",
        "status",
        "configuration",
        "problem_dimensions",
        "iterations",
        "convergence",
        "row_pool",
        "distribution",
    ):
        assert a[key] == b[key], key
    ca = json.loads((ours / "dictionaries" / "codes.json").read_text())
    cb = json.loads((COBRE / "dictionaries" / "codes.json").read_text())
    ca.pop("generated_at"), cb.pop("generated_at")
    assert ca == cb
    assert (ours / "_SUCCESS").read_bytes() == b""
