"""Maceira–Damazio stability reduction of fitted PAR models (spec 11 §5.6)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["SeasonFit", "contributions", "reduce_unstable"]


@dataclass
class SeasonFit:
    coefs: list[float]  # ψ*_1..p (standardized)
    ratio: float
    annual: float = 0.0  # standardized annual coefficient ψ (PAR(p)-A), 0 if none
    annual_std: float = 0.0  # σ^A of the season (for the effective vector)
    has_annual: bool = False
    frozen: bool = False

    def effective(self, std: list[float], m: int) -> list[float]:
        """Standardized coefficients on z_{t-1..}: the annual term spread over 12 lags."""
        p = len(std)
        if not self.has_annual or self.annual_std == 0.0 or self.annual == 0.0:
            return list(self.coefs)
        out = [0.0] * max(12, len(self.coefs))
        for j, c in enumerate(self.coefs):
            out[j] = c
        for j in range(12):
            out[j] += self.annual * std[(m - j - 1) % p] / (12.0 * self.annual_std)
        return out


def contributions(fits: list[SeasonFit], std: list[float]) -> list[list[float]]:
    """Contribution of each lag of every season (recursion of §5.6 step 3)."""
    p_seasons = len(fits)
    # Cobre checks the classical coefficients only (its reports list p contributions for a
    # PAR(p)-A season, not 12), so the annual term does not enter the recursion.
    eff = [list(fits[m].coefs) for m in range(p_seasons)]

    def f(m: int, j: int) -> float:
        m %= p_seasons
        if j >= len(eff[m]):
            return 0.0
        s_lag = std[(m - j - 1) % p_seasons]
        return eff[m][j] * std[m] / s_lag if s_lag != 0.0 else 0.0

    out = []
    for m in range(p_seasons):
        p = len(eff[m])
        if p == 0:
            out.append([])
            continue
        row = [f(m, j) for j in range(p)]
        contrib = [row[0]]
        for i in range(1, p):
            mi = m - i
            row = [row[0] * f(mi, j) + row[j + 1] for j in range(p - i)]
            contrib.append(row[0])
        out.append(contrib)
    return out


def reduce_unstable(
    fits: list[SeasonFit],
    std: list[float],
    counts: list[int],
    max_order: int,
    refit: Callable[[int, int], SeasonFit],
    max_magnitude: float | None = None,
) -> list[dict]:
    """Apply the pre-passes and the contribution loop in place; returns the reduction report."""
    report: list[dict] = []
    for m, fit in enumerate(fits):
        if max_magnitude is not None and any(abs(c) > max_magnitude for c in fit.coefs):
            report.append(
                {
                    "season": m,
                    "original_order": len(fit.coefs),
                    "reduced_order": 0,
                    "contributions": [],
                    "reason": "MagnitudeBound",
                }
            )
            fits[m] = SeasonFit([], 1.0)
        elif fit.coefs and fit.coefs[0] < 0.0:
            report.append(
                {
                    "season": m,
                    "original_order": len(fit.coefs),
                    "reduced_order": 0,
                    "contributions": [],
                    "reason": "Phi1Negative",
                }
            )
            fits[m] = SeasonFit([], 1.0)
    ceiling = [max_order] * len(fits)
    for _ in range(10 * (max_order + 1) * max(len(fits), 1)):
        contrib = contributions(fits, std)
        failing = [
            m for m in range(len(fits)) if not fits[m].frozen and any(c < 0.0 for c in contrib[m])
        ]
        if not failing:
            break
        reselected = False
        for m in failing:
            if ceiling[m] == 0:
                continue
            ceiling[m] -= 1
            reselected = True
            before = len(fits[m].coefs)
            if ceiling[m] == 0:
                fits[m] = SeasonFit([], 1.0, frozen=True)
            elif std[m] == 0.0 or counts[m] < 2:
                fits[m].frozen = True
            else:
                new = refit(m, ceiling[m])
                if new.coefs and new.coefs[0] < 0.0:
                    new = SeasonFit([], 1.0, frozen=True)
                fits[m] = new
            report.append(
                {
                    "season": m,
                    "original_order": before,
                    "reduced_order": len(fits[m].coefs),
                    "contributions": contrib[m],
                    "reason": "NegativeContribution",
                }
            )
        if not reselected:
            break
    return report
