"""Inflow history: observations per (hydro, season, year) (spec 11 §5.1)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from pycobre.io.arrow_numpy import to_numpy
from pycobre.io.records import ValidationRecord
from pycobre.stochastic.case_view import CaseView
from pycobre.stochastic.located_error import error_from_records, located_error

__all__ = ["History", "read_history", "season_of_date"]

_FILE = "scenarios/inflow_history.parquet"


@dataclass
class History:
    """Per hydro: chronological list of (year, season, value); plus the season count P."""

    n_seasons: int
    series: dict[int, list[tuple[int, int, float]]] = field(default_factory=dict)

    def by_season(self, hydro_id: int) -> dict[int, list[tuple[int, float]]]:
        out: dict[int, list[tuple[int, float]]] = {m: [] for m in range(self.n_seasons)}
        for year, season, value in self.series.get(hydro_id, []):
            out.setdefault(season, []).append((year, value))
        return out

    def lookup(self, hydro_id: int) -> dict[tuple[int, int], float]:
        return {(y, m): v for y, m, v in self.series.get(hydro_id, [])}


def season_of_date(date: dt.date, stages: list, season_definitions: dict | None) -> int | None:
    for s in stages:
        if s.season_id is not None and s.start_date <= date < s.end_date:
            return s.season_id
    if season_definitions and season_definitions.get("cycle_type") == "monthly":
        for season in season_definitions.get("seasons", []):
            if int(season["month_start"]) == date.month:
                return int(season["id"])
    if season_definitions:
        # coarser seasons (e.g. quarterly): the season whose start month is the latest one <= month
        starts = sorted(
            (int(s["month_start"]), int(s["id"])) for s in season_definitions.get("seasons", [])
        )
        chosen = [sid for m, sid in starts if m <= date.month]
        if chosen:
            return chosen[-1]
        if starts:
            return starts[-1][1]
    return None


def read_history(view: CaseView) -> History:
    """Read and map the history to seasons; monthly data is averaged (day-weighted) into
    coarser seasons of the same year when several months share one season."""
    table = view.table("inflow_history.parquet")
    all_stages = list(view.pre_study_stages) + list(view.study_stages)
    seasons = [s.season_id for s in all_stages if s.season_id is not None]
    if not seasons:
        raise located_error(
            "InsufficientData",
            "inflow_history.parquet needs stages with season_id (season_definitions) to estimate "
            "or replay inflows",
            file="stages.json",
            field="season_id",
        )
    n_seasons = max(seasons) + 1
    hist = History(n_seasons)
    if table is None:
        return hist
    hydros = set(view.hydro_ids)
    hid = np.asarray(to_numpy(table.column("hydro_id")))
    dates = table.column("date").to_pylist()
    values = np.asarray(to_numpy(table.column("value_m3s")), dtype=np.float64)
    acc: dict[tuple[int, int, int], list[float]] = {}
    periods: dict[tuple[int, int, int], set] = {}
    duplicates: list = []
    weekly = (view.season_definitions or {}).get("cycle_type") == "weekly"
    for h, d, v in zip(hid.tolist(), dates, values.tolist(), strict=True):
        if h not in hydros:
            continue
        season = season_of_date(d, all_stages, view.season_definitions)
        if season is None:
            raise located_error(
                "InsufficientData",
                f"{_FILE}: date {d} of hydro {h} maps to no season",
                file=_FILE,
                entity=h,
                field="date",
            )
        days = calendar.monthrange(d.year, d.month)[1]
        # finer data (months of a quarterly season) is averaged (§5.1 step 2); two values for
        # the same period of one (hydro, season, year) are a duplicate (spec 11 §14 rule 31)
        period = d if weekly else (d.year, d.month)
        seen = periods.setdefault((h, d.year, season), set())
        if period in seen and len(duplicates) < 20:
            duplicates.append(
                ValidationRecord(
                    "PhysicalConstraint",
                    f"hydro {h} has more than one observation for season {season} of "
                    f"{d.year} ({d.isoformat() if weekly else f'{d.year}-{d.month:02d}'})",
                    {"file": _FILE, "entity_id": str(h), "field": "date",
                     "cobre_kind": "BusinessRuleViolation", "season_id": season,
                     "year": d.year, "rule": "duplicate_observation"},
                )
            )
        seen.add(period)
        acc.setdefault((h, d.year, season), []).append((v, days))
    if duplicates:
        raise error_from_records(duplicates)
    for (h, year, season), obs in sorted(acc.items()):
        value = obs[0][0] if len(obs) == 1 else sum(v * n for v, n in obs) / sum(n for _, n in obs)
        hist.series.setdefault(h, []).append((year, season, value))
    for h in hist.series:
        hist.series[h].sort()
    return hist
