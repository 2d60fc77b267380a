"""Everything the passes need about the case, computed once before training.

Keeps the loop independent of how the System, the stochastic model and the LP templates are
built: the passes only see arrays (discounts, initial state, openings) and a factory of stage LPs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pycobre.sddp.lag_state import ExtraStateLayout, TransitionRecord, transition_records
from pycobre.sddp.risk import RiskMeasure, risk_measure_from_spec

__all__ = ["TrainingProblem", "build_problem", "discount_factors", "initial_state"]


@dataclass
class TrainingProblem:
    n_stages: int
    n_state: int
    n_hydros: int
    n_lags: int
    discount: np.ndarray  # (T,) one-step d_t (theta's objective coefficient)
    cumulative_discount: np.ndarray  # (T,) D_t = prod_{s<t} d_s
    initial_state: np.ndarray  # (n_state,)
    openings: list[np.ndarray]  # per stage (n_open_t, D)
    risk_measures: list[RiskMeasure]  # per stage
    transitions: list[TransitionRecord]
    lag_seed: tuple[np.ndarray, float] | None
    forward_noise: Callable[[int, int, int], np.ndarray]  # (iteration, scenario, t) -> eta
    make_lp: Callable[[int], Any]  # stage -> new StageLP
    templates: Sequence[Any] = ()
    #: positions of the lag accumulators in the state (default mode with partial periods)
    lag_extras: ExtraStateLayout | None = None
    #: optional vectorised noise: (iteration, scenarios (n,), t) -> (n, D)
    forward_noise_batch: Callable[[int, np.ndarray, int], np.ndarray] | None = None


def discount_factors(system: Any, templates: Sequence[Any] = ()) -> np.ndarray:
    """``d_t`` per study stage: from the LP templates if they carry it, else spec 12 §12."""
    if templates and all(
        getattr(getattr(t, "data", None), "discount", None) is not None for t in templates
    ):
        return np.array([float(t.data.discount) for t in templates])
    stages = list(system.study_stages)
    graph = getattr(system, "policy_graph", None)
    rate = float(getattr(graph, "annual_discount_rate", 0.0) or 0.0)
    overrides = {
        tr.source_id: tr.annual_discount_rate_override
        for tr in getattr(graph, "transitions", ()) or ()
        if getattr(tr, "annual_discount_rate_override", None) is not None
    }
    out = np.ones(len(stages))
    for t, st in enumerate(stages):
        r = float(overrides.get(st.id, rate))
        if r != 0.0:
            days = (st.end_date - st.start_date).days
            out[t] = (1.0 + r) ** (-days / 365.25)
    return out


def initial_state(system: Any, stochastic: Any, n_state: int) -> np.ndarray:
    """Storages (hm³, ascending hydro id) then lags, lag-major (spec 12 §1)."""
    hydros = list(system.hydros)
    n_h = len(hydros)
    x = np.zeros(n_state)
    ic = system.initial_conditions
    x[:n_h] = [
        ic.storage_hm3(h.id) if hasattr(ic, "storage_hm3") else float(ic.storage.get(h.id, 0.0))
        for h in hydros
    ]
    lags = getattr(stochastic, "initial_lags", None)
    if lags is not None and n_h:
        lags = np.asarray(lags, dtype=np.float64).reshape(n_h, -1)  # (H, L)
        n_l = min(lags.shape[1], (n_state - n_h) // n_h)
        x[n_h : n_h + n_l * n_h] = lags[:, :n_l].T.ravel()
    return x


def _initial_state(
    system: Any, stochastic: Any, n_state: int, templates: Sequence[Any] = ()
) -> np.ndarray:
    """The LP's initial state (it appends the accumulator seed/buffers, spec 10 §16)."""
    try:
        from pycobre.lp import initial_state as lp_initial_state
    except ImportError:
        return initial_state(system, stochastic, n_state)
    tpls = list(templates) if templates and hasattr(templates[0], "data") else None
    try:
        x = np.asarray(lp_initial_state(system, stochastic, tpls), dtype=np.float64)
    except (AttributeError, TypeError):  # synthetic systems without initial conditions
        return initial_state(system, stochastic, n_state)
    return x if x.shape == (n_state,) else initial_state(system, stochastic, n_state)


def build_problem(
    system: Any,
    stochastic: Any,
    templates: Sequence[Any],
    solver_options: dict[str, Any] | None = None,
    lp_factory: Callable[[Any, dict[str, Any] | None], Any] | None = None,
) -> TrainingProblem:
    if lp_factory is None:
        from pycobre.lp.stage_lp import StageLP

        lp_factory = StageLP
    n_stages = len(templates)
    n_state = int(templates[0].n_state)
    n_hydros = len(list(system.hydros))
    # the state may carry accumulator blocks after the lags (spec 10 §16): the template knows L
    tpl_lags = getattr(templates[0], "n_lags", None) if n_stages else None
    if tpl_lags is None:
        tpl_lags = getattr(stochastic, "n_lags", (n_state - n_hydros) // max(n_hydros, 1))
    n_lags = int(tpl_lags)
    if not n_hydros:
        n_lags = 0
    d = discount_factors(system, templates)
    cum = np.concatenate(([1.0], np.cumprod(d[:-1]))) if n_stages else d
    stages = list(system.study_stages)
    risk = [risk_measure_from_spec(getattr(s, "risk_measure", None)) for s in stages]
    seed = getattr(stochastic, "initial_accumulator", None)
    if callable(seed):
        seed = seed()
    extras = ExtraStateLayout.from_template(templates[0]) if n_stages else None
    x0 = _initial_state(system, stochastic, n_state, templates)
    if extras is not None and extras.acc is not None and seed is not None:
        x0[extras.acc] = np.asarray(seed[0], dtype=np.float64)  # spec 11 §13.4 seed
    return TrainingProblem(
        n_stages=n_stages,
        n_state=n_state,
        n_hydros=n_hydros,
        n_lags=n_lags,
        discount=d,
        cumulative_discount=cum,
        initial_state=x0,
        openings=[np.asarray(stochastic.openings(t), dtype=np.float64) for t in range(n_stages)],
        risk_measures=risk,
        transitions=transition_records(stochastic, n_stages),
        lag_seed=None if seed is None else (np.asarray(seed[0], dtype=np.float64), float(seed[1])),
        forward_noise=stochastic.forward_noise,
        forward_noise_batch=getattr(stochastic, "forward_noise_batch", None),
        lag_extras=extras,
        make_lp=lambda t: lp_factory(templates[t], solver_options),
        templates=templates,
    )
