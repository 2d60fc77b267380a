"""The immutable ``System`` (spec 20 §5.2, contracts §1)."""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from typing import Any

from pycobre.model.entities import (
    Bus,
    EnergyContract,
    Hydro,
    Line,
    NonControllableSource,
    PumpingStation,
    Thermal,
)
from pycobre.model.frozen_map import FrozenMap
from pycobre.model.generic import GenericConstraint
from pycobre.model.initial_conditions import InitialConditions
from pycobre.model.penalties import GlobalPenalties
from pycobre.model.resolved import Resolved
from pycobre.model.temporal import PolicyGraph, SeasonDefinitions, Stage

__all__ = ["System", "lag_count"]

_COLLECTIONS = (
    "buses",
    "lines",
    "hydros",
    "thermals",
    "non_controllable_sources",
    "pumping_stations",
    "contracts",
    "generic_constraints",
    "stages",
)
_OTHERS = (
    "policy_graph",
    "season_definitions",
    "initial_conditions",
    "penalties",
    "config",
    "tables",
    "json_extras",
    "resolved",
    "case_dir",
    "par_model",
)


def lag_count(tables: Mapping[str, Any]) -> int:
    """Number of inflow lags L carried in the state: the AR table's largest lag, 12 when an
    annual component is present (PAR(p)-A needs a year of lags), else 0."""
    n = 0
    ar = tables.get("scenarios/inflow_ar_coefficients.parquet")
    if ar is not None and ar.num_rows:
        n = int(max(ar.column("lag").to_pylist()))
    if tables.get("scenarios/inflow_annual_component.parquet") is not None:
        n = max(n, 12)
    return n


