"""Lower/upper bound trace of a run, printed with repr() floats, for bit-identity checks.

Usage:
    python benchmarks/lp_bound_trace.py [CASE_DIR] [ITERATIONS] > trace.txt
    diff <(tail -n +2 before.txt) <(tail -n +2 after.txt)    # first line is the CPU time

Every change to the LP/solve path must leave the 32-iteration 4ree trace unchanged.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from side_by_side import prepare_case  # noqa: E402


def main(argv: list[str]) -> int:
    import pyarrow.parquet as pq

    import pycobre.run as R

    case = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "examples/4ree"
    its = int(argv[1]) if len(argv) > 1 else 32
    d = Path(tempfile.mkdtemp())
    try:
        prepare_case(case, d / "case", its, None)
        t0 = time.process_time()
        R.run(str(d / "case"), output_dir=str(d / "out"), threads=1, skip_simulation=True)
        print("cpu", round(time.process_time() - t0, 2))
        t = pq.ParquetFile(d / "out/training/convergence.parquet").read().to_pydict()
        for i, (lb, ub) in enumerate(zip(t["lower_bound"], t["upper_bound_mean"], strict=True)):
            print(i + 1, repr(lb), repr(ub))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
