"""Scrambled Sobol points (spec 11 §10.4) with Joe–Kuo 2010 direction numbers.

The Joe–Kuo ``new-joe-kuo-6.21201`` table ships with SciPy (``scipy.stats`` keeps it as
``_sobol_direction_numbers.npz``: primitive polynomial with both end bits, and initial m's), so
the (degree, a, m) triples are decoded from there rather than vendored.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from pycobre.errors import ValidationError
from pycobre.stochastic.norm_quantile import clamp_unit, norm_quantile
from pycobre.stochastic.pcg64 import Pcg64
from pycobre.stochastic.siphash import derive_opening_seed, derive_stage_seed

__all__ = ["SOBOL_MAX_DIM", "direction_numbers", "sobol_batch", "sobol_point"]

SOBOL_MAX_DIM = 21201
_M32 = 0xFFFFFFFF


@functools.lru_cache(maxsize=1)
def _joe_kuo() -> tuple[np.ndarray, np.ndarray]:
    import scipy.stats  # deferred: only Sobol needs SciPy's Joe–Kuo table

    data = np.load(Path(scipy.stats.__file__).parent / "_sobol_direction_numbers.npz")
    return data["poly"], data["vinit"]


@functools.lru_cache(maxsize=64)
def direction_numbers(dim: int) -> np.ndarray:
    """``(dim, 32)`` uint32 direction numbers v_d[j]."""
    if dim > SOBOL_MAX_DIM:
        raise ValidationError(
            f"qmc_sobol supports at most {SOBOL_MAX_DIM} noise dimensions, got {dim}",
            kind="DimensionExceedsCapacity",
            context={"dimension": dim, "max": SOBOL_MAX_DIM},
        )
    poly, vinit = _joe_kuo()
    v = np.zeros((dim, 32), dtype=np.uint64)
    if dim:
        v[0] = [1 << (31 - j) for j in range(32)]
    for d in range(1, dim):
        p = int(poly[d])
        s = p.bit_length() - 1
        a = (p >> 1) & ((1 << (s - 1)) - 1) if s > 1 else 0
        row = [0] * 32
        for j in range(s):
            row[j] = (int(vinit[d, j]) << (31 - j)) & _M32
        for j in range(s, 32):
            val = row[j - s] ^ (row[j - s] >> s)
            for k in range(1, s):
                if (a >> (s - 1 - k)) & 1:
                    val ^= row[j - k]
            row[j] = val & _M32
        v[d] = row
    return v


def _scramble(gen: Pcg64, dim: int) -> tuple[np.ndarray, np.ndarray]:
    a = np.empty(dim, dtype=np.uint64)
    b = np.empty(dim, dtype=np.uint64)
    for d in range(dim):
        a[d] = gen.next_u32() | 1
        b[d] = gen.next_u32()
    return a, b


def _to_normal(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        scrambled = (a * x + b) & np.uint64(_M32)
    return norm_quantile(clamp_unit(scrambled.astype(np.float64) * 2.0**-32))


def sobol_batch(tree_seed: int, stage_id: int, n: int, dim: int) -> np.ndarray:
    """``(n, dim)`` openings: Gray-code order, opening 0 is the scrambled origin."""
    v = direction_numbers(dim)
    a, b = _scramble(Pcg64.from_u64(derive_stage_seed(tree_seed, stage_id)), dim)
    xs = np.zeros((n, dim), dtype=np.uint64)
    for i in range(1, n):
        c = (i & -i).bit_length() - 1
        xs[i] = xs[i - 1] ^ v[:, c]
    return _to_normal(xs, a, b).reshape(n, dim)


def sobol_point(seed: int, iteration: int, scenario: int, group: int, dim: int) -> np.ndarray:
    """One out-of-sample point: natural-order Sobol point of index ``scenario`` (32 bits)."""
    v = direction_numbers(dim)
    a, b = _scramble(Pcg64.from_u64(derive_opening_seed(seed, iteration, group)), dim)
    x = np.zeros(dim, dtype=np.uint64)
    for j in range(32):
        if (scenario >> j) & 1:
            x ^= v[:, j]
    return _to_normal(x, a, b)
