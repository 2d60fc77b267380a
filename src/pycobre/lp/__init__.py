"""Stage LPs (spec 10) and the HiGHS solver backend (contract §3).

``build_stage_templates(system, stochastic)`` builds one immutable :class:`StageTemplate` per
study stage; each worker wraps the templates it needs in :class:`StageLP` objects and only
patches state, noise and cuts between solves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pycobre.lp.solver import HighsSolver, LpModel, SolveOutcome, Solver
from pycobre.lp.stage_data import StageData
from pycobre.lp.stage_lp import Basis, SolveResult, StageLP
from pycobre.lp.template import COST_SCALE, StageTemplate, build_template, discount_factor

__all__ = [
    "COST_SCALE",
    "Basis",
    "HighsSolver",
    "LpModel",
    "SolveOutcome",
    "SolveResult",
    "Solver",
    "StageData",
    "StageLP",
    "StageTemplate",
    "build_stage_templates",
    "build_template",
    "computed_fpha_table",
    "discount_factor",
    "initial_state",
    "scaling_report",
]


def build_stage_templates(
    system: Any,
    stochastic: Any,
    *,
    lag_cut_map: str | None = None,
    boundary_cuts: bool = False,
    prescale: bool = True,
    accumulator_state: bool = True,
) -> list[StageTemplate]:
    """One template per study stage (built once; share them between threads).

    ``lag_cut_map`` forces the cut-row column map of the lags for every stage ('shift' or
    'frozen'); by default it follows the stage's lag transition (spec 10 §16 item 12).
    ``boundary_cuts`` leaves theta free at the last stage (terminal cuts are loaded).
    ``prescale`` applies Cobre's geometric scaling (hidden by StageLP).
    ``accumulator_state`` (default mode) appends the lag accumulators of spec 11 §13 to the
    state where the transition needs them, so cuts stay valid (spec 10 §16; ``lag_map.py``).
    On by default (ignored in compat mode and with a forced ``lag_cut_map``); the training loop
    takes ``n_lags`` and the initial state from the templates.
    """
    from dataclasses import replace

    from pycobre.lp.from_system import stage_inputs

    data = stage_inputs(
        system, stochastic, lag_cut_map=lag_cut_map, accumulator_state=accumulator_state
    )
    if boundary_cuts and data:
        data[-1] = replace(data[-1], is_last=False)
    return [build_template(d, prescale=prescale) for d in data]


def initial_state(system: Any, stochastic: Any, templates: Any = None) -> np.ndarray:
    """Stage-0 incoming state (storages, then lags lag-major, then accumulator blocks when
    ``templates`` carry them)."""
    from pycobre.lp.from_system import initial_state as _init

    return _init(system, stochastic, templates)


def scaling_report(templates: list[StageTemplate]) -> list[dict]:
    """Coefficient and RHS ranges per stage before/after prescaling (spec 04 §3.8)."""
    return [
        {"stage": tp.data.index, "before": _ranges(tp.unscaled_model), "after": _ranges(tp.model)}
        for tp in templates
    ]


def _ranges(model: LpModel) -> dict[str, float]:
    a = np.abs(model.a_value)
    a = a[a > 0]
    rhs = np.concatenate([model.row_lower, model.row_upper])
    rhs = np.abs(rhs[np.isfinite(rhs)])
    rhs = rhs[rhs > 0]
    return {
        "coefficient_min": float(a.min()) if a.size else 0.0,
        "coefficient_max": float(a.max()) if a.size else 0.0,
        "rhs_min": float(rhs.min()) if rhs.size else 0.0,
        "rhs_max": float(rhs.max()) if rhs.size else 0.0,
    }


def computed_fpha_table(system: Any, templates: Any = None):
    """Fitted FPHA planes as a ``pyarrow.Table`` in the spec 01 §6.10 schema, or None when no
    hydro uses computed planes (spec 04 §5; ``pycobre.lp.fpha_table``)."""
    from pycobre.lp.fpha_table import computed_fpha_table as _table

    return _table(system, templates)
