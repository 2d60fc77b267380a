"""Sample average approximation: independent ziggurat normals (spec 11 §10.2)."""

from __future__ import annotations

import numpy as np

from pycobre.stochastic.pcg64 import Pcg64, Pcg64Lanes
from pycobre.stochastic.siphash import derive_forward_seed_grouped, derive_opening_seed
from pycobre.stochastic.ziggurat import normal_scalar, normals_lanes

__all__ = ["saa_batch", "saa_point"]

_SCALAR_MAX = 16  # scenarios per call up to which scalar streams beat the NumPy lanes


def saa_batch(tree_seed: int, stage_ids: np.ndarray, n_openings: np.ndarray, dim: int) -> list:
    """Openings of several stages at once: one stream per (stage id, opening).

    Returns one ``(n_openings[k], dim)`` array per entry of ``stage_ids``.
    """
    stage_ids = np.asarray(stage_ids, dtype=np.int64)
    counts = np.asarray(n_openings, dtype=np.int64)
    openings = np.concatenate([np.arange(c) for c in counts]) if counts.size else np.zeros(0)
    stages = np.repeat(stage_ids, counts)
    if openings.size == 0:
        return [np.zeros((int(c), dim)) for c in counts]
    seeds = derive_opening_seed(tree_seed, openings.astype(np.int64), stages)
    values = normals_lanes(Pcg64Lanes.from_u64(seeds), dim)
    return np.split(values, np.cumsum(counts)[:-1])


def saa_point(
    seed: int, iteration: int, scenarios: np.ndarray | int, group: int, dim: int
) -> np.ndarray:
    """Out-of-sample SAA noise of a class of length ``dim``: ``(n_scenarios, dim)``.

    A forward-pass block is a handful of scenarios: up to ``_SCALAR_MAX`` streams are drawn with
    Python integers (same words, same sequential algorithm), which avoids the NumPy lanes'
    fixed cost of ~0.5 ms per call.
    """
    scen = np.atleast_1d(np.asarray(scenarios, dtype=np.int64))
    if scen.size <= _SCALAR_MAX:
        out = np.empty((scen.size, dim))
        for i, m in enumerate(scen.tolist()):
            gen = Pcg64.from_u64(derive_forward_seed_grouped(seed, iteration, m, group))
            out[i] = [normal_scalar(gen) for _ in range(dim)]
        return out
    seeds = derive_forward_seed_grouped(seed, iteration, scen, group)
    return normals_lanes(Pcg64Lanes.from_u64(np.atleast_1d(seeds)), dim)
