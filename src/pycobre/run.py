"""``pycobre.run.run``: the one-shot entry point of the Cobre bindings (spec 20 §6).

load -> validate -> stochastic model -> stage LPs -> train -> write training outputs and policy
-> simulate. Errors follow the bindings' rule: a missing case is ``CaseNotFoundError``, output
write failures ``CobreIOError``, everything else ``RunError`` wrapping the original error.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pycobre.errors import (
    CaseNotFoundError,
    CheckpointError,
    CobreError,
    CobreIOError,
    OutputNotFoundError,
    RunError,
)
from pycobre.highs_version import solver_version
from pycobre.training.case_setup import CaseContext, with_config

#: What `prepare` builds once: the case, its stochastic model and the stage templates (the same
#: object the ``train``/``simulate`` API builds, so both layers share the output helpers).
RunContext = CaseContext

__all__ = [
    "run",
    "RunContext",
    "prepare",
    "resolve_threads",
    "drop_markers",
    "write_preprocessing",
    "solver_version",
    "hydro_models_summary",
    "public_provenance",
]

log = logging.getLogger("pycobre")


def resolve_threads(threads: int | None, workers: int | None = None) -> int:
    """``threads``/``workers`` aliases (spec 20 §6); ``None`` -> 1."""
    if threads is not None and workers is not None and int(threads) != int(workers):
        raise ValueError(f"threads={threads} and workers={workers} disagree")
    n = threads if threads is not None else workers
    n = 1 if n is None else int(n)
    if n < 1:
        raise CobreError(f"threads must be >= 1, got {n}", kind="IncompatibleSettings")
    return n


def _communicator(backend: str) -> Any:
    """The ``pycobre.comm`` communicator for ``backend``; ``None`` for a single process.

    Unknown names raise ``CobreError(kind="IncompatibleSettings")`` (spec 21 §6.1). Workers of
    one machine are threads; several ranks come from an MPI launcher (``mpiexec``/``srun``).
    """
    from pycobre.comm import create_communicator

    comm = create_communicator(backend)
    return comm if comm.size > 1 else None


def _agree(comm: Any, error: BaseException | None) -> None:
    """With several ranks: raise on every rank if any failed (nobody waits in a collective)."""
    if comm is None:
        if error is not None:
            raise error
        return
    from pycobre.comm import raise_if_any_failed

    raise_if_any_failed(comm, error)


def _missing_files(case: Path, exc: CobreIOError) -> str:
    """Name every missing required file (the bindings' tests look for ``config.json``)."""
    if exc.kind != "MissingFile":
        return ""
    required = ["config.json"]
    try:
        from pycobre.io.fields import FILES

        required += [p for p, spec in FILES.items() if spec.required and p not in required]
    except ImportError:  # pragma: no cover
        pass
    missing = [p for p in required if not (case / p).is_file()]
    if not missing or all(p in str(exc) for p in missing):
        return ""
    return " (MissingFile: " + ", ".join(missing) + ")"


@contextlib.contextmanager
def _spmd_guard(comm: Any) -> Iterator[None]:
    """With several ranks, an error escaping on one rank aborts the job (spec 21 §9)."""
    if comm is None:
        yield
        return
    from pycobre.comm import fail_fast

    with fail_fast(comm):
        yield


@contextlib.contextmanager
def _graceful_sigint(shutdown: threading.Event, *, install: bool) -> Iterator[None]:
    """First Ctrl-C / SIGTERM: stop training after the current iteration; second: abort.

    Spec 20 §9.1 (SIGINT) and spec 21 §11.2 (SIGTERM from a scheduler: the last completed
    iteration's policy is written and the process ends normally). The CLI installs its own SIGINT
    handler (``install=False``) and shares ``shutdown``; SIGTERM is handled here in both cases.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        if shutdown.is_set():
            raise KeyboardInterrupt
        shutdown.set()
        log.warning("interrupt: stopping after the current iteration (again to abort)")

    signals = [signal.SIGTERM] + ([signal.SIGINT] if install else [])
    previous = {s: signal.signal(s, handler) for s in signals}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _call_with_supported(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` passing only the keyword arguments its signature accepts."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(*args, **kwargs)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return fn(*args, **kwargs)
    return fn(*args, **{k: v for k, v in kwargs.items() if k in params})


def prepare(case_dir: str | os.PathLike[str], config_overrides: dict | None = None) -> RunContext:
    """Load and validate the case, apply overrides, fit the stochastic model, build templates."""
    from pycobre.io import load_case
    from pycobre.lp import build_stage_templates
    from pycobre.sddp.settings import TrainingSettings
    from pycobre.stochastic import build_stochastic_model

    system = load_case(case_dir)
    if config_overrides:
        from pycobre.io.config import apply_overrides, resolve_config

        system = with_config(
            system, resolve_config(apply_overrides(dict(system.config), config_overrides))
        )
    seed = TrainingSettings.from_config(system.config).seed
    stochastic = build_stochastic_model(system, seed=seed)
    templates = list(build_stage_templates(system, stochastic))
    return RunContext(system, stochastic, templates, seed)


def _scaling_report(ctx: RunContext) -> dict:
    from pycobre.sddp.scaling import scaling_report

    return scaling_report(ctx.templates)


def write_preprocessing(ctx: RunContext, out: Path) -> None:
    from pycobre.io.output.training import write_model_provenance, write_scaling_report

    cfg = ctx.system.config
    if (cfg.get("exports") or {}).get("stochastic"):
        mod = _optional("pycobre.stochastic")
        fn = getattr(mod, "write_stochastic_exports", None) if mod is not None else None
        if fn is not None:
            try:
                fn(ctx.stochastic, out / "stochastic")
            except Exception as exc:  # spec 20 §6 step 5: warn, do not fail
                log.warning("stochastic export failed: %s", exc)
    _write_fpha_planes(ctx, out)
    prov = public_provenance(ctx)
    write_scaling_report(out / "training" / "scaling_report.json", _scaling_report(ctx))
    write_model_provenance(out / "training" / "model_provenance.json", prov)


def public_provenance(ctx: RunContext) -> dict:
    """The public part of the stochastic model's provenance (``_``-keys are internal)."""
    prov = getattr(ctx.stochastic, "provenance", None) or {}
    return {k: v for k, v in prov.items() if not str(k).startswith("_")}


def _write_fpha_planes(ctx: RunContext, out: Path) -> None:
    """``hydro_models/fpha_hyperplanes.parquet`` when some hydro uses computed planes."""
    lp = _optional("pycobre.lp")
    fn = getattr(lp, "computed_fpha_table", None) if lp is not None else None
    if fn is None:
        return
    table = fn(ctx.system, ctx.templates)
    if table is None or table.num_rows == 0:
        return
    from pycobre.io.output.atomic import write_parquet_atomic

    (out / "hydro_models").mkdir(parents=True, exist_ok=True)
    write_parquet_atomic(table, out / "hydro_models" / "fpha_hyperplanes.parquet")


def run(
    case_dir: str | os.PathLike[str],
    output_dir: str | os.PathLike[str] | None = None,
    threads: int | None = None,
    skip_simulation: bool | None = None,
    *,
    workers: int | None = None,
    backend: str = "auto",
    config_overrides: dict | None = None,
    progress_callback: Callable[[Any], object] | None = None,
    event_callback: Callable[[Any], object] | None = None,
    _iteration_display: Any = None,
    _simulation_display: Any = None,
    _shutdown: threading.Event | None = None,
) -> dict:
    """Load, train, simulate and write a case; returns the summary dict of spec 20 §6."""
    case = Path(case_dir)
    if not case.is_dir():
        what = "case path is not a directory" if case.exists() else "case directory does not exist"
        raise CaseNotFoundError(f"{what}: {case}", context={"path": str(case)})
    try:
        n_threads = resolve_threads(threads, workers)
        comm = _communicator(backend)
        err: BaseException | None = None
        try:
            ctx = prepare(case, config_overrides)
        except BaseException as exc:  # noqa: BLE001 - agreed on below, then re-raised
            err = exc
        _agree(comm, err)  # a load error on one rank is raised on every rank (spec 21 §9)
    except CobreIOError as exc:
        raise RunError(f"{exc.kind}: {exc}{_missing_files(case, exc)}", inner=exc) from exc
    except Exception as exc:
        raise RunError(str(exc), inner=exc) from exc
    out = Path(output_dir) if output_dir is not None else case / "output"
    shutdown = _shutdown if _shutdown is not None else threading.Event()
    try:
        with _spmd_guard(comm), _graceful_sigint(shutdown, install=_shutdown is None):
            return _run_prepared(
                ctx,
                out,
                n_threads,
                bool(skip_simulation),
                progress_callback=progress_callback,
                event_callback=event_callback,
                iteration_display=_iteration_display,
                simulation_display=_simulation_display,
                shutdown=shutdown,
                comm=comm,
            )
    except OutputNotFoundError as exc:  # a policy to read is missing: not a write failure
        raise RunError(str(exc), inner=exc) from exc
    except (CaseNotFoundError, CobreIOError, RunError):
        raise
    except OSError as exc:
        raise CobreIOError(f"cannot write outputs under {out}: {exc}", kind="OutputWrite") from exc
    except Exception as exc:
        raise RunError(str(exc), inner=exc) from exc


def _run_prepared(
    ctx: RunContext,
    out: Path,
    n_threads: int,
    skip_simulation: bool,
    *,
    progress_callback: Callable[[Any], object] | None,
    event_callback: Callable[[Any], object] | None,
    iteration_display: Any,
    simulation_display: Any,
    shutdown: threading.Event | None,
    comm: Any = None,
) -> dict:
    import pycobre
    from pycobre.comm import distribution_info
    from pycobre.io.output.training import write_training_outputs
    from pycobre.progress import deliver, training_progress_event, typed_training_events
    from pycobre.sddp.checkpoint import (
        boundary_cuts_from,
        read_checkpoint,
        read_resume_state,
        write_checkpoint_with_state,
    )
    from pycobre.sddp.settings import TrainingSettings
    from pycobre.sddp.training import StopRequested, train

    system = ctx.system
    cfg = system.config
    settings = TrainingSettings.from_config(cfg)
    root = comm is None or comm.rank == 0  # rank 0 alone writes files (spec 21 §9)
    policy_cfg = cfg.get("policy") or {}
    policy_dir = out / str(policy_cfg.get("path") or "./policy")
    mode = str(policy_cfg.get("mode") or "fresh")
    err: BaseException | None = None
    if root:
        try:
            if settings.enabled:
                _tidy_policy_dir(policy_dir)  # a failed or killed swap of an earlier run
                if not (mode == "resume" and _finished(policy_dir, settings)):
                    drop_markers(out)  # before anything is written (spec 00 §8)
            out.mkdir(parents=True, exist_ok=True)
            write_preprocessing(ctx, out)
        except BaseException as exc:  # noqa: BLE001 - agreed on below, then re-raised
            err = exc
    _agree(comm, err)
    describe = getattr(iteration_display, "describe_model", None)
    if root and describe is not None:  # spec 06 §3 step 3: model summary before training
        describe(hydro_models_summary(ctx), public_provenance(ctx))
    validate = bool(policy_cfg.get("validate_compatibility", True))
    T = len(ctx.templates)
    result: dict[str, Any] = {
        "converged": False,
        "iterations": 0,
        "lower_bound": 0.0,
        "upper_bound": None,
        "gap_percent": None,
        "total_time_ms": 0,
        "output_dir": str(out.resolve()),
        "simulation": None,
        "stochastic": ctx.stochastic.summary() if hasattr(ctx.stochastic, "summary") else None,
        "hydro_models": hydro_models_summary(ctx),
        "provenance": public_provenance(ctx),
    }
    pools = None
    if settings.enabled:
        warm = None
        resume_state = None
        start_iteration = 0
        if mode in ("warm_start", "resume"):
            log.info(
                "Loading prior policy for warm-start training..."
                if mode == "warm_start"
                else "Loading prior checkpoint for resume training..."
            )
            data = read_checkpoint(policy_dir, n_state=ctx.n_state, n_stages=T, validate=validate)
            warm = data.cuts
            n_loaded = max((c.n_records for c in data.cuts), default=0)
            if mode == "resume":
                start_iteration = int(data.metadata.completed_iterations)
                resume_state = read_resume_state(policy_dir, start_iteration)
                log.info(
                    "Resume: loaded %d cuts per stage, resuming from iteration %d.",
                    n_loaded,
                    start_iteration,
                )
            else:
                log.info("Warm-start: loaded %d cuts per stage from prior policy.", n_loaded)
        limit = settings.stopping.max_iterations
        finished = mode == "resume" and limit is not None and start_iteration >= limit
    if settings.enabled and finished:
        # decision (docs/dev/limits.md): resuming a finished run trains nothing and rewrites
        # nothing; the stored policy and training files stay as they are
        log.warning(
            "resume: the checkpoint in %s already completed %d iterations (limit %d); "
            "nothing to train, keeping its policy and training results",
            policy_dir,
            start_iteration,
            limit,
        )
        result.update(_finished_run_summary(out, data.metadata))
    elif settings.enabled:
        boundary = None
        bcfg = policy_cfg.get("boundary")
        if bcfg:
            bpath = out / str(bcfg["path"])
            source = int(bcfg.get("source_stage", 0))
            boundary = boundary_cuts_from(bpath, source, ctx.n_state)
            log.info(
                "Boundary cuts: loaded %d cuts from stage %d of %s",
                boundary[0].shape[0],
                source,
                bpath,
            )

        def on_iteration(rec: Any) -> None:
            if iteration_display is not None:
                iteration_display.update(rec)
            stop = False
            if event_callback is not None:
                for ev in typed_training_events(rec, T):
                    stop |= deliver(event_callback, ev)
            if progress_callback is not None:
                stop |= deliver(progress_callback, training_progress_event(rec))
            if stop:
                raise StopRequested

        exports = cfg.get("exports") or {}
        sel = settings.cut_selection
        policy_kw = {
            "version": pycobre.__version__,
            "export_states": bool(exports.get("states")),
            "archive_states": bool(exports.get("states"))
            or (sel.enabled and sel.method == "domination"),
        }
        hook = _checkpoint_hook(policy_cfg, policy_dir, ctx.n_state, start_iteration, policy_kw)
        outcome = train(
            system,
            stochastic=ctx.stochastic,
            templates=ctx.templates,
            threads=n_threads,
            config=cfg,
            warm_start=warm,
            start_iteration=start_iteration,
            boundary_cuts=boundary,
            progress_callback=on_iteration,
            shutdown=shutdown,
            comm=comm,
            checkpoint=hook,
            resume_state=resume_state,
        )
        err = None
        if root:
            try:
                write_training_outputs(
                    out,
                    outcome,
                    system,
                    n_state=ctx.n_state,
                    version=pycobre.__version__,
                    solver_version=solver_version(),
                    threads=n_threads,
                    cut_selection_enabled=sel.enabled,
                    max_ar_order=getattr(ctx.stochastic, "max_ar_order", None),
                    status="complete" if outcome.error is None else "partial",
                    distribution=distribution_info(comm, n_threads),
                    prior_convergence=None if resume_state is None else resume_state.convergence,
                    # the policy goes in before the training markers, which certify it too
                    before_certify=lambda: write_checkpoint_with_state(
                        policy_dir,
                        outcome,
                        ctx.n_state,
                        None if hook is None or outcome.error is not None else hook.final_state,
                        **policy_kw,
                    ),
                )
            except CheckpointError as exc:
                err = CobreIOError(str(exc), kind="OutputWrite", context=exc.context)
            except BaseException as exc:  # noqa: BLE001 - agreed on below, then re-raised
                err = exc
        _agree(comm, err)
        if outcome.error is not None:
            raise outcome.error
        pools = outcome  # simulate() accepts the training outcome (pools and bases)
        last = outcome.last
        result.update(
            converged=outcome.converged,
            iterations=outcome.iterations,
            lower_bound=outcome.final_lower_bound,
            upper_bound=None if last is None else last.upper_bound_mean,
            gap_percent=None if last is None else last.gap_percent,
            total_time_ms=outcome.total_time_ms,
        )
    sim_cfg = cfg.get("simulation") or {}
    sim_on = bool(sim_cfg.get("enabled")) and int(sim_cfg.get("num_scenarios", 0)) > 0
    if not settings.enabled:
        log.info(
            "Training disabled. Loading policy for simulation-only mode..."
            if sim_on and not skip_simulation
            else "Training disabled, simulation disabled — nothing to do."
        )
    if not skip_simulation and sim_on:
        # every rank simulates its own block of scenarios; rank 0 writes the shared files and
        # every rank gets the full summary (spec 21 §3.5). ``simulate`` agrees on errors itself;
        # this agreement covers failures before it starts (e.g. reading the policy).
        err = None
        try:
            result["simulation"] = _simulate(
                ctx,
                out,
                pools,
                policy_dir,
                n_threads,
                validate,
                simulation_display if root else None,
                result,
                progress_callback if root else None,
                comm=comm,
            )
        except BaseException as exc:  # noqa: BLE001 - agreed on below, then re-raised
            err = exc
        from pycobre.comm.failure import AGREED

        if err is not None and getattr(err, AGREED, False):
            raise err  # already raised on every rank together inside ``simulate``
        _agree(comm, err)
    elif root:  # spec 04: simulation/ always exists, empty when simulation is disabled
        (out / "simulation").mkdir(parents=True, exist_ok=True)
    return result


def _tidy_policy_dir(policy_dir: Path) -> None:
    """Move back a policy a killed swap left aside, then drop leftover ``.<name>.new/.old``."""
    from pycobre.io.policy.swap import discard_side_copies, recover_policy_dir

    recover_policy_dir(policy_dir)
    discard_side_copies(policy_dir)


def _finished(policy_dir: Path, settings: Any) -> bool:
    """Whether the stored checkpoint already reached the iteration limit (resume: no-op)."""
    from pycobre.io.policy.checkpoint import read_policy_metadata

    limit = settings.stopping.max_iterations
    if limit is None:
        return False
    try:
        return int(read_policy_metadata(policy_dir).completed_iterations) >= int(limit)
    except Exception:  # noqa: BLE001 - unreadable: resume reports it when it loads the policy
        return False


def drop_markers(out: Path) -> None:
    """Un-certify ``training/`` and ``simulation/`` before training writes anything.

    Until the new run re-creates them, the old markers would vouch for a mix of runs (the old
    simulation was computed with another policy). ``metadata.json`` goes too: it describes the
    run that is being replaced.
    """
    sim = out / "simulation"
    if (sim / "_SUCCESS").is_file():
        log.info("note: removed the completion markers of an older run's simulation in %s", sim)
    for section in ("training", "simulation"):
        for name in ("_SUCCESS", "metadata.json"):
            (out / section / name).unlink(missing_ok=True)


def _finished_run_summary(out: Path, metadata: Any) -> dict:
    """Summary fields of a finished run, from its policy metadata and training manifest."""
    import json

    fields: dict[str, Any] = {
        "iterations": int(metadata.completed_iterations),
        "lower_bound": float(metadata.final_lower_bound),
        "upper_bound": metadata.best_upper_bound,
    }
    manifest = out / "training" / "metadata.json"
    if (out / "training" / "_SUCCESS").is_file():
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            conv = json.loads(manifest.read_text(encoding="utf-8"))["convergence"]
            fields["converged"] = bool(conv["achieved"])
            fields["gap_percent"] = conv["final_gap_percent"]
    return fields


class _CheckpointHook:
    """Periodic checkpoints (``policy.checkpointing``, spec 21 §11.2), written by rank 0.

    Iterations ``initial_iteration, +interval, ...`` (defaults: interval 10, first = interval)
    write the whole policy directory plus ``pycobre_resume.npz`` (bases unless
    ``store_basis = false``) and swap it in atomically; the last iteration's state is kept for
    the final policy write instead. Under MPI, `collect` runs on every rank first and gathers
    every rank's forward bases, so the checkpoint resumes exactly whatever the rank layout.
    """

    def __init__(self, cfg: dict, policy_dir: Path, n_state: int, start: int, kw: dict) -> None:
        self.interval = max(1, int(cfg.get("interval_iterations") or 10))
        first = cfg.get("initial_iteration")
        self.first = self.interval if first is None else int(first)
        self.store_basis = cfg.get("store_basis") is not False
        self.policy_dir, self.n_state, self.start, self.kw = policy_dir, n_state, start, kw
        self.final_state: Any = None
        self._bases: Any = None

    def due(self, k: int, last: bool) -> bool:
        return last or (k >= self.first and (k - self.first) % self.interval == 0)

    def collect(self, loop: Any, k: int, last: bool) -> None:
        """Every rank, after iteration ``k``: gather all ranks' forward bases when one is due."""
        from pycobre.sddp.checkpoint import gather_forward_bases

        self._bases = None
        multi = getattr(loop.workers, "comm", None) is not None
        if multi and self.store_basis and self.due(k, last):
            self._bases = gather_forward_bases(loop)

    def __call__(self, loop: Any, k: int, last: bool) -> None:
        from pycobre.sddp.checkpoint import capture_resume_state, write_checkpoint_with_state

        if not self.due(k, last):
            return
        state = capture_resume_state(
            loop, k, store_basis=self.store_basis, forward_bases=self._bases
        )
        if last:
            self.final_state = state
            return
        write_checkpoint_with_state(
            self.policy_dir,
            loop.snapshot(self.start),
            self.n_state,
            state,
            periodic=True,
            **self.kw,
        )
        log.info("checkpoint: iteration %d written to %s", k, self.policy_dir)


def _checkpoint_hook(
    policy_cfg: dict, policy_dir: Path, n_state: int, start: int, kw: dict
) -> _CheckpointHook | None:
    cfg = policy_cfg.get("checkpointing") or {}
    return _CheckpointHook(cfg, policy_dir, n_state, start, kw) if cfg.get("enabled") else None


def hydro_models_summary(ctx: RunContext) -> dict | None:
    """``hydro_models`` of the run summary, from the first stage's resolved production data."""
    hydros = list(ctx.system.hydros)
    if not hydros or not ctx.templates:
        return None
    lp = _optional("pycobre.lp")
    fn = getattr(lp, "hydro_models_summary", None) if lp is not None else None
    if fn is not None:
        return fn(ctx.system, ctx.templates)
    data = ctx.templates[0].data.hydros
    n = len(hydros)
    n_fpha = int(data.is_fpha.sum())
    n_evap = int(data.has_evaporation.sum())
    return {
        "n_constant": n - n_fpha,
        "n_fpha": n_fpha,
        "total_planes": int(data.planes.hydro.shape[0]) if hasattr(data.planes, "hydro") else 0,
        "n_evaporation": n_evap,
        "n_no_evaporation": n - n_evap,
    }


def _simulate(
    ctx: RunContext,
    out: Path,
    pools: Any,
    policy_dir: Path,
    n_threads: int,
    validate: bool,
    display: Any,
    result: dict,
    progress_callback: Callable[[Any], object] | None = None,
    comm: Any = None,
) -> dict | None:
    from pycobre.progress import simulation_reporter

    sim_mod = _optional("pycobre.sddp.simulation")
    fn = getattr(sim_mod, "simulate", None) if sim_mod is not None else None
    if fn is None:
        log.warning("simulation requested but pycobre.sddp.simulation is not available")
        (out / "simulation").mkdir(parents=True, exist_ok=True)
        return None
    bases = None
    if pools is None:  # simulation-only: the policy comes from disk
        from pycobre.sddp.checkpoint import read_checkpoint, stored_bases

        data = read_checkpoint(
            policy_dir, n_state=ctx.n_state, n_stages=len(ctx.templates), validate=validate
        )
        pools = data
        bases = stored_bases(data, ctx.templates)
        result["lower_bound"] = float(data.metadata.final_lower_bound)
    import pycobre

    res = _call_with_supported(
        fn,
        ctx.system,
        pools,
        stochastic=ctx.stochastic,
        templates=ctx.templates,
        output_dir=out,
        threads=n_threads,
        progress=simulation_reporter(display, progress_callback),
        version=pycobre.__version__,
        validate_compatibility=validate,
        bases=bases,
        comm=comm,
    )
    if isinstance(res, dict) and "n_scenarios" in res:
        return {"n_scenarios": int(res["n_scenarios"]), "completed": int(res.get("completed", 0))}
    n = int(
        getattr(
            res, "scenarios", (ctx.system.config.get("simulation") or {}).get("num_scenarios", 0)
        )
    )
    return {"n_scenarios": n, "completed": int(getattr(res, "completed", n))}
