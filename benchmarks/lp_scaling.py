"""How pycobre's training time and memory grow with stages, hydros and cut count.

Usage:
    python benchmarks/lp_scaling.py TIERS_DIR [--tiers small,medium,large,xlarge]
                                    [--iterations 4] [--forward-passes 4]
    python benchmarks/lp_scaling.py --cuts CASE [--iterations 256]

Tier mode: one fresh process per tier (``benchmarks/tiers.py`` cases), threads=1, simulation
off; prints stages, hydros, state size, stage-0 LP rows/cols, LP solves, CPU seconds, CPU µs
per LP solve, peak RSS (``ru_maxrss`` of the child) and the mean forward/backward wall ms per
iteration. Cut mode: one run of CASE, then the mean in-solve time per LP and simplex iterations
per LP for iteration windows — the LPs grow by M cut rows per iteration, so this is solve time
against cut count (from ``training/solver/iterations.parquet``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from side_by_side import phase_times, prepare_case  # noqa: E402

CHILD = r"""
import json, sys, time, resource
from pycobre.run import prepare, run
ctx = prepare(sys.argv[1])
tp = ctx.templates[0]
info = {"stages": len(ctx.templates), "hydros": len(ctx.system.hydros), "n_state": int(tp.n_state),
        "rows": int(tp.num_rows), "cols": int(tp.model.num_cols)}
t0 = time.process_time()
run(sys.argv[1], output_dir=sys.argv[2], threads=1, skip_simulation=True)
info["train_cpu_s"] = time.process_time() - t0
info["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("@@" + json.dumps(info))
"""


def tier_row(case: Path, iterations: int, forward_passes: int | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        prepare_case(case, d / "case", iterations, forward_passes)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CHILD, str(d / "case"), str(d / "out")],
                              capture_output=True, text=True)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("@@")), None)
        if proc.returncode or line is None:
            raise RuntimeError(proc.stderr[-2000:])
        row = json.loads(line[2:])
        row["cpu_s"] = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        row["wall_s"] = wall
        row.update(phase_times(d / "out"))
        return row


def cut_windows(case: Path, iterations: int, windows: int = 8) -> list[dict]:
    import numpy as np
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        prepare_case(case, d / "case", iterations, None)
        subprocess.run([sys.executable, "-c", CHILD, str(d / "case"), str(d / "out")],
                       check=True, capture_output=True)
        t = pq.ParquetFile(d / "out/training/solver/iterations.parquet").read(
            columns=["iteration", "phase", "lp_solves", "simplex_iterations", "solve_time_ms"])
        it = np.asarray(t["iteration"].to_pylist())
        bwd = np.asarray([p == "backward" for p in t["phase"].to_pylist()])
        n = np.asarray(t["lp_solves"].to_pylist(), dtype=float)
        s = np.asarray(t["simplex_iterations"].to_pylist(), dtype=float)
        ms = np.asarray(t["solve_time_ms"].to_pylist(), dtype=float)
        cfg = json.loads((d / "case/config.json").read_text())
        m = int(cfg.get("training", {}).get("forward_passes", 1))
    edges = np.linspace(1, iterations + 1, windows + 1).astype(int)
    rows = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        sel = bwd & (it >= a) & (it < b)
        rows.append({"iterations": f"{a}-{b - 1}", "cuts_per_stage": f"{(a - 1) * m}-{(b - 1) * m}",
                     "us_per_lp": 1e3 * ms[sel].sum() / max(n[sel].sum(), 1),
                     "simplex_per_lp": s[sel].sum() / max(n[sel].sum(), 1)})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--tiers", default="small,medium,large,xlarge")
    ap.add_argument("--iterations", type=int, default=None)
    ap.add_argument("--forward-passes", type=int, default=None)
    ap.add_argument("--cuts", action="store_true", help="solve time against cut count")
    a = ap.parse_args(argv)
    if a.cuts:
        its = a.iterations or 256
        print(f"{a.path}: backward in-solve time per LP against cuts in the LP ({its} iterations)")
        print(f"{'iterations':>10} {'cuts/stage':>11} {'µs/LP':>8} {'simplex/LP':>10}")
        for r in cut_windows(a.path, its):
            print(f"{r['iterations']:>10} {r['cuts_per_stage']:>11} {r['us_per_lp']:8.0f} "
                  f"{r['simplex_per_lp']:10.2f}")
        return 0
    its = a.iterations or 4
    print(f"tiers in {a.path}: {its} iterations, forward passes {a.forward_passes or 'as case'}")
    print(f"{'tier':8} {'T':>3} {'H':>3} {'state':>5} {'rows':>5} {'cols':>5} {'LPs':>7} "
          f"{'CPU s':>7} {'µs/LP':>6} {'RSS MB':>7} {'fwd ms/it':>9} {'bwd ms/it':>9}")
    for tier in a.tiers.split(","):
        r = tier_row(a.path / tier, its, a.forward_passes)
        lps = r.get("lp_solves", 0)
        print(f"{tier:8} {r['stages']:>3} {r['hydros']:>3} {r['n_state']:>5} {r['rows']:>5} "
              f"{r['cols']:>5} {lps:>7} {r['train_cpu_s']:7.2f} "
              f"{1e6 * r['train_cpu_s'] / max(lps, 1):6.0f} {r['rss_mb']:7.0f} "
              f"{r.get('fwd_ms_per_iter', 0):9.0f} {r.get('bwd_ms_per_iter', 0):9.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
