"""Time pycobre and Cobre on the same case, interleaved, as whole processes.

Usage:
    python benchmarks/side_by_side.py CASE_DIR [-n 3] [--iterations N] [--forward-passes M]
                                      [--threads 1] [--only pycobre|cobre] [--keep DIR]

Each repetition runs pycobre then Cobre (A B A B ...) in fresh interpreters, each on its own
copy of the case with the same ``config.json`` overrides (iteration limit, forward passes,
simulation off), so both pay start-up, case loading and output writing exactly as a user would
(pycobre with compiled bytecode, as installed: see ``installed_env.py``).
Interleaving matters on a shared machine: load from other users hits both sides of a pair
alike, so the per-pair ratio is far steadier than either absolute time.

Prints, per run, wall time and CPU time (user + system, from ``getrusage`` of the child; far
less sensitive to other users' load than wall time), the ``total_time_ms`` the library
reports and the final lower bound; then medians, per-pair ratios and the median ratio; then
mean forward/backward milliseconds per iteration from ``training/timing/iterations.parquet`` and
LP solves, simplex iterations per solve and total in-solve time from
``training/solver/iterations.parquet`` (what separates solver work from Python around it).
Cobre is skipped with a message when ``the Cobre 0.5.1 venv ($COBRE_PYTHON)`` (override: ``COBRE_PYTHON``) is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from installed_env import compile_with, installed_like_env  # noqa: E402

PYCOBRE_PYTHON = os.environ.get("PYCOBRE_PYTHON", sys.executable)
COBRE_PYTHON = os.environ.get("COBRE_PYTHON", ".venv-cobre/bin/python")

#: child program: run one implementation's ``run`` and print its summary as one JSON line
CHILD = r"""
import importlib, json, sys, time
t0 = time.perf_counter()
mod = importlib.import_module(sys.argv[1] + ".run")
t1 = time.perf_counter()
r = mod.run(sys.argv[2], output_dir=sys.argv[3], threads=int(sys.argv[4]), skip_simulation=True)
t2 = time.perf_counter()
print("@@" + json.dumps({"import_s": t1 - t0, "run_s": t2 - t1,
                         "total_time_ms": r.get("total_time_ms"),
                         "lower_bound": r.get("lower_bound"), "iterations": r.get("iterations")}))
"""


def prepare_case(src: Path, dst: Path, iterations: int | None, forward_passes: int | None) -> None:
    """Copy ``src`` to ``dst`` and apply the overrides to ``config.json`` (simulation off)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("output"))
    cfg_path = dst / "config.json"
    cfg = json.loads(cfg_path.read_text())
    training = cfg.setdefault("training", {})
    if iterations is not None:
        training["stopping_rules"] = [{"type": "iteration_limit", "limit": iterations}]
    if forward_passes is not None:
        training["forward_passes"] = forward_passes
    cfg.setdefault("simulation", {})["enabled"] = False
    cfg_path.write_text(json.dumps(cfg, indent=2))


def run_once(python: str, module: str, case: Path, out: Path, threads: int) -> dict:
    """One whole-process run; returns the child's summary plus the outside wall time."""
    if out.exists():
        shutil.rmtree(out)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([python, "-c", CHILD, module, str(case), str(out), str(threads)],
                          capture_output=True, text=True, env=installed_like_env())
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("@@")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"{module} failed (rc={proc.returncode}):\n{proc.stderr[-3000:]}")
    summary = json.loads(line[2:])
    summary["wall_s"] = wall
    summary["cpu_s"] = cpu
    summary.update(phase_times(out))
    return summary


