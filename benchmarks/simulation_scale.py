"""Is writing the simulation outputs the bottleneck?  2,000 scenarios of 4ree, pycobre vs Cobre.

    python benchmarks/simulation_scale.py [CASE] [-S 2000] [--iterations 20] [-n 3]
        [--only pycobre|cobre] [--writer none,process,thread,sync] [--work DIR] [--json FILE]
        [--writer-threads N] [--writer-processes N] [--threads N]

1. Copies CASE (default ``examples/4ree``) with ``training.stopping_rules`` = an iteration
   limit and ``simulation.num_scenarios = S``, trains it once with pycobre (simulation skipped)
   and reads back the written policy.
2. ``-n`` rounds; each round simulates the policy (``threads=1``, each run in a fresh
   interpreter, like ``pycobre run``) once per ``--writer`` mode, interleaved: ``none`` (no output directory: the LP-only baseline),
   ``process`` (writer process), ``thread`` (writer thread in this process), ``sync``.
   Timers (monkeypatched in that interpreter) record *exclusive* wall
   and thread-CPU seconds per step and per side — the solving thread vs the writer side
   (writer threads, the feeder thread of the writer process, and the writer process itself,
   whose CPU comes from ``getrusage(RUSAGE_CHILDREN)``): ``lp_solve`` / ``lp_extract`` (LP
   time), ``build_columns`` (``stage_rows``), ``build_tables`` (Arrow tables, batched),
   ``parquet_write`` (partitions written in this process), ``feed_process`` (stacking and piping
   a batch to the writer process; on the solving thread, which has no feeder thread any more),
   ``write_call`` (the hand-off: packing the scenario; blocks while the queue is full),
   ``finish`` (drain + sync + metadata + marker).
3. Unless ``--only pycobre``: Cobre 0.5.1 (``$COBRE_PYTHON``, ``cobre.run.run`` on the same
   copied case, ``threads=1``), once with and once without simulation; its simulation time is
   the difference (its ``duration_seconds`` is 0.0 in 0.5.1).

Prints per-run lines and medians (with the change against the ``none`` baseline); ``--json``
keeps every run.
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
import threading
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
    """Accumulated *exclusive* wall and thread-CPU seconds per label and thread kind.

    Thread CPU (``time.thread_time`` inside the call) is the work done, unaffected by other
    users' load on the machine; wall includes waiting for a core (or the GIL). Timed calls nest
    (``write_scenario`` -> ``_write_now`` -> ``ScenarioTables.tables`` -> ``stage_rows`` in the
    synchronous writer): each label gets its time minus that of the timed calls inside it, so
    labels add up. Keys are ``(label, "solver" | "writer")``: the thread that runs
    ``simulate`` is the solving thread, every other thread is writer side.
    """

    def __init__(self) -> None:
        self.sec: dict[tuple[str, str], float] = defaultdict(float)
        self.cpu: dict[tuple[str, str], float] = defaultdict(float)
        self.calls: dict[tuple[str, str], int] = defaultdict(int)
        self._local = threading.local()
        self.solver_thread = threading.get_ident()
        self._originals: list[tuple[Any, str, Any]] = []

    def restore(self) -> None:
        """Unwrap (so the next run does not time through this run's wrappers too)."""
        for owner, name, fn in reversed(self._originals):
            setattr(owner, name, fn)
        self._originals.clear()

    def wrap(self, owner: Any, name: str, label: str) -> None:
        fn = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        self._originals.append((owner, name, fn))
        if isinstance(owner, type):
            fn = getattr(owner, name)
        sec, cpu, calls, local = self.sec, self.cpu, self.calls, self._local

        def timed(*a: Any, **k: Any) -> Any:
            stack = local.__dict__.setdefault("stack", [])
            stack.append([0.0, 0.0])  # wall, CPU of timed calls inside this one
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return fn(*a, **k)
            finally:
                w, c = time.perf_counter() - t0, time.thread_time() - c0
                inner = stack.pop()
                if stack:
                    stack[-1][0] += w
                    stack[-1][1] += c
                key = (label, "solver" if threading.get_ident() == self.solver_thread else "writer")
                sec[key] += w - inner[0]
                cpu[key] += c - inner[1]
                calls[key] += 1

        setattr(owner, name, timed)

    def total(
        self, table: dict[tuple[str, str], float], labels: tuple[str, ...], side: str | None = None
    ) -> float:
        return sum(v for (lab, sd), v in table.items() if lab in labels and side in (None, sd))

    @staticmethod
    def flat(table: dict[tuple[str, str], Any]) -> dict[str, Any]:
        return {f"{lab}@{side}": v for (lab, side), v in sorted(table.items())}


LP_LABELS = ("lp_solve", "lp_extract")
WRITE_LABELS = (
    "build_columns",
    "build_tables",
    "parquet_write",
    "feed_process",
    "write_call",
    "finish",
)


def instrument() -> Timers:
    import pycobre.io.output.simulation as out_sim
    import pycobre.io.output.simulation_rows as rows
    import pycobre.lp.stage_lp as stage_lp
    import pycobre.sddp.simulation as sim
    import pycobre.sddp.stage_solver as solver

    t = Timers()
    t.wrap(solver.PooledStageLP, "solve", "lp_solve")
    t.wrap(stage_lp.StageLP, "extract", "lp_extract")
    if hasattr(sim, "stage_rows"):  # older layout: columns built in the scenario loop
        t.wrap(sim, "stage_rows", "build_columns")
    t.wrap(rows, "stage_rows", "build_columns")  # module global used by ScenarioTables
    t.wrap(rows.ScenarioTables, "tables", "build_tables")
    if hasattr(out_sim, "build_scenario_tables"):  # batched building, imported by the writer
        t.wrap(out_sim, "build_scenario_tables", "build_tables")
    writer_cls = out_sim.SimulationWriter
    t.wrap(writer_cls, "write_scenario", "write_call")  # hand-off (blocks when the queue is full)
    t.wrap(writer_cls, "finish", "finish")  # drain (if any) + sync + metadata + marker
    if hasattr(writer_cls, "_write_now"):  # the Parquet work itself, on whichever thread
        t.wrap(writer_cls, "_write_now", "parquet_write")
    if hasattr(writer_cls, "_send_batch"):  # writer process: stacking + piping a batch
        t.wrap(writer_cls, "_send_batch", "feed_process")
    return t


def train_policy(case: Path, work: Path) -> Path:
    from pycobre.run import run

    out = work / "train_out"
    if out.exists():
        shutil.rmtree(out)
    run(case, out, threads=1, skip_simulation=True)
    return out / "policy"


def pycobre_sim_once(
    case: Path,
    policy_dir: Path,
    out: Path,
    scenarios: int,
    mode: str,
    writer_threads: int = 0,
    writer_processes: int = 0,
    threads: int = 1,
) -> dict:
    """One simulation; ``mode``: writer ``process`` / ``thread`` / ``sync``, or ``none``."""
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
    if hasattr(out_sim, "_default_mode"):
        out_sim._default_mode = lambda expected_scenarios=None: mode
    elif hasattr(out_sim, "_default_background"):
        out_sim._default_background = lambda: mode != "sync"
    if writer_threads and hasattr(out_sim, "_default_writer_threads"):
        out_sim._default_writer_threads = lambda: writer_threads
    if writer_processes and hasattr(out_sim, "_default_writer_processes"):
        out_sim._default_writer_processes = lambda *a, **k: writer_processes
    timers = instrument()
    k0 = _children_cpu()
    c0 = time.process_time()
    t0 = time.perf_counter()
    try:
        res = simulate(
            ctx.system,
            data,
            stochastic=ctx.stochastic,
            templates=ctx.templates,
            output_dir=None if mode == "none" else out,
            keep_tables=False,
            threads=threads,
            num_scenarios=scenarios,
            bases=bases,
            version=pycobre.__version__,
        )
    finally:
        timers.restore()
    wall = time.perf_counter() - t0
    child_cpu = _children_cpu() - k0  # the writer process (joined by ``finish``)
    cpu = time.process_time() - c0 + child_cpu
    s, c = timers.sec, timers.cpu
    lp = timers.total(s, LP_LABELS)
    lp_cpu = timers.total(c, LP_LABELS)
    write_cpu = timers.total(c, WRITE_LABELS) + child_cpu
    write_cpu_solver = timers.total(c, WRITE_LABELS, "solver")
    write_main = timers.total(s, WRITE_LABELS, "solver")
    sim_dir = out / "simulation"
    n_files = sum(1 for _ in sim_dir.rglob("data.parquet")) if mode != "none" else 0
    return {
        "tool": "pycobre",
        "mode": mode,
        "writer_threads": writer_threads,
        "writer_processes": writer_processes,
        "threads": threads,
        "wall_s": wall,
        "cpu_s": cpu,
        "lp_s": lp,
        "write_on_solver_thread_s": write_main,
        "write_share": write_main / wall if wall else 0.0,
        "other_s": wall - lp - write_main,
        "lp_cpu_s": lp_cpu,
        "write_cpu_s": write_cpu,
        "write_cpu_solver_s": write_cpu_solver,
        "writer_process_cpu_s": child_cpu,
        "write_cpu_writer_s": write_cpu - write_cpu_solver,
        "write_cpu_share": write_cpu / (lp_cpu + write_cpu) if lp_cpu + write_cpu else 0.0,
        "timers_s": timers.flat(s),
        "timers_cpu_s": timers.flat(c),
        "calls": timers.flat(timers.calls),
        "files": n_files,
        "mean_cost": float(res.summary.mean_cost),
    }


def pycobre_sim_fresh(**kwargs: Any) -> dict:
    """``pycobre_sim_once(**kwargs)`` in a fresh interpreter, as a ``pycobre run`` would be: in
    one long-lived process, later runs measured up to 1.7x slower (heap, GC and timer state)."""
    spec = {k: str(v) if isinstance(v, Path) else v for k, v in kwargs.items()}
    done = subprocess.run(
        [sys.executable, __file__, ONE_RUN, json.dumps(spec)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


ONE_RUN = "--one-run"


def _children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


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
    parts = " ".join(f"{k}={v:.2f}" for k, v in sorted(r["timers_s"].items()))
    cpu_parts = " ".join(f"{k}={v:.2f}" for k, v in sorted(r["timers_cpu_s"].items()))
    return (
        f"pycobre {r['mode']} wall {r['wall_s']:.2f}s (CPU {r['cpu_s']:.2f}s)  LP "
        f"{r['lp_s']:.2f}s  writing on the solving thread {r['write_on_solver_thread_s']:.2f}s "
        f"({100 * r['write_share']:.1f} %)  other {r['other_s']:.2f}s  files {r['files']}\n"
        f"      wall [{parts}]\n"
        f"      CPU: LP {r['lp_cpu_s']:.2f}s, writing {r['write_cpu_s']:.2f}s (solving thread "
        f"{r['write_cpu_solver_s']:.2f}s, writer side {r['write_cpu_writer_s']:.2f}s, of "
        f"which writer process {r['writer_process_cpu_s']:.2f}s)  "
        f"[{cpu_parts}]"
    )


MODES = {"both": ("process", "sync"), "all": ("none", "process", "thread", "sync")}


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
        default="all",
        help="pycobre runs per round, interleaved: comma list of none (no outputs: LP-only "
        "baseline), process (writer process), thread (writer threads), sync; "
        "'both' = process,sync; 'all' (default) = none,process,thread,sync",
    )
    ap.add_argument(
        "--writer-threads",
        type=int,
        default=0,
        help="writer threads in thread mode (default: pycobre's own choice)",
    )
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="solving threads of the pycobre simulation (default 1; with more, the other "
        "solving threads' time is counted on the writer side: compare walls)",
    )
    ap.add_argument(
        "--writer-processes",
        type=int,
        default=0,
        help="writer processes in process mode (default: pycobre's own choice)",
    )
    if len(sys.argv) == 3 and sys.argv[1] == ONE_RUN:  # child of ``pycobre_sim_fresh``
        spec = json.loads(sys.argv[2])
        for key in ("case", "policy_dir", "out"):
            spec[key] = Path(spec[key])
        r = pycobre_sim_once(**spec)
        print(json.dumps(r))
        return 0
    args = ap.parse_args()
    modes = MODES.get(args.writer) or tuple(m.strip() for m in args.writer.split(","))
    unknown = [m for m in modes if m not in ("none", "process", "thread", "sync")]
    if unknown:
        ap.error(f"--writer: unknown mode(s) {unknown}")

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
            for mode in modes:
                r = pycobre_sim_fresh(
                    case=case,
                    policy_dir=policy,
                    out=work / "py_sim",
                    scenarios=args.scenarios,
                    mode=mode,
                    writer_threads=args.writer_threads,
                    writer_processes=args.writer_processes,
                    threads=args.threads,
                )
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
    base = [r["wall_s"] for r in runs if r["tool"] == "pycobre" and r["mode"] == "none"]
    for mode in modes:
        py = [r for r in runs if r["tool"] == "pycobre" and r["mode"] == mode]
        if not py:
            continue
        keys = ("wall_s", "cpu_s", "lp_s", "write_on_solver_thread_s", "other_s", "write_share")
        keys += ("lp_cpu_s", "write_cpu_s", "write_cpu_solver_s", "write_cpu_writer_s")
        med = {k: statistics.median(r[k] for r in py) for k in keys}
        rel = ""
        if base and mode != "none":
            rel = f", {100 * (med['wall_s'] / statistics.median(base) - 1):+.1f} % vs no outputs"
        print(f"  pycobre, writer {mode}, {len(py)} runs:")
        print(
            f"    simulation {med['wall_s']:.2f}s{rel} (CPU {med['cpu_s']:.2f}s) = LP "
            f"{med['lp_s']:.2f}s + writing on the solving thread "
            f"{med['write_on_solver_thread_s']:.2f}s ({100 * med['write_share']:.1f} %) + other "
            f"{med['other_s']:.2f}s"
        )
        labels = sorted({k for r in py for k in r["timers_s"]})
        per = {k: statistics.median(r["timers_s"].get(k, 0.0) for r in py) for k in labels}
        print("    parts (wall): " + ", ".join(f"{k} {v:.2f}s" for k, v in per.items()))
        cpu_per = {k: statistics.median(r["timers_cpu_s"].get(k, 0.0) for r in py) for k in labels}
        print(
            f"    CPU: LP {med['lp_cpu_s']:.2f}s, writing {med['write_cpu_s']:.2f}s (solving "
            f"thread {med['write_cpu_solver_s']:.2f}s, writer side "
            f"{med['write_cpu_writer_s']:.2f}s); parts: "
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
