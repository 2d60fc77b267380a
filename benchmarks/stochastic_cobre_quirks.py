"""Two Cobre 0.5.1 behaviours found while proving the stochastic pipeline (developer tool).

Both are outside the noise itself (the noise is bit-identical); each is reproduced here from
pycobre's noise to ~1e-15, which is the evidence recorded in docs/dev/stochastic-vs-cobre.md:

1. ``lb-load``: Cobre's lower bound solves stage 0 with the *mean* load — the load-noise segment
   of the stage-0 openings is not applied (inflow noise is). Case: s1 with ``std_mw = 25``.
   pycobre trains normally except that the lower-bound evaluator gets openings whose load
   segment is zero; its lower-bound trace then equals Cobre's.
2. ``shared-acc``: with several forward passes per worker, Cobre's lag accumulator (spec 11
   §13.2) is shared by the trajectories, processed stage by stage, and re-seeded only at stage 0
   of each trajectory. Case: s3 with 2 forward passes, iteration 1. The finalised lag of stage 3
   in Cobre's visited states equals the shared-accumulator average computed from pycobre's
   realised inflows, not the per-trajectory average of spec 11 §13.2.

    python benchmarks/stochastic_cobre_quirks.py [lb-load] [shared-acc]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stochastic_vs_cobre import PRESETS, prepare, run_side  # noqa: E402

VENV = Path(os.environ.get("COBRE_PYTHON", ".venv-cobre/bin/python"))


def lb_load(work: Path) -> None:
    from pycobre.run import prepare as py_prepare
    from pycobre.sddp.problem import build_problem
    from pycobre.sddp.settings import TrainingSettings
    from pycobre.sddp.training import train_problem

    case = prepare(PRESETS["s1"][0], work / "lbload", None, False)
    p = case / "scenarios" / "load_seasonal_stats.parquet"
    t = pq.read_table(p)
    t = t.set_column(3, "std_mw", pa.array([25.0] * t.num_rows))
    pq.write_table(t, p, compression="none")
    run_side(VENV, "cobre", case, work / "lbload-cobre")
    ref = np.array(
        pq.read_table(work / "lbload-cobre" / "training" / "convergence.parquet")
        .column("lower_bound")
        .to_pylist()
    )
    ctx = py_prepare(case)
    settings = TrainingSettings.from_config(ctx.system.config)
    out = {}
    for label, zero_load in (("as specified", False), ("stage-0 LB with mean load", True)):
        prob = build_problem(ctx.system, ctx.stochastic, ctx.templates)
        if zero_load:
            prob.openings[0] = prob.openings[0].copy()
            prob.openings[0][:, ctx.stochastic.layout.slices()["load"]] = 0.0
        res = train_problem(prob, settings)
        out[label] = np.array([r.lower_bound for r in res.records])
    print("1. lower bound with stochastic load (s1, std_mw = 25):")
    for label, lb in out.items():
        rel = np.abs(lb - ref) / np.abs(ref)
        print(
            f"   pycobre {label:28s} rel diff per iteration: {np.array2string(rel, formatter={'float_kind': lambda x: f'{x:.1e}'})}"
        )


def shared_acc(work: Path) -> None:
    from pycobre.io.policy.checkpoint import read_policy
    from pycobre.stochastic import build_stochastic_model

    case = prepare(PRESETS["s3"][0], work / "sharedacc", 1, True, 2)
    run_side(VENV, "cobre", case, work / "sharedacc-cobre")
    states = read_policy(work / "sharedacc-cobre" / "policy", load_bases=False).states
    m = build_stochastic_model(case)
    lag0 = m.initial_lags[:, 0]
    # realised inflows of the four weekly stages (order 0 at stage 0, AR(1) on frozen lags after)
    z = {
        (s, t): m.inflow_base[t]
        + m.inflow_psi[t, :, 0] * lag0
        + m.inflow_sigma[t] * m.forward_noise(1, s, t)[: m.n_hydros]
        for s in (0, 1)
        for t in range(4)
    }
    own = [np.mean([z[(s, t)] for t in range(4)], axis=0) for s in (0, 1)]
    # stage-major over trajectories, one accumulator, re-seeded at stage 0 of each trajectory:
    # s0 t0 (seed), s1 t0 (re-seed), t1: s0, s1, t2: s0, s1, t3: s0 finalises, then s1 alone
    shared0 = np.mean([z[(1, 0)], z[(0, 1)], z[(1, 1)], z[(0, 2)], z[(1, 2)], z[(0, 3)]], axis=0)
    shared1 = z[(1, 3)]
    h = m.n_hydros
    cobre = states[3].data[:2, h : 2 * h]
    print("2. finalised lag of stage 3, iteration 1 (s3 with 2 forward passes):")
    for s, (o, sh) in enumerate(zip(own, (shared0, shared1), strict=True)):
        print(
            f"   pass {s}: cobre {cobre[s]}, per-trajectory (spec) {o}, shared accumulator {sh}"
            f" -> max |cobre - shared| {np.abs(cobre[s] - sh).max():.1e}"
        )


def main() -> int:
    which = sys.argv[1:] or ["lb-load", "shared-acc"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "lb-load" in which:
            lb_load(work)
        if "shared-acc" in which:
            shared_acc(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