def phase_times(out: Path) -> dict:
    """Mean forward/backward wall ms per iteration from ``training/timing/iterations.parquet``.

    Spec 04 §3.3 writes one rank-level row (``worker_id`` null) and one row per worker; both
    implementations put the phase times on the worker rows. The phase wall time of an iteration
    is taken as rank-level value + the slowest worker (equal to the plain sum with one thread).
    """
    path = out / "training" / "timing" / "iterations.parquet"
    if not path.exists():
        return {}
    import numpy as np
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    t = pq.ParquetFile(path).read(
        columns=["iteration", "worker_id", "forward_wall_ms", "backward_wall_ms"])
    it = np.asarray(t["iteration"].to_pylist())
    if it.size == 0:
        return {}
    is_worker = np.asarray([w is not None for w in t["worker_id"].to_pylist()])
    res: dict = {}
    for col, key in (("forward_wall_ms", "fwd_ms_per_iter"), ("backward_wall_ms", "bwd_ms_per_iter")):
        v = np.asarray(t[col].to_pylist(), dtype=float)
        total = 0.0
        for i in np.unique(it):
            sel = it == i
            rank_part = v[sel & ~is_worker].sum()
            worker_part = v[sel & is_worker].max() if (sel & is_worker).any() else 0.0
            total += rank_part + worker_part
        res[key] = total / np.unique(it).size
    solver = path.parent.parent / "solver" / "iterations.parquet"
    if solver.exists():  # spec 04 §3.5: LP counts, simplex iterations, time in solve
        s = pq.ParquetFile(solver).read(columns=["lp_solves", "simplex_iterations",
                                                  "solve_time_ms"])
        solves = pc.sum(s["lp_solves"]).as_py() or 0
        res["lp_solves"] = solves
        res["simplex_per_solve"] = (pc.sum(s["simplex_iterations"]).as_py() or 0) / max(solves, 1)
        res["solve_ms_total"] = pc.sum(s["solve_time_ms"]).as_py() or 0.0
    return res


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", type=Path)
    ap.add_argument("-n", "--repetitions", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=None, help="override iteration_limit")
    ap.add_argument("--forward-passes", type=int, default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", choices=["pycobre", "cobre"], default=None)
    ap.add_argument("--keep", type=Path, default=None, help="keep case copies/outputs here")
    ap.add_argument("--json", type=Path, default=None,
                    help="also write every run and the ratios here (regression tracking)")
    args = ap.parse_args(argv)

    sides = [("pycobre", PYCOBRE_PYTHON), ("cobre", COBRE_PYTHON)]
    if args.only:
        sides = [s for s in sides if s[0] == args.only]
    if any(name == "cobre" for name, _ in sides) and not Path(COBRE_PYTHON).exists():
        print(f"Cobre skipped: {COBRE_PYTHON} not found (set COBRE_PYTHON)")
        sides = [s for s in sides if s[0] != "cobre"]
    if not sides:
        return 1

    if any(name == "pycobre" for name, _ in sides):
        compile_with(PYCOBRE_PYTHON)  # bytecode as an installed copy has it (installed_env.py)
    work = args.keep or Path(tempfile.mkdtemp(prefix="side_by_side_"))
    work.mkdir(parents=True, exist_ok=True)
    case = work / "case"
    if case.exists():
        shutil.rmtree(case)
    prepare_case(args.case, case, args.iterations, args.forward_passes)
    cfg = json.loads((case / "config.json").read_text())["training"]
    print(f"case {args.case}  iterations={cfg['stopping_rules']}  "
          f"forward_passes={cfg['forward_passes']}  threads={args.threads}  "
          f"repetitions={args.repetitions}")

    results: dict[str, list[dict]] = {name: [] for name, _ in sides}
    try:
        for rep in range(args.repetitions):
            for name, python in sides:
                r = run_once(python, name, case, work / f"out_{name}", args.threads)
                results[name].append(r)
                print(f"  rep {rep + 1} {name:<8} wall {r['wall_s']:7.2f} s  cpu {r['cpu_s']:7.2f} s  "
                      f"reported {r['total_time_ms'] / 1000:7.2f} s  import {r['import_s']:.2f} s"
                      f"  iters {r['iterations']}  LB {r['lower_bound']:.10g}  "
                      f"fwd {_fmt(r.get('fwd_ms_per_iter'), '.1f')} ms/it  "
                      f"bwd {_fmt(r.get('bwd_ms_per_iter'), '.1f')} ms/it  "
                      f"LPs {r.get('lp_solves', '-')}  simplex/LP "
                      f"{_fmt(r.get('simplex_per_solve'), '.1f')}  in-solve "
                      f"{_fmt(r.get('solve_ms_total', 0) / 1000, '.2f')} s", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    print("medians:")
    for name, rs in results.items():
        med = {k: statistics.median(r[k] for r in rs if r.get(k) is not None)
               for k in ("wall_s", "cpu_s", "total_time_ms", "fwd_ms_per_iter", "bwd_ms_per_iter")
               if any(r.get(k) is not None for r in rs)}
        print(f"  {name:<8} wall {med['wall_s']:.2f} s  cpu {med['cpu_s']:.2f} s  "
              f"reported {med['total_time_ms'] / 1000:.2f}"
              f" s  fwd {_fmt(med.get('fwd_ms_per_iter'), '.1f')} ms/it  "
              f"bwd {_fmt(med.get('bwd_ms_per_iter'), '.1f')} ms/it")
    if len(results) == 2:
        py, co = results["pycobre"], results["cobre"]
        for key, label in (("wall_s", "wall"), ("cpu_s", "cpu"), ("total_time_ms", "reported")):
            ratios = [a[key] / b[key] for a, b in zip(py, co, strict=True) if b[key]]
            if ratios:
                print(f"  ratio pycobre/cobre ({label}): per pair "
                      f"{', '.join(f'{x:.2f}' for x in ratios)}; median {statistics.median(ratios):.2f}")
        lb = abs(py[-1]["lower_bound"] - co[-1]["lower_bound"]) / max(1.0, abs(co[-1]["lower_bound"]))
        print(f"  lower bound relative difference (last pair): {lb:.2e}")
    if args.json:
        args.json.write_text(json.dumps({
            "case": str(args.case), "iterations": args.iterations,
            "forward_passes": cfg["forward_passes"], "threads": args.threads,
            "runs": results,
        }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
