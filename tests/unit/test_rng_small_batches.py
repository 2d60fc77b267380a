"""Small forward-pass batches take a scalar path; it must draw exactly the NumPy lanes' values."""

from __future__ import annotations

import numpy as np
import pytest

from pycobre.stochastic import build_stochastic_model
from pycobre.stochastic import forward_sampler as fs
from pycobre.stochastic.sampling import saa


@pytest.mark.parametrize(
    ("seed", "iteration", "offset"), [(31337, 1, 0), (5, 7, 0), (99, 0, 2147483647)]
)
def test_out_of_sample_saa_scalar_equals_lanes(
    monkeypatch: pytest.MonkeyPatch, seed: int, iteration: int, offset: int
) -> None:
    scen = np.arange(16, dtype=np.int64) + offset
    scalar = saa.saa_point(seed, iteration, scen, 3, 11)
    monkeypatch.setattr(saa, "_SCALAR_MAX", -1)
    lanes = saa.saa_point(seed, iteration, scen, 3, 11)
    np.testing.assert_array_equal(scalar, lanes)


def test_in_sample_choice_scalar_equals_lanes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spec 11 §16.10: derive_forward_seed(42, 1, 0, t), n = 10 -> 3, 9, 9, 2 for t = 0..3."""
    from pathlib import Path

    model = build_stochastic_model(Path(__file__).resolve().parents[2] / "examples" / "4ree")
    sampler = model._training
    got = [int(sampler.in_sample_openings(1, np.array([0]), t)[0]) for t in range(4)]
    assert got == [3, 9, 9, 2]
    scen = np.arange(12, dtype=np.int64)
    scalar = [sampler.in_sample_openings(i, scen, t) for i in (1, 2, 256) for t in range(12)]
    monkeypatch.setattr(fs, "_SCALAR_MAX", 0)
    lanes = [sampler.in_sample_openings(i, scen, t) for i in (1, 2, 256) for t in range(12)]
    for a, b in zip(scalar, lanes, strict=True):
        np.testing.assert_array_equal(a, b)
