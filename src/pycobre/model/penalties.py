"""Global penalty defaults of ``penalties.json`` (spec 01 §4), optional keys already defaulted."""

from __future__ import annotations

from dataclasses import dataclass

from pycobre.model.entities import DeficitSegment

__all__ = ["GlobalPenalties", "HydroGlobalPenalties"]


@dataclass(frozen=True, slots=True)
class HydroGlobalPenalties:
    spillage_cost: float
    fpha_turbined_cost: float
    diversion_cost: float
    storage_violation_below_cost: float
    filling_target_violation_cost: float
    turbined_violation_below_cost: float
    outflow_violation_below_cost: float
    outflow_violation_above_cost: float
    generation_violation_below_cost: float
    evaporation_violation_cost: float
    water_withdrawal_violation_cost: float
    evaporation_violation_pos_cost: float  # default: evaporation_violation_cost
    evaporation_violation_neg_cost: float
    water_withdrawal_violation_pos_cost: float  # default: water_withdrawal_violation_cost
    water_withdrawal_violation_neg_cost: float
    inflow_nonnegativity_cost: float = 1000.0


@dataclass(frozen=True, slots=True)
class GlobalPenalties:
    deficit_segments: tuple[DeficitSegment, ...]
    excess_cost: float
    exchange_cost: float
    hydro: HydroGlobalPenalties
    curtailment_cost: float
    version: str | None = None
