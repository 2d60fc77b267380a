"""Seasonal mean / population std with the history classification of spec 11 §5.2."""

from __future__ import annotations

import math
from collections import Counter

__all__ = ["season_stats"]


def season_stats(values: list[float]) -> tuple[float, float, str]:
    """(μ, s, class) of one (hydro, season) group; s uses the divisor N."""
    if not values or all(abs(v - values[0]) <= 1e-6 for v in values):
        return (values[0] if values else 0.0), 0.0, "Constant"
    n = len(values)
    rounded = Counter(round(v) for v in values)
    mode, count = max(rounded.items(), key=lambda kv: (kv[1], -kv[0]))
    negative = sum(1 for v in values if v < 0.0) > 0.1 * n
    if count > 0.5 * n:
        return float(mode), 0.0, "Saturated"
    mean = sum(values) / n
    var = sum((v - mean) * (v - mean) for v in values) / n
    return mean, math.sqrt(var), "ManyNegative" if negative else "Default"
