"""Share of pycobre's training CPU spent inside HiGHS, with the lightest instrumentation.

Usage:
    python benchmarks/lp_share.py CASE_DIR ITERATIONS [FORWARD_PASSES] [--all]

Wraps ``highspy.Highs.run`` (and with ``--all`` the other per-solve ``highspy`` calls and the
``HighsSolution`` vector getters, which build Python lists inside the binding, and the reads
through HiGHS's C API in ``pycobre.lp.highs_capi``) with
``time.thread_time`` on the class, times ``train_problem`` with ``time.process_time``, and
prints the HiGHS share of ``run()`` and of training plus the Python µs per LP solve (everything
outside the wrapped calls; includes ~1 µs of wrapper cost per wrapped call). Unlike
``profile_training.py`` it never runs cProfile, so it is the figure to quote for "share of the
training time inside HiGHS".
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import highspy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from side_by_side import prepare_case  # noqa: E402

OTHER = ("changeRowsBounds", "setBasis", "getSolution", "getInfoValue", "getModelStatus",
         "getObjectiveValue", "clearSolver", "addRows", "getBasis", "getBasicVariables",
         "changeColsBounds", "deleteRows", "setOptionValue", "passModel")
acc = {"run": 0.0, "other": 0.0, "n": 0}


def _wrap(name: str, slot: str) -> None:
    f = getattr(highspy.Highs, name)

    def timed(self, *a, **k):
        t0 = time.thread_time()
        r = f(self, *a, **k)
        acc[slot] += time.thread_time() - t0
        if slot == "run":
            acc["n"] += 1
        return r

    setattr(highspy.Highs, name, timed)


def _wrap_solution_vectors() -> None:
    """Time the ``HighsSolution`` vector getters too: each builds a Python list inside highspy
    (O(rows) at ~10 ns per entry), which is binding work, not pycobre's."""
    for name in ("col_value", "col_dual", "row_value", "row_dual"):
        prop = getattr(highspy.HighsSolution, name)
        get = prop.fget

        def timed(self, get=get):
            t0 = time.thread_time()
            r = get(self)
            acc["other"] += time.thread_time() - t0
            return r

        setattr(highspy.HighsSolution, name, property(timed, prop.fset))


def _wrap_c_api_reads() -> None:
    """Time the HiGHS C API reads (``pycobre.lp.highs_capi``): ``ctypes`` calls into the
    same HiGHS library that copy the solution or basis into arrays."""
    from pycobre.lp import highs_capi

    cls = highs_capi.CApiReader
    for name in ("row_duals_at", "col_values", "row_duals", "basis_codes"):
        f = getattr(cls, name)

        def timed(self, *a, f=f, **k):
            t0 = time.thread_time()
            r = f(self, *a, **k)
            acc["other"] += time.thread_time() - t0
            return r

        setattr(cls, name, timed)


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--all"]
    case, its = Path(args[0]), int(args[1])
    fp = int(args[2]) if len(args) > 2 else None
    _wrap("run", "run")
    if "--all" in argv:
        for n in OTHER:
            _wrap(n, "other")
        _wrap_solution_vectors()
        _wrap_c_api_reads()
    import pycobre.run as R
    import pycobre.sddp.training as TR

    inner = TR.train_problem
    tacc = {"cpu": 0.0, "run": 0.0, "other": 0.0}

    def train_problem(*a, **k):
        r0, o0 = acc["run"], acc["other"]
        t0 = time.process_time()
        out = inner(*a, **k)
        tacc["cpu"] += time.process_time() - t0
        tacc["run"] += acc["run"] - r0
        tacc["other"] += acc["other"] - o0
        return out

    TR.train_problem = train_problem
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        prepare_case(case, d / "case", its, fp)
        t0 = time.process_time()
        R.run(str(d / "case"), output_dir=str(d / "out"), threads=1, skip_simulation=True)
        cpu = time.process_time() - t0
    n = max(acc["n"], 1)
    print(f"run() CPU {cpu:.2f} s; Highs.run {acc['run']:.2f} s = {100 * acc['run'] / cpu:.1f} %; "
          f"other highspy {acc['other']:.2f} s = {100 * acc['other'] / cpu:.1f} %; solves {n}")
    tc = tacc["cpu"]
    inside = tacc["run"] + tacc["other"]
    print(f"training CPU {tc:.2f} s; Highs.run {100 * tacc['run'] / tc:.1f} %; other highspy "
          f"{100 * tacc['other'] / tc:.1f} %; inside HiGHS {100 * inside / tc:.1f} %; "
          f"Python {1e6 * (tc - inside) / n:.0f} µs per solve")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
