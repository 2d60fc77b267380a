"""Periodic autocorrelation, Yule–Walker, PACF order selection (spec 11 §5.3-5.5)."""

from __future__ import annotations

import math
import sys

import numpy as np

__all__ = [
    "SeasonSeries",
    "periodic_acf",
    "solve_gauss",
    "fit_yw",
    "pacf",
    "select_order",
    "EPS",
    "Z_ALPHA",
]

EPS = sys.float_info.epsilon
Z_ALPHA = 1.96


class SeasonSeries:
    """Per-season chronological observations and (μ, s) used for fitting."""

    def __init__(self, obs: dict[int, list[float]], mean: list[float], std: list[float]) -> None:
        self.obs = obs
        self.mean = mean
        self.std = std
        self.n_seasons = len(mean)

    def count(self, m: int) -> int:
        return len(self.obs.get(m, []))

    def lag_season(self, m: int, k: int) -> int:
        p = self.n_seasons
        return (m + p - (k % p)) % p


def periodic_acf(series: SeasonSeries, m: int, k: int) -> float:
    """ρ_m(k) with the years-crossed pairing of §5.3."""
    if k == 0:
        return 1.0
    p = series.n_seasons
    ml = series.lag_season(m, k)
    sm, sl = series.std[m], series.std[ml]
    if sm < EPS or sl < EPS:
        return 0.0
    y = (1 if ml >= m else 0) if k < p else k // p
    cur, lag = series.obs.get(m, []), series.obs.get(ml, [])
    n = min(len(cur) - y, len(lag))
    if n <= 0:
        return 0.0
    mu_m, mu_l = series.mean[m], series.mean[ml]
    acc = 0.0
    for i in range(n):
        acc += (cur[y + i] - mu_m) * (lag[i] - mu_l)
    rho = acc / n / (sm * sl)
    return min(1.0, max(-1.0, rho))


def solve_gauss(a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    """Gaussian elimination with partial pivoting; ``None`` when a pivot is below machine eps."""
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    n = len(b)
    for col in range(n):
        piv = col + int(np.argmax(np.abs(a[col:, col])))
        if abs(a[piv, col]) < EPS:
            return None
        if piv != col:
            a[[col, piv]] = a[[piv, col]]
            b[[col, piv]] = b[[piv, col]]
        for r in range(col + 1, n):
            f = a[r, col] / a[col, col]
            a[r, col:] -= f * a[col, col:]
            b[r] -= f * b[col]
    x = np.zeros(n)
    for r in range(n - 1, -1, -1):
        x[r] = (b[r] - float(np.dot(a[r, r + 1 :], x[r + 1 :]))) / a[r, r]
    return x


def yw_system(series: SeasonSeries, m: int, order: int) -> tuple[np.ndarray, np.ndarray]:
    p = series.n_seasons
    r = np.eye(order)
    for i in range(order):
        ref = (m - (i + 1)) % p
        for j in range(i + 1, order):
            r[i, j] = r[j, i] = periodic_acf(series, ref, j - i)
    rhs = np.array([periodic_acf(series, m, i + 1) for i in range(order)])
    return r, rhs


def ratio_from_variance(var: float) -> float:
    return min(1.0, max(EPS, math.sqrt(var))) if var > 0.0 else 1.0


def fit_yw(series: SeasonSeries, m: int, order: int) -> tuple[list[float], float]:
    """(ψ*, residual std ratio) of order ``order``; singular at any order ≤ p → order 0."""
    if order == 0:
        return [], 1.0
    for k in range(1, order + 1):
        if solve_gauss(*yw_system(series, m, k)) is None:
            return [], 1.0
    r, rhs = yw_system(series, m, order)
    phi = solve_gauss(r, rhs)
    var = 1.0 - float(sum(phi[i] * rhs[i] for i in range(order)))
    return phi.tolist(), ratio_from_variance(var)


def pacf(series: SeasonSeries, m: int, max_order: int) -> list[float]:
    out = []
    for k in range(1, max_order + 1):
        phi = solve_gauss(*yw_system(series, m, k))
        if phi is None:
            break
        out.append(float(phi[-1]))
    return out


def select_order(values: list[float], n_obs: int) -> int:
    """Largest k with |PACF(k)| > 1.96/sqrt(N); 0 if none."""
    if n_obs <= 0:
        return 0
    tau = Z_ALPHA / math.sqrt(n_obs)
    order = 0
    for k, v in enumerate(values, start=1):
        if abs(v) > tau:
            order = k
    return order
