"""Spectral correlation factor and application (spec 11 §9, §16.7)."""

import numpy as np
import pytest

from pycobre.errors import ValidationError
from pycobre.stochastic.correlation import apply_factor, parse_correlation, spectral_factor


def test_factor_vector():
    f = spectral_factor([[1.0, 0.65], [0.65, 1.0]])
    assert f.tolist() == [
        [0.9380656180882371, 0.3464576397782756],
        [0.3464576397782756, 0.9380656180882371],
    ]


def test_factor_reproduces_matrix_and_clips_negative_eigenvalues():
    c = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.3], [0.2, 0.3, 1.0]])
    f = spectral_factor(c)
    assert np.allclose(f @ f.T, c, atol=1e-12)
    bad = np.array([[1.0, 0.99, -0.99], [0.99, 1.0, 0.99], [-0.99, 0.99, 1.0]])  # not PSD
    g = spectral_factor(bad)
    assert np.all(np.linalg.eigvalsh(g @ g.T) > -1e-12)


def test_apply_factor_sequential_sum():
    f = np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [1.0, 0.0, 0.5]])
    z = np.array([[1.5, -0.25, 2.0]])
    y = apply_factor(f, z)
    for i in range(3):
        acc = 0.0
        for j in range(3):
            acc += f[i, j] * z[0, j]
        assert y[0, i] == acc


def _corr(schedule=None, profiles=None):
    return {
        "method": "spectral",
        "profiles": profiles
        or {
            "default": {
                "correlation_groups": [
                    {
                        "name": "g",
                        "entities": [{"type": "inflow", "id": 0}, {"type": "inflow", "id": 2}],
                        "matrix": [[1.0, 0.65], [0.65, 1.0]],
                    }
                ]
            }
        },
        "schedule": schedule,
    }


def test_correlate_gathers_group_positions_only():
    model = parse_correlation(_corr())
    noise = np.array([[1.0, 2.0, 3.0, 4.0]])
    model.correlate(0, noise, {"inflow": (0, 1, 2), "load": (7,), "ncs": ()})
    f = spectral_factor([[1.0, 0.65], [0.65, 1.0]])
    assert noise[0, 1] == 2.0 and noise[0, 3] == 4.0
    assert noise[0, 0] == 0.0 + f[0, 0] * 1.0 + f[0, 1] * 3.0
    # a group with an entity outside the class order is skipped entirely
    noise2 = np.array([[1.0, 2.0]])
    model.correlate(0, noise2, {"inflow": (0, 1)})
    assert noise2.tolist() == [[1.0, 2.0]]


def test_profiles_schedule_and_errors():
    profiles = {
        "wet": {
            "correlation_groups": [
                {"name": "a", "entities": [{"type": "inflow", "id": 0}], "matrix": [[1.0]]}
            ]
        },
        "default": {"correlation_groups": []},
    }
    model = parse_correlation(
        _corr(schedule=[{"stage_id": 3, "profile_name": "wet"}], profiles=profiles)
    )
    assert model.profile_for_stage(3) == "wet" and model.profile_for_stage(0) == "default"
    two = {"a": profiles["wet"], "b": profiles["wet"]}
    with pytest.raises(ValidationError) as err:
        parse_correlation(_corr(profiles=two))
    assert err.value.kind == "InvalidCorrelation"
    mixed = {
        "default": {
            "correlation_groups": [
                {
                    "name": "m",
                    "entities": [{"type": "inflow", "id": 0}, {"type": "load", "id": 1}],
                    "matrix": [[1, 0], [0, 1]],
                }
            ]
        }
    }
    with pytest.raises(ValidationError, match="mixes"):
        parse_correlation(_corr(profiles=mixed))
    dup = {
        "default": {
            "correlation_groups": [
                {"name": "x", "entities": [{"type": "inflow", "id": 0}], "matrix": [[1]]},
                {"name": "y", "entities": [{"type": "load", "id": 0}], "matrix": [[1]]},
            ]
        }
    }
    with pytest.raises(ValidationError, match="two groups"):
        parse_correlation(_corr(profiles=dup))
    asym = {
        "default": {
            "correlation_groups": [
                {
                    "name": "m",
                    "entities": [{"type": "inflow", "id": 0}, {"type": "inflow", "id": 1}],
                    "matrix": [[1, 0.5], [0.4, 1]],
                }
            ]
        }
    }
    with pytest.raises(ValidationError, match="symmetric"):
        parse_correlation(_corr(profiles=asym))
