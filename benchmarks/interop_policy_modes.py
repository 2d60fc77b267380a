"""Policies in both directions between Cobre 0.5.1 and pycobre, in simulation-only mode.

    /work/venv/bin/python benchmarks/interop_policy_modes.py [--cases d02 d03 d04] [--scenarios 3]
        [--work /tmp/interop_modes] [--write-fixtures]

For each deterministic case (``tests/data/deterministic``):

1. Cobre trains (config as shipped, simulation off)            -> ``cobre_train/policy``
2. pycobre trains (same)                                        -> ``py_train/policy``
3. each tool simulates each policy with ``training.enabled = false`` (policy copied to
   ``<output>/policy``): cobre(cobre), cobre(py), py(cobre), py(py).

The table shows the mean simulated cost (per scenario: sum over stages of
``immediate_cost * discount_factor`` from ``simulation/costs``) next to the hand-derived optimum
of ``EXPECTED.md``. Cobre's steps run in ``/work/venv312`` through ``_cobre`` sub-commands of
this script (pycobre never imports ``cobre``). ``--write-fixtures`` copies Cobre's trained
policies to ``tests/interop/data/<case>_cobre_policy`` (used by ``tests/conformance/
test_policy_modes.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DET = ROOT / "tests" / "data" / "deterministic"
COBRE_PY = "/work/venv312/bin/python"
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
