"""L5b estimation-path rules (spec 02 §2.6 rules 19–21, 28, 31, 20): they apply only when PAR
parameters are estimated from ``inflow_history.parquet`` (history present, seasonal statistics
absent)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import numpy as np

from pycobre.io.validation.collector import Collector
from pycobre.io.validation.view import CaseView

STAGES = "stages.json"
HISTORY = "scenarios/inflow_history.parquet"
INFLOW_STATS = "scenarios/inflow_seasonal_stats.parquet"
#: nominal season length in days per cycle type (rule 31: observations must be at least this fine)
SEASON_DAYS = {"monthly": 31, "weekly": 7}


def estimating(view: CaseView) -> bool:
    return view.table(HISTORY) is not None and INFLOW_STATS not in view.raw.present


def _season_of(cycle: str, seasons: list[dict[str, Any]]) -> Any:
    """Function date -> season id for the cycle type (``None`` when no season matches)."""
    if cycle == "monthly":
        by_month = {s.get("month_start"): s.get("id") for s in seasons}
        return lambda d: by_month.get(d.month)
    if cycle == "weekly":
        ids = {s.get("id") for s in seasons}
        return lambda d: (d.isocalendar()[1] - 1) if (d.isocalendar()[1] - 1) in ids else None

    def custom(d: dt.date) -> Any:
        key = (d.month, d.day)
        for s in seasons:
            start = (s.get("month_start") or 1, s.get("day_start") or 1)
            end = (s.get("month_end") or s.get("month_start") or 12, s.get("day_end") or 31)
            inside = start <= key <= end if start <= end else (key >= start or key <= end)
            if inside:
                return s.get("id")
        return None

    return custom


def check_estimation(view: CaseView, sink: Collector) -> None:
    if not estimating(view):
        return
    history = view.table(HISTORY)
    season_doc = view.stages_doc.get("season_definitions")
    if not isinstance(season_doc, dict):
        sink.add("IncompatibleSettings", "estimating inflow statistics from "
                 f"{HISTORY} requires season_definitions in stages.json", file=STAGES,
                 field="season_definitions", cobre_kind="BusinessRuleViolation",
                 settings=["season_definitions"], detail="estimation needs a season map")
    hydros = history.column("hydro_id").to_pylist()
    dates = history.column("date").to_pylist()
    have = set(hydros)
    for h in view.entities("hydros"):
        if h["id"] not in have:
            sink.add("IncompatibleSettings", f"hydro '{view.name_of('hydros', h)}' has no "
                     f"observations in {HISTORY} (needed to estimate its inflow model)",
                     file=HISTORY, entity=h["id"], field="hydro_id",
                     cobre_kind="BusinessRuleViolation", settings=["inflow_history"],
                     detail="no history rows")
    if not isinstance(season_doc, dict) or not dates:
        return
    cycle = season_doc.get("cycle_type")
    seasons = [s for s in season_doc.get("seasons") or [] if isinstance(s, dict)]
    _resolution(sink, cycle, hydros, dates)
    _observations(view, sink, _season_of(cycle, seasons), seasons, hydros, dates)


def _resolution(sink: Collector, cycle: Any, hydros: list[Any], dates: list[Any]) -> None:
    """Rule 31: observations may not be coarser than the seasons they estimate."""
    limit = SEASON_DAYS.get(cycle)
    if limit is None:
        return
    per_hydro: dict[Any, list[int]] = defaultdict(list)
    for h, d in zip(hydros, dates, strict=True):
        per_hydro[h].append(d.toordinal())
    for h, days in sorted(per_hydro.items()):
        if len(days) < 2:
            continue
        gap = float(np.median(np.diff(np.sort(np.asarray(days)))))
        if gap > limit:
            sink.add("IncompatibleSettings", f"hydro {h}: observations every {gap:.0f} days are "
                     f"coarser than {cycle} seasons", file=HISTORY, entity=h, field="date",
                     cobre_kind="BusinessRuleViolation", settings=["season_definitions"],
                     detail=f"median gap {gap} days")


def _observations(view: CaseView, sink: Collector, season_of: Any,
                  seasons: list[dict[str, Any]], hydros: list[Any], dates: list[Any]) -> None:
    """Rules 20 and 28: enough observations per (hydro, season)."""
    counts = Counter((h, season_of(d)) for h, d in zip(hydros, dates, strict=True))
    estimation = view.config.get("estimation") or {}
    minimum = estimation.get("min_observations_per_season")
    minimum = 30 if not isinstance(minimum, int) else minimum
    scheme = (((view.config.get("training") or {}).get("scenario_source") or {})
              .get("inflow") or {}).get("scheme", "in_sample")
    used = {s.get("season_id") for s in view.study_stages if s.get("season_id") is not None}
    season_ids = [s.get("id") for s in seasons if s.get("id") in used] or \
        [s.get("id") for s in seasons]
    for h in sorted(set(hydros)):
        for sid in season_ids:
            n = counts.get((h, sid), 0)
            if n == 0 and scheme != "external":
                sink.add("PhysicalConstraint", f"hydro {h} has no observations for season {sid}",
                         file=HISTORY, entity=h, field="date", cobre_kind="ModelQuality",
                         severity="warning", rule="season_without_observations", season_id=sid)
            elif 0 < n < minimum:
                sink.add("PhysicalConstraint", f"hydro {h} has {n} observations for season {sid}"
                         f" (estimation.min_observations_per_season = {minimum}); the group is "
                         "skipped", file=HISTORY, entity=h, field="date",
                         cobre_kind="ModelQuality", severity="warning",
                         rule="min_observations_per_season", season_id=sid)
