"""Compare pycobre's stochastic artefacts with Cobre 0.5.1's (not a test; a developer tool).

Runs the reference binding (``cobre-python==0.5.1`` in a Python >= 3.12 venv, default
``/work/venv312``) on a copy of each case with ``exports.stochastic = true`` and one training
iteration, then compares ``stochastic/noise_openings.parquet`` (and, when both exist, the
estimated PAR tables) with what :func:`pycobre.stochastic.build_stochastic_model` produces.

    python benchmarks/stochastic_vs_cobre.py [--venv /work/venv312] [--method saa] [--openings 10]
        [--tree-seed 42] CASE_DIR [CASE_DIR ...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from pycobre.stochastic import build_stochastic_model, write_stochastic_exports

_RUNNER = "import cobre.run, sys; cobre.run.run(sys.argv[1], output_dir=sys.argv[2], skip_simulation=True)"


def _prepare(
    case: Path, work: Path, method: str | None, openings: int | None, seed: int | None
) -> Path:
    dst = work / case.name
    shutil.copytree(case, dst)
    out_dir = dst / "output"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    cfg = json.loads((dst / "config.json").read_text())
    cfg.setdefault("exports", {})["stochastic"] = True
    cfg["training"]["stopping_rules"] = [{"type": "iteration_limit", "limit": 1}]
    if seed is not None:
        cfg["training"]["tree_seed"] = seed
    cfg.setdefault("simulation", {})["enabled"] = False
    (dst / "config.json").write_text(json.dumps(cfg, indent=2))
    if method or openings:
        stages = json.loads((dst / "stages.json").read_text())
        for st in stages["stages"]:
            if method:
                st["sampling_method"] = method
            if openings:
                st["num_scenarios"] = openings
        (dst / "stages.json").write_text(json.dumps(stages, indent=2))
    return dst


def _compare_table(name: str, ref: Path, ours: Path, keys: list[str]) -> None:
    if not ref.exists() or not ours.exists():
        print(
            f"  {name}: reference {'present' if ref.exists() else 'absent'}, "
            f"pycobre {'present' if ours.exists() else 'absent'}"
        )
        return
    a = pq.read_table(ref).sort_by([(k, "ascending") for k in keys])
    b = pq.read_table(ours).sort_by([(k, "ascending") for k in keys])
    if a.num_rows != b.num_rows:
        print(f"  {name}: row counts differ (cobre {a.num_rows}, pycobre {b.num_rows})")
        return
    for col in a.column_names:
        if col in keys:
            continue
        x = np.asarray(a.column(col).to_numpy(zero_copy_only=False), dtype=float)
        y = np.asarray(b.column(col).to_numpy(zero_copy_only=False), dtype=float)
        diff = np.abs(x - y)
        print(
            f"  {name}.{col}: max abs diff {diff.max(initial=0.0):.3e}, "
            f"bit-identical {int((x == y).sum())}/{x.size}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="+", type=Path)
    ap.add_argument("--venv", type=Path, default=Path("/work/venv312"))
    ap.add_argument("--method")
    ap.add_argument("--openings", type=int)
    ap.add_argument("--tree-seed", type=int)
    args = ap.parse_args()
    python = args.venv / "bin" / "python"
    if not python.exists():
        print(f"reference venv not found: {python}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for case in args.cases:
            dst = _prepare(case.resolve(), work, args.method, args.openings, args.tree_seed)
            ref_out = work / f"{case.name}-cobre"
            proc = subprocess.run(
                [str(python), "-c", _RUNNER, str(dst), str(ref_out)], capture_output=True, text=True
            )
            print(f"{case.name}: cobre exit {proc.returncode}")
            if proc.returncode != 0:
                print(proc.stderr[-2000:])
                continue
            ours_dir = work / f"{case.name}-pycobre"
            write_stochastic_exports(build_stochastic_model(dst), ours_dir)
            ref_dir = ref_out / "stochastic"
            _compare_table(
                "noise_openings",
                ref_dir / "noise_openings.parquet",
                ours_dir / "noise_openings.parquet",
                ["stage_id", "opening_index", "entity_index"],
            )
            _compare_table(
                "inflow_seasonal_stats",
                ref_dir / "inflow_seasonal_stats.parquet",
                ours_dir / "inflow_seasonal_stats.parquet",
                ["hydro_id", "stage_id"],
            )
            _compare_table(
                "inflow_ar_coefficients",
                ref_dir / "inflow_ar_coefficients.parquet",
                ours_dir / "inflow_ar_coefficients.parquet",
                ["hydro_id", "stage_id", "lag"],
            )
            _compare_table(
                "inflow_annual_component",
                ref_dir / "inflow_annual_component.parquet",
                ours_dir / "inflow_annual_component.parquet",
                ["hydro_id", "stage_id"],
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
