"""Is writing the simulation outputs the bottleneck?  2,000 scenarios of 4ree, pycobre vs Cobre.

    python benchmarks/simulation_scale.py [CASE] [-S 2000] [--iterations 20]
        [-n 3] [--only pycobre|cobre] [--work DIR] [--json FILE] [--writer-threads N]

1. Copies CASE (default ``examples/4ree``) with ``training.stopping_rules`` = an iteration
   limit and ``simulation.num_scenarios = S``, trains it once with pycobre (simulation skipped)
   and reads back the written policy.
2. ``-n`` times: simulates the policy in this process with ``threads=1`` and ``output_dir``
   set, timing every stage-LP solve and ``extract`` (LP time) and every step of the output path
   (``stage_rows`` column building, ``ScenarioTables.tables`` Arrow tables,
   ``SimulationWriter.write_scenario`` Parquet writes, ``finish`` = sync + metadata + marker).
   Timers wrap the functions by monkeypatching, in this process only. When the writer runs a
   background thread the Parquet time is spent off the solving thread; the script then reports
   it separately and the *wall* time the solving thread waited for the writer.
3. ``-n`` times, interleaved: Cobre 0.5.1 (``the Cobre 0.5.1 venv ($COBRE_PYTHON)``, ``cobre.run.run`` on the same
   copied case, ``threads=1``); its simulation time is ``simulation/metadata.json``
   ``duration_seconds`` (it trains the same number of iterations first, not timed).

Prints per-run lines and medians; ``--json`` keeps every run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COBRE_PY = Path(os.environ.get("COBRE_PYTHON", ".venv-cobre/bin/python"))


def make_case(src: Path, dst: Path, iterations: int, scenarios: int) -> Path:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("output"))
    cfg_path = dst / "config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg.setdefault("training", {})["stopping_rules"] = [
        {"type": "iteration_limit", "limit": int(iterations)}
    ]
    cfg.setdefault("simulation", {}).update({"enabled": True, "num_scenarios": int(scenarios)})
    cfg_path.write_text(json.dumps(cfg, indent=2))
    return dst


class Timers:
    """Accumulated wall and thread-CPU seconds per label.

    Thread CPU (``time.thread_time`` inside the call) is the work done, unaffected by other
    users' load on the machine; wall includes waiting for a core.
    """

    def __init__(self) -> None:
        self.sec: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, owner: Any, name: str, label: str) -> None:
        fn = getattr(owner, name)
        sec, cpu, calls = self.sec, self.cpu, self.calls

        def timed(*a: Any, **k: Any) -> Any:
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return fn(*a, **k)
            finally:
                sec[label] += time.perf_counter() - t0
                cpu[label] += time.thread_time() - c0
                calls[label] += 1

        setattr(owner, name, timed)


def instrument() -> Timers:
    import pycobre.io.output.simulation as out_sim
    import pycobre.io.output.simulation_rows as rows
    import pycobre.lp.stage_lp as stage_lp
    import pycobre.sddp.simulation as sim
    import pycobre.sddp.stage_solver as solver

    t = Timers()
    t.wrap(solver.PooledStageLP, "solve", "lp_solve")
    t.wrap(stage_lp.StageLP, "extract", "lp_extract")
    t.wrap(sim, "stage_rows", "build_columns")  # imported name used by the scenario loop
    t.wrap(rows.ScenarioTables, "tables", "build_tables")
    writer_cls = out_sim.SimulationWriter
    t.wrap(writer_cls, "write_scenario", "write_call")  # wall the solving thread spends
    t.wrap(writer_cls, "finish", "finish")  # drain (if any) + sync + metadata + marker
    if hasattr(writer_cls, "_write_now"):  # the Parquet work itself, on whichever thread
        t.wrap(writer_cls, "_write_now", "parquet_write")
    return t


def train_policy(case: Path, work: Path) -> Path:
    from pycobre.run import run

    out = work / "train_out"
    if out.exists():
        shutil.rmtree(out)
    run(case, out, threads=1, skip_simulation=True)
    return out / "policy"


def pycobre_sim_once(
    case: Path, policy_dir: Path, out: Path, scenarios: int, background: bool
) -> dict:
    import pycobre
    import pycobre.io.output.simulation as out_sim
    from pycobre.run import prepare
    from pycobre.sddp.checkpoint import read_checkpoint, stored_bases
    from pycobre.sddp.simulation import simulate

    ctx = prepare(case)
    data = read_checkpoint(
        policy_dir, n_state=ctx.n_state, n_stages=len(ctx.templates), validate=True
    )
    bases = stored_bases(data, ctx.templates)
    if out.exists():
        shutil.rmtree(out)
    if hasattr(out_sim, "_default_background"):
        out_sim._default_background = lambda: background
    timers = instrument()
    c0 = time.process_time()
    t0 = time.perf_counter()
    res = simulate(
        ctx.system,
        data,
        stochastic=ctx.stochastic,
        templates=ctx.templates,
        output_dir=out,
        threads=1,
        num_scenarios=scenarios,
        bases=bases,
        version=pycobre.__version__,
    )
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    s = dict(timers.sec)
    c = dict(timers.cpu)
    lp = s.get("lp_solve", 0.0) + s.get("lp_extract", 0.0)
    lp_cpu = c.get("lp_solve", 0.0) + c.get("lp_extract", 0.0)
    # all the CPU spent producing files: columns, Arrow tables, Parquet (whichever thread), finish
    write_cpu = sum(
        c.get(k, 0.0) for k in ("build_columns", "build_tables", "parquet_write", "finish")
    )
    write_main = (
        s.get("build_columns", 0.0)
        + s.get("build_tables", 0.0)
        + s.get("write_call", 0.0)
        + s.get("finish", 0.0)
    )
    n_files = sum(1 for _ in (out / "simulation").rglob("data.parquet"))
    return {
        "tool": "pycobre",
        "background": background,
        "wall_s": wall,
        "cpu_s": cpu,
        "lp_s": lp,
        "write_on_solver_thread_s": write_main,
        "write_share": write_main / wall if wall else 0.0,
        "other_s": wall - lp - write_main,
        "lp_cpu_s": lp_cpu,
        "write_cpu_s": write_cpu,
        "write_cpu_share": write_cpu / (lp_cpu + write_cpu) if lp_cpu + write_cpu else 0.0,
        "timers_s": s,
        "timers_cpu_s": c,
        "calls": dict(timers.calls),
        "files": n_files,
        "mean_cost": float(res.summary.mean_cost),
    }


def _cobre_run(case: Path, out: Path, skip_simulation: bool) -> float:
    if out.exists():
        shutil.rmtree(out)
    code = (
        "import sys, cobre.run; "
        "cobre.run.run(sys.argv[1], sys.argv[2], threads=1, skip_simulation=sys.argv[3] == '1')"
    )
    t0 = time.perf_counter()
    subprocess.run(
        [str(COBRE_PY), "-c", code, str(case), str(out), "1" if skip_simulation else "0"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def cobre_once(case: Path, out: Path) -> dict:
    """Cobre's ``duration_seconds`` is 0.0 in 0.5.1, so simulation time = run − run without it."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    train_only = _cobre_run(case, out, skip_simulation=True)
    full = _cobre_run(case, out, skip_simulation=False)
    sim = out / "simulation"
    solver = pq.read_table(sim / "solver" / "iterations.parquet")
    in_solve = float(pc.sum(solver.column("solve_time_ms")).as_py()) / 1000.0
    n_files = sum(1 for _ in sim.rglob("data.parquet"))
    return {
        "tool": "cobre",
        "run_wall_s": full,
        "train_only_wall_s": train_only,
        "sim_s": full - train_only,
        "lp_in_solve_s": in_solve,
        "files": n_files,
    }


