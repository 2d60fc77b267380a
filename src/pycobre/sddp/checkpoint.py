"""Policy checkpoint glue: training outcome <-> ``pycobre.io.policy`` records (spec 12 §13).

The file format lives in ``io/policy`` (outputs engineer); this module only decides *what* goes
into a checkpoint after training and how a stored policy seeds the pools (warm start, resume,
boundary cuts).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from pycobre.errors import OutputNotFoundError, PolicyIncompatibleError

log = logging.getLogger("pycobre.checkpoint")

__all__ = [
    "build_policy_data",
    "write_checkpoint",
    "read_checkpoint",
    "boundary_cuts_from",
    "lp_basis",
    "stored_bases",
    "capture_resume_state",
    "restore_resume_state",
    "read_resume_state",
    "write_checkpoint_with_state",
]


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
    """Final policy of a run: the directory is replaced as a whole (see ``io.policy.swap``)."""
    return write_checkpoint_with_state(policy_dir, outcome, n_state, None, **kw)


def read_checkpoint(policy_dir: Path, *, n_state: int, n_stages: int, validate: bool) -> Any:
    """Read a checkpoint for warm start / resume, checking compatibility (spec 05 §5)."""
    from pycobre.io.policy import read_policy
    from pycobre.io.policy.swap import recover_policy_dir

    recover_policy_dir(policy_dir)  # a run killed between the two renames of a checkpoint swap
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


def lp_basis(column_status: np.ndarray, row_status: np.ndarray, base_rows: int | None) -> Any:
    """A ``pycobre.lp`` basis from stored HiGHS status codes (spec 05 §3.1).

    ``n_cuts`` = stored rows beyond the template rows; with ``base_rows`` unknown it is set so that
    the solver always takes its resizing path (extra rows dropped, missing cut rows basic).
    """
    import highspy

    from pycobre.lp.stage_lp import Basis

    raw = highspy.HighsBasis()
    raw.col_status = [highspy.HighsBasisStatus(int(s)) for s in column_status]
    raw.row_status = [highspy.HighsBasisStatus(int(s)) for s in row_status]
    raw.valid = True
    raw.alien = False
    n_cuts = -1 if base_rows is None else int(len(row_status)) - int(base_rows)
    return Basis(raw, n_cuts)


def stored_bases(data: Any, templates: list[Any]) -> list[Any] | None:
    """The policy's ``basis/stage_NNN.bin`` as warm-start bases for simulating it (spec 13 §3).

    Why: a policy is only a lower approximation of the future cost; away from the training
    trajectory its stage LPs can be degenerate (several optimal vertices of the *approximate*
    problem, of different true cost). Starting each stage from the basis training ended with puts
    the simplex on the vertex training visited, as an in-process simulation after training does
    (d03: Cobre's policy from a cold start 1,847,527.78, from its stored bases 1,390,333.33).
    Columns must match the stage LP, else the stage starts cold.
    """
    bases = list(getattr(data, "bases", None) or [])
    if not any(b is not None for b in bases):
        return None
    out: list[Any] = []
    for t, tpl in enumerate(templates):
        b = bases[t] if t < len(bases) else None
        n_cols = getattr(getattr(tpl, "model", None), "num_cols", None)
        if b is None or (n_cols is not None and int(n_cols) != int(b.column_status.shape[0])):
            out.append(None)
            continue
        out.append(lp_basis(b.column_status, b.row_status, getattr(tpl, "num_rows", None)))
    return out


# -- periodic checkpoints and exact resume (spec 21 §11) ----------------------------------------
_ACTIVITY = (
    "populated",
    "active_count",
    "last_active_iter",
    "active_window",
    "iteration_generated",
)


def _stored(basis: Any) -> Any:
    from pycobre.io.policy.resume_state import StoredBasis

    raw = getattr(basis, "raw", basis)
    return StoredBasis(
        np.array([int(s) for s in raw.col_status], dtype=np.uint8),
        np.array([int(s) for s in raw.row_status], dtype=np.uint8),
        int(getattr(basis, "n_cuts", -1)),
    )


def _local_forward_bases(loop: Any) -> dict[tuple[int, int], Any]:
    return {
        key: _stored(b)
        for worker in loop.workers.workers
        for key, b in worker.forward_bases.items()
    }


def gather_forward_bases(loop: Any) -> dict[tuple[int, int], Any]:
    """Every rank's per-(trajectory, stage) forward bases, on every rank.

    Collective when the loop runs over several ranks (every rank must call it at the same
    iteration): each rank only holds the bases of its own trajectories, and a checkpoint written
    by rank 0 must carry all of them for a resume under MPI to be exact (spec 21 §11).
    """
    local = _local_forward_bases(loop)
    comm = getattr(loop.workers, "comm", None)
    if comm is None:
        return local
    merged: dict[tuple[int, int], Any] = {}
    for part in comm.allgather_object(local):  # rank order; trajectory blocks are disjoint
        merged.update(part)
    return merged


def _lower_bound_has_basis(lb: Any) -> bool:
    """Whether the lower-bound LP has been solved (its basis is worth storing)."""
    has = getattr(lb, "has_basis", None)  # public form requested in docs/dev/requests/final.md
    if has is not None:
        return bool(has() if callable(has) else has)
    return not lb._first


def _lower_bound_restore(lb: Any, basis: Any) -> None:
    """Give the lower-bound LP every stored stage-0 cut (active or not, as the uninterrupted
    run's append-only LP has them) and install ``basis`` (``None``: keep the cold start)."""
    restore = getattr(lb, "restore", None)  # public form requested in docs/dev/requests/final.md
    if restore is not None:
        restore(basis, include_inactive=True)
        return
    lb.slp._generation = 0  # append every populated slot, not only the active ones
    if basis is not None:
        lb.slp.sync()
        if lb.slp.lp.set_basis(basis):
            lb._first = False


def capture_resume_state(
    loop: Any,
    iteration: int,
    *,
    store_basis: bool = True,
    forward_bases: dict[tuple[int, int], Any] | None = None,
) -> Any:
    """What the loop carries into iteration ``iteration + 1`` besides the cuts.

    ``forward_bases``: the result of `gather_forward_bases` (all ranks' bases); ``None`` takes
    this process's own workers (enough for a single rank; no collective, so rank 0 may call it
    alone).
    """
    from pycobre.io.policy.resume_state import ResumeState

    fwd: dict[tuple[int, int], Any] = {}
    lb_basis = None
    if store_basis:
        fwd = _local_forward_bases(loop) if forward_bases is None else dict(forward_bases)
        if loop.lower_bound is not None and _lower_bound_has_basis(loop.lower_bound):
            lb_basis = _stored(loop.lower_bound.slp.lp.get_basis())
    activity = [
        {name: getattr(p, name)[: p.high_water].copy() for name in _ACTIVITY} for p in loop.pools
    ]
    from pycobre.io.output.training import convergence_rows

    n = int(loop.problem.n_state)
    rows = convergence_rows(loop.records)
    prior = getattr(loop, "prior_convergence", None)  # rows carried over from a resume
    if prior is not None and prior.ndim == 2 and prior.shape[1:] == rows.shape[1:]:
        first = loop.records[0].iteration if loop.records else np.inf
        rows = np.concatenate([prior[prior[:, 0] < first], rows])
    return ResumeState(
        completed_iterations=int(iteration),
        forward_bases=fwd,
        lower_bound_basis=lb_basis,
        lb_history=np.asarray(loop.lb_history, dtype=np.float64),
        activity=activity,
        visited=[np.concatenate(v, axis=0) if v else np.zeros((0, n)) for v in loop.visited],
        convergence=rows,
    )


def restore_resume_state(loop: Any, state: Any) -> None:
    """Put a captured state back into a freshly built loop whose pools hold the loaded cuts.

    Loaded cuts keep their slots (cut files store slots ``0..high_water-1`` in order), so the
    activity counters map one to one; bases go to every local worker (a worker only reads the
    trajectories of its own block). The lower-bound LP gets every stored stage-0 cut, active or
    not, as the uninterrupted run's append-only LP has them.
    """
    from pycobre.lp.stage_lp import Basis

    def lp_b(sb: Any) -> Basis:
        return Basis(lp_basis(sb.column_status, sb.row_status, None).raw, sb.n_cuts)

    for pool, arrays in zip(loop.pools, state.activity, strict=False):
        for name, arr in arrays.items():
            n = min(arr.shape[0], pool.high_water)
            getattr(pool, name)[:n] = arr[:n]
    bases = {k: lp_b(b) for k, b in state.forward_bases.items()}
    for worker in loop.workers.workers:
        worker.forward_bases.update(bases)
    loop.lb_history[:] = [float(x) for x in state.lb_history]
    loop.prior_convergence = np.asarray(state.convergence, dtype=np.float64)
    for t, pts in enumerate(state.visited[: len(loop.visited)]):
        loop.visited[t] = [np.array(pts, dtype=np.float64)] if pts.shape[0] else []
    if loop.lower_bound is not None:
        stored = state.lower_bound_basis
        _lower_bound_restore(loop.lower_bound, None if stored is None else lp_b(stored))


def read_resume_state(policy_dir: Path, completed_iterations: int) -> Any:
    """The ``pycobre_resume.npz`` of a checkpoint if it belongs to it, else ``None``."""
    from pycobre.io.policy.resume_state import RESUME_FILE, decode_resume_state

    path = Path(policy_dir) / RESUME_FILE
    if not path.is_file():
        return None
    try:
        state = decode_resume_state(path.read_bytes())
    except (OSError, ValueError, KeyError) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return None
    if state.completed_iterations != int(completed_iterations):
        log.warning(
            "ignoring %s: written at iteration %d, checkpoint has %d",
            path,
            state.completed_iterations,
            completed_iterations,
        )
        return None
    return state


def write_checkpoint_with_state(
    policy_dir: Path,
    outcome: Any,
    n_state: int,
    resume_state: Any = None,
    *,
    periodic: bool = False,
    **kw: Any,
) -> Path:
    """Write the policy (plus the resume state, if given) by swapping the whole directory."""
    from pycobre.io.policy.resume_state import RESUME_FILE, encode_resume_state
    from pycobre.io.policy.swap import replace_policy_dir

    extras = {} if resume_state is None else {RESUME_FILE: encode_resume_state(resume_state)}
    data = build_policy_data(outcome, n_state, **kw)
    return replace_policy_dir(policy_dir, data, extras, background_cleanup=periodic)
