"""Checks of the tier generator: valid cases, reproducible bytes, spec 22 counts and sizes.

Run: python -m pytest benchmarks/test_tiers.py -q
(``benchmarks/`` is outside ``testpaths`` on purpose: these tests build cases, not library code.)
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tiers  # noqa: E402
from pycobre.io import load_case  # noqa: E402


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_production_paper_estimate_matches_spec_22():
    # spec 22 §6.1/§6.2: ≈ 8,400 columns, ≈ 24,750 structural rows, 2,080 state variables
    n_var, n_con, n_state = tiers.lp_size(tiers.PRODUCTION)
    assert n_var == 8402
    assert n_con - tiers.PRODUCTION["N_CUT_CAPACITY"] == 24748
    assert n_state == 2080


@pytest.mark.parametrize("name", ["unit", "small", "large", "2xlarge"])
def test_tier_case_loads_and_has_the_spec_counts(tmp_path, name):
    t = tiers.TIERS[name]
    case = tiers.generate(t, tmp_path / name, seed=3)
    system = load_case(case)  # raises ValidationError on any validation error
    hydros = json.loads((case / "system/hydros.json").read_text())["hydros"]
    thermals = json.loads((case / "system/thermals.json").read_text())["thermals"]
    stages = json.loads((case / "stages.json").read_text())["stages"]
    config = json.loads((case / "config.json").read_text())["training"]
    assert (len(hydros), len(thermals), len(stages)) == (t.hydros, t.thermals, t.stages)
    assert {s["num_scenarios"] for s in stages} == {t.openings}
    assert {len(s["blocks"]) for s in stages} == {t.blocks}
    assert config["forward_passes"] == t.forward_passes
    assert system is not None
    ar = case / "scenarios/inflow_ar_coefficients.parquet"
    if t.ar_order:
        lags = pq.ParquetFile(ar).read(columns=["lag"]).column("lag").to_pylist()
        assert max(lags) == t.ar_order
        assert len(lags) == t.hydros * t.stages * t.ar_order
    else:
        assert not ar.exists()
    planes = case / "system/fpha_hyperplanes.parquet"
    if t.fpha_planes:
        tab = pq.ParquetFile(planes).read()
        assert tab.num_rows == t.hydros * t.fpha_planes
        assert min(tab.column("gamma_v").to_pylist()) >= 0.0
        assert max(tab.column("gamma_s").to_pylist()) <= 0.0
        assert min(tab.column("gamma_q").to_pylist()) > 0.0
    else:
        assert not planes.exists()


def test_same_seed_same_bytes_other_seed_other_case(tmp_path):
    t = tiers.TIERS["small"]
    a = _digest(tiers.generate(t, tmp_path / "a", seed=11))
    b = _digest(tiers.generate(t, tmp_path / "b", seed=11))
    c = _digest(tiers.generate(t, tmp_path / "c", seed=12))
    assert a == b
    assert a["system/hydros.json"] != c["system/hydros.json"]
