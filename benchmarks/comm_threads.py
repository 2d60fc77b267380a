"""Thread speed-up for independent HiGHS solves (spec 00 §6: HiGHS releases the GIL).

Builds a few hundred small random feasible LPs, then solves them (passModel + run, cold) with
one thread and with ``BlockThreadPool(2)`` — one ``Highs`` object per thread, contiguous blocks —
and prints the median wall time of several runs and the speed-up. Also checks that every
objective is bit-identical between the two schedules.

    python benchmarks/comm_threads.py [--lps 300] [--runs 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
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
) -> tuple[float, float, np.ndarray]:
    """(wall s, process CPU s, objectives); CPU/wall > 1 shows solves overlapping (GIL free)."""
    blocks = pool.blocks(len(lps))
    c0, t0 = time.process_time(), time.perf_counter()
    parts = pool.map_blocks(lambda i, b: solve_block(solvers[i], lps, b), blocks)
    return time.perf_counter() - t0, time.process_time() - c0, np.concatenate(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lps", type=int, default=300)
    ap.add_argument("--rows", type=int, default=80)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    lps = random_lps(args.lps, args.rows, args.cols, density=0.3)
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    counts = (1, args.threads)
    pools = {n: BlockThreadPool(n) for n in counts}
    solvers = {n: [new_solver() for _ in range(n)] for n in counts}
    times: dict[int, list[float]] = {n: [] for n in counts}
    busy: dict[int, list[float]] = {n: [] for n in counts}
    objectives: dict[int, np.ndarray] = {}
    for n in counts:
        timed(pools[n], solvers[n], lps[: 2 * n])  # warm-up
    # alternate the schedules run by run, so load from other processes hits both alike
    for _ in range(args.runs):
        for n in counts:
            dt, cpu, objectives[n] = timed(pools[n], solvers[n], lps)
            times[n].append(dt)
            busy[n].append(cpu / dt)
    for n in counts:
        pools[n].close()
        print(
            f"threads={n}: median {statistics.median(times[n]) * 1e3:8.1f} ms for {args.lps} LPs "
            f"({args.rows}x{args.cols}), CPU/wall {statistics.median(busy[n]):.2f}, runs: "
            + ", ".join(f"{t * 1e3:.0f}" for t in times[n])
        )
    ratios = [a / b for a, b in zip(times[1], times[args.threads], strict=True)]
    same = np.array_equal(objectives[1], objectives[args.threads])
    print(
        f"speed-up with {args.threads} threads: median of per-run ratios "
        f"{statistics.median(ratios):.2f}x, ratio of medians "
        f"{statistics.median(times[1]) / statistics.median(times[args.threads]):.2f}x; "
        f"objectives bit-identical: {same}"
    )


if __name__ == "__main__":
    main()
