"""Frozen entity records (spec 20 §5.3), carrying every field of spec 01 §6.

Field names follow the JSON (nested objects become small frozen records); the flat attribute
names of spec 20 §5.3 (``Line.direct_capacity_mw``, ``Thermal.max_generation_mw``, ...) are
properties. Entity-level penalties are stored *resolved* against ``penalties.json`` (tier 1+2 of
the cascade); the raw entity value is kept in an ``entity_*`` field (``None`` = not set).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
)

__all__ = [
    "Bus",
    "DeficitSegment",
    "EnergyContract",
    "Hydro",
    "Line",
    "NonControllableSource",
    "PumpingStation",
    "Thermal",
]


def _repr(obj: Any, *extra: str) -> str:
    parts = [f"id={obj.id}", f"name={obj.name!r}"] + [f"{k}={getattr(obj, k)!r}" for k in extra]
    return f"{type(obj).__name__}({', '.join(parts)})"


@dataclass(frozen=True, slots=True)
class DeficitSegment:
    """One deficit tier; also readable as the dict of spec 20 §5.3 (``seg["cost_per_mwh"]``)."""

    depth_mw: float | None  # None = unbounded (last tier)
    cost: float  # $/MWh

    @property
    def cost_per_mwh(self) -> float:
        return self.cost

    def __getitem__(self, key: str) -> Any:
        if key == "depth_mw":
            return self.depth_mw
        if key in ("cost_per_mwh", "cost"):
            return self.cost
        raise KeyError(key)

    def keys(self) -> tuple[str, ...]:
        return ("depth_mw", "cost_per_mwh")

    def __eq__(self, other: object) -> bool:
        """Equal to another tier or to the spec 20 dict ``{"depth_mw", "cost_per_mwh"}``."""
        if isinstance(other, DeficitSegment):
            return (self.depth_mw, self.cost) == (other.depth_mw, other.cost)
        if isinstance(other, Mapping):
            return dict(other) == {"depth_mw": self.depth_mw, "cost_per_mwh": self.cost}
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.depth_mw, self.cost))


@dataclass(frozen=True, slots=True, repr=False)
class Bus:
    id: int
    name: str
    #: Resolved tiers (entity tiers if given, else the global ones).
    deficit_segments: tuple[DeficitSegment, ...]
    #: Global ``bus.excess_cost`` ($/MWh); stage overrides live in ``system.resolved``.
    excess_cost: float
    #: Tiers exactly as written in ``buses.json`` (``None`` = absent).
    entity_deficit_segments: tuple[DeficitSegment, ...] | None = None

    def __repr__(self) -> str:
        return _repr(self)


@dataclass(frozen=True, slots=True)
class LineCapacity:
    direct_mw: float
    reverse_mw: float


@dataclass(frozen=True, slots=True, repr=False)
class Line:
    id: int
    name: str
    source_bus_id: int
    target_bus_id: int
    capacity: LineCapacity
    exchange_cost: float  # resolved: entity value or global line.exchange_cost ($/MWh)
    losses_percent: float = 0.0
    entry_stage_id: int | None = None
    exit_stage_id: int | None = None
    entity_exchange_cost: float | None = None

    @property
    def direct_capacity_mw(self) -> float:
        return self.capacity.direct_mw

    @property
    def reverse_capacity_mw(self) -> float:
        return self.capacity.reverse_mw

    def __repr__(self) -> str:
        return _repr(self, "source_bus_id", "target_bus_id")


@dataclass(frozen=True, slots=True)
class ThermalGeneration:
    min_mw: float
    max_mw: float


@dataclass(frozen=True, slots=True)
class GnlConfig:
    lag_stages: int


@dataclass(frozen=True, slots=True, repr=False)
class Thermal:
    id: int
    name: str
    bus_id: int
    cost_per_mwh: float
    generation: ThermalGeneration
    entry_stage_id: int | None = None
    exit_stage_id: int | None = None
    gnl_config: GnlConfig | None = None

    @property
    def min_generation_mw(self) -> float:
        return self.generation.min_mw

    @property
    def max_generation_mw(self) -> float:
        return self.generation.max_mw

    def __repr__(self) -> str:
        return _repr(self, "bus_id")


@dataclass(frozen=True, slots=True, repr=False)
class Hydro:
    id: int
    name: str
    bus_id: int
    reservoir: Reservoir
    outflow: Outflow
    generation: HydroGeneration
    downstream_id: int | None = None
    entry_stage_id: int | None = None
    exit_stage_id: int | None = None
    tailrace: Tailrace | None = None
    hydraulic_losses: HydraulicLosses | None = None
    efficiency: Efficiency | None = None
    evaporation: Evaporation | None = None
    diversion: Diversion | None = None
    filling: Filling | None = None
    #: Entity overrides as written (``None`` = no ``penalties`` object).
    penalties: HydroPenalties | None = None

    @property
    def min_storage_hm3(self) -> float:
        return self.reservoir.min_storage_hm3

    @property
    def max_storage_hm3(self) -> float:
        return self.reservoir.max_storage_hm3

    @property
    def min_outflow_m3s(self) -> float:
        return self.outflow.min_outflow_m3s

    @property
    def max_outflow_m3s(self) -> float | None:
        return self.outflow.max_outflow_m3s

    @property
    def min_turbined_m3s(self) -> float:
        return self.generation.min_turbined_m3s

    @property
    def max_turbined_m3s(self) -> float:
        return self.generation.max_turbined_m3s

    @property
    def min_generation_mw(self) -> float:
        return self.generation.min_generation_mw

    @property
    def max_generation_mw(self) -> float:
        return self.generation.max_generation_mw

    @property
    def productivity_mw_per_m3s(self) -> float | None:
        return self.generation.productivity_mw_per_m3s

    @property
    def generation_model(self) -> str:
        return self.generation.model

    def __repr__(self) -> str:
        return _repr(self, "bus_id")


@dataclass(frozen=True, slots=True, repr=False)
class NonControllableSource:
    id: int
    name: str
    bus_id: int
    max_generation_mw: float
    curtailment_cost: float  # resolved: entity value or global ($/MWh)
    entry_stage_id: int | None = None
    exit_stage_id: int | None = None
    entity_curtailment_cost: float | None = None

    def __repr__(self) -> str:
        return _repr(self, "bus_id")


@dataclass(frozen=True, slots=True)
class PumpingFlow:
    min_m3s: float
    max_m3s: float


@dataclass(frozen=True, slots=True, repr=False)
class PumpingStation:
    id: int
    name: str
    bus_id: int
    source_hydro_id: int
    destination_hydro_id: int
    consumption_mw_per_m3s: float
    flow: PumpingFlow
    entry_stage_id: int | None = None
    exit_stage_id: int | None = None

    def __repr__(self) -> str:
        return _repr(self, "bus_id")


@dataclass(frozen=True, slots=True)
class ContractLimits:
    min_mw: float
    max_mw: float


@dataclass(frozen=True, slots=True, repr=False)
class EnergyContract:
    id: int
    name: str
    bus_id: int
    type: str  # "import" | "export"
    price_per_mwh: float
    limits: ContractLimits
    entry_stage_id: int | None = None
    exit_stage_id: int | None = None

    def __repr__(self) -> str:
        return _repr(self, "bus_id")
