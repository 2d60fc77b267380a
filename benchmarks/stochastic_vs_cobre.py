"""Prove pycobre's stochastic pipeline against Cobre 0.5.1 (developer tool, not a test).

For each case the reference binding (``cobre-python==0.5.1`` in a Python >= 3.12 venv, default
``the Cobre 0.5.1 venv ($COBRE_PYTHON)``) and pycobre train the same copy of the case (``exports.stochastic`` and
``exports.states`` switched on, simulation off, ``threads=1``), each in its own subprocess. Then:

* every exported stochastic artefact (``noise_openings.parquet``, the fitted-model tables and
  ``correlation.json``) is compared value by value (pass: max abs diff <= 1e-12);
* the lower-bound trace is compared iteration by iteration (pass: final relative diff <= 1e-6);
* where the bounds part, the policies are aligned cut by cut (stage, iteration, forward pass) and
  the visited-state archives row by row, to tell "different trial states" (the forward pass saw
  different states, e.g. because an earlier LP returned another vertex) from "same trial state,
  same value, different slope" (alternative optimal duals of a degenerate LP).

    python benchmarks/stochastic_vs_cobre.py                  # main: 1dtoy, 4ree, d12
    python benchmarks/stochastic_vs_cobre.py small            # s1..s5 (tests/data/stochastic)
    python benchmarks/stochastic_vs_cobre.py --iterations 1 CASE_DIR [--compat]
    python benchmarks/stochastic_vs_cobre.py --stochastic-only CASE_DIR   # artefacts only

Presets: ``1dtoy`` (128 iterations), ``4ree`` (256), ``d12`` (20, pycobre side with
``modeling.cobre_compat = true``, spec 10 §11.2), and the small noise-dependent cases ``s1``..``s4``
of ``tests/data/stochastic`` (``s3``/``s4`` with ``cobre_compat``). A case directory may be given
instead. ``--forward-passes``/``--iterations`` override the case's settings.
Exit status 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
NOISE_TOL = 1e-12
BOUND_RTOL = 1e-6
_SMALL = ROOT / "tests" / "data" / "stochastic"
PRESETS = {  # name -> (case, modeling.cobre_compat on the pycobre side)
    "1dtoy": (ROOT / "examples" / "1dtoy", False),
    "4ree": (ROOT / "examples" / "4ree", False),
    "d12": (ROOT / "tests" / "data" / "deterministic" / "d12-par-annual", True),
    "s1": (_SMALL / "s1-saa-correlated", False),
    "s2": (_SMALL / "s2-par-history", False),
    "s3": (_SMALL / "s3-weekly-groups", True),
    "s4": (_SMALL / "s4-monthly-quarterly", True),
    "s5": (_SMALL / "s5-halton-out-of-sample", False),
}
ALIASES = {"main": ["1dtoy", "4ree", "d12"], "small": ["s1", "s2", "s3", "s4", "s5"]}
_STOCH_TABLES = {
    "noise_openings.parquet": ["stage_id", "opening_index", "entity_index"],
    "inflow_seasonal_stats.parquet": ["hydro_id", "stage_id"],
    "inflow_ar_coefficients.parquet": ["hydro_id", "stage_id", "lag"],
    "inflow_annual_component.parquet": ["hydro_id", "stage_id"],
}
_RUNNER = """
import json, sys, time
import {mod}.run as r
t0 = time.perf_counter()
res = r.run(sys.argv[1], output_dir=sys.argv[2], threads=1, skip_simulation=True)
print(json.dumps({{"lower_bound": res["lower_bound"], "iterations": res["iterations"],
                  "wall_s": time.perf_counter() - t0}}))
