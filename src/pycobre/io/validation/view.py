"""Read-only accessors over a ``RawCase`` used by the L3–L5 rules.

L3–L5 only run after L2 found no error, so shapes and types can be trusted here; the helpers
still default missing optional parts to empty values.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pycobre.io.read.raw import RawCase


@dataclass(frozen=True)
class Registry:
    file: str
    key: str
    label: str  # singular label used in messages ("hydro")


REGISTRIES: dict[str, Registry] = {
    "buses": Registry("system/buses.json", "buses", "bus"),
    "lines": Registry("system/lines.json", "lines", "line"),
    "hydros": Registry("system/hydros.json", "hydros", "hydro"),
    "thermals": Registry("system/thermals.json", "thermals", "thermal"),
    "non_controllable_sources": Registry(
        "system/non_controllable_sources.json", "non_controllable_sources", "non-controllable source"
    ),
    "pumping_stations": Registry("system/pumping_stations.json", "pumping_stations",
                                 "pumping station"),
    "contracts": Registry("system/energy_contracts.json", "contracts", "contract"),
    "constraints": Registry("constraints/generic_constraints.json", "constraints",
                            "generic constraint"),
}


class CaseView:
    """Convenience view: entity lists, id sets, stages, blocks and table columns."""

    def __init__(self, raw: RawCase) -> None:
        self.raw = raw

    def doc(self, rel: str) -> dict[str, Any]:
        value = self.raw.json.get(rel)
        return value if isinstance(value, dict) else {}

    def entities(self, registry: str) -> list[dict[str, Any]]:
        reg = REGISTRIES[registry]
        items = self.doc(reg.file).get(reg.key) or []
        return [e for e in items if isinstance(e, dict)]

    def ids(self, registry: str) -> set[int]:
        return {e["id"] for e in self.entities(registry) if "id" in e}

    def name_of(self, registry: str, entity: dict[str, Any]) -> str:
        return str(entity.get("name", entity.get("id")))

    @property
    def config(self) -> dict[str, Any]:
        return self.doc("config.json")

    @property
    def penalties(self) -> dict[str, Any]:
        return self.doc("penalties.json")

    @property
    def stages_doc(self) -> dict[str, Any]:
        return self.doc("stages.json")

    @cached_property
    def study_stages(self) -> list[dict[str, Any]]:
        items = self.stages_doc.get("stages") or []
        return sorted((s for s in items if isinstance(s, dict)), key=lambda s: s.get("id", 0))

    @cached_property
    def pre_study_stages(self) -> list[dict[str, Any]]:
        items = self.stages_doc.get("pre_study_stages") or []
        return sorted((s for s in items if isinstance(s, dict)), key=lambda s: s.get("id", 0))

    @cached_property
    def study_stage_ids(self) -> set[int]:
        return {s["id"] for s in self.study_stages}

    @cached_property
    def all_stage_ids(self) -> set[int]:
        return self.study_stage_ids | {s["id"] for s in self.pre_study_stages}

    @cached_property
    def blocks_by_stage(self) -> dict[int, set[int]]:
        return {
            s["id"]: {b.get("id") for b in (s.get("blocks") or []) if isinstance(b, dict)}
            for s in self.study_stages
        }

    @cached_property
    def season_ids(self) -> set[int] | None:
        seasons = self.stages_doc.get("season_definitions")
        if not isinstance(seasons, dict):
            return None
        return {s.get("id") for s in seasons.get("seasons") or [] if isinstance(s, dict)}

    def table(self, rel: str) -> Any:
        return self.raw.tables.get(rel)

    def column(self, rel: str, name: str) -> list[Any]:
        table = self.table(rel)
        if table is None or name not in table.column_names:
            return []
        return table.column(name).to_pylist()
