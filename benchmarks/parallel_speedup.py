"""Training speed-up from threads (and from MPI ranks) on 4ree; Cobre's 1 vs 2 threads alongside.

Every measurement is a fresh process (like Cobre's per-thread-count runs), repeated ``--runs``
times in interleaved order; the medians of wall time and of CPU time (user+sys of the child)
are reported. Training only (simulation off), ``--iterations`` iterations.

    python benchmarks/parallel_speedup.py [--case examples/4ree] [--iterations 40]
        [--runs 5] [--no-cobre] [--no-ranks] [--gil]

``--gil`` adds one single-thread profiling run that times every ``highspy.Highs.run()`` call
(where HiGHS releases the GIL) and reports the Python time per LP solve spent with the GIL held —
the part two threads cannot overlap. The bound on the thread speed-up with ``n`` threads is
``(p + h) / max(p, (p + h) / n)`` for ``p`` Python and ``h`` HiGHS seconds (GIL-serialised
Python work, perfectly parallel HiGHS work).

Check ``uptime`` first: the figures only mean something on an otherwise idle machine.
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

ROOT = Path(__file__).resolve().parents[1]
COBRE_PY = Path(os.environ.get("COBRE_PYTHON", ".venv-cobre/bin/python"))

CHILD = r"""
import json, sys, time
cfg = json.loads(sys.argv[1])
if cfg["engine"] == "cobre":
    import cobre.run
    t0 = time.perf_counter()
    cobre.run.run(cfg["case"], output_dir=cfg["out"], threads=cfg["threads"], skip_simulation=True)
    print("RESULT " + json.dumps({"wall": time.perf_counter() - t0}))
    sys.exit(0)
from pycobre.run import run
prof = {"n": 0, "highs": 0.0, "highs_cpu": 0.0, "setup_cpu": 0.0, "run_cpu": 0.0}
if cfg.get("gil"):
    import highspy
    orig = highspy.Highs.run
    def timed(self, *a, **k):
        t, c = time.perf_counter(), time.thread_time()
        try:
            return orig(self, *a, **k)
        finally:
            prof["n"] += 1
            prof["highs"] += time.perf_counter() - t
            prof["highs_cpu"] += time.thread_time() - c
    highspy.Highs.run = timed
    from pycobre.run import prepare
    c0 = time.process_time()
    prepare(cfg["case"])  # the set-up part of run(): load, stochastic model, templates
    prof["setup_cpu"] = time.process_time() - c0
t0, c0 = time.perf_counter(), time.process_time()
res = run(cfg["case"], cfg["out"], threads=cfg["threads"])
wall = time.perf_counter() - t0
prof["run_cpu"] = time.process_time() - c0
import os
if os.environ.get("PMI_RANK", "0") == "0":  # one line per job (rank 0)
    sys.stdout.write("RESULT " + json.dumps({"wall": wall, "train_ms": res["total_time_ms"],
                                             "lb": res["lower_bound"].hex(), **prof}) + "\n")
