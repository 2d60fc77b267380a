"""Compare pycobre's simulation outputs with Cobre's for one case (spec 04 §4, spec 13).

    $COBRE_PYTHON benchmarks/interop_policy.py produce CASE REF --simulate 3
    python benchmarks/interop_simulation.py CASE REF/simulation [--scenarios 3]

Trains with pycobre, simulates the same number of scenarios into a temp folder and reports,
per table, schema equality, row count equality and the largest absolute difference per column.
Degenerate LPs may legitimately differ in primal/dual values (spec 13 §4), so this is a report,
not a pass/fail test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", type=Path)
    ap.add_argument("reference", type=Path, help="Cobre's simulation/ directory")
    ap.add_argument("--scenarios", type=int, default=3)
    args = ap.parse_args()

    from pycobre.io import load_case
    from pycobre.lp import build_stage_templates
    from pycobre.sddp.simulation import simulate
    from pycobre.sddp.training import train
    from pycobre.stochastic import build_stochastic_model

    system = load_case(args.case)
    stoch = build_stochastic_model(system)
    templates = build_stage_templates(system, stoch)
    outcome = train(system, stochastic=stoch, templates=templates)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        simulate(
            system,
            outcome,
            stochastic=stoch,
            templates=templates,
            num_scenarios=args.scenarios,
            output_dir=tmp,
        )
        mine = Path(tmp) / "simulation"
        ref_dirs = {
            p.parent.parent.relative_to(args.reference).as_posix()
            for p in args.reference.rglob("scenario_id=*/data.parquet")
        }
        my_dirs = {
            p.parent.parent.relative_to(mine).as_posix()
            for p in mine.rglob("scenario_id=*/data.parquet")
        }
        if ref_dirs != my_dirs:
            print(f"tables differ: cobre {sorted(ref_dirs)} pycobre {sorted(my_dirs)}")
        for entity in sorted(ref_dirs & my_dirs):
            for ref_file in sorted((args.reference / entity).glob("scenario_id=*/data.parquet")):
                my_file = mine / entity / ref_file.parent.name / "data.parquet"
                a, b = pq.read_table(ref_file), pq.read_table(my_file)
                notes = []
                if not a.schema.remove_metadata().equals(b.schema.remove_metadata()):
                    notes.append("SCHEMA")
                if a.num_rows != b.num_rows:
                    notes.append(f"rows {a.num_rows} vs {b.num_rows}")
                else:
                    for name in a.column_names:
                        x = np.array(a.column(name).to_pylist(), dtype=float)
                        y = np.array(b.column(name).to_pylist(), dtype=float)
                        same_null = np.array_equal(np.isnan(x), np.isnan(y))
                        diff = np.abs(x - y) / np.maximum(1.0, np.abs(x))
                        d = float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0
                        if not same_null:
                            notes.append(f"{name}: nulls differ")
                        if d > 1e-6:
                            notes.append(f"{name}: rel diff {d:.3g}")
                            worst = max(worst, float(d))
                print(f"{entity}/{ref_file.parent.name}: {'ok' if not notes else '; '.join(notes)}")
    return 0 if worst == 0.0 else 1


if __name__ == "__main__":
    sys.exit(main())
