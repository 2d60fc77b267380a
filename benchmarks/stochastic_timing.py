"""Share of training time spent generating noise (developer benchmark, not a test).

Measures, for a case (default ``examples/4ree``), the medians over ``--repeats`` runs of

* ``tree``: generating the backward-pass opening tree (``generate_opening_tree`` as called by
  ``build_stochastic_model``);
* ``build``: the whole ``build_stochastic_model`` (reading the case's scenario tables, PAR
  pre-computation, correlation factorisation, the tree);
* ``forward``: all training forward-pass noise of the configured run — one
  ``forward_noise_batch(iteration, scenarios, t)`` call per (iteration, stage), exactly as
  ``pycobre.sddp.forward`` draws it — for every iteration of the iteration limit;

and the median wall time of ``--train-runs`` full pycobre trainings of the same case
(``pycobre.run.run``, ``threads=1``, no simulation, each in a fresh subprocess).

    python benchmarks/stochastic_timing.py [CASE] [--repeats 7] [--train-runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from pycobre.stochastic import build_stochastic_model
from pycobre.stochastic.case_view import CaseView
from pycobre.stochastic.opening_tree import generate_opening_tree

ROOT = Path(__file__).resolve().parents[1]
_TRAIN = """
import sys, time
import pycobre.run as r
t0 = time.perf_counter()
res = r.run(sys.argv[1], output_dir=sys.argv[2], threads=1, skip_simulation=True)
print(time.perf_counter() - t0, res["iterations"])
"""


def _median_time(fn, repeats: int) -> float:  # noqa: ANN001 - any zero-argument callable
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", nargs="?", type=Path, default=ROOT / "examples" / "4ree")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--train-runs", type=int, default=3)
    args = ap.parse_args()
    case = args.case.resolve()
    cfg = json.loads((case / "config.json").read_text())
    n_iter = next(
        r["limit"] for r in cfg["training"]["stopping_rules"] if r["type"] == "iteration_limit"
    )
    n_fwd = int(cfg["training"].get("forward_passes", 1))

    model = build_stochastic_model(case)
    view = CaseView.from_case_dir(case)
    stages = view.study_stages
    n_open = [int(x) for x in model.n_openings]
    t_tree = _median_time(
        lambda: generate_opening_tree(
            stages, n_open, model.noise_groups, model.layout, model.tree_seed, model.correlation
        ),
        args.repeats,
    )
    t_build = _median_time(lambda: build_stochastic_model(case), args.repeats)
    scen = np.arange(n_fwd, dtype=np.int64)
    T = model.n_stages

    def all_forward_noise() -> None:
        for it in range(1, n_iter + 1):
            for t in range(T):
                model.forward_noise_batch(it, scen, t)

    t_fwd = _median_time(all_forward_noise, args.repeats)

    train = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.train_runs):
            out = Path(tmp) / f"out{k}"
            proc = subprocess.run(
                [sys.executable, "-c", _TRAIN, str(case), str(out)],
                capture_output=True,
                text=True,
                check=True,
            )
            train.append(float(proc.stdout.split()[0]))
    t_train = statistics.median(train) if train else float("nan")
    noise = t_build + t_fwd
    print(
        f"case {case.name}: {T} stages, openings {n_open[0]}, noise dim {model.noise_dim}, "
        f"{n_iter} iterations x {n_fwd} forward passes"
    )
    print(f"opening tree          median {t_tree * 1e3:9.2f} ms  ({args.repeats} runs)")
    print(f"build_stochastic_model median {t_build * 1e3:9.2f} ms")
    print(f"forward noise (all)   median {t_fwd * 1e3:9.2f} ms  ({n_iter * T} batch calls)")
    print(
        f"training (pycobre run) median {t_train:9.2f} s   (runs: {', '.join(f'{x:.2f}' for x in train)})"
    )
    print(
        f"noise share: tree+forward {100 * (t_tree + t_fwd) / t_train:.3f} %, "
        f"whole build+forward {100 * noise / t_train:.3f} % of training"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
