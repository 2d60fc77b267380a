"""Where pycobre's training time goes: inside HiGHS versus Python around it.

Usage:
    python benchmarks/profile_training.py CASE_DIR [--iterations 32] [--forward-passes M]
                                          [--top 25] [--no-cprofile] [--save FILE.prof]

Runs ``pycobre.run.run`` (threads=1, simulation skipped) on a copy of CASE_DIR with the
overrides applied, in this process, with every ``highspy.Highs`` method the solver backend calls
wrapped by a timer (monkeypatched on the class, for this benchmark process only) and, unless
``--no-cprofile``, under ``cProfile``. Prints:

  * wall time of ``prepare`` (load, validate, stochastic model, templates) and of the whole run;
  * time inside ``Highs.run`` (the simplex itself) as a share of the run and of training, with
    the number of solves and the mean time per solve; time in the other ``highspy`` calls
    (basis, bounds, rows, solution reads) per method;
  * seconds per activity (building, patching, adding cuts, basis install, reading solutions,
    cut selection, statistics, checkpoints, seeds), the top Python functions by self time, and
    self time summed per pycobre module.

The case is trained twice: first without cProfile (quote the HiGHS share from this run —
cProfile inflates Python time, not time inside HiGHS), then under cProfile for the Python
hot-spot ranking (skipped with ``--no-cprofile``). Wall and CPU (``time.thread_time`` inside the
wrappers, ``time.process_time`` for the run) are both reported; on a shared machine quote CPU.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import highspy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from side_by_side import prepare_case  # noqa: E402

#: highspy methods whose time counts as "inside HiGHS"
WRAPPED = ("run", "passModel", "addRows", "deleteRows", "changeRowsBounds", "changeColsBounds",
           "changeColsCost", "setBasis", "getBasis", "getSolution", "getInfo", "getInfoValue",
           "getModelStatus", "setOptionValue", "clearSolver", "getLp", "getObjectiveValue")


class HighsTimer:
    """Class-level wrappers around ``highspy.Highs`` methods accumulating calls and seconds."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._saved: dict[str, object] = {}

    def install(self) -> None:
        for name in WRAPPED:
            orig = getattr(highspy.Highs, name, None)
            if orig is None:
                continue
            self._saved[name] = orig
            setattr(highspy.Highs, name, self._wrap(name, orig))

    def remove(self) -> None:
        for name, orig in self._saved.items():
            setattr(highspy.Highs, name, orig)
        self._saved.clear()

    def reset(self) -> None:
        self.seconds.clear()
        self.cpu.clear()
        self.calls.clear()

    def _wrap(self, name: str, orig):
        seconds, cpu, calls = self.seconds, self.cpu, self.calls
        clock, tclock = time.perf_counter, time.thread_time

        def timed(self_, *args, **kwargs):
            t, c = clock(), tclock()
            try:
                return orig(self_, *args, **kwargs)
            finally:
                seconds[name] += clock() - t
                cpu[name] += tclock() - c
                calls[name] += 1

        timed.__name__ = f"highs_{name}"
        return timed


def run_case(case: Path, out: Path, timer: HighsTimer, profile: cProfile.Profile | None) -> dict:
    """prepare + train (through ``pycobre.run.run``); returns wall times and the HiGHS totals."""
    import pycobre.run as prun

    t0 = time.perf_counter()
    ctx = prun.prepare(case)
    t1 = time.perf_counter()
    del ctx  # measured only; run() prepares again so its own timing stays representative
    timer.reset()
    if profile is not None:
        profile.enable()
    t2, c2 = time.perf_counter(), time.process_time()
    summary = prun.run(case, output_dir=out, threads=1, skip_simulation=True)
    t3, c3 = time.perf_counter(), time.process_time()
    if profile is not None:
        profile.disable()
    return {"prepare_s": t1 - t0, "run_s": t3 - t2, "run_cpu_s": c3 - c2, "summary": summary,
            "highs_s": dict(timer.seconds), "highs_cpu_s": dict(timer.cpu),
            "highs_calls": dict(timer.calls)}


def report_highs(r: dict, label: str) -> None:
    run_s = r["run_s"]
    train_s = r["summary"].get("total_time_ms", 0) / 1000 or run_s
    solve_s, n = r["highs_s"].get("run", 0.0), r["highs_calls"].get("run", 0)
    other_s = sum(v for k, v in r["highs_s"].items() if k != "run")
    print(f"[{label}] prepare {r['prepare_s']:.2f} s; run() {run_s:.2f} s "
          f"(reported training {train_s:.2f} s); iterations {r['summary'].get('iterations')}; "
          f"LB {r['summary'].get('lower_bound'):.10g}")
    print(f"  inside Highs.run: {solve_s:.2f} s = {100 * solve_s / run_s:.1f} % of run(), "
          f"{100 * solve_s / train_s:.1f} % of training; {n} solves, "
          f"{1e3 * solve_s / max(n, 1):.3f} ms/solve")
    print(f"  other highspy calls: {other_s:.2f} s = {100 * other_s / run_s:.1f} % of run()")
    for k in sorted(r["highs_s"], key=r["highs_s"].get, reverse=True):
        if k != "run":
            print(f"    {k:<18} {r['highs_calls'][k]:>8} calls {r['highs_s'][k]:8.3f} s "
                  f"{1e6 * r['highs_s'][k] / r['highs_calls'][k]:8.1f} µs/call")
    rest = run_s - solve_s - other_s
    print(f"  Python outside HiGHS: {rest:.2f} s = {100 * rest / run_s:.1f} % of run(); "
          f"{1e6 * rest / max(n, 1):.0f} µs per solve")
    cpu_run = r["run_cpu_s"]
    cpu_solve = r["highs_cpu_s"].get("run", 0.0)
    cpu_other = sum(v for k, v in r["highs_cpu_s"].items() if k != "run")
    print(f"  CPU time (load-insensitive): run() {cpu_run:.2f} s; Highs.run {cpu_solve:.2f} s = "
          f"{100 * cpu_solve / cpu_run:.1f} %; other highspy {100 * cpu_other / cpu_run:.1f} %; "
          f"Python {100 * (cpu_run - cpu_solve - cpu_other) / cpu_run:.1f} % "
          f"({1e6 * (cpu_run - cpu_solve - cpu_other) / max(n, 1):.0f} µs CPU per solve)")