class System:
    """Everything ``load_case`` read, canonicalised. Built only by :func:`pycobre.io.load_case`.

    Collections are stored as tuples (ascending id) and handed out as new lists; the object is
    frozen (assignment raises ``AttributeError``).
    """

    __slots__ = (*(f"_{n}" for n in _COLLECTIONS + _OTHERS), "_n_lags")

    def __init__(
        self,
        *,
        buses: tuple[Bus, ...],
        lines: tuple[Line, ...],
        hydros: tuple[Hydro, ...],
        thermals: tuple[Thermal, ...],
        non_controllable_sources: tuple[NonControllableSource, ...],
        pumping_stations: tuple[PumpingStation, ...],
        contracts: tuple[EnergyContract, ...],
        generic_constraints: tuple[GenericConstraint, ...],
        stages: tuple[Stage, ...],
        policy_graph: PolicyGraph,
        season_definitions: SeasonDefinitions | None,
        initial_conditions: InitialConditions,
        penalties: GlobalPenalties,
        config: dict[str, Any],
        tables: Mapping[str, Any],
        json_extras: Mapping[str, Any],
        resolved: Resolved,
        case_dir: pathlib.Path,
        par_model: Any = None,
    ) -> None:
        values = dict(locals())
        for name in _COLLECTIONS:
            object.__setattr__(self, f"_{name}", tuple(values[name]))
        for name in _OTHERS:
            object.__setattr__(self, f"_{name}", values[name])
        object.__setattr__(self, "_tables", FrozenMap(dict(sorted(tables.items()))))
        object.__setattr__(self, "_json_extras", FrozenMap(dict(json_extras)))
        object.__setattr__(self, "_n_lags", lag_count(self._tables))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"System is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"System is immutable (cannot delete {name!r})")

    # -- entity collections (new list on each access) ---------------------------------------
    @property
    def buses(self) -> list[Bus]:
        return list(self._buses)

    @property
    def lines(self) -> list[Line]:
        return list(self._lines)

    @property
    def hydros(self) -> list[Hydro]:
        return list(self._hydros)

    @property
    def thermals(self) -> list[Thermal]:
        return list(self._thermals)

    @property
    def non_controllable_sources(self) -> list[NonControllableSource]:
        return list(self._non_controllable_sources)

    @property
    def pumping_stations(self) -> list[PumpingStation]:
        return list(self._pumping_stations)

    @property
    def contracts(self) -> list[EnergyContract]:
        return list(self._contracts)

    @property
    def generic_constraints(self) -> list[GenericConstraint]:
        return list(self._generic_constraints)

    @property
    def stages(self) -> list[Stage]:
        """All stages, pre-study included, ascending id."""
        return list(self._stages)

    @property
    def study_stages(self) -> list[Stage]:
        return [s for s in self._stages if s.id >= 0]

    @property
    def pre_study_stages(self) -> list[Stage]:
        return [s for s in self._stages if s.id < 0]

    # -- other members ----------------------------------------------------------------------
    policy_graph = property(lambda self: self._policy_graph)
    season_definitions = property(lambda self: self._season_definitions)
    initial_conditions = property(lambda self: self._initial_conditions)
    penalties = property(lambda self: self._penalties)
    config = property(lambda self: self._config)
    tables = property(lambda self: self._tables)
    json_extras = property(lambda self: self._json_extras)
    resolved = property(lambda self: self._resolved)
    case_dir = property(lambda self: self._case_dir)
    par_model = property(lambda self: self._par_model)

    # -- counts -------------------------------------------------------------------------------
    n_buses = property(lambda self: len(self._buses))
    n_lines = property(lambda self: len(self._lines))
    n_hydros = property(lambda self: len(self._hydros))
    n_thermals = property(lambda self: len(self._thermals))
    n_non_controllable_sources = property(lambda self: len(self._non_controllable_sources))
    n_ncs = n_non_controllable_sources
    n_pumping_stations = property(lambda self: len(self._pumping_stations))
    n_contracts = property(lambda self: len(self._contracts))
    n_generic_constraints = property(lambda self: len(self._generic_constraints))
    n_stages = property(lambda self: len(self._stages), doc="study and pre-study stages")
    n_study_stages = property(lambda self: sum(1 for s in self._stages if s.id >= 0))
    n_pre_study_stages = property(lambda self: sum(1 for s in self._stages if s.id < 0))

    @property
    def n_lags(self) -> int:
        """Inflow lags L in the state (see :func:`lag_count`)."""
        return self._n_lags

    @property
    def state_dimension(self) -> int:
        """Storage states plus inflow-lag states: ``n_hydros * (1 + L)``."""
        return self.n_hydros * (1 + self.n_lags)

    @property
    def topology(self) -> dict[str, Any]:
        return {
            "buses": [b.id for b in self._buses],
            "lines": [
                {"id": ln.id, "source_bus_id": ln.source_bus_id, "target_bus_id": ln.target_bus_id}
                for ln in self._lines
            ],
            "cascade": {h.id: h.downstream_id for h in self._hydros},
        }

    # -- lookups ----------------------------------------------------------------------------
    def position(self, kind: str, entity_id: int) -> int:
        """0-based position of ``entity_id`` in collection ``kind`` ("hydros", ...)."""
        for i, ent in enumerate(getattr(self, f"_{kind}")):
            if ent.id == entity_id:
                return i
        raise KeyError(f"no {kind} entity with id {entity_id}")

    def __eq__(self, other: object) -> bool:
        """Equal content (``case_dir`` excluded, so a reordered copy of a case compares equal)."""
        if not isinstance(other, System):
            return NotImplemented
        for name in _COLLECTIONS + _OTHERS:
            if name in ("case_dir", "tables"):
                continue
            if getattr(self, f"_{name}") != getattr(other, f"_{name}"):
                return False
        if self._tables.keys() != other._tables.keys():
            return False
        return all(self._tables[k].equals(other._tables[k]) for k in self._tables)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        """Picklable (process backends): rebuild through the keyword constructor."""
        kwargs = {n: getattr(self, f"_{n}") for n in _COLLECTIONS + _OTHERS}
        kwargs["tables"] = dict(kwargs["tables"])
        kwargs["json_extras"] = dict(kwargs["json_extras"])
        return (_restore, (kwargs,))

    def __repr__(self) -> str:
        return (
            f"System(n_buses={self.n_buses}, n_lines={self.n_lines}, n_hydros={self.n_hydros}, "
            f"n_thermals={self.n_thermals}, n_stages={self.n_stages})"
        )


def _restore(kwargs: dict[str, Any]) -> System:
    return System(**kwargs)
