"""Thread speed-up for independent HiGHS solves (spec 00 §6: HiGHS releases the GIL).

Builds a few hundred small random feasible LPs, then solves them (passModel + run, cold) with
one thread and with ``BlockThreadPool(2)`` — one ``Highs`` object per thread, contiguous blocks —
and prints the median wall time of several runs and the speed-up. Also checks that every
objective is bit-identical between the two schedules.

    /work/venv/bin/python benchmarks/comm_threads.py [--lps 300] [--runs 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time

import highspy
import numpy as np

from pycobre.comm import BlockThreadPool


def random_lps(n_lps: int, n_rows: int, n_cols: int, density: float, seed: int = 7) -> list[tuple]:
    """max c.x s.t. A x <= b, 0 <= x <= 10 with b = A x0 + slack (x0 feasible), as CSC arrays."""
    rng = np.random.default_rng(seed)
    lps = []
    for _ in range(n_lps):
        a = rng.uniform(0.1, 1.0, (n_rows, n_cols)) * (rng.random((n_rows, n_cols)) < density)
        x0 = rng.uniform(0.0, 5.0, n_cols)
        b = a @ x0 + rng.uniform(0.5, 2.0, n_rows)
        cost = -rng.uniform(0.5, 1.5, n_cols)  # HiGHS minimises
        nz = a.T != 0  # column-major scan
        a_index = np.nonzero(nz)[1].astype(np.int32)
        a_value = a.T[nz]
        a_start = np.concatenate([[0], np.cumsum(nz.sum(axis=1))]).astype(np.int32)
        lps.append(
            (
                n_cols,
                n_rows,
                int(a_value.shape[0]),
                cost,
                np.zeros(n_cols),
                np.full(n_cols, 10.0),
                np.full(n_rows, -highspy.kHighsInf),
                b,
                a_start,
                a_index,
                a_value,
            )
        )
    return lps


def new_solver() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("solver", "simplex")
    return h


def solve_block(h: highspy.Highs, lps: list[tuple], block: range) -> np.ndarray:
    out = np.empty(len(block))
    for i, k in enumerate(block):
        nc, nr, nnz, cost, cl, cu, rl, ru, st, ix, va = lps[k]
        h.passModel(
            nc, nr, nnz, 1, 1, 0.0, cost, cl, cu, rl, ru, st, ix, va, np.zeros(nc, np.int32)
        )
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"LP {k} not optimal: {h.getModelStatus()}")
        out[i] = h.getInfo().objective_function_value
    return out


def timed(
    pool: BlockThreadPool, solvers: list[highspy.Highs], lps: list[tuple]
) -> tuple[float, np.ndarray]:
    blocks = pool.blocks(len(lps))
    t0 = time.perf_counter()
    parts = pool.map_blocks(lambda i, b: solve_block(solvers[i], lps, b), blocks)
    return time.perf_counter() - t0, np.concatenate(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lps", type=int, default=300)
    ap.add_argument("--rows", type=int, default=80)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    lps = random_lps(args.lps, args.rows, args.cols, density=0.3)
    results = {}
    objectives = {}
    for n in (1, args.threads):
        solvers = [new_solver() for _ in range(n)]
        with BlockThreadPool(n) as pool:
            timed(pool, solvers, lps[: 2 * n])  # warm-up
            times = []
            for _ in range(args.runs):
                dt, obj = timed(pool, solvers, lps)
                times.append(dt)
            results[n] = statistics.median(times)
            objectives[n] = obj
        print(
            f"threads={n}: median {results[n] * 1e3:8.1f} ms for {args.lps} LPs "
            f"({args.rows}x{args.cols}), runs: " + ", ".join(f"{t * 1e3:.0f}" for t in times)
        )
    same = np.array_equal(objectives[1], objectives[args.threads])
    print(
        f"speed-up {results[1] / results[args.threads]:.2f}x with {args.threads} threads; "
        f"objectives bit-identical: {same}"
    )


if __name__ == "__main__":
    main()
