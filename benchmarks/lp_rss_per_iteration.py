"""Current RSS at the start of every forward pass of a training run (heap growth per iteration).

    python benchmarks/lp_rss_per_iteration.py CASE_DIR ITERATIONS [FORWARD_PASSES]
    # XLarge: python benchmarks/tiers.py /tmp/t --tier xlarge, then CASE_DIR=/tmp/t/xlarge

Env: ``BASE=1`` skips the glibc heap setting of ``pycobre/lp/heap.py`` (the "before" figure);
``TRIM=1`` calls ``malloc_trim(0)`` before every reading. Prints ``iteration:MiB`` pairs.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pycobre.lp.heap as heap
import pycobre.sddp.training as training


def main() -> None:
    src, its = Path(sys.argv[1]), int(sys.argv[2])
    fp = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    if os.environ.get("BASE") == "1":
        heap._done = True
    trim = os.environ.get("TRIM") == "1"
    libc = ctypes.CDLL("libc.so.6") if trim else None
    d = Path(tempfile.mkdtemp())
    case = d / "case"
    shutil.copytree(src, case)
    cfg = json.loads((case / "config.json").read_text())
    cfg.setdefault("training", {})["stopping_rules"] = [{"type": "iteration_limit", "limit": its}]
    if fp:
        cfg["training"]["forward_passes"] = fp
    cfg["simulation"] = {"enabled": False}
    (case / "config.json").write_text(json.dumps(cfg))

    def rss() -> float:
        if libc is not None:
            libc.malloc_trim(0)
        for ln in open("/proc/self/status"):
            if ln.startswith("VmRSS"):
                return int(ln.split()[1]) / 1024
        return float("nan")

    orig = training.forward_pass
    log: list[tuple[object, float]] = []

    def forward(worker, iteration, scenarios):  # noqa: ANN001, ANN202
        log.append((iteration, rss()))
        return orig(worker, iteration, scenarios)

    training.forward_pass = forward
    from pycobre.run import run

    try:
        run(str(case), str(d / "out"), threads=1)
        log.append(("end", rss()))
    finally:
        training.forward_pass = orig
        shutil.rmtree(d, ignore_errors=True)
    print(" ".join(f"{i}:{r:.0f}" for i, r in log))


if __name__ == "__main__":
    main()
