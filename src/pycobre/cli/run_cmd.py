"""`pycobre run CASE [--output DIR] [--threads N] [--quiet]` (spec 06 §3).

Banner, execution info and progress go to stderr; errors are turned into exit codes by the
dispatcher (`pycobre.cli.main`). A first Ctrl-C asks training to stop after the current
iteration (outputs are still written); a second one aborts.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from pycobre.errors import CaseNotFoundError, CobreError


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "run",
        help="Load, validate, train, simulate, write results",
        description="Load, validate, train, simulate and write results for a case directory.",
    )
    parser.add_argument("case_dir", metavar="CASE_DIR", help="case directory")
    parser.add_argument(
        "--output", metavar="DIR", default=None, help="output directory (default: CASE_DIR/output)"
    )
    parser.add_argument(
        "--threads",
        metavar="N",
        type=int,
        default=None,
        help="worker threads (default: $COBRE_THREADS or 1)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no banner, progress bars or summaries"
    )
    return parser


def _threads(arg: int | None) -> int:
    if arg is not None:
        if arg < 1:
            raise CobreError(f"--threads must be >= 1, got {arg}", kind="IncompatibleSettings")
        return arg
    env = os.environ.get("COBRE_THREADS")
    if env:
        try:
            n = int(env)
        except ValueError:
            n = 0
        if n >= 1:
            return n
    return 1


def _launcher_rank() -> int:
    """This process's rank as announced by an MPI launcher (0 without one)."""
    for key in ("PMI_RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "SLURM_PROCID"):
        value = os.environ.get(key)
        if value is not None:
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _backend_label() -> str:
    from pycobre.comm.launcher import detect_launcher

    info = detect_launcher()
    if not info.detected:
        return "local"
    return f"mpi ({info.tasks} ranks)" if info.tasks else "mpi"


def _seed_warning(case: Path) -> None:
    import json

    try:
        cfg = json.loads((case / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    training = cfg.get("training") if isinstance(cfg, dict) else None
    if isinstance(training, dict) and training.get("tree_seed") is None:
        print(
            "warning: no random seed specified in config.json (training.tree_seed); using default "
            "seed 42. Set training.tree_seed for reproducible results.",
            file=sys.stderr,
        )


def _summary(result: dict, elapsed: float, quiet: bool) -> None:
    """The same summary as `pycobre summary OUTPUT_DIR` (spec 06 §6), then the output location."""
    if quiet:
        return
    from pycobre.progress import format_duration

    try:
        from pycobre.report.run_files import open_run
        from pycobre.report.summary_text import summary_lines

        lines = summary_lines(open_run(result["output_dir"]))
    except Exception:  # noqa: BLE001 - the report package is optional here; fall back below
        lines = None
    if lines is not None:
        print("\n" + "\n".join(lines), file=sys.stderr)  # a blank line after the progress
        print(
            f"\nOutput written to {result['output_dir']} in {format_duration(elapsed)}",
            file=sys.stderr,
        )
        return

    it = result.get("iterations", 0)
    if it:
        conv = ", converged" if result.get("converged") else ""
        print(
            f"Training complete in {format_duration(result['total_time_ms'] / 1000)} ({it} iterations{conv})",
            file=sys.stderr,
        )
        print(f"  Lower bound:  {result['lower_bound']:.5e} $/stage", file=sys.stderr)
        ub = result.get("upper_bound")
        if ub is not None:
            print(f"  Upper bound:  {ub:.5e} $/stage", file=sys.stderr)
        gap = result.get("gap_percent")
        if gap is not None:
            print(f"  Gap:          {gap:.1f}%", file=sys.stderr)
    sim = result.get("simulation")
    if sim:
        print(f"\nSimulation complete ({sim['n_scenarios']} scenarios)", file=sys.stderr)
        print(
            f"  Completed: {sim['completed']}  Failed: {sim['n_scenarios'] - sim['completed']}",
            file=sys.stderr,
        )
    print(
        f"\nOutput written to {result['output_dir']} in {format_duration(elapsed)}", file=sys.stderr
    )


def execute(args: argparse.Namespace) -> int:
    import pycobre

    case = Path(args.case_dir)
    # under mpiexec/srun only rank 0 talks (spec 21 §9); the others run silently
    quiet = bool(args.quiet) or _launcher_rank() > 0
    threads = _threads(args.threads)
    if not case.is_dir():
        what = "case path is not a directory" if case.exists() else "case directory not found"
        raise CaseNotFoundError(f"{what}: {case}", context={"path": str(case)})
    if not quiet:
        print(f"pycobre v{pycobre.__version__} — SDDP hydrothermal planning", file=sys.stderr)
        _seed_warning(case)
        from pycobre.run import solver_version

        version = solver_version()
        solver = f"HiGHS {version}" if version else "HiGHS"
        print(
            f"  solver: {solver}   backend: {_backend_label()}   host: {socket.gethostname()}"
            f"   threads: {threads}",
            file=sys.stderr,
        )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("pycobre")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    try:
        return _execute(args, case, quiet, threads)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _execute(args: argparse.Namespace, case: Path, quiet: bool, threads: int) -> int:
    from pycobre.progress import SimulationProgressBar, TrainingProgress
    from pycobre.run import run

    shutdown = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():

        def on_sigint(signum: int, frame: Any) -> None:
            if shutdown.is_set():
                raise KeyboardInterrupt
            shutdown.set()
            print(
                "\ninterrupt: stopping after the current iteration (Ctrl-C again to abort)",
                file=sys.stderr,
            )

        previous = signal.signal(signal.SIGINT, on_sigint)
    t0 = time.perf_counter()
    color_arg = getattr(args, "color", "auto")
    color = None if color_arg == "auto" else color_arg == "always"
    try:
        with (
            TrainingProgress(_total_iterations(case), quiet=quiet, color=color) as display,
            SimulationProgressBar(quiet=quiet, after=display, color=color) as sim_display,
        ):
            result = run(
                case,
                args.output,
                threads,
                _iteration_display=display,
                _simulation_display=sim_display,
                _shutdown=shutdown,
            )
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    try:
        _summary(result, time.perf_counter() - t0, quiet)
    except BrokenPipeError:  # stderr closed (`| head`): the outputs are written, nothing to say
        pass
    return 0


def _total_iterations(case: Path) -> int | None:
    import json

    try:
        cfg = json.loads((case / "config.json").read_text(encoding="utf-8"))
        limits = [
            int(r["limit"])
            for r in cfg["training"]["stopping_rules"]
            if r.get("type") == "iteration_limit"
        ]
        return max(limits) if limits else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
