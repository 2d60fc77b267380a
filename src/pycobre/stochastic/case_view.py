"""The slice of a case the stochastic layer reads, from a ``System`` or straight from disk.

``CaseView.from_system`` reads the attributes promised in contracts §1 tolerantly (objects or
dicts), so this layer keeps working while the data model evolves; ``CaseView.from_case_dir``
reads the JSON/Parquet files itself (used by tests and tools without a full ``System``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from pycobre.io.arrow_numpy import read_parquet_table

__all__ = ["StageInfo", "CaseView", "read_case_dict"]

_SCENARIO_JSON = ("correlation.json", "load_factors.json", "non_controllable_factors.json")


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class StageInfo:
    index: int  # position among study stages; -1 for pre-study stages
    id: int
    start_date: dt.date
    end_date: dt.date
    season_id: int | None
    num_scenarios: int
    sampling_method: str

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days


def _stage_info(obj: Any, index: int) -> StageInfo:
    season = _get(obj, "season_id")
    method = _get(obj, "sampling_method") or "saa"
    method = _get(method, "value", method) if not isinstance(method, str) else method
    return StageInfo(
        index=index,
        id=int(_get(obj, "id")),
        start_date=_date(_get(obj, "start_date")),
        end_date=_date(_get(obj, "end_date")),
        season_id=None if season is None else int(season),
        num_scenarios=int(_get(obj, "num_scenarios", 1) or 1),
        sampling_method=str(method),
    )


def _entity_ids(items: Any) -> list[int]:
    return sorted(int(_get(e, "id")) for e in (items or []))


def _lifecycle(items: Any) -> dict[int, tuple[int | None, int | None]]:
    return {
        int(_get(e, "id")): (_get(e, "entry_stage_id"), _get(e, "exit_stage_id"))
        for e in items or []
    }


@dataclass
class CaseView:
    study_stages: list[StageInfo]
    pre_study_stages: list[StageInfo]
    season_definitions: dict | None
    hydro_ids: list[int]
    bus_ids: list[int]
    ncs_ids: list[int]
    hydro_lifecycle: dict[int, tuple[int | None, int | None]]
    config: dict
    tables: Mapping[str, pa.Table]
    json_extras: Mapping[str, Any]
    past_inflows: dict[int, list[float]] = field(default_factory=dict)
    recent_observations: list[dict] = field(default_factory=list)
    case_dir: Path | None = None

    # ---- constructors -------------------------------------------------------------------
    @classmethod
    def from_system(cls, system: Any) -> CaseView:
        stages_all = list(_get(system, "stages", []) or [])
        study = _get(system, "study_stages")
        if study is None:
            study = [s for s in stages_all if int(_get(s, "id")) >= 0]
        pre = [s for s in stages_all if int(_get(s, "id")) < 0]
        study_infos = [_stage_info(s, i) for i, s in enumerate(study)]
        pre_infos = sorted((_stage_info(s, -1) for s in pre), key=lambda s: s.id)
        ic = _get(system, "initial_conditions")
        seasons = _get(system, "season_definitions")
        return cls(
            study_stages=study_infos,
            pre_study_stages=pre_infos,
            season_definitions=_as_plain(seasons),
            hydro_ids=_entity_ids(_get(system, "hydros")),
            bus_ids=_entity_ids(_get(system, "buses")),
            ncs_ids=_entity_ids(_get(system, "non_controllable_sources")),
            hydro_lifecycle=_lifecycle(_get(system, "hydros")),
            config=dict(_as_plain(_get(system, "config")) or {}),
            tables=_get(system, "tables") or {},
            json_extras=_normalise_extras(_get(system, "json_extras") or {}),
            past_inflows=_past_inflows(_get(ic, "past_inflows")),
            recent_observations=[_as_plain(o) for o in (_get(ic, "recent_observations") or [])],
            case_dir=_get(system, "case_dir"),
        )

    @classmethod
    def from_case_dir(cls, case_dir: str | Path) -> CaseView:
        return cls.from_system(read_case_dict(case_dir))

    # ---- helpers ------------------------------------------------------------------------
    @property
    def n_stages(self) -> int:
        return len(self.study_stages)

    def table(self, name: str) -> pa.Table | None:
        """A ``scenarios/`` table by file name, ``None`` when absent or empty."""
        t = self.tables.get(f"scenarios/{name}")
        if t is None:
            t = self.tables.get(name)
        return t if t is not None and t.num_rows > 0 else None

    def extra(self, name: str) -> Any:
        return self.json_extras.get(f"scenarios/{name}", self.json_extras.get(name))

    def config_section(self, *path: str) -> Any:
        node: Any = self.config
        for key in path:
            node = _get(node, key)
            if node is None:
                return None
        return node

    def hydro_active(self, hydro_id: int, stage_id: int) -> bool:
        entry, exit_ = self.hydro_lifecycle.get(hydro_id, (None, None))
        return (entry is None or stage_id >= entry) and (exit_ is None or stage_id < exit_)


def _as_plain(obj: Any) -> Any:
    """Dataclass/attribute objects to plain dicts/lists (for config and season maps)."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, Mapping):
        return {k: _as_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_as_plain(v) for v in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return {k: _as_plain(getattr(obj, k)) for k in obj.__dataclass_fields__}
    if hasattr(obj, "__dict__"):
        return {k: _as_plain(v) for k, v in vars(obj).items() if not k.startswith("_")}
    return obj


def _normalise_extras(extras: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in extras.items():
        out[key] = value
        name = str(key).split("/")[-1]
        if not name.endswith(".json"):
            name = f"{name}.json"
        out.setdefault(f"scenarios/{name}", value)
    return out


def _past_inflows(items: Any) -> dict[int, list[float]]:
    out: dict[int, list[float]] = {}
    if isinstance(items, Mapping):
        for hid, vals in items.items():
            out[int(hid)] = [float(v) for v in (_get(vals, "values_m3s", vals) or [])]
        return out
    for item in items or []:
        out[int(_get(item, "hydro_id"))] = [float(v) for v in _get(item, "values_m3s", []) or []]
    return out


def read_case_dict(case_dir: str | Path) -> dict[str, Any]:
    """The inputs of this layer read straight from a case directory, as a ``System``-like dict.

    Tests mutate this dict (stages, config, tables) to build variants without touching files.
    """
    root = Path(case_dir)

    def load(rel: str, default: Any = None) -> Any:
        path = root / rel
        return json.loads(path.read_text()) if path.exists() else default

    stages = load("stages.json", {})
    study = sorted(stages.get("stages", []), key=lambda s: s["id"])
    pre = list(stages.get("pre_study_stages") or [])
    tables = {
        f"scenarios/{p.name}": read_parquet_table(p)
        for p in sorted((root / "scenarios").glob("*.parquet"))
    }
    extras = {}
    for name in _SCENARIO_JSON:
        data = load(f"scenarios/{name}")
        if data is not None:
            extras[f"scenarios/{name}"] = data
    return {
        "stages": sorted(study + pre, key=lambda s: s["id"]),
        "study_stages": study,
        "season_definitions": stages.get("season_definitions"),
        "hydros": load("system/hydros.json", {}).get("hydros", []),
        "buses": load("system/buses.json", {}).get("buses", []),
        "non_controllable_sources": load("system/non_controllable_sources.json", {}).get(
            "non_controllable_sources", []
        ),
        "config": load("config.json", {}),
        "initial_conditions": load("initial_conditions.json", {}),
        "tables": tables,
        "json_extras": extras,
        "case_dir": root,
    }
