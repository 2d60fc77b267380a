"""Latin hypercube sampling in Cobre's draw order (spec 11 §10.3)."""

from __future__ import annotations

import numpy as np

from pycobre.errors import ValidationError
from pycobre.stochastic.norm_quantile import clamp_unit, norm_quantile
from pycobre.stochastic.pcg64 import Pcg64
from pycobre.stochastic.siphash import derive_forward_seed, derive_opening_seed, derive_stage_seed

__all__ = ["lhs_batch", "lhs_point"]


def lhs_batch(tree_seed: int, stage_id: int, n: int, dim: int) -> np.ndarray:
    """``(n, dim)`` LHS openings of one stage from one generator (uniforms, then shuffle)."""
    gen = Pcg64.from_u64(derive_stage_seed(tree_seed, stage_id))
    out = np.empty((n, dim))
    k = np.arange(n, dtype=np.float64)
    for d in range(dim):
        uniforms = np.array([gen.uniform01_52() for _ in range(n)])
        u = clamp_unit((k + uniforms) / float(n))
        perm = list(range(n))
        gen.shuffle(perm)
        out[np.asarray(perm, dtype=np.intp), d] = norm_quantile(u)
    return out


def lhs_point(seed: int, iteration: int, scenario: int, group: int, n: int, dim: int) -> np.ndarray:
    """One out-of-sample LHS point; the ``n`` scenarios of an iteration form one design."""
    if scenario >= n:
        raise ValidationError(
            f"sampling_method 'lhs' with an out_of_sample scheme cannot serve scenario index "
            f"{scenario} of {n} (Cobre aborts here too: LHS is unusable in simulation)",
            kind="UnsupportedSamplingScheme",
            context={"scenario": scenario, "n_scenarios": n, "field": "sampling_method"},
        )
    perm_gen = Pcg64.from_u64(derive_opening_seed(seed, iteration, group))
    draw_gen = Pcg64.from_u64(derive_forward_seed(seed, iteration, scenario, group))
    out = np.empty(dim)
    for d in range(dim):
        perm = list(range(n))
        perm_gen.shuffle(perm)
        u = clamp_unit((perm[scenario] + draw_gen.uniform01_52()) / float(n))
        out[d] = norm_quantile(u)
    return out
