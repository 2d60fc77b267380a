"""Temporal model (spec 01 §3): blocks, stages, seasons and the policy graph."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

__all__ = [
    "Block",
    "PolicyGraph",
    "RiskMeasure",
    "Season",
    "SeasonDefinitions",
    "Stage",
    "StateVariables",
    "Transition",
]


@dataclass(frozen=True, slots=True)
class Block:
    id: int
    name: str
    hours: float


@dataclass(frozen=True, slots=True)
class StateVariables:
    """Parsed but without effect (spec 01 §3.3)."""

    storage: bool = True
    inflow_lags: bool = False


@dataclass(frozen=True, slots=True)
class RiskMeasure:
    kind: str = "expectation"  # "expectation" | "cvar"
    alpha: float | None = None
    lambda_: float | None = None


@dataclass(frozen=True, slots=True)
class Stage:
    """A study stage (``id >= 0``) or a pre-study stage (negative id, no blocks)."""

    id: int
    start_date: _dt.date
    end_date: _dt.date
    season_id: int | None = None
    blocks: tuple[Block, ...] = ()
    num_scenarios: int = 0
    block_mode: str = "parallel"
    state_variables: StateVariables = StateVariables()
    risk_measure: RiskMeasure = RiskMeasure()
    sampling_method: str = "saa"
    #: 0-based position among study stages (``None`` for pre-study stages).
    index: int | None = None

    @property
    def is_study(self) -> bool:
        return self.id >= 0

    @property
    def n_blocks(self) -> int:
        return len(self.blocks)

    @property
    def hours(self) -> float:
        """Stage duration: sum of block hours."""
        return float(sum(b.hours for b in self.blocks))

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days


@dataclass(frozen=True, slots=True)
class Season:
    id: int
    label: str
    month_start: int
    day_start: int | None = None
    month_end: int | None = None
    day_end: int | None = None


@dataclass(frozen=True, slots=True)
class SeasonDefinitions:
    cycle_type: str  # "monthly" | "weekly" | "custom"
    seasons: tuple[Season, ...]  # ascending id


@dataclass(frozen=True, slots=True)
class Transition:
    source_id: int
    target_id: int
    probability: float
    annual_discount_rate_override: float | None = None


@dataclass(frozen=True, slots=True)
class PolicyGraph:
    type: str  # "finite_horizon" | "cyclic"
    annual_discount_rate: float
    transitions: tuple[Transition, ...] = ()  # sorted by (source_id, target_id)
