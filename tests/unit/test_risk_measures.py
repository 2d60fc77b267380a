"""Risk measures against the numeric examples of spec 12 §10."""

import numpy as np
import pytest

from pycobre.errors import ValidationError
from pycobre.sddp.risk import (
    CVaR,
    Expectation,
    aggregate_cut,
    evaluate_risk,
    risk_measure_from_spec,
)

P3 = np.full(3, 1 / 3)
Q = np.array([100.0, 200.0, 300.0])
A = np.array([10.0, 20.0, 30.0])
PI = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])


@pytest.mark.parametrize(
    ("measure", "mu", "alpha", "pi"),
    [
        (Expectation(), [1 / 3, 1 / 3, 1 / 3], 20.0, [3.0, 4.0]),
        (CVaR(0.5, 0.5), [0.0, 0.5, 0.5], 25.0, [4.0, 5.0]),
        (CVaR(0.5, 1.0), [0.0, 1 / 3, 2 / 3], 80 / 3, [13 / 3, 16 / 3]),
        (CVaR(1.0, 0.5), [1 / 3, 1 / 3, 1 / 3], 20.0, [3.0, 4.0]),
        (CVaR(0.05, 0.5), [0.0, 0.0, 1.0], 30.0, [5.0, 6.0]),
    ],
)
def test_cut_aggregation_table(measure, mu, alpha, pi):
    np.testing.assert_allclose(measure.weights(Q, P3), mu, atol=1e-12)
    a, p = aggregate_cut(measure, Q, A, PI, P3)
    assert a == pytest.approx(alpha, abs=1e-12)
    np.testing.assert_allclose(p, pi, atol=1e-12)


def test_single_opening_returns_input_cut():
    for m in (Expectation(), CVaR(0.3, 0.7)):
        a, p = aggregate_cut(
            m, np.array([5.0]), np.array([42.0]), np.array([[7.0, 8.0, 9.0]]), np.array([1.0])
        )
        assert a == 42.0
        np.testing.assert_allclose(p, [7, 8, 9])


def test_non_uniform_probabilities():
    p = np.array([0.5, 0.3, 0.2])
    m = CVaR(0.5, 0.5)
    np.testing.assert_allclose(m.weights(np.array([100.0, 300.0, 200.0]), p), [0.25, 0.45, 0.30])
    a, pi = aggregate_cut(
        m,
        np.array([100.0, 300.0, 200.0]),
        np.array([10.0, 30.0, 20.0]),
        np.array([[1.0], [3.0], [2.0]]),
        p,
    )
    assert a == pytest.approx(22.0)
    np.testing.assert_allclose(pi, [2.2])


def test_ties_are_stable_by_index():
    mu = CVaR(0.5, 1.0).weights(np.array([200.0, 200.0, 100.0]), P3)
    np.testing.assert_allclose(mu, [2 / 3, 1 / 3, 0.0])


@pytest.mark.parametrize(
    ("measure", "p", "costs", "expected"),
    [
        (Expectation(), P3, Q, 200.0),
        (CVaR(0.5, 0.5), P3, Q, 700 / 3),
        (CVaR(0.5, 1.0), P3, Q, 800 / 3),
        (CVaR(1.0, 0.5), P3, Q, 200.0),
        (CVaR(0.05, 0.5), P3, Q, 250.0),
        (CVaR(0.5, 0.5), np.array([0.5, 0.3, 0.2]), np.array([100.0, 300.0, 200.0]), 220.0),
        (CVaR(0.5, 0.5), np.array([1.0]), np.array([500.0]), 500.0),
    ],
)
def test_evaluate_risk(measure, p, costs, expected):
    assert evaluate_risk(measure, costs, p) == pytest.approx(expected, abs=1e-9)


def test_weight_properties_random():
    rng = np.random.default_rng(0)
    for _ in range(50):
        n = int(rng.integers(1, 8))
        p = rng.random(n)
        p /= p.sum()
        c = rng.normal(size=n)
        alpha, lam = float(rng.uniform(0.01, 1.0)), float(rng.uniform(0.0, 1.0))
        mu = CVaR(alpha, lam).weights(c, p)
        assert (mu >= 0).all()
        assert mu.sum() == pytest.approx(1.0, abs=1e-12)
        assert (mu <= (1 - lam) * p + lam * p / alpha + 1e-15).all()
        assert mu @ c >= p @ c - 1e-12


def test_spec_parsing():
    assert isinstance(risk_measure_from_spec("expectation"), Expectation)
    assert isinstance(risk_measure_from_spec(None), Expectation)
    m = risk_measure_from_spec({"cvar": {"alpha": 0.5, "lambda": 0.25}})
    assert m == CVaR(0.5, 0.25)
    assert isinstance(risk_measure_from_spec({"cvar": {"alpha": 0.5, "lambda": 0.0}}), Expectation)
    with pytest.raises(ValidationError):
        risk_measure_from_spec({"cvar": {"alpha": 0.0, "lambda": 0.5}})
