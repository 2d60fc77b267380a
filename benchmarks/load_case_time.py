"""How long reading a case takes: ``import pycobre``, ``load_case`` and ``validate``.

Usage:
    python benchmarks/load_case_time.py [CASE_DIR ...] [-n 7]

For each case (default examples/1dtoy and examples/4ree) prints the median, min and max of
``-n`` in-process runs of ``pycobre.io.load_case`` and of ``pycobre.io.validate`` (the first,
cold call is run once before timing and reported apart), plus the median of ``-n`` fresh
interpreters doing ``import pycobre`` and ``import pycobre.io.case`` (what ``load_case``
needs). Target (issue "foundation"): loading 4ree well under one second.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASES = [ROOT / "examples" / "1dtoy", ROOT / "examples" / "4ree"]


def _timed(fn: Callable[[], object], n: int) -> tuple[float, list[float]]:
    """(cold seconds, n warm timings in seconds)."""
    t0 = time.perf_counter()
    fn()
    cold = time.perf_counter() - t0
    runs = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return cold, runs


def _import_time(stmt: str, n: int) -> float:
    """Median wall seconds of ``python -c stmt`` minus that of ``python -c pass``."""
    def one(code: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0
    base = statistics.median(one("pass") for _ in range(n))
    return statistics.median(one(stmt) for _ in range(n)) - base


def _row(label: str, cold: float, runs: list[float]) -> str:
    ms = [r * 1e3 for r in runs]
    return (f"  {label:<10} median {statistics.median(ms):8.1f} ms   min {min(ms):8.1f}   "
            f"max {max(ms):8.1f}   (first call {cold * 1e3:.1f} ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", type=Path, default=DEFAULT_CASES)
    parser.add_argument("-n", type=int, default=7, help="timed runs per measurement")
    args = parser.parse_args(argv)

    print(f"python {sys.version.split()[0]}, {args.n} runs each")
    print(f"import pycobre          median {_import_time('import pycobre', args.n) * 1e3:8.1f} ms"
          " (fresh interpreter, minus bare start)")
    print(f"import pycobre.io.case  median "
          f"{_import_time('import pycobre.io.case', args.n) * 1e3:8.1f} ms")

    from pycobre.io import load_case, validate

    for case in args.cases:
        print(f"{case.name}:")
        cold, runs = _timed(lambda c=case: load_case(c), args.n)
        print(_row("load_case", cold, runs))
        cold, runs = _timed(lambda c=case: validate(c), args.n)
        print(_row("validate", cold, runs))
        result = validate(case)
        if not result.valid:
            print(f"  warning: {case} is not valid ({len(result.errors)} errors)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
