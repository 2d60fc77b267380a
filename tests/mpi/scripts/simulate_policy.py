"""Simulate a stored policy with the scenarios spread over ranks and threads (spec 21 §3.5).

Usage: [mpiexec -n R] python simulate_policy.py CASE POLICY_DIR OUTPUT_DIR THREADS N_SCENARIOS

Every rank loads the case and the policy, simulates its contiguous block of scenarios, writes
its own partitions; rank 0 writes metadata.json/_SUCCESS. Each rank prints one JSON line with
what it holds afterwards (scenario ids and costs, which must be the full, ordered set).
"""

import json
import sys
from pathlib import Path

from pycobre.comm import create_communicator, fail_fast
from pycobre.run import prepare
from pycobre.sddp.checkpoint import read_checkpoint
from pycobre.sddp.simulation import simulate


def main(case: str, policy: str, out: str, threads: int, n: int) -> None:
    comm = create_communicator()
    with fail_fast(comm):
        ctx = prepare(case, {"simulation": {"enabled": True, "num_scenarios": n}})
        data = read_checkpoint(
            Path(policy), n_state=ctx.n_state, n_stages=len(ctx.templates), validate=True
        )
        res = simulate(
            ctx.system,
            data,
            stochastic=ctx.stochastic,
            templates=ctx.templates,
            output_dir=Path(out),
            threads=threads,
            comm=comm,
        )
        line = {
            "rank": comm.rank,
            "size": comm.size,
            "ids": res.scenario_ids.tolist(),
            "costs": [c.hex() for c in res.scenario_costs.tolist()],
            "mean": res.summary.mean_cost.hex(),
        }
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
