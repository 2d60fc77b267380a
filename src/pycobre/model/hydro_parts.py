"""Small frozen records for the nested objects of a hydro plant (spec 01 §6.3)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reservoir:
    min_storage_hm3: float
    max_storage_hm3: float


@dataclass(frozen=True, slots=True)
class Outflow:
    min_outflow_m3s: float
    max_outflow_m3s: float | None  # None = unbounded


@dataclass(frozen=True, slots=True)
class HydroGeneration:
    model: str  # "constant_productivity" | "linearized_head" | "fpha"
    min_turbined_m3s: float
    max_turbined_m3s: float
    min_generation_mw: float
    max_generation_mw: float
    productivity_mw_per_m3s: float | None  # None for "fpha"


@dataclass(frozen=True, slots=True)
class TailracePoint:
    outflow_m3s: float
    height_m: float


@dataclass(frozen=True, slots=True)
class Tailrace:
    type: str  # "polynomial" | "piecewise"
    coefficients: tuple[float, ...] = ()  # ascending powers (polynomial)
    points: tuple[TailracePoint, ...] = ()  # (piecewise)


@dataclass(frozen=True, slots=True)
class HydraulicLosses:
    type: str  # "factor" (value = fraction of head) | "constant" (value_m metres)
    value: float | None = None
    value_m: float | None = None


@dataclass(frozen=True, slots=True)
class Efficiency:
    type: str  # "constant"
    value: float


@dataclass(frozen=True, slots=True)
class Evaporation:
    coefficients_mm: tuple[float, ...]  # 12 values, mm/month, index 0 = January
    reference_volumes_hm3: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class Diversion:
    downstream_id: int
    max_flow_m3s: float


@dataclass(frozen=True, slots=True)
class Filling:
    start_stage_id: int
    filling_inflow_m3s: float = 0.0


@dataclass(frozen=True, slots=True)
class HydroPenalties:
    """Entity-level overrides as written in ``hydros[].penalties`` (``None`` = not set)."""

    spillage_cost: float | None = None
    diversion_cost: float | None = None
    fpha_turbined_cost: float | None = None
    storage_violation_below_cost: float | None = None
    filling_target_violation_cost: float | None = None
    turbined_violation_below_cost: float | None = None
    outflow_violation_below_cost: float | None = None
    outflow_violation_above_cost: float | None = None
    generation_violation_below_cost: float | None = None
    evaporation_violation_cost: float | None = None
    water_withdrawal_violation_cost: float | None = None
    inflow_nonnegativity_cost: float | None = None
