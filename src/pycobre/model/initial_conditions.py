"""Initial state of a study (spec 01 §5)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["InitialConditions", "PastInflow", "RecentObservation"]


@dataclass(frozen=True, slots=True)
class PastInflow:
    hydro_id: int
    values_m3s: tuple[float, ...]  # index 0 = lag 1 (most recent)
    season_ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class RecentObservation:
    hydro_id: int
    start_date: _dt.date
    end_date: _dt.date
    value_m3s: float


@dataclass(frozen=True, slots=True)
class InitialConditions:
    #: hydro id -> initial storage (hm³), ascending id; a hydro not listed starts at 0.
    storage: Mapping[int, float]
    filling_storage: Mapping[int, float]
    past_inflows: tuple[PastInflow, ...] = ()  # ascending hydro id
    recent_observations: tuple[RecentObservation, ...] = ()  # by (hydro id, start date)

    def storage_hm3(self, hydro_id: int) -> float:
        """Initial storage used for the first stage (0 when the hydro is not listed)."""
        return float(self.storage.get(hydro_id, 0.0))

    def past_inflow(self, hydro_id: int) -> PastInflow | None:
        for p in self.past_inflows:
            if p.hydro_id == hydro_id:
                return p
        return None
