"""Simulate a policy written by Cobre with pycobre and compare with Cobre's own simulation.

    $COBRE_PYTHON benchmarks/interop_policy.py produce CASE REF
    python benchmarks/interop_simulation_only.py CASE REF [--scenarios N]

Isolates simulation (spec 13) from training: both tools evaluate the *same* cuts, so scenario
totals must agree (up to degenerate vertices, spec 13 §4). Prints summary statistics of both and
the largest relative difference per table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", type=Path)
    ap.add_argument("reference", type=Path, help="Cobre output dir (policy/ and simulation/)")
    ap.add_argument("--scenarios", type=int, default=None)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    from pycobre.io import load_case
    from pycobre.io.policy import read_policy
    from pycobre.sddp.simulation import simulate, summarize_costs

    system = load_case(args.case)
    policy = read_policy(args.reference / "policy")
    sim = simulate(system, policy, num_scenarios=args.scenarios, threads=args.threads)
    ref_dir = args.reference / "simulation"
    ref_costs = []
    worst: dict[str, float] = {}
    for j in sim.scenario_ids:
        part = f"scenario_id={int(j):04d}"
        c = pq.read_table(ref_dir / "costs" / part / "data.parquet").to_pydict()
        ref_costs.append(float(np.dot(c["discount_factor"], c["immediate_cost"])))
        for table, mine in sim.tables[int(j)].items():
            f = ref_dir / table / part / "data.parquet"
            if not f.is_file():
                continue
            ref = pq.read_table(f)
            if ref.num_rows != mine.num_rows:
                worst[table] = float("inf")
                continue
            for name in ref.column_names:
                a = np.array(ref.column(name).to_pylist(), dtype=float)
                b = np.array(mine.column(name).to_pylist(), dtype=float)
                d = np.abs(a - b) / np.maximum(1.0, np.abs(a))
                if np.isfinite(d).any():
                    key = f"{table}.{name}"
                    worst[key] = max(worst.get(key, 0.0), float(np.nanmax(d)))
    ref_summary = summarize_costs(np.array(ref_costs))
    print(f"pycobre mean {sim.summary.mean_cost:.6f} std {sim.summary.std_cost:.6f}")
    print(f"cobre   mean {ref_summary.mean_cost:.6f} std {ref_summary.std_cost:.6f}")
    diffs = {k: v for k, v in worst.items() if v > 1e-6}
    for k, v in sorted(diffs.items(), key=lambda kv: -kv[1])[:20]:
        print(f"  {k}: max rel diff {v:.3g}")
    print(f"{len(worst)} columns compared, {len(diffs)} differ by more than 1e-6")
    return 0


if __name__ == "__main__":
    sys.exit(main())
