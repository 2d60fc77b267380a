"""Byte-compatibility check of pycobre's policy writer against Cobre 0.5.1 (spec 05 §2).

Runs a case with Cobre's own binding (``cobre-python==0.5.1``, installed in a *separate*
interpreter, never imported by pycobre), then reads every policy file with
``pycobre.io.policy`` and re-encodes it: cuts, basis and states files must come back byte for
byte, ``metadata.json`` too.

Usage (two steps, two interpreters):

    $COBRE_PYTHON benchmarks/interop_policy.py produce CASE OUT
    python    benchmarks/interop_policy.py compare OUT/policy

``produce`` copies CASE to a temp folder, enables ``exports.states`` when asked
(``--states``) and runs ``cobre.run.run(case, OUT)``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path


def produce(case: Path, out: Path, args: argparse.Namespace) -> None:
    import cobre.run  # reference binding, only in the separate interpreter

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / case.name
        shutil.copytree(case, work)
        cfg_path = work / "config.json"
        cfg = json.loads(cfg_path.read_text())
        if args.states:
            cfg.setdefault("exports", {})["states"] = True
        training = cfg.setdefault("training", {})
        if args.forward_passes:
            training["forward_passes"] = args.forward_passes
        if args.iterations:
            training["stopping_rules"] = [{"type": "iteration_limit", "limit": args.iterations}]
        if args.no_simulation:
            cfg.setdefault("simulation", {})["enabled"] = False
        if args.simulation_only:
            training["enabled"] = False
        if args.simulate:
            cfg.setdefault("simulation", {}).update(enabled=True, num_scenarios=args.simulate)
        if args.prior:
            # warm start / resume read <output>/<policy.path>: seed it with the prior policy
            shutil.copytree(args.prior, out / "policy", dirs_exist_ok=True)
            cfg.setdefault("policy", {})["mode"] = args.mode
        cfg_path.write_text(json.dumps(cfg, indent=2))
        result = cobre.run.run(str(work), str(out), args.threads)
    print(json.dumps({k: result[k] for k in ("iterations", "lower_bound", "upper_bound")}))


def compare(policy_dir: Path) -> int:
    from pycobre.io.policy import (
        decode_stage_basis,
        decode_stage_cuts,
        decode_stage_states,
        encode_stage_basis,
        encode_stage_cuts,
        encode_stage_states,
        read_policy,
    )

    codecs = {
        "cuts": (decode_stage_cuts, encode_stage_cuts),
        "basis": (decode_stage_basis, encode_stage_basis),
        "states": (decode_stage_states, encode_stage_states),
    }
    failures = 0
    checked = 0
    for sub, (decode, encode) in codecs.items():
        for path in (
            sorted((policy_dir / sub).glob("stage_*.bin")) if (policy_dir / sub).is_dir() else []
        ):
            raw = path.read_bytes()
            again = encode(decode(raw, str(path)))
            checked += 1
            if again != raw:
                failures += 1
                first = next(
                    (i for i, (a, b) in enumerate(zip(raw, again, strict=False)) if a != b), None
                )
                print(f"DIFF {path}: {len(raw)} vs {len(again)} bytes, first diff at {first}")
    policy = read_policy(policy_dir)
    meta_raw = (policy_dir / "metadata.json").read_text()
    if policy.metadata.to_json() != meta_raw:
        failures += 1
        print(f"DIFF metadata.json:\n{meta_raw}\n---\n{policy.metadata.to_json()}")
    print(f"checked {checked} stage files + metadata.json: {failures} differences")
    return 1 if failures else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("produce")
    p.add_argument("case", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--states", action="store_true")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--forward-passes", type=int, default=0)
    p.add_argument("--iterations", type=int, default=0)
    p.add_argument("--no-simulation", action="store_true")
    p.add_argument("--simulate", type=int, default=0, help="enable simulation with N scenarios")
    p.add_argument("--prior", type=Path, help="policy dir to warm start / resume from")
    p.add_argument("--mode", default="warm_start", choices=["warm_start", "resume"])
    p.add_argument(
        "--simulation-only", action="store_true", help="training off: simulate the --prior policy"
    )
    c = sub.add_parser("compare")
    c.add_argument("policy_dir", type=Path)
    args = ap.parse_args()
    if args.cmd == "produce":
        produce(args.case, args.out, args)
        return 0
    return compare(args.policy_dir)


if __name__ == "__main__":
    sys.exit(main())
