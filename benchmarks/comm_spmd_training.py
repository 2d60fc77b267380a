"""Reference SPMD training loop following docs/dev/requests/comm.md, for determinism checks.

Runs the sddp building blocks (forward_pass, backward_stage, CutPool, LowerBoundEvaluator) under
a ``Communicator`` exactly as the recipe says — ranks x threads, contiguous blocks, rank-ordered
gathers — and prints the LB/UB trace plus a SHA-256 of every cut pool. The digest must be the
same for every rank count and thread count:

    python benchmarks/comm_spmd_training.py examples/4ree --iterations 4 --forward-passes 5
    mpiexec -n 2 python benchmarks/comm_spmd_training.py examples/4ree --iterations 4 \\
        --forward-passes 5 --threads 2

(Cut selection, stopping rules, checkpoints and outputs are left out: they run on identical
data on every rank and need no communication beyond the stop-flag broadcast.)
"""

from __future__ import annotations

import argparse
import hashlib
import sys

import numpy as np

from pycobre.comm import (
    BlockThreadPool,
    ReduceOp,
    WorkSplit,
    allreduce_counts,
    create_communicator,
    fail_fast,
    gather_rows,
    raise_if_any_failed,
)


def train_spmd(comm, problem, settings, iterations: int, threads: int) -> tuple[list, list]:
    from pycobre.sddp.backward import backward_stage
    from pycobre.sddp.bounds import upper_bound_stats
    from pycobre.sddp.cut_pool import CutPool
    from pycobre.sddp.forward import forward_pass
    from pycobre.sddp.lower_bound import LowerBoundEvaluator
    from pycobre.sddp.solver_stats import SolverStats
    from pycobre.sddp.worker import Worker

    T, M = problem.n_stages, settings.forward_passes
    pools = [CutPool(problem.n_state, M, iterations, 0) for _ in range(T)]
    split = WorkSplit.for_comm(comm, M, threads)  # fixed: item m stays on one rank and thread
    workers = [Worker(comm.rank * threads + i, problem, pools) for i in range(split.n_threads)]
    lb_eval = LowerBoundEvaluator(problem, pools[0]) if comm.is_root else None
    lb_stats = SolverStats()
    trace = []
    with BlockThreadPool(split.n_threads) as pool:

        def guarded(fn):
            err, out = None, None
            try:
                out = pool.map_blocks(fn, split.thread_blocks)
            except Exception as exc:
                err = exc
            raise_if_any_failed(comm, err)  # every rank raises together, nobody waits
            return out

        for k in range(1, iterations + 1):
            fwd = guarded(lambda i, b, k=k: forward_pass(workers[i], k, b))
            trial, costs = gather_rows(
                comm,
                [
                    np.concatenate([f.trial_points for f in fwd]),
                    np.concatenate([f.costs for f in fwd]),
                ],
                split.counts,
            )
            ub = upper_bound_stats(costs)  # sequential pass over the global-order array
            for t in range(T - 2, -1, -1):
                pts, measure = trial[:, t, :], problem.risk_measures[t]
                parts = guarded(
                    lambda i, b, k=k, t=t, pts=pts, m=measure: backward_stage(
                        workers[i], k, t, pts, b, m, 1e-6
                    )
                )
                intercepts, coefs = gather_rows(
                    comm,
                    [
                        np.concatenate([p.intercepts for p in parts]),
                        np.concatenate([p.coefs for p in parts]),
                    ],
                    split.counts,
                )
                pools[t].insert(k, np.arange(M), intercepts, coefs)
                succ = pools[t + 1]
                hits = allreduce_counts(
                    comm,
                    [p.binding_slots for p in parts],
                    [p.binding_counts for p in parts],
                    succ.high_water,
                )
                slots = np.flatnonzero(hits)
                if slots.size:
                    succ.record_binding(slots, hits[slots], k)
            for p in pools:
                p.shift_windows()
            err, lb = None, np.zeros(1)
            if comm.is_root:
                try:
                    lb[0] = lb_eval.evaluate(k, lb_stats)
                except Exception as exc:
                    err = exc
            raise_if_any_failed(comm, err)
            lb = float(comm.broadcast(lb, root=0)[0])
            solves = sum(w.stats.total_solves(k) for w in workers) + lb_stats.total_solves(k)
            total = int(comm.allreduce(np.array([solves], np.int64), ReduceOp.SUM)[0])
            trace.append((k, lb, ub.mean, ub.std, total))
    return trace, pools


def digest(pools) -> str:
    h = hashlib.sha256()
    for p in pools:
        s = p.populated_slots()
        h.update(s.astype(np.int64).tobytes())
        h.update(np.ascontiguousarray(p.intercepts[s]).tobytes())
        h.update(np.ascontiguousarray(p.coefs[s]).tobytes())
        h.update(np.ascontiguousarray(p.active_count[s]).tobytes())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case")
    ap.add_argument("--iterations", type=int, default=4)
    ap.add_argument("--forward-passes", type=int, default=None)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    comm = create_communicator()
    with fail_fast(comm):
        from pycobre.io import load_case
        from pycobre.lp import build_stage_templates
        from pycobre.sddp.problem import build_problem
        from pycobre.sddp.settings import TrainingSettings
        from pycobre.stochastic import build_stochastic_model

        system = load_case(args.case)
        config = dict(system.config)
        if args.forward_passes is not None:
            config["training"] = {**config["training"], "forward_passes": args.forward_passes}
        settings = TrainingSettings.from_config(config)
        stochastic = build_stochastic_model(system, seed=settings.seed)
        problem = build_problem(system, stochastic, build_stage_templates(system, stochastic))
        trace, pools = train_spmd(comm, problem, settings, args.iterations, args.threads)
        if comm.is_root:
            for k, lb, ub, std, solves in trace:
                sys.stdout.write(f"iter {k}: lb={lb!r} ub={ub!r} std={std!r} solves={solves}\n")
            sys.stdout.write(
                f"ranks={comm.size} threads={args.threads} pools sha256={digest(pools)}\n"
            )


if __name__ == "__main__":
    main()
