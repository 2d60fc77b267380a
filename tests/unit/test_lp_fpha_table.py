"""lp.computed_fpha_table: the fitted planes of d07 in the input schema (spec 01 §6.10)."""

from pathlib import Path

import pyarrow as pa
import pytest

from pycobre.io import load_case
from pycobre.lp import computed_fpha_table

ROOT = Path(__file__).resolve().parents[2]

# Cobre 0.5.1's hydro_models/fpha_hyperplanes.parquet for d07 (run on the in-repo case)
COBRE_D07 = [
    (0, 3.552713678800501e-15, 0.17508888000000003, 0.4377222, 0.0),
    (1, -0.13131665999999986, 0.0008754444000000001, 0.83167218, 0.0),
    (2, -0.17508887999999997, 0.0008754444000000001, 0.8754444, 0.0),
]


def test_d07_planes_match_cobre_output():
    table = computed_fpha_table(load_case(ROOT / "tests/data/deterministic/d07-fpha-computed"))
    assert table.column_names == [
        "hydro_id", "stage_id", "plane_id", "gamma_0", "gamma_v", "gamma_q", "gamma_s",
        "kappa", "valid_v_min_hm3", "valid_v_max_hm3", "valid_q_max_m3s",
    ]
    assert table.schema.field("hydro_id").type == pa.int32()
    assert not table.schema.field("plane_id").nullable
    rows = table.to_pylist()
    assert len(rows) == 3
    for row, (pid, g0, gv, gq, gs) in zip(rows, COBRE_D07, strict=True):
        assert (row["hydro_id"], row["stage_id"], row["plane_id"]) == (0, None, pid)
        assert row["gamma_0"] == pytest.approx(g0, abs=1e-12)
        assert (row["gamma_v"], row["gamma_q"], row["gamma_s"]) == pytest.approx((gv, gq, gs))
        assert row["kappa"] == pytest.approx(2 / 81)  # 0.024691358...
        assert row["valid_v_min_hm3"] is None and row["valid_q_max_m3s"] is None


def test_no_computed_planes_gives_none():
    assert computed_fpha_table(load_case(ROOT / "examples/4ree")) is None
    # precomputed planes (d06) are an input, not an output
    assert computed_fpha_table(load_case(ROOT / "tests/data/deterministic/d06-fpha-variable-head")) is None