"""


def _mpiexec() -> str:
    local = Path(sys.executable).parent / "mpiexec"
    return str(local) if local.exists() else (shutil.which("mpiexec") or "mpiexec")


def measure(
    engine: str, case: str, iterations: int, threads: int, ranks: int = 1, gil: bool = False
) -> dict:
    """One fresh-process run: wall (s, whole process incl. start-up), training wall, CPU."""
    py = str(COBRE_PY) if engine == "cobre" else sys.executable
    with tempfile.TemporaryDirectory(prefix="par_speedup_") as out:
        cfg = {
            "engine": engine,
            "case": case,
            "out": out,
            "threads": threads,
            "iterations": iterations,
            "gil": gil,
        }
        cmd = [py, "-c", CHILD, json.dumps(cfg)]
        if ranks > 1:
            cmd = [_mpiexec(), "-n", str(ranks), *cmd]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} run failed:\n{proc.stderr[-2000:]}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    res = json.loads(lines[0][7:])
    res["process_wall"] = wall
    res["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return res


def case_copy(case: Path, dst: Path, iterations: int) -> Path:
    """The case with ``iterations`` as its only stopping rule and simulation off (both engines
    read the same files)."""
    shutil.copytree(case, dst)
    cfg = json.loads((dst / "config.json").read_text())
    cfg.setdefault("training", {})["stopping_rules"] = [
        {"type": "iteration_limit", "limit": iterations}
    ]
    cfg["simulation"] = {"enabled": False}
    (dst / "config.json").write_text(json.dumps(cfg, indent=2))
    return dst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", default=str(ROOT / "examples" / "4ree"))
    ap.add_argument("--iterations", type=int, default=40)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-cobre", action="store_true")
    ap.add_argument("--no-ranks", action="store_true")
    ap.add_argument("--gil", action="store_true")
    a = ap.parse_args()
    print(f"load before: {os.getloadavg()}  cores: {os.cpu_count()}")
    tmp = tempfile.TemporaryDirectory(prefix="par_case_")
    a.case = str(case_copy(Path(a.case), Path(tmp.name) / "case", a.iterations))
    configs = [("pycobre", 1, 1), ("pycobre", 2, 1)]
    if not a.no_ranks:
        configs.append(("pycobre", 1, 2))
    if not a.no_cobre and COBRE_PY.exists():
        configs += [("cobre", 1, 1), ("cobre", 2, 1)]
    samples: dict[tuple, list[dict]] = {c: [] for c in configs}
    for _ in range(a.runs):
        for eng, threads, ranks in configs:
            r = measure(eng, a.case, a.iterations, threads, ranks)
            samples[(eng, threads, ranks)].append(r)
            print(
                f"  {eng} ranks={ranks} threads={threads}: {r}  load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    print(f"load after: {os.getloadavg()}")
    med = {}
    for (eng, threads, ranks), runs in samples.items():
        if not runs:
            continue
        key = "train_ms" if eng == "pycobre" else "wall"
        scale = 1e-3 if eng == "pycobre" else 1.0
        train = statistics.median(r[key] * scale for r in runs)
        proc = statistics.median(r["process_wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        med[(eng, threads, ranks)] = train
        lbs = {r.get("lb") for r in runs}
        print(
            f"{eng:8s} ranks={ranks} threads={threads}: training wall median {train:7.2f} s "
            f"(all: {', '.join(f'{r[key] * scale:.2f}' for r in runs)}), process wall "
            f"{proc:6.2f} s, CPU {cpu:6.2f} s" + (f", lb {lbs}" if eng == "pycobre" else "")
        )
    for eng in ("pycobre", "cobre"):
        if (eng, 1, 1) in med and (eng, 2, 1) in med:
            print(
                f"{eng}: speed-up 2 threads / 1 thread = {med[(eng, 1, 1)] / med[(eng, 2, 1)]:.2f}x"
            )
    if ("pycobre", 1, 2) in med:
        print(
            f"pycobre: speed-up 2 ranks / 1 rank = {med[('pycobre', 1, 1)] / med[('pycobre', 1, 2)]:.2f}x"
        )
    if a.gil:
        r = measure("pycobre", a.case, a.iterations, 1, gil=True)
        n = r["n"]
        total = r["train_ms"] * 1e-3
        py = total - r["highs"]
        print(
            f"GIL profile (1 thread, wall clock): {n} LP solves, training {total:.2f} s, inside "
            f"Highs.run {r['highs']:.2f} s ({1e6 * r['highs'] / n:.0f} us/solve), Python with "
            f"the GIL held {py:.2f} s ({1e6 * py / n:.0f} us/solve, {100 * py / total:.0f} %)"
        )
        cpu = r["run_cpu"] - r["setup_cpu"]  # training + output writing, CPU seconds
        py_cpu = cpu - r["highs_cpu"]
        print(
            f"GIL profile (CPU time, robust to load): training {cpu:.2f} s, HiGHS "
            f"{r['highs_cpu']:.2f} s ({1e6 * r['highs_cpu'] / n:.0f} us/solve), Python "
            f"{py_cpu:.2f} s ({1e6 * py_cpu / n:.0f} us/solve, {100 * py_cpu / cpu:.0f} %); "
            f"ideal 2-thread bound {cpu / max(py_cpu, cpu / 2):.2f}x, serialised-Python bound "
            f"{cpu / (py_cpu + r['highs_cpu'] / 2):.2f}x"
        )


if __name__ == "__main__":
    main()
