"""Does a HiGHS solve hold the GIL?  highspy's callback dispatcher on vs off, beside a busy thread.

    python benchmarks/gil_during_solve.py [--rows 400] [--solves 10] [--repeats 5]

``highspy.Highs()`` installs its Python callback dispatcher when it is constructed. While that
dispatcher is installed, HiGHS calls back into it during the simplex (to ask whether a Python
callback wants the event), and every call must take the GIL: a solve then waits for whatever
other Python thread holds it. pycobre calls ``disableCallbacks()`` on every solver
(``pycobre/lp/solver.py``), so worker threads and the background simulation writer overlap with
solves.

The script solves the same random sparse LP ``--solves`` times from scratch in the main thread,
alone and next to a thread spinning in pure Python, with the dispatcher on (highspy's default)
and off, and prints the median wall seconds of ``--repeats`` rounds for each of the four cases.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import highspy
import numpy as np


def _lp(n: int, seed: int) -> highspy.HighsLp:
    rng = np.random.default_rng(seed)
    dense = rng.random((n, n)) * (rng.random((n, n)) < 0.05) + np.eye(n) * 0.01
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    for j in range(n):
        rows = np.flatnonzero(dense[:, j])
        index.extend(rows.tolist())
        value.extend(dense[rows, j].tolist())
        starts.append(len(index))
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = n
    lp.col_cost_ = -rng.random(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    lp.row_lower_ = np.full(n, -highspy.kHighsInf)
    lp.row_upper_ = np.ones(n)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value)
    return lp


def _solves(lp: highspy.HighsLp, count: int, callbacks_on: bool) -> float:
    total = 0.0
    for _ in range(count):
        h = highspy.Highs()
        if not callbacks_on:
            h.disableCallbacks()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("threads", 1)
        h.passModel(lp)
        t0 = time.perf_counter()
        h.run()
        total += time.perf_counter() - t0
    return total


def _round(lp: highspy.HighsLp, count: int, callbacks_on: bool, busy: bool) -> float:
    stop = threading.Event()

    def spin() -> None:
        x = 0
        while not stop.is_set():
            x += 1

    t = threading.Thread(target=spin, daemon=True) if busy else None
    if t is not None:
        t.start()
    try:
        return _solves(lp, count, callbacks_on)
    finally:
        stop.set()
        if t is not None:
            t.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=400)
    ap.add_argument("--solves", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    lp = _lp(a.rows, 0)
    cases = [(on, busy) for on in (True, False) for busy in (False, True)]
    times: dict[tuple[bool, bool], list[float]] = {c: [] for c in cases}
    for _ in range(a.repeats):  # interleaved rounds
        for c in cases:
            times[c].append(_round(lp, a.solves, *c))
    print(f"{a.solves} solves of a {a.rows}x{a.rows} LP, median of {a.repeats} rounds (wall s):")
    for on in (True, False):
        alone = statistics.median(times[(on, False)])
        busy = statistics.median(times[(on, True)])
        label = "dispatcher on  (highspy default)" if on else "dispatcher off (pycobre)       "
        print(f"  {label}: alone {alone:.3f}  beside a busy thread {busy:.3f}  ({busy / alone:.2f}x)")


if __name__ == "__main__":
    main()
