"""``Policy.load(p).save(q)``: identical bytes for every stage file, identical future costs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pycobre.io.policy import Policy

DATA = Path(__file__).parents[1] / "interop" / "data"
POLICIES = [
    "d02_fresh_policy",
    "d03_cobre_policy",
    "d04_cobre_policy",
    "1dtoy_warm_start_m3_policy",
    "1dtoy_resume_m2_policy",
]


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.bin"))
        if p.is_file()
    }


@pytest.mark.parametrize("name", POLICIES)
def test_load_save_gives_identical_stage_files(tmp_path, name):
    src = DATA / name
    Policy.load(src).save(tmp_path / "copy")
    before, after = _files(src), _files(tmp_path / "copy")
    assert any(k.startswith("cuts/") for k in before)
    assert after == before


@pytest.mark.parametrize("name", POLICIES)
def test_future_cost_identical_after_round_trip(tmp_path, name):
    p = Policy.load(DATA / name)
    p.save(tmp_path / "copy")
    q = Policy.load(tmp_path / "copy")
    rng = np.random.default_rng(7)
    n = p.state_dimension
    for t in range(p.n_stages - 1):  # the terminal stage has no cuts (-inf)
        for x in rng.uniform(0.0, 200.0, size=(3, n)):
            a, b = p.evaluate(x, stage=t), q.evaluate(x, stage=t)
            assert np.isfinite(a) and a == b


def test_d03_future_cost_at_a_hand_checked_state():
    """Cobre's d03 stage-0 cuts at the optimal end state (105.12, 34.164) hm3: theta = 365 k$."""
    p = Policy.load(DATA / "d03_cobre_policy")
    assert p.evaluate(np.array([105.12, 34.164]), stage=0) == pytest.approx(365.0, abs=1e-9)