def _fmt_py(r: dict) -> str:
    s = r["timers_s"]
    parts = " ".join(f"{k}={v:.2f}" for k, v in sorted(s.items()))
    return (
        f"pycobre {'bg' if r['background'] else 'sync'} wall {r['wall_s']:.2f}s "
        f"(CPU {r['cpu_s']:.2f}s)  LP {r['lp_s']:.2f}s  write(on solver thread) "
        f"{r['write_on_solver_thread_s']:.2f}s ({100 * r['write_share']:.1f} %)  other "
        f"{r['other_s']:.2f}s  files {r['files']}  [{parts}]\n"
        f"      CPU: LP {r['lp_cpu_s']:.2f}s, writing {r['write_cpu_s']:.2f}s "
        f"({100 * r['write_cpu_share']:.1f} % of LP+writing)  ["
        + " ".join(f"{k}={v:.2f}" for k, v in sorted(r["timers_cpu_s"].items()))
        + "]"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", type=Path, nargs="?", default=ROOT / "examples" / "4ree")
    ap.add_argument("-S", "--scenarios", type=int, default=2000)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("-n", type=int, default=3)
    ap.add_argument("--only", choices=("pycobre", "cobre"))
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument(
        "--writer",
        choices=("both", "background", "sync"),
        default="both",
        help="pycobre partition writing: background thread, synchronous, or both (interleaved)",
    )
    args = ap.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="simscale_"))
    work.mkdir(parents=True, exist_ok=True)
    case = make_case(args.case, work / "case", args.iterations, args.scenarios)
    print(f"case copy {case} ({args.iterations} iterations, {args.scenarios} scenarios)")
    policy = None
    if args.only != "cobre":
        t0 = time.perf_counter()
        policy = train_policy(case, work)
        print(f"pycobre training: {time.perf_counter() - t0:.1f}s -> {policy}")

    runs: list[dict] = []
    for i in range(args.n):
        if args.only != "cobre":
            modes = {"both": (True, False), "background": (True,), "sync": (False,)}
            for bg in modes[args.writer]:
                r = pycobre_sim_once(case, policy, work / "py_sim", args.scenarios, bg)
                runs.append(r)
                print(f"[{i}] {_fmt_py(r)}", flush=True)
        if args.only != "pycobre":
            r = cobre_once(case, work / "cobre_out")
            runs.append(r)
            print(
                f"[{i}] cobre simulation {r['sim_s']:.2f}s (run {r['run_wall_s']:.2f}s − "
                f"training-only run {r['train_only_wall_s']:.2f}s; in-solve "
                f"{r['lp_in_solve_s']:.2f}s) files {r['files']}",
                flush=True,
            )

    co = [r for r in runs if r["tool"] == "cobre"]
    print("medians:")
    for bg in (False, True):
        py = [r for r in runs if r["tool"] == "pycobre" and r["background"] == bg]
        if not py:
            continue
        mode = "background writer" if bg else "synchronous writer"
        print(f"  pycobre, {mode}, {len(py)} runs:")
        med = {
            k: statistics.median(r[k] for r in py)
            for k in (
                "wall_s",
                "cpu_s",
                "lp_s",
                "write_on_solver_thread_s",
                "other_s",
                "write_share",
                "lp_cpu_s",
                "write_cpu_s",
                "write_cpu_share",
            )
        }
        labels = sorted({k for r in py for k in r["timers_s"]})
        per = {k: statistics.median(r["timers_s"].get(k, 0.0) for r in py) for k in labels}
        print(
            f"    simulation {med['wall_s']:.2f}s (CPU {med['cpu_s']:.2f}s) = LP {med['lp_s']:.2f}s + writing on the "
            f"solving thread {med['write_on_solver_thread_s']:.2f}s "
            f"({100 * med['write_share']:.1f} %) + other {med['other_s']:.2f}s"
        )
        print("    parts (wall): " + ", ".join(f"{k} {v:.2f}s" for k, v in per.items()))
        cpu_per = {k: statistics.median(r["timers_cpu_s"].get(k, 0.0) for r in py) for k in labels}
        print(
            f"    CPU: LP {med['lp_cpu_s']:.2f}s, writing {med['write_cpu_s']:.2f}s "
            f"({100 * med['write_cpu_share']:.1f} % of LP+writing); parts: "
            + ", ".join(f"{k} {v:.2f}s" for k, v in cpu_per.items())
        )
    if co:
        sim = statistics.median(r["sim_s"] for r in co)
        lp = statistics.median(r["lp_in_solve_s"] for r in co)
        print(f"  cobre simulation {sim:.2f}s (in-solve LP time {lp:.2f}s), {len(co)} runs")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