#: activity -> (file suffix, function name or "*" for the module's summed self time).
#: Named functions count cumulative time (including the highspy calls they make).
ACTIVITIES: dict[str, list[tuple[str, str]]] = {
    "build (templates, passModel)": [("lp/template.py", "build_template"),
                                     ("lp/solver.py", "load")],
    "patch state/noise -> row bounds": [("lp/stage_lp.py", "_apply_patches"),
                                        ("lp/stage_lp.py", "set_noise"),
                                        ("lp/stage_lp.py", "set_state")],
    "add cuts (sync pool -> rows)": [("sddp/stage_solver.py", "sync")],
    "basis install (set_basis)": [("lp/stage_lp.py", "set_basis")],
    "read solution (primal, duals)": [("lp/solver.py", "col_values"),
                                      ("lp/solver.py", "row_duals"),
                                      ("lp/stage_lp.py", "_state_out")],
    "cut selection": [("sddp/cut_selection.py", "*")],
    "cut pool": [("sddp/cut_pool.py", "*")],
    "solver statistics": [("sddp/solver_stats.py", "*")],
    "policy checkpoints (incl. fsync)": [("sddp/checkpoint.py", "write_checkpoint")],
    "seeds (siphash, pcg64)": [("stochastic/siphash.py", "*"), ("stochastic/pcg64.py", "*")],
}


def report_activities(stats: pstats.Stats, total: float) -> None:
    """Seconds per activity of the brief (building, patching, cuts, solutions, selection)."""
    print(f"by activity (cProfile; % of the profiled run() {total:.2f} s):")
    for label, keys in ACTIVITIES.items():
        secs = 0.0
        for (fname, _line, func), (_cc, _nc, tottime, cumtime, _callers) in stats.stats.items():
            path = fname.replace("\\", "/")
            for suffix, name in keys:
                if name == "*" and f"/pycobre/{suffix}" in path:
                    secs += tottime
                elif func == name and path.endswith("/pycobre/" + suffix):
                    secs += cumtime
        print(f"  {secs:8.3f} s {100 * secs / total:5.1f} %  {label}")


def report_profile(prof: cProfile.Profile, top: int, total: float) -> None:
    stats = pstats.Stats(prof)
    report_activities(stats, total)
    rows = []
    per_module: dict[str, float] = defaultdict(float)
    for (fname, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        if func.startswith("highs_"):  # our wrappers: their self time is the wrapper only
            continue
        short = fname.split("/src/")[-1] if "/src/pycobre/" in fname else fname.split("/")[-1]
        rows.append((tottime, cumtime, ncalls, f"{short}:{line}({func})"))
        if "/src/pycobre/" in fname:
            per_module[fname.split("/src/")[-1]] += tottime
    rows.sort(reverse=True)
    print(f"top {top} functions by self time (cProfile; built-ins include HiGHS calls):")
    print(f"  {'self s':>8} {'cum s':>8} {'calls':>9}  function")
    for tot, cum, nc, name in rows[:top]:
        print(f"  {tot:8.3f} {cum:8.3f} {nc:9d}  {name}")
    print("self time per pycobre module (cProfile):")
    for mod, tot in sorted(per_module.items(), key=lambda kv: kv[1], reverse=True)[:top]:
        print(f"  {tot:8.3f}  {mod}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", type=Path)
    ap.add_argument("--iterations", type=int, default=32)
    ap.add_argument("--forward-passes", type=int, default=None)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--no-cprofile", action="store_true")
    ap.add_argument("--save", type=Path, default=None, help="write the cProfile stats here")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="profile_training_"))
    case = work / "case"
    prepare_case(args.case, case, args.iterations, args.forward_passes)
    timer = HighsTimer()
    timer.install()
    try:
        plain = run_case(case, work / "out_plain", timer, None)
        report_highs(plain, "no cProfile")
        if not args.no_cprofile:
            prof = cProfile.Profile()
            profiled = run_case(case, work / "out_prof", timer, prof)
            report_highs(profiled, "under cProfile")
            report_profile(prof, args.top, profiled["run_s"])
            if args.save:
                prof.dump_stats(args.save)
    finally:
        timer.remove()
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
