"""``Policy`` object (spec 20 §13) on a Cobre-written checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pycobre.errors import CheckpointError, OutputNotFoundError
from pycobre.io.policy import Policy

D02 = Path(__file__).parents[1] / "interop" / "data" / "d02_fresh_policy"


def test_summary_and_metadata():
    p = Policy.load(D02)
    assert p.n_stages == 2 and p.state_dimension == 1
    assert p.summary() == {
        "stages": 2,
        "state_dimension": 1,
        "total_cuts": 10,  # slot 0 is an empty record
        "cuts_per_stage": [10, 0],
        "active_cuts": 10,
    }
    assert p.metadata["completed_iterations"] == 10


def test_evaluate_is_the_future_cost():
    p = Policy.load(D02)
    # d02: ending stage 0 with 105.12 hm3 leaves a stage-1 cost of $1,095,000 (LP units $/1000)
    assert p.evaluate(np.array([105.12]), stage=0) == pytest.approx(1095.0, abs=1e-9)
    assert p.evaluate([105.12], stage=1) == float("-inf")
    with pytest.raises(ValueError, match="state dimension is 1"):
        p.evaluate([1.0, 2.0])
    with pytest.raises(IndexError):
        p.cuts(2)


def test_cuts_are_read_only_copies():
    p = Policy.load(D02)
    c = p.cuts(0)
    assert c["intercepts"].shape == (11,) and c["coefficients"].shape == (11, 1)
    assert c["iteration"].tolist() == list(range(11))
    with pytest.raises(ValueError):
        c["intercepts"][0] = 1.0
    assert p.cuts(0, active_only=True)["active"].all()


def test_basis_and_bytes():
    p = Policy.load(D02)
    b = p.basis(0)
    assert b["iteration"] == 10 and b["num_cut_rows"] == 11
    assert p.stage_bytes(0) == (D02 / "cuts" / "stage_000.bin").read_bytes()


def test_save_round_trip(tmp_path):
    p = Policy.load(D02)
    p.save(tmp_path / "copy")
    assert Policy.load(tmp_path / "copy").to_dict() == p.to_dict()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CheckpointError):
        p.save(blocker / "policy")
    with pytest.raises(OutputNotFoundError):
        Policy.load(tmp_path / "missing")
