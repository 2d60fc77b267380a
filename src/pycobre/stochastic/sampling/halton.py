"""Digit-permuted Halton points (spec 11 §10.5), including Cobre's −8.21 origin defect."""

from __future__ import annotations

import functools
import math

import numpy as np

from pycobre.stochastic.norm_quantile import clamp_unit, norm_quantile
from pycobre.stochastic.pcg64 import Pcg64
from pycobre.stochastic.siphash import derive_opening_seed, derive_stage_seed

__all__ = ["halton_primes", "halton_permutations", "halton_batch", "halton_point"]


@functools.lru_cache(maxsize=64)
def halton_primes(dim: int) -> tuple[int, ...]:
    """First ``dim`` primes from the sieve bound Cobre uses."""
    if dim < 6:
        upper = 30
    else:
        upper = int(dim * (math.log(dim) + math.log(math.log(dim))) + 4) + 4
    sieve = bytearray([1]) * (upper + 1)
    sieve[0:2] = b"\x00\x00"
    for i in range(2, int(upper**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(sieve[i * i :: i]))
    primes = [i for i in range(upper + 1) if sieve[i]]
    return tuple(primes[:dim])


def _n_digits(max_n: int, base: int) -> int:
    k, digits = max(max_n - 1, 0), 0
    while k > 0:
        k //= base
        digits += 1
    return max(digits, 1)


def halton_permutations(gen: Pcg64, dim: int, max_n: int) -> list[list[list[int]]]:
    """Per dimension, per digit position: a shuffled 0..p-1 (dimension-major, one generator)."""
    perms = []
    for p in halton_primes(dim):
        per_dim = []
        for _ in range(_n_digits(max_n, p)):
            perm = list(range(p))
            gen.shuffle(perm)
            per_dim.append(perm)
        perms.append(per_dim)
    return perms


def _radical_inverse(k: int, base: int, perms: list[list[int]]) -> float:
    result, f, j = 0.0, 1.0 / base, 0
    while k > 0:
        digit = k % base
        result += (perms[j][digit] if j < len(perms) else digit) * f
        k //= base
        f = f / base
        j += 1
    return result


def _points(indices: range | list[int], dim: int, perms: list) -> np.ndarray:
    primes = halton_primes(dim)
    u = np.array([[_radical_inverse(k, primes[d], perms[d]) for d in range(dim)] for k in indices])
    return norm_quantile(clamp_unit(u.reshape(-1))).reshape(len(indices), dim)


def halton_batch(tree_seed: int, stage_id: int, n: int, dim: int) -> np.ndarray:
    gen = Pcg64.from_u64(derive_stage_seed(tree_seed, stage_id))
    return _points(range(n), dim, halton_permutations(gen, dim, n))


def halton_point(
    seed: int, iteration: int, scenario: int, group: int, n: int, dim: int
) -> np.ndarray:
    gen = Pcg64.from_u64(derive_opening_seed(seed, iteration, group))
    return _points([scenario], dim, halton_permutations(gen, dim, n))[0]
