"""FPHA hyperplanes fitted from reservoir geometry (spec 10 §7.3).

Tangent planes of the production function phi(v, q, s) = K * eta * q * h_net(v, q, s) at a
uniform grid, pruned to the planes that form the upper envelope, greedily reduced to
``max_planes``, then scaled by kappa so that the envelope never exceeds phi on the grid.
Runs once per hydro at build time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

G_K = 9.81 / 1000.0
TOL = 1e-8


@dataclass(frozen=True)
class FittedPlanes:
    gamma_0: np.ndarray  # unscaled intercepts (the LP uses kappa * gamma_0)
    gamma_v: np.ndarray
    gamma_q: np.ndarray
    gamma_s: np.ndarray
    kappa: float

    @property
    def n(self) -> int:
        return int(self.gamma_0.shape[0])


def _segment(xs: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Index of the containing segment (right one at interior breakpoints), clamped."""
    seg = np.searchsorted(xs, x, side="right") - 1
    return np.clip(seg, 0, xs.shape[0] - 2)


def piecewise(xs, ys, x) -> tuple[np.ndarray, np.ndarray]:
    """Value (argument clamped to the table range) and slope of a piecewise-linear curve."""
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    val = np.interp(np.clip(x, xs[0], xs[-1]), xs, ys)
    if xs.shape[0] < 2:
        return val, np.zeros_like(x)
    seg = _segment(xs, x)
    slope = (ys[seg + 1] - ys[seg]) / (xs[seg + 1] - xs[seg])
    return val, slope


@dataclass(frozen=True)
class HydroHead:
    """Everything phi needs about one plant."""

    volumes: np.ndarray
    heights: np.ndarray
    tail_poly: tuple[float, ...] | None
    tail_points: tuple[np.ndarray, np.ndarray] | None
    loss_type: str | None  # 'factor' | 'constant' | None
    loss_value: float
    efficiency: float

    def tail(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.tail_points is not None:
            return piecewise(self.tail_points[0], self.tail_points[1], x)
        c = np.asarray(self.tail_poly or (0.0,), dtype=np.float64)
        val = np.polynomial.polynomial.polyval(x, c)
        der = np.polynomial.polynomial.polyval(x, np.polynomial.polynomial.polyder(c)) if c.size > 1 else np.zeros_like(x)
        return val, der

    def evaluate(self, v, q, s):
        """phi and its partial derivatives (v, q, s) at arrays of points."""
        hf, dhf = piecewise(self.volumes, self.heights, v)
        ht, dht = self.tail(q + s)
        gross = hf - ht
        if self.loss_type == "factor":
            f = 1.0 - self.loss_value
            hnet = f * gross
        elif self.loss_type == "constant":
            f = 1.0
            hnet = gross - self.loss_value
        else:
            f = 1.0
            hnet = gross
        hnet = np.maximum(0.0, hnet)
        ke = G_K * self.efficiency
        phi = ke * q * hnet
        dv = ke * q * f * dhf
        dq = ke * (hnet - q * f * dht)
        ds = -ke * q * f * dht
        return phi, dv, dq, ds


def fit_planes(
    head: HydroHead,
    v_lo: float,
    v_hi: float,
    q_max: float,
    n_v: int = 5,
    n_q: int = 5,
    n_s: int = 5,
    max_planes: int = 10,
) -> FittedPlanes:
    """Steps 4-8 of spec 10 §7.3 (grid, tangents, envelope pruning, greedy reduction, kappa)."""
    vs = np.linspace(v_lo, v_hi, n_v)
    qs = np.linspace(max(1.0, 0.01 * q_max), q_max, n_q)
    ss = np.linspace(0.0, 0.5 * q_max, n_s)
    V, Q, S = (a.ravel() for a in np.meshgrid(vs, qs, ss, indexing="ij"))  # v outer, s inner
    phi, dv, dq, ds = head.evaluate(V, Q, S)
    ok = (Q > 0) & (phi > 0)
    g0 = (phi - dv * V - dq * Q - ds * S)[ok]
    gv, gq, gs = dv[ok], dq[ok], ds[ok]

    def values(idx: np.ndarray) -> np.ndarray:  # (n_planes, n_grid)
        return g0[idx, None] + gv[idx, None] * V + gq[idx, None] * Q + gs[idx, None] * S

    idx = np.arange(g0.shape[0])
    if idx.size:
        vals = values(idx)
        top = vals.max(axis=0)
        idx = idx[(vals >= top - TOL).any(axis=1)]
    kept: list[int] = []
    for i in idx:
        c = np.array([g0[i], gv[i], gq[i], gs[i]])
        if not any(
            np.all(np.abs(c - np.array([g0[j], gv[j], gq[j], gs[j]])) <= TOL) for j in kept
        ):
            kept.append(int(i))
    planes = list(kept)
    while len(planes) > max_planes:
        vals = values(np.array(planes))
        best, best_score = -1, np.inf
        for r in range(len(planes)):
            rest = np.delete(vals, r, axis=0)
            err = rest.max(axis=0) - phi
            if err.min() < -TOL:
                continue
            score = max(0.0, float(err.max()))
            if score < best_score:
                best, best_score = r, score
        if best < 0:
            break
        planes[best] = planes[-1]
        planes.pop()
    sel = np.array(planes, dtype=np.int64)
    kappa = 1.0
    if sel.size:
        env = values(sel).max(axis=0)
        pos = (phi > 0) & (env > 0)
        if pos.any():
            kappa = float(np.min(phi[pos] / env[pos]))
    return FittedPlanes(g0[sel], gv[sel], gq[sel], gs[sel], kappa)


def fitting_window(
    geometry_volumes: np.ndarray, vmin: float, vmax: float, window: dict | None
) -> tuple[float, float]:
    """[v_lo, v_hi] of spec 10 §7.3 step 3; raises ValueError on contradictory settings."""
    g_lo, g_hi = float(geometry_volumes[0]), float(geometry_volumes[-1])
    lo, hi = g_lo, g_hi
    w = window or {}
    for side, abs_key, pct_key in (("lo", "volume_min_hm3", "volume_min_percentile"),
                                   ("hi", "volume_max_hm3", "volume_max_percentile")):
        a, p = w.get(abs_key), w.get(pct_key)
        if a is not None and p is not None:
            raise ValueError(f"fitting_window sets both {abs_key} and {pct_key}")
        val = None
        if a is not None:
            val = float(a)
        elif p is not None:
            val = vmin + float(p) * (vmax - vmin)
        if val is not None:
            val = min(max(val, g_lo), g_hi)
            if side == "lo":
                lo = val
            else:
                hi = val
    if lo >= hi:
        raise ValueError(f"fitting window is empty (v_lo={lo} >= v_hi={hi})")
    return lo, hi
