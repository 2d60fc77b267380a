"""Upper-bound statistics and the optimality gap (spec 12 §6.2–6.3).

The statistics are a single sequential Welford pass over the scenario costs in global order, so
the result is bit-identical however the scenarios were distributed over workers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["UpperBoundStats", "upper_bound_stats", "gap", "gap_percent"]


@dataclass(frozen=True)
class UpperBoundStats:
    mean: float
    std: float
    ci_95: float


def upper_bound_stats(costs: np.ndarray) -> UpperBoundStats:
    """Mean, sample std and 95 % half-width of the forward-pass costs (M=1: std = ci = 0)."""
    mean = 0.0
    m2 = 0.0
    n = 0
    for c in np.asarray(costs, dtype=np.float64).tolist():
        n += 1
        delta = c - mean
        mean += delta / n
        m2 += delta * (c - mean)
    if n < 2:
        return UpperBoundStats(mean, 0.0, 0.0)
    std = math.sqrt(m2 / (n - 1))
    return UpperBoundStats(mean, std, 1.96 * std / math.sqrt(n))


def gap(lower_bound: float, upper_bound: float) -> float:
    """Relative gap ``(UB - LB) / max(1, |UB|)``."""
    return (upper_bound - lower_bound) / max(1.0, abs(upper_bound))


def gap_percent(lower_bound: float, upper_bound: float) -> float | None:
    """``100 * gap`` when the lower bound is positive, else ``None`` (spec 12 §6.3)."""
    if lower_bound <= 0.0:
        return None
    return 100.0 * gap(lower_bound, upper_bound)
