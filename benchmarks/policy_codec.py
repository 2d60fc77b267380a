"""Encode/decode time of a 4ree-sized cut pool: builder/view paths vs the vectorised codec.

Usage:
    python benchmarks/policy_codec.py [--stages 12] [--cuts 1028] [--dim 4] [-n 7]

4ree (examples/4ree, 256 iterations x 4 forward passes) writes 12 ``cuts/stage_NNN.bin`` files
of ``(256 + 1) * 4 = 1028`` records (the first M are empty records) with state dimension 4;
the terminal stage has none. Prints the median over ``-n`` repetitions of encoding and
decoding all stages with each path, and checks that both paths give the same bytes/values.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from pycobre.io.policy.stage_cuts import (
    StageCuts,
    decode_stage_cuts,
    decode_stage_cuts_views,
    encode_stage_cuts,
    encode_stage_cuts_builder,
)


def pool(stage_id: int, n: int, dim: int, m: int, rng: np.random.Generator) -> StageCuts:
    """A pool shaped like a fresh Cobre run: M empty records, then M cuts per iteration."""
    if n == 0:
        return StageCuts.empty(stage_id, dim, capacity=n)
    slots = np.arange(n)
    iters = slots // m
    coefs = rng.normal(size=(n, dim))
    coefs[:m] = 0.0
    intercepts = rng.normal(size=n) * 1e9
    intercepts[:m] = 0.0
    return StageCuts(
        stage_id=stage_id,
        state_dimension=dim,
        capacity=n,
        warm_start_count=0,
        cut_ids=np.where(iters > 0, slots, 0),
        slot_indices=slots,
        iterations=iters,
        forward_pass_indices=np.where(iters > 0, slots % m, 0),
        intercepts=intercepts,
        coefficients=coefs,
        is_active=iters > 0,
        active_cut_indices=[],
        populated_count=n,
    ).with_derived_active_indices()


def median_time(fn, items, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stages", type=int, default=12)
    ap.add_argument("--cuts", type=int, default=1028)
    ap.add_argument("--dim", type=int, default=4)
    ap.add_argument("--forward-passes", type=int, default=4)
    ap.add_argument("-n", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    stages = [
        pool(t, args.cuts if t < args.stages - 1 else 0, args.dim, args.forward_passes, rng)
        for t in range(args.stages)
    ]
    bufs = [encode_stage_cuts_builder(s) for s in stages]
    assert [encode_stage_cuts(s) for s in stages] == bufs, "fast encoder bytes differ"
    assert [decode_stage_cuts(b) for b in bufs] == stages, "fast decoder values differ"
    print(
        f"{args.stages} stages x {args.cuts} cuts, dim {args.dim}, "
        f"{sum(map(len, bufs)) / 1e6:.2f} MB, median of {args.n}"
    )
    rows = [
        ("encode", encode_stage_cuts_builder, encode_stage_cuts, stages),
        ("decode", decode_stage_cuts_views, decode_stage_cuts, bufs),
    ]
    for name, old, new, items in rows:
        t_old = median_time(old, items, args.n)
        t_new = median_time(new, items, args.n)
        print(
            f"{name}: old {t_old * 1e3:8.2f} ms  new {t_new * 1e3:7.2f} ms  "
            f"speed-up {t_old / t_new:6.1f}x"
        )


if __name__ == "__main__":
    main()
