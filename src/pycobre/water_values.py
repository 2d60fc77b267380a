"""Water values: the marginal value of stored water read off a policy's cuts.

At study stage ``t`` the cuts approximate the future cost as a function of the state at the
*end* of the stage, ``F_t(x) = max(0, max_k alpha_k + beta_k . x)`` (``theta >= 0`` in every
stage LP). Holding every state component but one hydro's storage fixed, the water value is
``-dF_t/dv`` - the cost the system saves per extra hm³ kept in that reservoir - taken from the
cut that is binding at each storage level (a subgradient at kinks). Cut values are in LP units
($/1000) and are reported in $, valued at the start of stage ``t+1`` (the discount factor of
stage ``t`` multiplies theta in the stage LP, not the cuts).

The module itself is callable (``pycobre.water_values(policy, ...)`` works whether
``pycobre.water_values`` resolves to this module or to the function).
"""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["water_values", "MWH_PER_HM3_PER_PRODUCTIVITY", "COST_SCALE"]

#: LP cost units -> $ (spec 12 §1, ``COST_SCALE_FACTOR``)
COST_SCALE = 1000.0
#: MWh produced by 1 hm³ turbined at productivity 1 MW/(m³/s): 1e6 m³ / 3600 s/h
MWH_PER_HM3_PER_PRODUCTIVITY = 1e6 / 3600.0

_FORMATS = ("pyarrow", "arrow", "polars", "pandas", "numpy")

_SCHEMA = pa.schema(
    [
        pa.field("stage", pa.int32(), nullable=False),
        pa.field("hydro_id", pa.int32(), nullable=False),
        pa.field("storage_hm3", pa.float64(), nullable=False),
        pa.field("future_cost", pa.float64(), nullable=False),
        pa.field("water_value_per_hm3", pa.float64(), nullable=False),
        pa.field("water_value_per_mwh", pa.float64(), nullable=True),
        pa.field("binding_cut", pa.int64(), nullable=True),
    ]
)


def _unpack(policy: Any, system: Any) -> tuple[Any, Any, Any]:
    """(Policy, System, stochastic model or None) from a TrainingResult or a Policy + system."""
    from pycobre.policy import Policy

    ctx = getattr(policy, "_context", None)
    stochastic = None
    if isinstance(getattr(policy, "policy", None), Policy):  # TrainingResult
        if system is None and ctx is not None:
            system, stochastic = ctx.system, ctx.stochastic
        policy = policy.policy
    if isinstance(policy, (str, bytes)) or hasattr(policy, "__fspath__"):
        policy = Policy.load(policy)
    if not isinstance(policy, Policy):
        raise TypeError(
            f"policy must be a pycobre.Policy, a TrainingResult or a path, not "
            f"{type(policy).__name__}"
        )
    if system is None:
        raise ValueError(
            "water_values needs the case to map hydro ids to state positions: pass system= "
            "(a Policy holds only cut coefficients), or pass the TrainingResult itself"
        )
    return policy, system, stochastic


def _hydro_position(system: Any, hydro_id: int) -> tuple[int, Any]:
    hydros = list(system.hydros)
    ids = [int(h.id) for h in hydros]
    if int(hydro_id) not in ids:
        raise ValueError(f"hydro_id {hydro_id} is not in the case (hydro ids: {ids})")
    pos = ids.index(int(hydro_id))
    return pos, hydros[pos]


def _default_state(system: Any, stochastic: Any, n_state: int) -> np.ndarray:
    """Initial storages (mid storage for a hydro without one) followed by the initial lags."""
    hydros = list(system.hydros)
    ic = system.initial_conditions
    v = []
    for h in hydros:
        try:
            v.append(float(ic.storage_hm3(h.id)))
        except (KeyError, LookupError, TypeError, ValueError):
            v.append(0.5 * (float(h.min_storage_hm3) + float(h.max_storage_hm3)))
    x = np.zeros(n_state, dtype=np.float64)
    x[: len(v)] = v
    if n_state > len(v):
        if stochastic is None:
            from pycobre.stochastic import build_stochastic_model

            stochastic = build_stochastic_model(system)
        lags = np.asarray(stochastic.initial_lags, dtype=np.float64)  # (H, L)
        x[len(v):] = lags.T.ravel()[: n_state - len(v)]
    return x


