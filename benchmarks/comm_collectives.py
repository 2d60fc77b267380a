"""Latency/throughput of the collectives the SDDP loop issues (spec 21 §10), per call.

    mpiexec -n 2 python benchmarks/comm_collectives.py [--state 2080] [--m 192]

Prints medians on rank 0: the error-flag agreement, an ``allreduce`` of one int, the forward
gather (M trial points of T x D plus costs), a per-stage cut gather (M x (1 + D)) and the
lower-bound broadcast.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from pycobre.comm import (
    ReduceOp,
    WorkSplit,
    create_communicator,
    fail_fast,
    gather_rows,
    raise_if_any_failed,
)


def bench(comm, fn, reps: int) -> float:
    fn()
    times = []
    for _ in range(reps):
        comm.barrier()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--state", type=int, default=2080)
    ap.add_argument("--m", type=int, default=192)
    ap.add_argument("--stages", type=int, default=12)
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args()
    comm = create_communicator()
    with fail_fast(comm):
        split = WorkSplit.for_comm(comm, args.m)
        n, D, T = split.n_local, args.state, args.stages
        trial = np.random.default_rng(comm.rank).random((n, T, D))
        costs = np.ones(n)
        intercepts, coefs = np.ones(n), np.ones((n, D))
        cases = {
            "raise_if_any_failed (no error)": lambda: raise_if_any_failed(comm, None),
            "allreduce int64 SUM (1)": lambda: comm.allreduce(np.ones(1, np.int64), ReduceOp.SUM),
            f"forward gather ({args.m} x {T} x {D} + costs)": lambda: gather_rows(
                comm, [trial, costs], split.counts
            ),
            f"cut gather ({args.m} x (1 + {D}))": lambda: gather_rows(
                comm, [intercepts, coefs], split.counts
            ),
            "broadcast float (LB)": lambda: comm.broadcast(np.zeros(1)),
        }
        for name, fn in cases.items():
            dt = bench(comm, fn, args.reps)
            if comm.is_root:
                sys.stdout.write(f"ranks={comm.size} {name:45s} median {dt * 1e3:8.3f} ms\n")


if __name__ == "__main__":
    main()
