"""Policy checkpoint glue: training outcome <-> ``pycobre.io.policy`` records (spec 12 §13).

The file format lives in ``io/policy`` (outputs engineer); this module only decides *what* goes
into a checkpoint after training and how a stored policy seeds the pools (warm start, resume,
boundary cuts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pycobre.errors import OutputNotFoundError, PolicyIncompatibleError

__all__ = ["build_policy_data", "write_checkpoint", "read_checkpoint", "boundary_cuts_from"]


def _stage_basis(basis: Any, stage: int, iteration: int, num_cut_rows: int) -> Any:
    """``num_cut_rows`` is the pool's populated count at write time (spec 05 §3.1)."""
    from pycobre.io.policy import StageBasis

    raw = getattr(basis, "raw", basis)
    cols = np.array([int(s) for s in raw.col_status], dtype=np.uint8)
    rows = np.array([int(s) for s in raw.row_status], dtype=np.uint8)
    return StageBasis(stage, iteration, cols, rows, num_cut_rows)


def build_policy_data(
    outcome: Any, n_state: int, *, version: str, export_states: bool, archive_states: bool
) -> Any:
    """``PolicyData`` for the trained pools (terminal stage written empty, as Cobre does)."""
    from pycobre.io.policy import PolicyData, PolicyMetadata, StageStates, utc_timestamp
    from pycobre.io.policy.pool_records import stage_cuts_from_pool

    T = len(outcome.pools)
    M = outcome.forward_passes
    cuts = [
        stage_cuts_from_pool(pool, t, M, terminal=(t == T - 1 and pool.high_water == 0))
        for t, pool in enumerate(outcome.pools)
    ]
    bases = [
        None
        if b is None
        else _stage_basis(
            b,
            t,
            outcome.iterations,
            0 if t == T - 1 else min(outcome.pools[t].high_water, outcome.pools[t].capacity),
        )
        for t, b in enumerate(outcome.stage_bases or [None] * T)
    ]
    visited = outcome.visited_states or []
    total_visited = int(sum(v.shape[0] for v in visited)) if archive_states else 0
    states = None
    if export_states:
        states = [
            StageStates(t, n_state, visited[t] if t < len(visited) else np.zeros((0, n_state)))
            for t in range(T)
        ]
    counts = list(outcome.warm_start_counts or [0] * T)
    meta = PolicyMetadata(
        cobre_version=version,
        created_at=utc_timestamp(),
        completed_iterations=int(outcome.iterations),
        final_lower_bound=float(outcome.final_lower_bound),
        best_upper_bound=outcome.final_upper_bound,
        state_dimension=int(n_state),
        num_stages=T,
        max_iterations=int(outcome.max_iterations or 100),
        forward_passes=int(M),
        warm_start_cuts=max(counts) if counts else 0,
        warm_start_counts=counts,
        rng_seed=int(outcome.seed),
        total_visited_states=total_visited,
    )
    return PolicyData(metadata=meta, cuts=cuts, bases=bases, states=states)


def write_checkpoint(policy_dir: Path, outcome: Any, n_state: int, **kw: Any) -> Path:
    from pycobre.io.policy import write_policy

    return write_policy(policy_dir, build_policy_data(outcome, n_state, **kw))


def read_checkpoint(policy_dir: Path, *, n_state: int, n_stages: int, validate: bool) -> Any:
    """Read a checkpoint for warm start / resume, checking compatibility (spec 05 §5)."""
    from pycobre.io.policy import read_policy

    if not Path(policy_dir).is_dir():
        raise OutputNotFoundError(
            f"Policy directory not found: {policy_dir}",
            context={"purpose": "policy", "path": str(policy_dir)},
        )
    data = read_policy(policy_dir, load_states=False)
    if validate:
        meta = data.metadata
        if int(meta.state_dimension) != n_state:
            raise PolicyIncompatibleError(
                f"policy state_dimension mismatch: policy has {meta.state_dimension}, "
                f"current system has {n_state}"
            )
        if int(meta.num_stages) != n_stages:
            raise PolicyIncompatibleError(
                f"policy num_stages mismatch: policy has {meta.num_stages}, "
                f"current system has {n_stages}"
            )
    return data


def boundary_cuts_from(
    policy_dir: Path, source_stage: int, n_state: int
) -> tuple[np.ndarray, np.ndarray]:
    """Active cuts of ``source_stage`` of another policy, for the terminal stage (spec 12 §13.3)."""
    from pycobre.io.policy import read_policy

    data = read_policy(policy_dir, load_bases=False, load_states=False)
    if source_stage >= len(data.cuts):
        raise PolicyIncompatibleError(
            f"policy.boundary.source_stage {source_stage} not in {policy_dir} "
            f"({len(data.cuts)} stages)"
        )
    stage = data.cuts[source_stage]
    if stage.state_dimension != n_state:
        raise PolicyIncompatibleError(
            f"boundary policy state_dimension mismatch: policy has {stage.state_dimension}, "
            f"current system has {n_state}"
        )
    keep = stage.is_active
    return stage.intercepts[keep], stage.coefficients[keep]
