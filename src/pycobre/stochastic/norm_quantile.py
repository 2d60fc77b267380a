"""Beasley–Springer–Moro inverse normal CDF, in Cobre's exact operation order (spec 11 §10.1).

Used by LHS and the QMC methods to map uniforms to normals. The central branch is vectorised
(each NumPy operation rounds like the scalar one, no FMA); the tails use scalar libm ``log``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["norm_quantile", "clamp_unit", "UNIT_LOW", "UNIT_HIGH"]

_A = (2.50662823884, -18.61500062529, 41.39119773534, -25.44106049637)
_B = (-8.47351093090, 23.08336743743, -21.06224101826, 3.13082909833)
_C = (
    0.3374754822726147,
    0.9761690190917186,
    0.1607979714918209,
    0.0276438810333863,
    0.0038405729373609,
    0.0003951896511349,
    0.0000321767881768,
    0.0000002888167364,
    0.0000003960315187,
)
UNIT_LOW = 2.0**-1022
UNIT_HIGH = 1.0 - 2.0**-52


def clamp_unit(u: np.ndarray | float) -> np.ndarray | float:
    """Clamp a uniform into [2^-1022, 1 - 2^-52] as every caller in Cobre does."""
    return np.minimum(np.maximum(u, UNIT_LOW), UNIT_HIGH)


def _tail(p: float) -> float:
    pm = 1.0 - p
    y = p - 0.5
    q = p if y <= 0.0 else pm
    r = math.log(-math.log(q))
    c = _C
    z = c[0] + r * (
        c[1]
        + r * (c[2] + r * (c[3] + r * (c[4] + r * (c[5] + r * (c[6] + r * (c[7] + r * c[8]))))))
    )
    return -z if y <= 0.0 else z


def norm_quantile(p: np.ndarray | float) -> np.ndarray | float:
    """Φ⁻¹(p) for p in (0, 1); ±8.21 beyond 1e-20 of either end."""
    scalar = np.ndim(p) == 0
    p = np.asarray(p, dtype=np.float64).reshape(-1)
    out = np.empty_like(p)
    y = p - 0.5
    central = np.abs(y) < 0.42
    yc = y[central]
    r = yc * yc
    num = ((_A[3] * r + _A[2]) * r + _A[1]) * r + _A[0]
    den = (((_B[3] * r + _B[2]) * r + _B[1]) * r + _B[0]) * r + 1.0
    out[central] = (yc * num) / den
    for i in np.flatnonzero(~central):
        pi = float(p[i])
        if pi <= 1e-20:
            out[i] = -8.21
        elif 1.0 - pi <= 1e-20:
            out[i] = 8.21
        else:
            out[i] = _tail(pi)
    return float(out[0]) if scalar else out
