"""Linearised evaporation coefficients (spec 10 §6.4).

Evaporation of hydro h over stage t is ``k0 + kv * (v_in + v)/2`` m3/s, a tangent of the
area-volume curve at a reference volume, times the monthly evaporation depth.
"""

from __future__ import annotations

import numpy as np


def area_and_slope(volumes: np.ndarray, areas: np.ndarray, v_ref: float) -> tuple[float, float]:
    """A(v_ref) by clamped linear interpolation and the slope of the containing segment.

    At an interior breakpoint the segment to its right is used; below the first point the first
    segment, at/above the last point the last segment; slope 0 with fewer than 2 points.
    """
    v = np.asarray(volumes, dtype=np.float64)
    a = np.asarray(areas, dtype=np.float64)
    if v.shape[0] == 0:
        return 0.0, 0.0
    area = float(np.interp(v_ref, v, a))
    if v.shape[0] < 2:
        return area, 0.0
    seg = int(np.searchsorted(v, v_ref, side="right")) - 1
    seg = min(max(seg, 0), v.shape[0] - 2)
    slope = (a[seg + 1] - a[seg]) / (v[seg + 1] - v[seg])
    return area, float(slope)


def evaporation_coefficients(
    coefficient_mm: float,
    volumes: np.ndarray,
    areas: np.ndarray,
    v_ref: float,
    stage_hours: float,
) -> tuple[float, float]:
    """(k0, kv) in m3/s and m3/s per hm3 for one hydro and stage."""
    zeta_ev = 1.0 / (3.6 * stage_hours)
    area, slope = area_and_slope(volumes, areas, v_ref)
    kv = zeta_ev * coefficient_mm * slope
    k0 = zeta_ev * coefficient_mm * area - kv * v_ref
    return float(k0), float(kv)
