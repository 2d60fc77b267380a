"""pycobre writes Cobre 0.5.1's file set and Parquet schemas for 1dtoy (training + 100 scenarios).

The reference is ``data/1dtoy_cobre_manifest.json``, made once from Cobre's own output with
``benchmarks/interop_files.py <cobre out> --write-manifest ...``.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((Path(__file__).parent / "data" / "1dtoy_cobre_manifest.json").read_text())


def _tool():
    spec = importlib.util.spec_from_file_location(
        "interop_files", ROOT / "benchmarks" / "interop_files.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def pycobre_1dtoy(tmp_path_factory):
    from pycobre.run import run

    out = tmp_path_factory.mktemp("1dtoy")
    res = run(ROOT / "examples" / "1dtoy", out, threads=1)
    assert res["iterations"] == 128 and res["simulation"] == {"n_scenarios": 100, "completed": 100}
    return out


def test_file_set_and_schemas_equal_cobre(pycobre_1dtoy):
    mine = _tool().manifest(pycobre_1dtoy)
    assert _tool().compare(MANIFEST, mine) == []
    assert sorted(mine["files"]) == sorted(MANIFEST["files"])
    assert mine["files"]["simulation/costs/scenario_id=*/data.parquet"]["scenario_ids"] == "0..99"
    assert sum(e["count"] for e in mine["files"].values()) == 426


def test_comparison_reports_a_changed_schema_and_a_missing_file():
    tool = _tool()
    other = copy.deepcopy(MANIFEST)
    costs = other["files"]["simulation/costs/scenario_id=*/data.parquet"]
    costs["schema"][0][1] = "int64" if costs["schema"][0][1] != "int64" else "int32"
    del other["files"]["training/_SUCCESS"]
    diffs = tool.compare(MANIFEST, other)
    col = costs["schema"][0][0]
    assert "only in reference: training/_SUCCESS" in diffs
    assert any(
        d.startswith(f"simulation/costs/scenario_id=*/data.parquet: column {col}:") for d in diffs
    )
    assert len(diffs) == 2
