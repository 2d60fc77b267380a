"""The human summary shared by the end of ``run`` and ``pycobre summary`` (spec 06 §6).

Built from files only: ``training/metadata.json`` (required), ``training/convergence.parquet``
(optional: iteration timing, bounds and LP counts) and ``simulation/metadata.json`` (optional).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow.compute as pc

from pycobre.progress import format_duration
from pycobre.report.number_format import rust_sci
from pycobre.report.run_files import RunFiles

__all__ = ["TrainingFigures", "summary_lines", "training_figures"]


@dataclass(frozen=True)
class TrainingFigures:
    iterations: int
    converged_at: int | None
    total_time_ms: int
    lower_bound: float
    upper_bound: float
    upper_bound_std: float
    gap_percent: float | None
    cuts_active: int
    cuts_generated: int
    lp_solves: int


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) else 0


def training_figures(run: RunFiles) -> TrainingFigures:
    """Summary figures; without ``convergence.parquet`` timing is 0 and bounds come from the
    policy metadata when present (else 0)."""
    meta = run.training
    iterations = meta.get("iterations") or {}
    convergence = meta.get("convergence") or {}
    pool = meta.get("row_pool") or {}
    gap = convergence.get("final_gap_percent")
    path = run.training_dir / "convergence.parquet"
    if path.is_file():
        from pycobre.results import load_convergence_arrow

        table = load_convergence_arrow(run.root)
    else:
        table = None
    if table is not None and table.num_rows:
        last = table.slice(table.num_rows - 1).to_pylist()[0]
        lb, ub, ub_std = last["lower_bound"], last["upper_bound_mean"], last["upper_bound_std"]
        if gap is None:
            gap = last["gap_percent"]
        total_ms = _int(pc.sum(table["time_total_ms"]).as_py())
        lp_solves = _int(pc.sum(table["lp_solves"]).as_py())
    else:
        policy = run.optional_json("policy/metadata.json") or {}
        lb = float(policy.get("final_lower_bound") or 0.0)
        ub = float(policy.get("best_upper_bound") or 0.0)
        ub_std, total_ms, lp_solves = 0.0, 0, 0
    converged_at = iterations.get("converged_at")
    return TrainingFigures(
        iterations=_int(iterations.get("completed")),
        converged_at=converged_at if isinstance(converged_at, int) else None,
        total_time_ms=total_ms,
        lower_bound=float(lb),
        upper_bound=float(ub),
        upper_bound_std=float(ub_std),
        gap_percent=None if gap is None else float(gap),
        cuts_active=_int(pool.get("total_active")),
        cuts_generated=_int(pool.get("total_generated")),
        lp_solves=lp_solves,
    )


def training_lines(fig: TrainingFigures) -> list[str]:
    note = f", converged at iter {fig.converged_at}" if fig.converged_at is not None else ""
    gap = "n/a" if fig.gap_percent is None else f"{fig.gap_percent:.1f}%"
    return [
        f"Training complete in {format_duration(fig.total_time_ms / 1000)} "
        f"({fig.iterations} iterations{note})",
        f"  Lower bound:  {rust_sci(fig.lower_bound)} $/stage",
        f"  Upper bound:  {rust_sci(fig.upper_bound)} +/- {rust_sci(fig.upper_bound_std)} $/stage",
        f"  Gap:          {gap}",
        f"  Cuts:         {fig.cuts_active} active / {fig.cuts_generated} generated",
        f"  LP solves:    {fig.lp_solves}",
    ]


def simulation_lines(meta: dict[str, Any]) -> list[str]:
    scenarios = meta.get("scenarios") or {}
    total = _int(scenarios.get("total"))
    completed = _int(scenarios.get("completed"))
    failed = _int(scenarios.get("failed"))
    duration = float(meta.get("duration_seconds") or 0.0)
    return [
        f"Simulation complete in {format_duration(duration)} ({total} scenarios)",
        f"  Completed: {completed}  Failed: {failed}",
    ]


def summary_lines(run: RunFiles) -> list[str]:
    """Training block, then (blank line and) the simulation block when simulation ran."""
    lines = training_lines(training_figures(run))
    if run.simulation is not None:
        lines += [""] + simulation_lines(run.simulation)
    return lines