"""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def prepare(
    case: Path, dst: Path, iterations: int | None, compat: bool, forward: int | None = None
) -> Path:
    """Copy ``case`` to ``dst`` with the exports on, simulation off and optional overrides."""
    shutil.copytree(case, dst, ignore=shutil.ignore_patterns("output"))
    cfg_path = dst / "config.json"
    cfg = json.loads(cfg_path.read_text())
    exports = cfg.setdefault("exports", {})
    exports["stochastic"] = True
    exports["states"] = True
    cfg.setdefault("simulation", {})["enabled"] = False
    if iterations is not None:
        cfg["training"]["stopping_rules"] = [{"type": "iteration_limit", "limit": iterations}]
    if compat:
        cfg.setdefault("modeling", {})["cobre_compat"] = True
    if forward is not None:
        cfg["training"]["forward_passes"] = forward
    cfg_path.write_text(json.dumps(cfg, indent=1))
    return dst


def run_side(python: Path, module: str, case: Path, out: Path) -> dict:
    """Run one implementation in a subprocess; return its result summary or raise."""
    code = _RUNNER.format(mod=module)
    proc = subprocess.run(
        [str(python), "-c", code, str(case), str(out)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} failed on {case.name}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare_table(name: str, ref: Path, ours: Path, keys: list[str]) -> list[Check]:
    """Value comparison of one exported Parquet file, rows aligned by ``keys``."""
    if not ref.exists() and not ours.exists():
        return []
    if not ref.exists() or not ours.exists():
        who = "pycobre" if ref.exists() else "cobre"
        return [Check(name, False, f"missing on the {who} side")]
    a = pq.read_table(ref).sort_by([(k, "ascending") for k in keys])
    b = pq.read_table(ours).sort_by([(k, "ascending") for k in keys])
    if a.num_rows != b.num_rows or a.column_names != b.column_names:
        return [
            Check(
                name, False, f"shape {a.num_rows}x{a.column_names} vs {b.num_rows}x{b.column_names}"
            )
        ]
    out = []
    for k in keys:
        if a.column(k).to_pylist() != b.column(k).to_pylist():
            out.append(Check(f"{name}.{k}", False, "key columns differ"))
    for col in a.column_names:
        if col in keys:
            continue
        x = np.asarray(a.column(col).to_numpy(zero_copy_only=False), dtype=float)
        y = np.asarray(b.column(col).to_numpy(zero_copy_only=False), dtype=float)
        diff = float(np.abs(x - y).max(initial=0.0))
        same = int((x == y).sum())
        out.append(
            Check(
                f"{name}.{col}",
                diff <= NOISE_TOL,
                f"max |diff| {diff:.3e}, bit-identical {same}/{x.size}",
            )
        )
    return out


def compare_correlation(ref: Path, ours: Path) -> list[Check]:
    if not ref.exists() and not ours.exists():
        return []
    if not (ref.exists() and ours.exists()):
        return [Check("correlation.json", False, "present on one side only")]
    a, b = json.loads(ref.read_text()), json.loads(ours.read_text())
    xa, xb = _numbers(a), _numbers(b)
    if len(xa) != len(xb) or _strip_numbers(a) != _strip_numbers(b):
        return [Check("correlation.json", False, "structure differs")]
    diff = float(np.abs(np.array(xa) - np.array(xb)).max(initial=0.0))
    return [
        Check(
            "correlation.json", diff <= NOISE_TOL, f"max |diff| {diff:.3e} over {len(xa)} numbers"
        )
    ]


def _numbers(doc: object) -> list[float]:
    if isinstance(doc, bool) or doc is None or isinstance(doc, str):
        return []
    if isinstance(doc, (int, float)):
        return [float(doc)]
    items = doc.values() if isinstance(doc, dict) else doc
    return [x for v in items for x in _numbers(v)]  # type: ignore[union-attr]


def _strip_numbers(doc: object) -> object:
    if isinstance(doc, dict):
        return {k: _strip_numbers(v) for k, v in sorted(doc.items())}
    if isinstance(doc, list):
        return [_strip_numbers(v) for v in doc]
    return None if isinstance(doc, (int, float)) and not isinstance(doc, bool) else doc


def compare_bounds(ref_out: Path, our_out: Path) -> tuple[Check, dict]:
    """Final lower bound (relative) and the first iteration whose bound differs."""
    a = pq.read_table(ref_out / "training" / "convergence.parquet").to_pydict()
    b = pq.read_table(our_out / "training" / "convergence.parquet").to_pydict()
    la, lb = np.array(a["lower_bound"]), np.array(b["lower_bound"])
    ua, ub = np.array(a["upper_bound_mean"]), np.array(b["upper_bound_mean"])
    n = min(la.size, lb.size)
    rel = np.abs(la[:n] - lb[:n]) / np.maximum(np.abs(la[:n]), 1.0)
    urel = np.abs(ua[:n] - ub[:n]) / np.maximum(np.abs(ua[:n]), 1.0)
    first_lb = int(np.argmax(rel > 1e-12)) + 1 if (rel > 1e-12).any() else None
    first_ub = int(np.argmax(urel > 1e-12)) + 1 if (urel > 1e-12).any() else None
    final = float(rel[-1]) if n else float("nan")
    info = {
        "iterations": (la.size, lb.size),
        "cobre_lb": float(la[-1]),
        "pycobre_lb": float(lb[-1]),
        "rel": final,
        "max_rel_over_trace": float(rel.max(initial=0.0)),
        "first_lb_diff_iter": first_lb,
        "first_ub_diff_iter": first_ub,
        "ub_equal": urel <= 1e-12,
    }
    ok = la.size == lb.size and final <= BOUND_RTOL
    detail = (
        f"cobre {la[-1]:.10g} pycobre {lb[-1]:.10g} rel {final:.2e} "
        f"(iterations {la.size}/{lb.size}; first LB diff > 1e-12 at iteration {first_lb}, "
        f"first UB diff at {first_ub})"
    )
    return Check("lower_bound", ok, detail), info


def diagnose_policy(ref_out: Path, our_out: Path, ub_equal: np.ndarray | None = None) -> list[str]:
    """Locate the first divergence in trial states and in cut slopes (spec 10 §12.1)."""
    from pycobre.io.policy.checkpoint import read_policy

    pa_ = read_policy(ref_out / "policy", load_bases=False)
    pb = read_policy(our_out / "policy", load_bases=False)
    lines = []
    if pa_.states is not None and pb.states is not None:
        first_state = None
        for t, (sa, sb) in enumerate(zip(pa_.states, pb.states, strict=True)):
            n = min(sa.count, sb.count)
            if n == 0:
                continue
            d = np.abs(sa.data[:n] - sb.data[:n]).max(axis=1) / np.maximum(
                np.abs(sa.data[:n]).max(axis=1), 1.0
            )
            bad = np.flatnonzero(d > 1e-9)
            if bad.size and (first_state is None or bad[0] < first_state[1]):
                first_state = (t, int(bad[0]), float(d[bad[0]]))
        if first_state is None:
            lines.append("visited states: identical to 1e-9 (rows in archive order)")
        else:
            m = max(int(pa_.metadata.forward_passes), 1)
            it, fp = first_state[1] // m + 1, first_state[1] % m
            ub_same = ub_equal is not None and it - 1 < len(ub_equal) and bool(ub_equal[it - 1])
            lines.append(
                f"visited states: first difference > 1e-9 at stage {first_state[0]}, iteration "
                f"{it}, forward pass {fp} (rel {first_state[2]:.2e}); upper bound of that "
                f"iteration {'identical (same cost, other vertex: degenerate LP)' if ub_same else 'differs'}"
            )
    same_slope = same_value_diff_slope = diff_value = 0
    first_slope: tuple | None = None
    worst_value = 0.0
    for t, (ca, cb) in enumerate(zip(pa_.cuts, pb.cuts, strict=True)):
        ka = {
            (int(i), int(f)): r
            for r, (i, f) in enumerate(zip(ca.iterations, ca.forward_pass_indices, strict=True))
            if i
        }
        kb = {
            (int(i), int(f)): r
            for r, (i, f) in enumerate(zip(cb.iterations, cb.forward_pass_indices, strict=True))
            if i
        }
        # the trial state of cut (i, f) at stage t is the outgoing state of stage t: states[t+1]?
        xs = _trial_states(pb, t)
        for key in sorted(ka.keys() & kb.keys()):
            ra, rb = ka[key], kb[key]
            ga, gb = ca.coefficients[ra], cb.coefficients[rb]
            scale = max(float(np.abs(ga).max(initial=0.0)), 1.0)
            slope_d = float(np.abs(ga - gb).max(initial=0.0)) / scale
            x = xs.get(key)
            if slope_d <= 1e-9 and abs(ca.intercepts[ra] - cb.intercepts[rb]) <= 1e-9 * max(
                abs(ca.intercepts[ra]), 1.0
            ):
                same_slope += 1
                continue
            if x is not None:
                va = ca.intercepts[ra] + ga @ x
                vb = cb.intercepts[rb] + gb @ x
                vrel = abs(va - vb) / max(abs(va), 1.0)
                worst_value = max(worst_value, vrel)
                if vrel <= 1e-7:
                    same_value_diff_slope += 1
                else:
                    diff_value += 1
            else:
                diff_value += 1
            if first_slope is None or key[0] < first_slope[0]:
                first_slope = (key[0], t, key[1], slope_d)
    lines.append(
        f"cuts matched by (stage, iteration, forward pass): {same_slope} identical; "
        f"{same_value_diff_slope} with a different slope but the same value at pycobre's trial "
        f"state (rel <= 1e-7: alternative optimal duals); {diff_value} with a different value "
        f"(worst value rel diff at the trial state {worst_value:.2e})"
    )
    if first_slope:
        lines.append(
            f"first differing cut: iteration {first_slope[0]}, stage {first_slope[1]}, forward "
            f"pass {first_slope[2]} (slope rel diff {first_slope[3]:.2e})"
        )
    return lines


def _trial_states(policy: object, t: int) -> dict[tuple[int, int], np.ndarray]:
    """Map (iteration, forward pass) -> trial state of the cuts of stage ``t``.

    The visited-state archive of stage ``t`` holds the states at which stage ``t``'s cuts were
    generated, in generation order (one row per cut); pair them with the cut records.
    """
    states = getattr(policy, "states", None)
    cuts = policy.cuts[t]  # type: ignore[attr-defined]
    if states is None or t >= len(states):
        return {}
    data = states[t].data
    rows = [
        (int(i), int(f))
        for i, f in zip(cuts.iterations, cuts.forward_pass_indices, strict=True)
        if i
    ]
    rows.sort()
    if len(rows) != data.shape[0]:
        return {}
    return {k: data[r] for r, k in enumerate(rows)}


def highs_versions(ref_out: Path) -> str:
    """HiGHS on both sides: Cobre's from its training metadata, pycobre's from highspy."""
    import highspy

    meta = ref_out / "training" / "metadata.json"
    cobre_v = json.loads(meta.read_text()).get("solver_version", "?") if meta.exists() else "?"
    return f"HiGHS: Cobre 0.5.1 links {cobre_v}; pycobre uses highspy {highspy.Highs().version()}"


def run_case(
    label: str,
    case: Path,
    compat: bool,
    iterations: int | None,
    python: Path,
    work: Path,
    stochastic_only: bool,
    forward: int | None = None,
) -> list[Check]:
    print(f"== {label} ({case}){' [cobre_compat]' if compat else ''}")
    n_it = 1 if stochastic_only else iterations
    ref_case = prepare(case, work / f"{label}-cobre-case", n_it, False, forward)
    our_case = prepare(case, work / f"{label}-pycobre-case", n_it, compat, forward)
    ref_out, our_out = work / f"{label}-cobre-out", work / f"{label}-pycobre-out"
    t0 = time.perf_counter()
    try:
        ra = run_side(python, "cobre", ref_case, ref_out)
        t1 = time.perf_counter()
        rb = run_side(Path(sys.executable), "pycobre", our_case, our_out)
    except RuntimeError as exc:
        print(f"   {exc}")
        return [Check(f"{label} run", False, str(exc).splitlines()[0])]
    t2 = time.perf_counter()
    print(f"   cobre {t1 - t0:.1f} s, pycobre {t2 - t1:.1f} s (wall, incl. start-up)")
    print(f"   {highs_versions(ref_out)}")
    checks: list[Check] = []
    for name, keys in _STOCH_TABLES.items():
        checks += compare_table(
            name, ref_out / "stochastic" / name, our_out / "stochastic" / name, keys
        )
    checks += compare_correlation(
        ref_out / "stochastic" / "correlation.json", our_out / "stochastic" / "correlation.json"
    )
    if not stochastic_only:
        bound, info = compare_bounds(ref_out, our_out)
        checks.append(bound)
        if not bound.ok or info["first_lb_diff_iter"] is not None:
            for line in diagnose_policy(ref_out, our_out, info["ub_equal"]):
                print(f"   {line}")
    del ra, rb
    for c in checks:
        print(f"   [{'ok' if c.ok else 'FAIL'}] {c.name}: {c.detail}")
    return checks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "cases",
        nargs="*",
        help="presets (1dtoy 4ree d12 s1..s5; aliases main, small) or case directories",
    )
    ap.add_argument("--venv", type=Path, default=Path(os.environ.get("COBRE_VENV", ".venv-cobre")))
    ap.add_argument("--iterations", type=int, help="override the iteration limit")
    ap.add_argument(
        "--compat", action="store_true", help="modeling.cobre_compat on the pycobre side"
    )
    ap.add_argument("--forward-passes", type=int, help="override training.forward_passes")
    ap.add_argument("--stochastic-only", action="store_true", help="one iteration, artefacts only")
    ap.add_argument("--keep", type=Path, help="keep the work directory here")
    args = ap.parse_args()
    python = args.venv / "bin" / "python"
    if not python.exists():
        print(f"reference venv not found: {python}", file=sys.stderr)
        return 2
    names = [n for name in (args.cases or ["main"]) for n in ALIASES.get(name, [name])]
    all_checks: list[Check] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for name in names:
            if name in PRESETS:
                case, compat = PRESETS[name]
            else:
                case, compat = Path(name).resolve(), args.compat
            label = name if name in PRESETS else case.name
            all_checks += run_case(
                label,
                case,
                compat or args.compat,
                args.iterations,
                python,
                work,
                args.stochastic_only,
                args.forward_passes,
            )
    failed = [c for c in all_checks if not c.ok]
    print(f"{len(all_checks) - len(failed)}/{len(all_checks)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