def _convert(table: pa.Table, fmt: str) -> Any:
    if fmt in ("pyarrow", "arrow"):
        return table
    if fmt == "polars":
        import polars as pl

        return pl.from_arrow(table)
    if fmt == "pandas":
        import pandas  # noqa: F401 - ImportError names the missing package

        return table.to_pandas()
    out: dict[str, np.ndarray] = {}
    for name in table.column_names:
        col = table.column(name)
        if name in ("water_value_per_mwh", "binding_cut"):
            out[name] = np.array(
                [np.nan if v is None else v for v in col.to_pylist()], dtype=np.float64
            )
        else:
            out[name] = col.to_numpy()
    return out


def water_values(
    policy: Any,
    stage: int,
    hydro_id: int,
    *,
    storage_grid: Any = None,
    state: Any = None,
    system: Any = None,
    n_points: int = 21,
    format: str = "pyarrow",  # noqa: A002 - name fixed by the API
) -> Any:
    """Marginal value of stored water of ``hydro_id`` at the end of study stage ``stage``.

    ``policy``: a ``TrainingResult`` (carries its case) or a ``Policy`` together with
    ``system=``. ``storage_grid``: storage levels in hm³ (default ``n_points`` levels from the
    hydro's minimum to maximum storage). ``state``: the full state vector at which the other
    components are held (default: initial storages, initial inflow lags). Returns one row per
    grid point with ``future_cost`` ($), ``water_value_per_hm3`` ($/hm³, ``-dF/dv``),
    ``water_value_per_mwh`` ($/MWh, only for a constant productivity) and ``binding_cut``
    (row of ``policy.cuts(stage)``; null where ``theta >= 0`` binds). ``format``: ``"pyarrow"``
    (default), ``"polars"``, ``"pandas"`` or ``"numpy"`` (dict of arrays).
    """
    if format not in _FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(_FORMATS)}")
    policy, system, stochastic = _unpack(policy, system)
    pos, hydro = _hydro_position(system, hydro_id)
    cuts = policy.cuts(int(stage), active_only=True)  # IndexError for a stage out of range
    n_state = int(policy.state_dimension)
    if state is None:
        x0 = _default_state(system, stochastic, n_state)
    else:
        x0 = np.asarray(state, dtype=np.float64).ravel()
        if x0.shape[0] != n_state:
            raise ValueError(
                f"state has {x0.shape[0]} components, the policy's state dimension is {n_state}"
            )
    if storage_grid is None:
        grid = np.linspace(float(hydro.min_storage_hm3), float(hydro.max_storage_hm3), n_points)
    else:
        grid = np.asarray(storage_grid, dtype=np.float64).ravel()
        if not np.all(np.isfinite(grid)):
            raise ValueError("storage_grid must hold finite storage levels (hm³)")
    n = grid.shape[0]
    points = np.repeat(x0[None, :], n, axis=0)
    points[:, pos] = grid
    coefs, intercepts = cuts["coefficients"], cuts["intercepts"]
    slots = np.flatnonzero(policy.cuts(int(stage))["active"])  # row ids of the active cuts
    if intercepts.shape[0]:
        values = intercepts[None, :] + points @ coefs.T  # (n, k)
        best = np.argmax(values, axis=1)
        top = values[np.arange(n), best]
        binding = top > 0.0
    else:
        best = np.zeros(n, dtype=np.int64)
        top = np.zeros(n)
        binding = np.zeros(n, dtype=bool)
    future = np.where(binding, top, 0.0) * COST_SCALE
    slope = np.where(binding, coefs[best, pos] if intercepts.shape[0] else 0.0, 0.0)
    per_hm3 = -slope * COST_SCALE + 0.0  # + 0.0 turns -0.0 into 0.0
    rho = getattr(hydro, "productivity_mw_per_m3s", None)
    if rho is not None and float(rho) > 0:
        per_mwh = pa.array(per_hm3 / (float(rho) * MWH_PER_HM3_PER_PRODUCTIVITY))
    else:
        per_mwh = pa.nulls(n, pa.float64())
    cut_ids = pa.array(np.where(binding, slots[best] if slots.size else 0, 0), pa.int64())
    cut_ids = pc.if_else(pa.array(binding), cut_ids, pa.nulls(n, pa.int64()))
    table = pa.Table.from_arrays(
        [
            pa.array(np.full(n, int(stage)), pa.int32()),
            pa.array(np.full(n, int(hydro_id)), pa.int32()),
            pa.array(grid),
            pa.array(future),
            pa.array(per_hm3),
            per_mwh,
            cut_ids,
        ],
        schema=_SCHEMA,
    )
    return _convert(table, format)


class _CallableModule(types.ModuleType):
    """Lets ``pycobre.water_values(...)`` call the function even when it names this module."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return water_values(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
