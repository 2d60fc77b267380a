"""Result objects of the object layer (spec 20 §7.3).

They are frozen: a result describes a finished call, so nothing about it should change after
the call returned. Arrays handed out are read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["WorkerInfo", "TrainingResult", "SimulationResult", "API_TERMINATION_REASON"]

#: loop termination reason (spec 12 §7) -> name of spec 20 §7.3
API_TERMINATION_REASON = {
    "graceful_shutdown": "shutdown",
    "simulation_based": "simulation",
}

#: reasons that do not mean convergence (spec 20 §7.3 ``converged``)
_NOT_CONVERGED = frozenset({"iteration_limit", "time_limit", "shutdown", "error"})


@dataclass(frozen=True)
class WorkerInfo:
    """One SDDP worker of a run (rank order)."""

    rank: int
    wall_time_ms: int
    backend: str
    host: str
    pid: int


def _read_only(a: Any, dtype: Any = np.float64) -> np.ndarray:
    out = np.array(a, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class TrainingResult:
    """What :func:`pycobre.train` returns; ``to_dict()`` gives the ``run()`` summary shape."""

    policy: Any
    convergence_history: pa.Table
    iterations: int
    final_lower_bound: float
    final_upper_bound: float | None
    final_gap: float | None
    termination_reason: str
    total_cuts: int
    total_time_ms: int
    output_dir: str | None
    workers: list[WorkerInfo] | None
    #: the training loop's own reason (``graceful_shutdown`` where the API says ``shutdown``)
    loop_termination_reason: str = ""
    final_upper_bound_std: float | None = None
    active_cuts: int = 0
    lp_solves: int = 0
    stochastic_summary: dict | None = None
    hydro_models: dict | None = None
    provenance: dict = field(default_factory=dict)
    # private: the loaded case and models, so helpers (water values, simulate) can reuse them
    _context: Any = field(default=None, repr=False, compare=False)

    @property
    def converged(self) -> bool:
        """A rule other than the iteration/time limit (or a shutdown request) ended training."""
        return self.termination_reason not in _NOT_CONVERGED

    @property
    def system(self) -> Any:
        """The case the policy was trained on (with the overrides applied)."""
        return None if self._context is None else self._context.system

    @property
    def gap_percent(self) -> float | None:
        return None if self.final_gap is None else 100.0 * self.final_gap

    def to_dict(self) -> dict[str, Any]:
        """The dict ``pycobre.run.run`` returns, with ``simulation: None``."""
        gap_pct = None
        if self.convergence_history.num_rows:
            gap_pct = self.convergence_history.column("gap_percent")[-1].as_py()
        return {
            "converged": self.converged,
            "iterations": self.iterations,
            "lower_bound": self.final_lower_bound,
            "upper_bound": self.final_upper_bound,
            "gap_percent": gap_pct,
            "total_time_ms": self.total_time_ms,
            "output_dir": self.output_dir,
            "simulation": None,
            "stochastic": self.stochastic_summary,
            "hydro_models": self.hydro_models,
            "provenance": dict(self.provenance),
        }

    def __repr__(self) -> str:
        return (
            f"TrainingResult(iterations={self.iterations}, "
            f"lower_bound={self.final_lower_bound:.6g}, upper_bound="
            f"{'None' if self.final_upper_bound is None else f'{self.final_upper_bound:.6g}'}, "
            f"termination_reason={self.termination_reason!r})"
        )


@dataclass(frozen=True)
class SimulationResult:
    """What :func:`pycobre.simulate` returns; statistics follow spec 13 §6."""

    scenarios: int
    completed: int
    output_directory: str | None
    output_files: list[str]
    mean_cost: float
    std_cost: float
    wall_time_ms: int
    costs: np.ndarray
    min_cost: float = 0.0
    max_cost: float = 0.0
    cvar: float = 0.0
    cvar_alpha: float = 0.95
    #: per cost category: ``{"mean", "max", "frequency"}``
    categories: dict[str, dict[str, float]] = field(default_factory=dict)
    #: (S, 5) category totals per scenario, in the order of ``categories``
    category_costs: np.ndarray = field(default_factory=lambda: np.zeros((0, 5)))

    def __post_init__(self) -> None:
        object.__setattr__(self, "costs", _read_only(self.costs))
        object.__setattr__(self, "category_costs", _read_only(self.category_costs))
        object.__setattr__(self, "output_files", list(self.output_files))

    @property
    def ci_95(self) -> float:
        """Half-width ``1.96 s / sqrt(S)`` (training convention; 0 when S < 2)."""
        s = self.scenarios
        return 1.96 * self.std_cost / float(np.sqrt(s)) if s > 1 else 0.0

    def summary(self) -> dict[str, Any]:
        """Spec 13 §6 statistics as a plain dict."""
        return {
            "n_scenarios": self.scenarios,
            "mean_cost": self.mean_cost,
            "std_cost": self.std_cost,
            "min_cost": self.min_cost,
            "max_cost": self.max_cost,
            "cvar": self.cvar,
            "cvar_alpha": self.cvar_alpha,
            "categories": {k: dict(v) for k, v in self.categories.items()},
        }

    def __repr__(self) -> str:
        return (
            f"SimulationResult(scenarios={self.scenarios}, mean_cost={self.mean_cost:.6g}, "
            f"std_cost={self.std_cost:.6g}, output_directory={self.output_directory!r})"
        )
