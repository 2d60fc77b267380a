"""Per-solve Python overhead of StageLP (spec 00 §4/§6a).

Usage: python benchmarks/lp_overhead.py [case_dir] [n_solves]
Reports wall time per solve, time inside HiGHS ``run()`` and the Python remainder, for a
trivial synthetic LP and for stage 0 of a real case (default examples/4ree).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from pycobre.lp import StageLP, build_stage_templates, build_template, initial_state
from pycobre.lp.synthetic import make_stage


def measure(lp: StageLP, states: np.ndarray, noises: np.ndarray) -> dict[str, float]:
    h = lp.solver.highs
    inner = 0.0
    run = h.run

    def timed_run():
        nonlocal inner
        t = time.perf_counter()
        out = run()
        inner += time.perf_counter() - t
        return out

    h.run = timed_run  # type: ignore[method-assign]
    t0 = time.perf_counter()
    iters = 0
    for x, eta in zip(states, noises, strict=True):
        lp.set_state(x)
        lp.set_noise(eta)
        iters += lp.solve().simplex_iterations
    wall = time.perf_counter() - t0
    h.run = run  # type: ignore[method-assign]
    n = states.shape[0]
    return {
        "per_solve_us": 1e6 * wall / n,
        "highs_us": 1e6 * inner / n,
        "python_us": 1e6 * (wall - inner) / n,
        "iterations_per_solve": iters / n,
    }


def main() -> None:
    case = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("examples/4ree")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    rng = np.random.default_rng(0)
    small = StageLP(build_template(make_stage(
        buses=[{"load": 80}], thermals=[{"max": 100, "cost": 50}],
        hydros=[{"vmax": 200, "qmax": 50, "gmax": 50, "inflow_mean": 40}], is_last=False)))
    print("small LP:", measure(small, rng.uniform(0, 200, (n, 1)), np.zeros((n, 1))))

    from pycobre.io import load_case
    from pycobre.stochastic import build_stochastic_model

    system = load_case(case)
    stoch = build_stochastic_model(system)
    tps = build_stage_templates(system, stoch)
    lp = StageLP(tps[0])
    x0 = initial_state(system, stoch)
    states = x0[None, :] * rng.uniform(0.5, 1.0, (n, x0.shape[0]))
    noises = rng.standard_normal((n, stoch.noise_dim))
    print(f"{case} stage 0 ({tps[0].num_rows}x{tps[0].num_cols}):", measure(lp, states, noises))


if __name__ == "__main__":
    main()
