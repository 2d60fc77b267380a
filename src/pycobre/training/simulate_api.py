"""``pycobre.simulate`` (spec 20 §7.2): evaluate a policy over the simulation scenarios.

Wraps :func:`pycobre.sddp.simulation.simulate`; results are written as Hive-partitioned Parquet
under ``<output_dir>/simulation/`` (default ``<case_dir>/output``) and summarised in a
:class:`SimulationResult` (spec 13 §6 statistics).
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pycobre.events import (
    ProgressEvent,
    SimulationFinished,
    SimulationStarted,
    TrainingEvent,
)
from pycobre.training.case_setup import context_for
from pycobre.training.event_stream import SimulationEventStream
from pycobre.training.results import SimulationResult
from pycobre.training.workers import resolve_backend_name, resolve_workers

__all__ = ["simulate"]

log = logging.getLogger("pycobre.simulation")


def _output_files(root: Path) -> list[str]:
    sim = root / "simulation"
    if not sim.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in sim.rglob("*") if p.is_file())


def simulate(
    case: Any,
    policy: Any,
    config_overrides: dict | None = None,
    progress_callback: Callable[[ProgressEvent], object] | None = None,
    backend: str = "auto",
    num_workers: int | None = None,
    *,
    workers: int | None = None,
    threads: int | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    event_callback: Callable[[TrainingEvent], object] | None = None,
) -> SimulationResult:
    """Simulate ``policy`` on ``case`` over ``simulation.num_scenarios`` scenarios.

    ``policy`` is a ``Policy``, a ``TrainingResult`` or a path (policy or output directory).
    ``case`` may also be the ``TrainingResult`` itself (its case and models are reused).
    Scenario results do not depend on ``workers``. Progress is reported after every scenario;
    with ``workers > 1`` the callbacks run on the worker threads (one at a time).
    """
    import pycobre
    from pycobre.policy import as_policy_data
    from pycobre.sddp.simulation import simulate as sddp_simulate

    n_workers = resolve_workers(("workers", workers), ("num_workers", num_workers),
                                ("threads", threads))
    resolve_backend_name(backend)
    ctx = context_for(case, config_overrides)
    system = ctx.system
    data = as_policy_data(policy)
    cfg = system.config
    validate = bool((cfg.get("policy") or {}).get("validate_compatibility", True))
    total = int((cfg.get("simulation") or {}).get("num_scenarios", 0) or 0)
    out = Path(output_dir) if output_dir is not None else system.case_dir / "output"
    stream = SimulationEventStream(
        progress_callback=progress_callback,
        event_callback=event_callback,
        worker_id=0 if n_workers > 1 else None,
    )
    stream.emit(
        SimulationStarted(
            case_name=system.case_dir.name,
            n_scenarios=total,
            n_stages=ctx.n_stages,
            ranks=1,
            threads_per_rank=n_workers,
            timestamp=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
    )
    log.info("simulating %d scenarios with %d worker(s) into %s", total, n_workers, out)
    outcome = sddp_simulate(
        system,
        data,
        stochastic=ctx.stochastic,
        templates=ctx.templates,
        num_scenarios=total,
        threads=n_workers,
        output_dir=out,
        version=pycobre.__version__,
        validate_compatibility=validate,
        progress=stream.update,
    )
    elapsed = stream.elapsed_ms()
    stream.emit(SimulationFinished(outcome.n_scenarios, str(out.resolve()), elapsed))
    s = outcome.summary
    return SimulationResult(
        scenarios=total,
        completed=outcome.n_scenarios,
        output_directory=str(out.resolve()),
        output_files=_output_files(out),
        mean_cost=float(s.mean_cost),
        std_cost=float(s.std_cost),
        wall_time_ms=elapsed,
        costs=outcome.scenario_costs,
        min_cost=float(s.min_cost),
        max_cost=float(s.max_cost),
        cvar=float(s.cvar),
        cvar_alpha=float(s.cvar_alpha),
        categories={k: dict(v) for k, v in s.categories.items()},
        category_costs=outcome.category_costs,
    )
