"""Immutable data model (spec 20 §5): ``System``, entities, stages/blocks, resolved arrays.

Objects are built by :func:`pycobre.io.load_case`; see ``docs/dev/model-api.md``.
"""

from __future__ import annotations

from pycobre.model.entities import (
    Bus,
    ContractLimits,
    DeficitSegment,
    EnergyContract,
    GnlConfig,
    Hydro,
    Line,
    LineCapacity,
    NonControllableSource,
    PumpingFlow,
    PumpingStation,
    Thermal,
    ThermalGeneration,
)
from pycobre.model.frozen_map import FrozenMap
from pycobre.model.generic import GenericConstraint, GenericTerm
from pycobre.model.hydro_parts import (
    Diversion,
    Efficiency,
    Evaporation,
    Filling,
    HydraulicLosses,
    HydroGeneration,
    HydroPenalties,
    Outflow,
    Reservoir,
    Tailrace,
    TailracePoint,
)
from pycobre.model.initial_conditions import InitialConditions, PastInflow, RecentObservation
from pycobre.model.penalties import GlobalPenalties, HydroGlobalPenalties
from pycobre.model.resolved import Resolved
from pycobre.model.system import System, lag_count
from pycobre.model.temporal import (
    Block,
    PolicyGraph,
    RiskMeasure,
    Season,
    SeasonDefinitions,
    Stage,
    StateVariables,
    Transition,
)

Case = System

__all__ = [
    "Block",
    "Bus",
    "Case",
    "ContractLimits",
    "DeficitSegment",
    "Diversion",
    "Efficiency",
    "EnergyContract",
    "Evaporation",
    "Filling",
    "FrozenMap",
    "GenericConstraint",
    "GenericTerm",
    "GlobalPenalties",
    "GnlConfig",
    "HydraulicLosses",
    "Hydro",
    "HydroGeneration",
    "HydroGlobalPenalties",
    "HydroPenalties",
    "InitialConditions",
    "Line",
    "LineCapacity",
    "NonControllableSource",
    "Outflow",
    "PastInflow",
    "PolicyGraph",
    "PumpingFlow",
    "PumpingStation",
    "RecentObservation",
    "Reservoir",
    "Resolved",
    "RiskMeasure",
    "Season",
    "SeasonDefinitions",
    "Stage",
    "StateVariables",
    "System",
    "Tailrace",
    "TailracePoint",
    "Thermal",
    "ThermalGeneration",
    "Transition",
    "lag_count",
]
