"""Policies in both directions between Cobre 0.5.1 and pycobre, in simulation-only mode.

    python benchmarks/interop_policy_modes.py [--cases d02 d03 d04] [--scenarios 3]
        [--work /tmp/interop_modes] [--write-fixtures]

For each deterministic case (``tests/data/deterministic``):

1. Cobre trains (config as shipped, simulation off)            -> ``cobre_train/policy``
2. pycobre trains (same)                                        -> ``py_train/policy``
3. each tool simulates each policy with ``training.enabled = false`` (policy copied to
   ``<output>/policy``): cobre(cobre), cobre(py), py(cobre), py(py).

The table shows the mean simulated cost (per scenario: sum over stages of
``immediate_cost * discount_factor`` from ``simulation/costs``) next to the hand-derived optimum
of ``EXPECTED.md``. Cobre's steps run in ``the Cobre 0.5.1 venv ($COBRE_PYTHON)`` through ``_cobre`` sub-commands of
this script (pycobre never imports ``cobre``). ``--explain-d03`` adds the evidence for Cobre's d03 quirk (see ``explain_d03``). ``--write-fixtures`` copies Cobre's trained
policies to ``tests/interop/data/<case>_cobre_policy`` (used by ``tests/conformance/
test_policy_modes.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DET = ROOT / "tests" / "data" / "deterministic"
COBRE_PY = os.environ.get("COBRE_PYTHON", ".venv-cobre/bin/python")
OPTIMA = {
    "d02": 23_635_000 / 9,
    "d03": 4_171_000 / 3,
    "d04": 5_263_443_883 / 657,
}


def case_dir(short: str) -> Path:
    return next(p for p in DET.iterdir() if p.name.startswith(short + "-"))


# -- Cobre side (runs in the cobre interpreter) ---------------------------------------------
def _cobre(mode: str, case: Path, out: Path, policy: Path | None, scenarios: int) -> None:
    import cobre.run  # reference binding, separate interpreter only

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / case.name
        shutil.copytree(case, work)
        cfg = json.loads((work / "config.json").read_text())
        sim = cfg.setdefault("simulation", {})
        if mode == "train":
            sim["enabled"] = False
        elif mode == "full":
            sim.update(enabled=True, num_scenarios=scenarios)
        else:
            cfg.setdefault("training", {})["enabled"] = False
            sim.update(enabled=True, num_scenarios=scenarios)
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(policy, out / "policy")
        (work / "config.json").write_text(json.dumps(cfg, indent=2))
        res = cobre.run.run(str(work), output_dir=str(out), threads=1)
    print(json.dumps({k: res.get(k) for k in ("iterations", "lower_bound", "simulation")}))


def cobre(mode: str, case: Path, out: Path, policy: Path | None = None, scenarios: int = 1) -> None:
    cmd = [
        COBRE_PY,
        __file__,
        "_cobre",
        mode,
        str(case),
        str(out),
        str(policy or ""),
        str(scenarios),
    ]
    subprocess.run(cmd, check=True, capture_output=True, text=True)


# -- pycobre side ------------------------------------------------------------------------------
def pycobre_train(case: Path, out: Path) -> dict:
    from pycobre.run import run

    shutil.rmtree(out, ignore_errors=True)
    return run(case, out, threads=1, config_overrides={"simulation": {"enabled": False}})


def pycobre_simulate(case: Path, out: Path, policy: Path, scenarios: int) -> dict:
    from pycobre.run import run

    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(policy, out / "policy")
    overrides = {
        "training": {"enabled": False},
        "simulation": {"enabled": True, "num_scenarios": scenarios},
    }
    return run(case, out, threads=1, config_overrides=overrides)


def mean_simulated_cost(out: Path) -> float:
    """Mean over scenarios of the discounted sum of stage immediate costs."""
    import pyarrow.parquet as pq

    totals = []
    for part in sorted((out / "simulation" / "costs").glob("scenario_id=*/data.parquet")):
        t = pq.read_table(part, columns=["immediate_cost", "discount_factor"]).to_pydict()
        totals.append(
            sum(c * d for c, d in zip(t["immediate_cost"], t["discount_factor"], strict=True))
        )
    return sum(totals) / len(totals)


def _solver_row(out: Path) -> dict:
    import pyarrow.parquet as pq

    t = pq.read_table(out / "simulation" / "solver" / "iterations.parquet").to_pydict()
    return {k: int(sum(t[k])) for k in ("lp_solves", "basis_offered", "simplex_iterations")}


def _stage0_storage(out: Path) -> list[float]:
    import pyarrow.parquet as pq

    t = pq.read_table(out / "simulation" / "hydros" / "scenario_id=0000" / "data.parquet")
    d = t.to_pydict()
    return [
        round(v, 6) for v, s in zip(d["storage_final_hm3"], d["stage_id"], strict=True) if s == 0
    ]


def explain_d03(w: Path, scenarios: int) -> None:
    """Why Cobre's simulation-only run of its own d03 policy misses the optimum.

    Compares (solver totals, stage-0 end storages, mean cost): Cobre in-run simulation (training
    bases in memory), Cobre simulation-only with and without the policy's ``basis/`` files, and
    pycobre on Cobre's policy with the stored bases installed as they are vs. with every cut row
    made BASIC (what Cobre's reconstruction amounts to on this case).
    """
    from pycobre.io import load_case
    from pycobre.io.policy import read_policy
    from pycobre.lp import build_stage_templates
    from pycobre.sddp.checkpoint import lp_basis
    from pycobre.sddp.simulation import simulate
    from pycobre.stochastic import build_stochastic_model

    case = case_dir("d03")
    nob = w / "policy_without_basis"
    shutil.rmtree(nob, ignore_errors=True)
    shutil.copytree(w / "cobre_train" / "policy", nob)
    shutil.rmtree(nob / "basis")
    (nob / "basis").mkdir()
    cobre("simulate", case, w / "cobre_no_basis", nob, scenarios)
    cobre("full", case, w / "cobre_in_run", None, scenarios)
    system = load_case(case)
    tpls = list(build_stage_templates(system, build_stochastic_model(system)))
    pol = read_policy(w / "cobre_train" / "policy")
    for variant in ("as_stored", "cut_rows_basic"):
        bases = []
        for b, tp in zip(pol.bases, tpls, strict=True):
            rows = b.row_status.copy()
            if variant == "cut_rows_basic":
                rows[tp.num_rows :] = 1
            basis = lp_basis(b.column_status, rows, tp.num_rows)
            basis.raw.alien = True
            bases.append(basis)
        out = w / f"py_{variant}"
        shutil.rmtree(out, ignore_errors=True)
        simulate(system, pol, num_scenarios=scenarios, bases=bases, output_dir=out)
    rows = [
        ("cobre, in-run (training bases in memory)", "cobre_in_run"),
        ("cobre, simulation-only, policy basis/ files", "cobre_on_cobre"),
        ("cobre, simulation-only, basis/ emptied", "cobre_no_basis"),
        ("pycobre, stored bases as stored", "py_as_stored"),
        ("pycobre, stored bases, cut rows BASIC", "py_cut_rows_basic"),
    ]
    print("\nd03 evidence: solver totals | stage-0 end storage (hm3) | mean cost")
    for label, d in rows:
        print(
            f"  {label:46} {_solver_row(w / d)} {_stage0_storage(w / d)} "
            f"{mean_simulated_cost(w / d):.4f}"
        )


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_cobre":
        _, _, mode, case, out, policy, scenarios = sys.argv
        _cobre(mode, Path(case), Path(out), Path(policy) if policy else None, int(scenarios))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="+", default=["d02", "d03", "d04"])
    ap.add_argument("--scenarios", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/interop_policy_modes"))
    ap.add_argument("--write-fixtures", action="store_true")
    ap.add_argument("--explain-d03", action="store_true")
    args = ap.parse_args()
    print(
        f"{'case':5} {'optimum':>16} {'cobre(cobre)':>16} {'cobre(py)':>16} "
        f"{'py(cobre)':>16} {'py(py)':>16}"
    )
    worst = 0.0
    for short in args.cases:
        case, w = case_dir(short), args.work / short
        cobre("train", case, w / "cobre_train")
        pycobre_train(case, w / "py_train")
        cobre("simulate", case, w / "cobre_on_cobre", w / "cobre_train" / "policy", args.scenarios)
        cobre("simulate", case, w / "cobre_on_py", w / "py_train" / "policy", args.scenarios)
        pycobre_simulate(case, w / "py_on_cobre", w / "cobre_train" / "policy", args.scenarios)
        pycobre_simulate(case, w / "py_on_py", w / "py_train" / "policy", args.scenarios)
        vals = [
            mean_simulated_cost(w / d)
            for d in ("cobre_on_cobre", "cobre_on_py", "py_on_cobre", "py_on_py")
        ]
        opt = OPTIMA.get(short, float("nan"))
        worst = max(worst, abs(vals[2] - opt) / opt, abs(vals[3] - opt) / opt)
        print(f"{short:5} {opt:16.4f} " + " ".join(f"{v:16.4f}" for v in vals))
        if args.write_fixtures:
            dst = ROOT / "tests" / "interop" / "data" / f"{short}_cobre_policy"
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(w / "cobre_train" / "policy", dst)
    print(f"largest relative gap of pycobre's simulation to the optimum: {worst:.2e}")
    if args.explain_d03 and "d03" in args.cases:
        explain_d03(args.work / "d03", args.scenarios)
    return 0


if __name__ == "__main__":
    sys.exit(main())
