"""Per-stage lag transition records (spec 11 §13): accumulate / finalize instead of a plain shift.

The records are computed once; the forward pass (sddp) runs the per-trajectory accumulators.
``cobre_compat`` selects Cobre 0.5.1's finalisation-scan offset (§13.1 step 5) and its
``recent_observations`` unit mix (§13.4); otherwise the corrected rules are used.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from pycobre.stochastic.case_view import StageInfo

__all__ = ["LagTransition", "NO_OP", "compute_lag_transitions", "initial_accumulator"]


@dataclass(frozen=True)
class LagTransition:
    accumulate_weight: float = 0.0
    spillover_weight: float = 0.0
    finalize_period: bool = False
    accumulate_downstream: bool = False
    downstream_accumulate_weight: float = 0.0
    downstream_spillover_weight: float = 0.0
    downstream_finalize: bool = False
    rebuild_from_downstream: bool = False

    # short aliases of spec 11 §13.1
    @property
    def aw(self) -> float:
        return self.accumulate_weight

    @property
    def sw(self) -> float:
        return self.spillover_weight

    @property
    def fin(self) -> bool:
        return self.finalize_period

    @property
    def ds(self) -> bool:
        return self.accumulate_downstream

    @property
    def daw(self) -> float:
        return self.downstream_accumulate_weight

    @property
    def dsw(self) -> float:
        return self.downstream_spillover_weight

    @property
    def dfin(self) -> bool:
        return self.downstream_finalize

    @property
    def rebuild(self) -> bool:
        return self.rebuild_from_downstream

    @property
    def is_plain_shift(self) -> bool:
        return (self.aw, self.sw, self.fin) == (1.0, 0.0, True) and not self.ds and not self.rebuild


NO_OP = LagTransition()


def _month_start(y: int, m: int) -> dt.date:
    return dt.date(y, m, 1)


def _next_month(y: int, m: int) -> tuple[int, int]:
    return (y + 1, 1) if m == 12 else (y, m + 1)


def _overlap_days(start: dt.date, end: dt.date, lo: dt.date, hi: dt.date) -> int:
    return max(0, (min(end, hi) - max(start, lo)).days)


def _month_days(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def season_year(stage: StageInfo, month: int) -> int:
    """First of start.year, start.year-1 whose month overlaps the stage; else start.year+1."""
    for y in (stage.start_date.year, stage.start_date.year - 1):
        lo = _month_start(y, month)
        hi = _month_start(*_next_month(y, month))
        if _overlap_days(stage.start_date, stage.end_date, lo, hi) > 0:
            return y
    return stage.start_date.year + 1


def _months_weight(stage: StageInfo, y: int, months: list[int]) -> float:
    """24·(stage days inside the consecutive months starting at (y, months[0])) / their hours."""
    days = hours = 0
    yy, mm = y, months[0]
    for _ in months:
        lo = _month_start(yy, mm)
        nxt = _next_month(yy, mm)
        days += _overlap_days(stage.start_date, stage.end_date, lo, _month_start(*nxt))
        hours += 24 * _month_days(yy, mm)
        yy, mm = nxt
    return 24.0 * days / hours if days else 0.0


def _season_months(season_definitions: dict | None) -> tuple[str | None, dict[int, int]]:
    if not season_definitions:
        return None, {}
    cycle = season_definitions.get("cycle_type")
    months = {int(s["id"]): int(s["month_start"]) for s in season_definitions.get("seasons", [])}
    return cycle, months


def compute_lag_transitions(
    stages: list[StageInfo],
    season_definitions: dict | None,
    n_lags: int,
    *,
    n_pre_study: int = 0,
    cobre_compat: bool = False,
) -> list[LagTransition]:
    """One record per study stage (primary §13.1 and downstream §13.3 fields)."""
    cycle, months = _season_months(season_definitions)
    fields: list[dict] = [{} for _ in stages]
    if cycle == "monthly":
        years = []
        for stage in stages:
            m = months.get(stage.season_id) if stage.season_id is not None else None
            years.append(None if m is None else season_year(stage, m))
        scan_shift = n_pre_study if cobre_compat else 0
        for t, stage in enumerate(stages):
            if years[t] is None:
                continue
            m, y = months[stage.season_id], years[t]
            aw = _months_weight(stage, y, [m])
            ny, nm = _next_month(y, m)
            sw = _months_weight(stage, ny, [nm])
            later = any(
                stages[k].season_id == stage.season_id and years[k] == y
                for k in range(t + 1 + scan_shift, len(stages))
            )
            fields[t].update(accumulate_weight=aw, spillover_weight=sw, finalize_period=not later)
    if n_lags > 0:
        q = next(
            (k for k, s in enumerate(stages) if s.season_id is not None and s.season_id >= 12), None
        )
        if q is not None:
            ds_positions = [
                k for k in range(max(0, q - 3 * n_lags), q) if stages[k].season_id is not None
            ]
            quarter_of = {}
            for k in ds_positions:
                month = stages[k].season_id % 12 + 1
                qstart = 3 * ((month - 1) // 3) + 1
                y = season_year(stages[k], month)
                quarter_of[k] = qstart
                nq_y, nq_m = (y + 1, 1) if qstart == 10 else (y, qstart + 3)
                fields[k].update(
                    accumulate_downstream=True,
                    downstream_accumulate_weight=_months_weight(stages[k], y, [qstart] * 3),
                    downstream_spillover_weight=_months_weight(stages[k], nq_y, [nq_m] * 3),
                )
            for k in ds_positions:
                later = any(quarter_of.get(j) == quarter_of[k] for j in range(k + 1, q))
                fields[k]["downstream_finalize"] = not later
            fields[q]["rebuild_from_downstream"] = True
    return [LagTransition(**f) if f else NO_OP for f in fields]


def initial_accumulator(
    stages: list[StageInfo],
    season_definitions: dict | None,
    hydro_ids: list[int],
    recent_observations: list[dict],
    *,
    cobre_compat: bool = False,
) -> tuple[np.ndarray, float]:
    """Seed (acc (H,), W) of the primary accumulator from ``recent_observations`` (§13.4)."""
    acc = np.zeros(len(hydro_ids))
    cycle, months = _season_months(season_definitions)
    if not stages or not recent_observations or cycle != "monthly":
        return acc, 0.0
    first = stages[0]
    if first.season_id is None or first.season_id not in months:
        return acc, 0.0
    m = months[first.season_id]
    y = season_year(first, m)
    period_hours = 24.0 * _month_days(y, m)
    pos = {hid: h for h, hid in enumerate(hydro_ids)}
    hours_by_hydro = np.zeros(len(hydro_ids))
    for obs in recent_observations:
        h = pos.get(int(obs["hydro_id"]))
        if h is None:
            continue
        start = dt.date.fromisoformat(str(obs["start_date"])[:10])
        end = dt.date.fromisoformat(str(obs["end_date"])[:10])
        hours = 24.0 * (end - start).days
        acc[h] += float(obs["value_m3s"]) * hours
        hours_by_hydro[h] += hours
    weight = float(hours_by_hydro.max()) / period_hours
    if not cobre_compat:
        acc = acc / period_hours
    return acc, weight
