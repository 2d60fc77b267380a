"""``pycobre.train`` (spec 20 §7.1): train a policy from a ``System`` or a case directory.

Wraps :func:`pycobre.sddp.training.train`: resolves workers and backend, applies overrides,
seeds the pools from a policy (warm start / resume), turns iteration records into events,
handles Ctrl-C, writes the ``run()`` output layout when ``output_dir`` is given and returns a
:class:`TrainingResult` whose ``policy`` lives in memory.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pycobre.errors import CheckpointError, CobreError, CobreIOError, PolicyIncompatibleError
from pycobre.events import (
    CheckpointComplete,
    ProgressEvent,
    TrainingEvent,
    TrainingFinished,
    TrainingStarted,
)
from pycobre.training.case_setup import CaseContext, context_for
from pycobre.training.event_stream import TrainingEventStream, relative_gap
from pycobre.training.interrupt import graceful_interrupt
from pycobre.training.results import API_TERMINATION_REASON, TrainingResult, WorkerInfo
from pycobre.training.workers import resolve_backend_name, resolve_workers

__all__ = ["train", "POLICY_MODES"]

log = logging.getLogger("pycobre.training")

POLICY_MODES = ("fresh", "warm_start", "resume")


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _resolve_mode(mode: str | None, policy: Any, config: dict) -> str:
    configured = str((config.get("policy") or {}).get("mode") or "fresh")
    if mode is None:
        mode = "warm_start" if policy is not None and configured == "fresh" else configured
    mode = str(mode)
    if mode not in POLICY_MODES:
        raise CobreError(
            f"unknown policy mode {mode!r}; expected one of {', '.join(POLICY_MODES)}",
            kind="IncompatibleSettings",
            context={"settings": "mode", "value": mode, "allowed_values": list(POLICY_MODES)},
        )
    if mode == "fresh" and policy is not None:
        raise CobreError(
            "policy= was given with mode='fresh'; use mode='warm_start' or 'resume'",
            kind="IncompatibleSettings",
            context={"settings": "mode", "value": mode},
        )
    return mode


def _initial_cuts(
    ctx: CaseContext, mode: str, policy: Any, out: Path | None
) -> tuple[list[Any] | None, int]:
    """Stored cuts that seed the pools and the iteration counter to continue from."""
    if mode == "fresh":
        return None, 0
    cfg = ctx.system.config.get("policy") or {}
    validate = bool(cfg.get("validate_compatibility", True))
    if policy is not None:
        from pycobre.policy import as_policy_data

        data = as_policy_data(policy)
        if validate:
            meta = data.metadata
            for field, have, want in (
                ("state_dimension", int(meta.state_dimension), ctx.n_state),
                ("num_stages", int(meta.num_stages), ctx.n_stages),
            ):
                if have != want:
                    raise PolicyIncompatibleError(
                        f"policy {field} mismatch: policy has {have}, current system has {want}",
                        kind="IncompatibleSettings",
                        context={"field": field, "policy": have, "system": want},
                    )
    else:
        if out is None:
            raise CobreError(
                f"mode={mode!r} needs policy= or an output_dir holding a policy checkpoint",
                kind="IncompatibleSettings",
                context={"settings": "mode", "value": mode},
            )
        from pycobre.sddp.checkpoint import read_checkpoint

        policy_dir = out / str(cfg.get("path") or "./policy")
        data = read_checkpoint(
            policy_dir, n_state=ctx.n_state, n_stages=ctx.n_stages, validate=validate
        )
    start = int(data.metadata.completed_iterations) if mode == "resume" else 0
    return list(data.cuts), start


def _boundary_cuts(ctx: CaseContext, out: Path | None) -> Any:
    bcfg = (ctx.system.config.get("policy") or {}).get("boundary")
    if not bcfg:
        return None
    from pycobre.sddp.checkpoint import boundary_cuts_from

    root = out if out is not None else ctx.system.case_dir / "output"
    return boundary_cuts_from(
        root / str(bcfg["path"]), int(bcfg.get("source_stage", 0)), ctx.n_state
    )


def _write_outputs(
    ctx: CaseContext, out: Path, outcome: Any, n_workers: int, stream: TrainingEventStream
) -> None:
    """The ``run()`` training layout: preprocessing reports, training files, checkpoint.

    The policy is written inside ``before_certify`` so the training markers, written last,
    certify this run's policy too (as ``run()`` does).
    """
    import pycobre
    from pycobre.io.output.training import write_training_outputs
    from pycobre.run import solver_version, write_preprocessing
    from pycobre.sddp.checkpoint import write_checkpoint
    from pycobre.sddp.settings import TrainingSettings

    cfg = ctx.system.config
    out.mkdir(parents=True, exist_ok=True)
    write_preprocessing(ctx, out)
    sel = TrainingSettings.from_config(cfg).cut_selection
    exports = cfg.get("exports") or {}
    policy_dir = out / str((cfg.get("policy") or {}).get("path") or "./policy")

    def write_policy() -> None:
        t0 = time.perf_counter()
        try:
            write_checkpoint(
                policy_dir,
                outcome,
                ctx.n_state,
                version=pycobre.__version__,
                export_states=bool(exports.get("states")),
                archive_states=bool(exports.get("states"))
                or (sel.enabled and sel.method == "domination"),
            )
        except CheckpointError:
            raise
        except OSError as exc:
            raise CheckpointError(
                f"cannot write the policy checkpoint to {policy_dir}: {exc}",
                context={"checkpoint_path": str(policy_dir), "operation": "write"},
            ) from exc
        stream.emit(
            CheckpointComplete(
                outcome.iterations, str(policy_dir), int(round((time.perf_counter() - t0) * 1e3))
            )
        )

    write_training_outputs(
        out,
        outcome,
        ctx.system,
        n_state=ctx.n_state,
        version=pycobre.__version__,
        solver_version=solver_version(),
        threads=n_workers,
        cut_selection_enabled=sel.enabled,
        max_ar_order=getattr(ctx.stochastic, "max_ar_order", None),
        status="complete" if outcome.error is None else "partial",
        before_certify=write_policy,
    )


def _raise_loop_error(error: BaseException, stream: TrainingEventStream) -> None:
    """Callback errors propagate unchanged, library errors typed, anything else as InternalError."""
    if error is stream.callback_error or isinstance(error, (CobreError, KeyboardInterrupt)):
        raise error
    if not isinstance(error, Exception):
        raise error
    raise CobreError(
        f"unexpected error during training: {type(error).__name__}: {error}",
        kind="InternalError",
        context={"exception_type": type(error).__name__},
    ) from error


def _summaries(ctx: CaseContext) -> tuple[dict | None, dict | None, dict]:
    from pycobre.run import hydro_models_summary, public_provenance

    stoch = ctx.stochastic.summary() if hasattr(ctx.stochastic, "summary") else None
    hydro_models = hydro_models_summary(ctx)
    prov = public_provenance(ctx)
    return stoch, hydro_models, prov


def train(
    case: Any,
    config_overrides: dict | None = None,
    progress_callback: Callable[[ProgressEvent], object] | None = None,
    backend: str = "auto",
    num_workers: int | None = None,
    *,
    workers: int | None = None,
    threads: int | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    event_callback: Callable[[TrainingEvent], object] | None = None,
    policy: Any = None,
    mode: str | None = None,
) -> TrainingResult:
    """Train an SDDP policy for ``case`` (a ``System``, a case directory or a previous
    ``TrainingResult``, whose case and models are reused).

    ``output_dir=None`` keeps everything in memory; otherwise the training outputs and the
    policy checkpoint are written there as ``run()`` does. Raising ``StopTraining`` from a
    callback, or pressing Ctrl-C once, ends training after the current iteration
    (``termination_reason == "shutdown"``, outputs written).
    """
    from pycobre.policy import policy_from_outcome
    from pycobre.sddp.training import train as sddp_train

    n_workers = resolve_workers(("workers", workers), ("num_workers", num_workers),
                                ("threads", threads))
    backend_name = resolve_backend_name(backend)
    if backend_name == "mpi":
        log.warning("the object layer runs its workers in this process; MPI ranks are not used")
    ctx = context_for(case, config_overrides)
    system = ctx.system
    out = Path(output_dir) if output_dir is not None else None
    mode = _resolve_mode(mode, policy, system.config)
    warm, start_iteration = _initial_cuts(ctx, mode, policy, out)
    boundary = _boundary_cuts(ctx, out)
    if out is not None:
        from pycobre.run import drop_markers

        drop_markers(out)  # before anything is written: old markers would vouch for a mix
    shutdown = threading.Event()
    stream = TrainingEventStream(
        n_stages=ctx.n_stages,
        progress_callback=progress_callback,
        event_callback=event_callback,
        shutdown=shutdown,
        worker_id=0 if n_workers > 1 else None,
    )
    log.info(
        "training %s: %d stages, %d hydros, %d thermals; backend %s, %d worker(s), mode %s",
        system.case_dir.name, ctx.n_stages, len(system.hydros), len(system.thermals),
        backend_name, n_workers, mode,
    )
    stream.emit(
        TrainingStarted(
            case_name=system.case_dir.name,
            stages=ctx.n_stages,
            hydros=len(system.hydros),
            thermals=len(system.thermals),
            ranks=1,
            threads_per_rank=n_workers,
            timestamp=_now(),
        )
    )
    with graceful_interrupt(shutdown):
        outcome = sddp_train(
            system,
            stochastic=ctx.stochastic,
            templates=ctx.templates,
            threads=n_workers,
            config=system.config,
            warm_start=warm,
            start_iteration=start_iteration,
            boundary_cuts=boundary,
            progress_callback=stream,
            shutdown=shutdown,
        )
    error = outcome.error
    if isinstance(error, KeyboardInterrupt) or (
        error is not None and error is stream.callback_error
    ):
        raise error  # second Ctrl-C or a failing callback: abort without writing
    if out is not None:
        try:
            _write_outputs(ctx, out, outcome, n_workers, stream)
        except (CobreError, KeyboardInterrupt):
            raise
        except OSError as exc:
            raise CobreIOError(
                f"cannot write training outputs under {out}: {exc}",
                kind="OutputWriteFailed",
                context={"file": str(out)},
            ) from exc
    if error is not None:
        _raise_loop_error(error, stream)
    last = outcome.last
    reason = API_TERMINATION_REASON.get(outcome.termination_reason, outcome.termination_reason)
    stream.emit(
        TrainingFinished(
            reason=reason,
            iterations=outcome.iterations,
            final_lb=outcome.final_lower_bound,
            final_ub=outcome.final_upper_bound,
            total_time_ms=outcome.total_time_ms,
            total_rows=outcome.total_cuts_generated,
        )
    )
    from pycobre.io.output.training import convergence_table

    stoch, hydro_models, prov = _summaries(ctx)
    worker_infos = None
    if n_workers > 1:
        host, pid = socket.gethostname(), os.getpid()
        worker_infos = [
            WorkerInfo(rank, outcome.total_time_ms, backend_name, host, pid)
            for rank in range(n_workers)
        ]
    return TrainingResult(
        policy=policy_from_outcome(outcome, ctx.n_state),
        convergence_history=convergence_table(outcome.records),
        iterations=int(outcome.iterations),
        final_lower_bound=float(outcome.final_lower_bound),
        final_upper_bound=None if last is None else float(last.upper_bound_mean),
        final_gap=None if last is None else relative_gap(last.lower_bound, last.upper_bound_mean),
        termination_reason=reason,
        total_cuts=int(outcome.total_cuts_generated),
        total_time_ms=int(outcome.total_time_ms),
        output_dir=None if out is None else str(out.resolve()),
        workers=worker_infos,
        loop_termination_reason=outcome.termination_reason,
        final_upper_bound_std=None if last is None else float(last.upper_bound_std),
        active_cuts=int(outcome.total_cuts_active),
        lp_solves=int(outcome.lp_solves),
        stochastic_summary=stoch,
        hydro_models=hydro_models,
        provenance=prov,
        _context=ctx,
    )
