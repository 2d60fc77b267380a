"""PAR(p)-A estimation: annual rolling mean, conditional FACP, extended Yule–Walker (spec 11 §5.7)."""

from __future__ import annotations

import math

import numpy as np

from pycobre.errors import ValidationError
from pycobre.stochastic.estimation.periodic_yw import (
    EPS,
    SeasonSeries,
    periodic_acf,
    ratio_from_variance,
    select_order,
    solve_gauss,
)
from pycobre.stochastic.estimation.stability import SeasonFit

__all__ = ["AnnualData", "annual_data", "fit_annual", "facp", "select_annual_order"]


class AnnualData:
    """Per chronological index of one hydro: season, deviation from the seasonal mean, rolling
    12-observation mean (``None`` for the first 12), standardized Ã, and the A statistics."""

    def __init__(
        self,
        seasons: list[int],
        dev: list[float],
        std: list[float],
        raw_a: list[float | None],
        a_mean: list[float],
        a_sd: list[float],
        a_count: list[int],
    ) -> None:
        self.seasons, self.dev, self.std, self.raw_a = seasons, dev, std, raw_a
        self.a_mean, self.a_sd, self.a_count = a_mean, a_sd, a_count
        self.z_count = [0] * len(a_mean)
        for season in seasons:
            self.z_count[season] += 1

    def cross(self, m: int, k: int) -> float:
        """corr(z_{t-k}, Ã_t) over targets t of season m.

        Σ (a_{t-k} − μ)(A_t − μ^A) / N / (s_{m-k} σ^A_m) with N the number of observations of
        season m (not the pair count: the first year has no window). This exact form and order
        reproduce Cobre 0.5.1's d12 coefficients bit for bit.
        """
        n_seasons = len(self.a_mean)
        s_lag = self.std[(m - k) % n_seasons]
        sd_a = self.a_sd[m]
        acc, n_pairs = 0.0, 0
        for t, season in enumerate(self.seasons):
            if season != m or self.raw_a[t] is None or t - k < 0:
                continue
            acc += self.dev[t - k] * (self.raw_a[t] - self.a_mean[m])
            n_pairs += 1
        n = self.z_count[m]
        if not n_pairs or not n or s_lag == 0.0 or sd_a == 0.0:
            return 0.0
        return min(1.0, max(-1.0, acc / n / (s_lag * sd_a)))


def annual_data(
    hydro_id: int, series: list[tuple[int, int, float]], mean: list[float], std: list[float]
) -> AnnualData:
    n_seasons = len(mean)
    values = [v for _, _, v in series]
    seasons = [m for _, m, _ in series]
    if len(values) < 13:
        raise ValidationError(
            f"PAR(p)-A estimation needs at least 13 observations for hydro {hydro_id}, got {len(values)}",
            kind="InsufficientData",
            context={
                "file": "scenarios/inflow_history.parquet",
                "entity_id": hydro_id,
                "field": "value_m3s",
            },
        )
    dev = [v - mean[m] for v, m in zip(values, seasons, strict=True)]
    raw: list[float | None] = [None] * len(values)
    for i in range(len(values) - 12):
        raw[i + 12] = sum(values[i : i + 12]) / 12.0
    groups: dict[int, list[float]] = {}
    for t, a in enumerate(raw):
        if a is not None:
            groups.setdefault(seasons[t], []).append(a)
    a_mean, a_sd, a_count = [0.0] * n_seasons, [0.0] * n_seasons, [0] * n_seasons
    for m, vals in groups.items():
        mu = sum(vals) / len(vals)
        a_mean[m] = mu
        a_sd[m] = math.sqrt(sum((v - mu) ** 2 for v in vals) / len(vals))
        a_count[m] = len(vals)
    return AnnualData(seasons, dev, list(std), raw, a_mean, a_sd, a_count)


def _cov(series: SeasonSeries, data: AnnualData, m: int, lags: list[int | None]) -> np.ndarray:
    """Correlation matrix of variables z_{t-l} (l in lags) and Ã_t (entry None)."""
    p = series.n_seasons
    n = len(lags)
    c = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = lags[i], lags[j]
            if a is None or b is None:
                v = data.cross(m, b if a is None else a)
            else:
                lo, hi = min(a, b), max(a, b)
                v = 1.0 if lo == hi else periodic_acf(series, (m - lo) % p, hi - lo)
            c[i, j] = c[j, i] = v
    return c


def facp(series: SeasonSeries, data: AnnualData, m: int, max_order: int) -> list[float]:
    out = []
    for k in range(1, max_order + 1):
        cond: list[int | None] = [*range(1, k), None]
        c = _cov(series, data, m, [0, k, *cond])
        s11, s12, s22 = c[:2, :2], c[:2, 2:], c[2:, 2:]
        cols = [solve_gauss(s22, s12[r]) for r in range(2)]
        if any(x is None for x in cols):
            break
        sbar = s11 - np.array(
            [[float(np.dot(s12[r], cols[q])) for q in range(2)] for r in range(2)]
        )
        prod = sbar[0, 0] * sbar[1, 1]
        out.append(min(1.0, max(-1.0, sbar[0, 1] / math.sqrt(prod))) if prod > 0 else 0.0)
    return out


def _extended_yw(series: SeasonSeries, data: AnnualData, m: int, order: int) -> SeasonFit:
    lags: list[int | None] = [*range(1, order + 1), None]
    c = _cov(series, data, m, lags)
    rhs = _cov(series, data, m, [0, *lags])[0, 1:]
    sol = solve_gauss(c, rhs)
    sd_a = data.a_sd[m]
    if sol is None:
        return SeasonFit([], 1.0, 0.0, sd_a, has_annual=True)
    var = 1.0 - float(sum(sol[i] * rhs[i] for i in range(order + 1)))
    return SeasonFit(
        [float(v) for v in sol[:order]],
        ratio_from_variance(var),
        float(sol[order]),
        sd_a,
        has_annual=True,
    )


def fit_annual(series: SeasonSeries, data: AnnualData, m: int, ceiling: int) -> SeasonFit | None:
    """PAR(p)-A fit of season m with order chosen by conditional FACP; None = no window data."""
    if data.a_count[m] == 0:
        return None
    n_obs = series.count(m)
    if series.std[m] < EPS or n_obs < 2:
        return SeasonFit([], 1.0, 0.0, data.a_sd[m], has_annual=True)
    order = select_annual_order(facp(series, data, m, ceiling), n_obs)
    return _extended_yw(series, data, m, order)


def select_annual_order(values: list[float], n_obs: int) -> int:
    """FACP(1) exactly 0 → 0; otherwise max(1, largest significant lag) (§5.7 step 3)."""
    if not values or values[0] == 0.0:
        return 0
    return max(1, select_order(values, n_obs))
