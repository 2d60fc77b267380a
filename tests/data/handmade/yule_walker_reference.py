"""Independent periodic Yule–Walker fit (spec 11 §5.2–5.5) for the h08 conformance case.

Written from the spec formulas only, without pycobre.stochastic, so that the estimated PAR(2)
model of h08 can be checked against a second computation.
"""

from __future__ import annotations

import numpy as np


def seasonal_groups(months: np.ndarray, values: np.ndarray, n_seasons: int = 12) -> list:
    """Observations of each season in chronological order (input sorted by date)."""
    return [values[months == m] for m in range(n_seasons)]


def periodic_rho(groups: list, m: int, k: int) -> float:
    """rho_m(k) with population statistics (spec 11 §5.3)."""
    p = len(groups)
    mp = (m + p - k % p) % p
    x, y = groups[m], groups[mp]
    sm, smp = x.std(), y.std()
    if sm < np.finfo(float).eps or smp < np.finfo(float).eps:
        return 0.0
    crossed = int(mp >= m) if k < p else k // p
    n = min(len(x) - crossed, len(y))
    if n <= 0:
        return 0.0
    prod = (x[crossed : crossed + n] - x.mean()) * (y[:n] - y.mean())
    return float(np.clip(prod.sum() / n / (sm * smp), -1.0, 1.0))


def yule_walker(groups: list, m: int, order: int) -> tuple[np.ndarray, float]:
    """Periodic YW of the given order for season m: (psi*, residual std ratio)."""
    p = len(groups)
    r_mat = np.eye(order)
    for i in range(order):
        for j in range(i + 1, order):
            r_mat[i, j] = r_mat[j, i] = periodic_rho(groups, (m - (i + 1)) % p, j - i)
    rhs = np.array([periodic_rho(groups, m, i + 1) for i in range(order)])
    phi = np.linalg.solve(r_mat, rhs)
    var = 1.0 - float(phi @ rhs)
    ratio = float(np.clip(np.sqrt(var), np.finfo(float).eps, 1.0)) if var > 0 else 1.0
    return phi, ratio


def selected_order(groups: list, m: int, max_order: int) -> int:
    """Largest k with |PACF(k)| > 1.96/sqrt(N_m) (spec 11 §5.5)."""
    tau = 1.96 / np.sqrt(len(groups[m]))
    pacf = [yule_walker(groups, m, k)[0][-1] for k in range(1, max_order + 1)]
    significant = [k + 1 for k, v in enumerate(pacf) if abs(v) > tau]
    return max(significant, default=0)


def fit(months: np.ndarray, values: np.ndarray, max_order: int) -> dict:
    """Per-season mean, population std, selected order and standardised coefficients."""
    groups = seasonal_groups(months, values)
    out = {"mean": np.array([g.mean() for g in groups]), "std": np.array([g.std() for g in groups])}
    out["order"] = [selected_order(groups, m, max_order) for m in range(12)]
    out["psi_star"] = [
        yule_walker(groups, m, p)[0] if p else np.zeros(0) for m, p in enumerate(out["order"])
    ]
    return out


def original_units(fit_: dict, n_lags: int) -> tuple[np.ndarray, np.ndarray]:
    """(base (12,), psi (12, n_lags)) for study stages Jan..Dec = seasons 0..11 (spec 10 §9.1)."""
    mu, s = fit_["mean"], fit_["std"]
    psi = np.zeros((12, n_lags))
    for m, coef in enumerate(fit_["psi_star"]):
        for j, c in enumerate(coef, start=1):
            psi[m, j - 1] = c * s[m] / s[(m - j) % 12]
    base = mu - np.array(
        [sum(psi[m, j - 1] * mu[(m - j) % 12] for j in range(1, n_lags + 1)) for m in range(12)]
    )
    return base, psi


def inflow_path(base: np.ndarray, psi: np.ndarray, past: list[float]) -> np.ndarray:
    """a_t = b_t + sum_j psi_tj a_{t-j} with zero noise; `past` = [lag1, lag2, ...]."""
    lags = list(past)
    path = []
    for t in range(len(base)):
        a = base[t] + sum(psi[t, j] * lags[j] for j in range(psi.shape[1]))
        path.append(a)
        lags = [a] + lags[:-1]
    return np.array(path)
