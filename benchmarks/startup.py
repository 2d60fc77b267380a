"""Start-up cost of pycobre: import time, ``pycobre run --help``, time to the first LP build.

Usage:
    python benchmarks/startup.py [CASE_DIR] [-n 5] [--top 15]

Measures in fresh interpreters (median of ``-n`` runs):
  * bare interpreter start (``python -c pass``), the floor everything else sits on;
  * ``import pycobre`` and ``import pycobre.run``;
  * ``pycobre run --help`` (``python -m pycobre run --help``);
  * time from interpreter start to the first stage LP being built (load + validate + stochastic
    model + templates + one ``StageLP``) on CASE_DIR (default examples/4ree).
Target (spec task): < 0.5 s before the first LP is built. Then prints the heaviest imports of
``import pycobre.run`` and of the CLI from ``python -X importtime`` (cumulative µs).
Children run with pycobre byte-compiled, as installed (``installed_env.py``).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from installed_env import compile_with, installed_like_env  # noqa: E402

PY = sys.executable
FIRST_LP = r"""
import sys, time
t0 = time.perf_counter()
from pycobre.run import prepare
from pycobre.lp import StageLP
ctx = prepare(sys.argv[1])
t1 = time.perf_counter()
lp = StageLP(ctx.templates[0])
t2 = time.perf_counter()
print(f"@@{t1 - t0} {t2 - t1}")
"""


def wall(cmd: list[str]) -> tuple[float, float, str]:
    """(wall s, child CPU s, stdout) of one fresh-process run."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=installed_like_env())
    dt = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed: {proc.stderr[-2000:]}")
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return dt, cpu, proc.stdout


def importtime(stmt: str, top: int, *args: str) -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) of the ``top`` heaviest imports of ``stmt``."""
    proc = subprocess.run([PY, "-X", "importtime", "-c", stmt, *args],
                          capture_output=True, text=True, env=installed_like_env())
    rows = []
    for ln in proc.stderr.splitlines():
        if not ln.startswith("import time:") or "self [us]" in ln:
            continue
        self_us, cum_us, name = (p.strip() for p in ln[len("import time:"):].split("|", 2))
        rows.append((int(cum_us), int(self_us), name))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", nargs="?", type=Path, default=Path("examples/4ree"))
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args(argv)

    probes = {
        "python -c pass": [PY, "-c", "pass"],
        "import pycobre": [PY, "-c", "import pycobre"],
        "import pycobre.run": [PY, "-c", "import pycobre.run"],
        "pycobre run --help": [PY, "-m", "pycobre", "run", "--help"],
        "first LP built (total)": [PY, "-c", FIRST_LP, str(args.case)],
    }
    compile_with(PY)  # bytecode as an installed copy has it (installed_env.py)
    print(f"median of {args.n} fresh-interpreter runs ({PY}, compiled bytecode)")
    inner_prepare, inner_lp = [], []
    for label, cmd in probes.items():
        times, cpus = [], []
        for _ in range(args.n):
            dt, cpu, out = wall(cmd)
            times.append(dt)
            cpus.append(cpu)
            if "@@" in out:
                a, b = out.split("@@", 1)[1].split()
                inner_prepare.append(float(a))
                inner_lp.append(float(b))
        print(f"  {label:<26} wall {statistics.median(times) * 1000:7.0f} ms"
              f" (min {min(times) * 1000:.0f})  cpu {statistics.median(cpus) * 1000:7.0f} ms")
    if inner_prepare:
        print(f"    of which prepare(case) {statistics.median(inner_prepare) * 1000:8.0f} ms,"
              f" first StageLP {statistics.median(inner_lp) * 1000:.1f} ms  [{args.case}]")

    jobs = [("import pycobre.run", ["import pycobre.run"]),
            ("import pycobre.cli.main", ["import pycobre.cli.main"]),
            ("prepare(case) + first StageLP", [FIRST_LP, str(args.case)])]
    for label, (stmt, *extra) in jobs:
        print(f"heaviest imports of `{label}` (python -X importtime; cumulative / self ms):")
        for cum, self_us, name in importtime(stmt, args.top, *extra):
            print(f"  {cum / 1000:8.1f} {self_us / 1000:8.1f}  {name}")


if __name__ == "__main__":
    main()
