"""Spatial correlation estimated from standardized PAR residuals (spec 11 §5.8)."""

from __future__ import annotations

import math

from pycobre.stochastic.estimation.periodic_yw import EPS

__all__ = ["estimate_correlation", "MIN_CORRELATION_PAIRS"]

MIN_CORRELATION_PAIRS = 30


def _pearson(pairs: list[tuple[float, float]]) -> float:
    """Sample Pearson correlation (N−1 divisors) of pairs summed in sorted (x, y) order.

    Sorting the pairs by value before every sum is what makes Cobre's matrices reproducible
    bit for bit (checked on d12's 12 estimated profiles).
    """
    n = len(pairs)
    if n < 2:
        return 0.0
    pairs = sorted(pairs)
    mx = sum(p[0] for p in pairs) / n
    my = sum(p[1] for p in pairs) / n
    cov = sum((x - mx) * (y - my) for x, y in pairs) / (n - 1)
    sx = math.sqrt(sum((x - mx) ** 2 for x, _ in pairs) / (n - 1))
    sy = math.sqrt(sum((y - my) ** 2 for _, y in pairs) / (n - 1))
    if sx < EPS or sy < EPS:
        return 0.0
    return min(1.0, max(-1.0, cov / (sx * sy)))


def _matrix(
    residuals: dict[int, dict[tuple[int, int], float]], hydro_ids: list[int], season: int | None
) -> tuple[list[list[float]], int]:
    n = len(hydro_ids)
    mat = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    min_count = None
    for i in range(n):
        for j in range(i + 1, n):
            ri, rj = residuals[hydro_ids[i]], residuals[hydro_ids[j]]
            keys = sorted(k for k in ri if k in rj and (season is None or k[1] == season))
            pairs = [(ri[k], rj[k]) for k in keys]
            mat[i][j] = mat[j][i] = _pearson(pairs)
            min_count = len(pairs) if min_count is None else min(min_count, len(pairs))
    return mat, (min_count if min_count is not None else 0)


def estimate_correlation(
    residuals: dict[int, dict[tuple[int, int], float]],
    hydro_ids: list[int],
    n_seasons: int,
    stages: list,
) -> dict:
    """``correlation.json``-shaped dict: a pooled ``default`` profile, plus ``season_XX`` ones."""

    def profile(mat: list[list[float]]) -> dict:
        return {
            "correlation_groups": [
                {
                    "name": "default",
                    "entities": [{"type": "inflow", "id": h} for h in hydro_ids],
                    "matrix": mat,
                }
            ]
        }

    default, _ = _matrix(residuals, hydro_ids, None)
    out = {"method": "spectral", "profiles": {"default": profile(default)}, "schedule": []}
    if n_seasons > 1 and len(hydro_ids) > 1:
        width = len(str(n_seasons - 1))
        for m in range(n_seasons):
            mat, count = _matrix(residuals, hydro_ids, m)
            if count >= MIN_CORRELATION_PAIRS:
                name = f"season_{m:0{width}d}"
                out["profiles"][name] = profile(mat)
                out["schedule"] += [
                    {"stage_id": s.id, "profile_name": name} for s in stages if s.season_id == m
                ]
        out["schedule"].sort(key=lambda e: e["stage_id"])
    return out
