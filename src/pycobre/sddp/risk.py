"""Risk measures per stage (spec 12 §10).

A risk measure turns per-opening outcomes into weights: the cut of a trial point and the lower
bound are weighted sums with those weights. CVaR follows Cobre's greedy allocation (cap every
opening at ``(1-λ)p + λp/α`` and fill the mass from the most expensive opening down), which is not
the textbook convex combination — reproducing it is what makes the bounds comparable.
``evaluate_risk`` is the convex combination ``(1-λ)E + λ CVaR_α`` instead: that is what the
reference's `evaluate_risk` table implies (700/3, not the greedy 250). The training lower bound
does *not* use it: the reference aggregates the stage-0 openings with the greedy weights
(see ``lower_bound.py``; verified on 1dtoy CVaR λ = 0.5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from pycobre.errors import ValidationError

__all__ = [
    "RiskMeasure",
    "Expectation",
    "CVaR",
    "RISK_MEASURES",
    "risk_measure_from_spec",
    "aggregate_cut",
    "evaluate_risk",
]


@runtime_checkable
class RiskMeasure(Protocol):
    name: str

    def weights(self, costs: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        """Risk-adjusted weights ``mu`` (sum 1) for outcomes ``costs`` with probabilities."""
        ...

    def evaluation_weights(self, costs: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        """Weights with which ``evaluate_risk`` sums the outcomes."""
        ...


@dataclass(frozen=True)
class Expectation:
    name: str = "expectation"

    def weights(self, costs: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        return np.asarray(probabilities, dtype=np.float64)

    def evaluation_weights(self, costs: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        return np.asarray(probabilities, dtype=np.float64)


@dataclass(frozen=True)
class CVaR:
    alpha: float
    lambda_: float
    name: str = "cvar"

    def weights(self, costs: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        p = np.asarray(probabilities, dtype=np.float64)
        return _greedy_fill(costs, p, (1.0 - self.lambda_) * p + self.lambda_ * p / self.alpha)

    def evaluation_weights(self, costs: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        p = np.asarray(probabilities, dtype=np.float64)
        tail = _greedy_fill(costs, p, p / self.alpha)  # CVaR_alpha weights
        return (1.0 - self.lambda_) * p + self.lambda_ * tail


def _greedy_fill(costs: np.ndarray, p: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Fill unit mass from the dearest outcome down, each capped at ``cap``."""
    # descending cost, ties in ascending index order (stable sort of the negated key)
    order = np.argsort(-np.asarray(costs, dtype=np.float64), kind="stable")
    capped = cap[order]
    # remaining mass before each opening: r_i = 1 - sum of caps of the dearer ones
    before = np.concatenate(([0.0], np.cumsum(capped)[:-1]))
    remaining = np.maximum(1.0 - before, 0.0)
    mu_sorted = np.minimum(capped, remaining)
    mu = np.empty_like(p)
    mu[order] = mu_sorted
    return mu


def _cvar_factory(params: Mapping[str, Any]) -> RiskMeasure:
    alpha = float(params["alpha"])
    lam = float(params.get("lambda", params.get("lambda_", 0.0)))
    if not 0.0 < alpha <= 1.0 or not 0.0 <= lam <= 1.0:
        raise ValidationError(
            f"CVaR risk measure needs alpha in (0, 1] and lambda in [0, 1], got alpha={alpha}, "
            f"lambda={lam}",
            kind="OutOfRange",
            context={"file": "stages.json", "field": "risk_measure"},
        )
    if lam == 0.0:
        return Expectation()
    return CVaR(alpha=alpha, lambda_=lam)


#: config name -> factory(parameters)
RISK_MEASURES: dict[str, Callable[[Mapping[str, Any]], RiskMeasure]] = {
    "expectation": lambda _params: Expectation(),
    "cvar": _cvar_factory,
}


def risk_measure_from_spec(spec: Any) -> RiskMeasure:
    """Build a measure from ``stages.json``'s ``risk_measure`` in any of its parsed shapes.

    Accepts ``None``/``"expectation"``, ``{"cvar": {"alpha", "lambda"}}``, an object that
    already satisfies the protocol, or a parsed object with ``alpha``/``lambda_`` attributes.
    """
    if spec is None:
        return Expectation()
    if isinstance(spec, str):
        name = spec.lower()
        if name not in RISK_MEASURES:
            raise ValidationError(f"unknown risk measure {spec!r}", kind="InvalidEnum")
        return RISK_MEASURES[name]({})
    if isinstance(spec, Mapping):
        if len(spec) == 1:
            ((name, params),) = spec.items()
            if name.lower() in RISK_MEASURES and isinstance(params, Mapping | type(None)):
                return RISK_MEASURES[name.lower()](params or {})
        kind = str(spec.get("type", spec.get("kind", "cvar" if "alpha" in spec else "expectation")))
        return RISK_MEASURES[kind.lower()](spec)
    if hasattr(spec, "weights") and hasattr(spec, "name"):
        return spec
    alpha = getattr(spec, "alpha", None)
    if alpha is not None:
        lam = getattr(spec, "lambda_", getattr(spec, "lam", getattr(spec, "lambda_value", 0.0)))
        return _cvar_factory({"alpha": alpha, "lambda": lam})
    kind = getattr(spec, "kind", getattr(spec, "type", getattr(spec, "name", "expectation")))
    return RISK_MEASURES[str(kind).lower()]({})


def aggregate_cut(
    measure: RiskMeasure,
    objectives: np.ndarray,
    intercepts: np.ndarray,
    coefficients: np.ndarray,
    probabilities: np.ndarray,
) -> tuple[float, np.ndarray]:
    """One cut from per-opening cuts: ``(sum mu*alpha, sum mu*pi)``; objectives rank CVaR."""
    mu = measure.weights(objectives, probabilities)
    return float(mu @ intercepts), mu @ coefficients


def evaluate_risk(measure: RiskMeasure, costs: np.ndarray, probabilities: np.ndarray) -> float:
    costs = np.asarray(costs, dtype=np.float64)
    weigh = getattr(measure, "evaluation_weights", measure.weights)
    return float(weigh(costs, probabilities) @ costs)
