"""Peak memory (RSS) per rank for a training run, gathered to rank 0.

Each rank runs ``pycobre.run.run`` on the case (training, simulation as configured), then its
peak resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is gathered to rank 0
with the communicator and printed as a table. The part that grows with iterations is the cut
pools: ``T x (iterations x forward_passes) x (D + 1) x 8`` bytes per rank.

    python benchmarks/memory_per_rank.py examples/4ree --iterations 40
    mpiexec -n 2 python benchmarks/memory_per_rank.py \\
        examples/4ree --iterations 40 --threads 1
    # XLarge tier of spec 22 (generated with benchmarks/tiers.py into a temporary directory):
    mpiexec -n 2 python benchmarks/memory_per_rank.py \\
        --tier xlarge --iterations 1

Every rank holds its own copy of the case, the stochastic model, one set of stage LPs per
thread and the full cut pools (spec 21 §6: no node-shared memory), so the per-rank figure is
what a rank costs whatever the number of ranks.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("case", nargs="?", type=Path, help="case directory (or use --tier)")
    ap.add_argument("--tier", help="generate this tier of benchmarks/tiers.py instead")
    ap.add_argument("--iterations", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1, help="threads per rank")
    ap.add_argument("--simulation", type=int, default=0, help="simulation scenarios (0 = off)")
    a = ap.parse_args()

    from pycobre.comm import create_communicator, fail_fast

    comm = create_communicator()
    base = _peak_mib()
    with fail_fast(comm), tempfile.TemporaryDirectory(prefix="mem_rank_") as tmp:
        case = a.case
        if a.tier:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from tiers import TIERS, generate

            # every rank generates the same bytes (fixed seed) into its own temporary directory
            case = generate(TIERS[a.tier], Path(tmp) / a.tier)
        if case is None:
            ap.error("give a case directory or --tier")
        from pycobre.run import run

        ov: dict = {
            "training": {"stopping_rules": [{"type": "iteration_limit", "limit": a.iterations}]},
            "simulation": {"enabled": a.simulation > 0, "num_scenarios": max(a.simulation, 1)},
        }
        t0 = time.perf_counter()
        res = run(case, Path(tmp) / "out", config_overrides=ov, threads=a.threads)
        wall = time.perf_counter() - t0
        cfg = json.loads((Path(case) / "config.json").read_text())
        mine = {"rank": comm.rank, "peak_mib": _peak_mib(), "import_mib": base, "wall_s": wall}
        rows = comm.allgather_object(mine)
    if comm.rank != 0:
        return
    m = int(cfg["training"].get("forward_passes", 1))
    print(
        f"case {a.tier or case}: {comm.size} rank(s) x {a.threads} thread(s), "
        f"{res['iterations']} iteration(s), forward_passes {m}, LB {res['lower_bound']:.6g}"
    )
    print("rank  peak RSS (MiB)  after imports (MiB)  run wall (s)")
    for r in rows:
        print(
            f"{r['rank']:4d}  {r['peak_mib']:14.1f}  {r['import_mib']:19.1f}  {r['wall_s']:12.1f}"
        )


if __name__ == "__main__":
    main()
