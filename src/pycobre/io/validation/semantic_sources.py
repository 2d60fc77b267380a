"""L5b scenario-source data rule (spec 03 §4): a scheme that reads scenarios from files needs
those files. ``external`` reads ``scenarios/external_<class>_scenarios.parquet``; ``historical``
replays ``scenarios/inflow_history.parquet``.

Without this rule ``validate`` accepts such a case and ``run`` fails later, while building the
forward sampler. A class with no noise slot (no hydro; no bus with ``std_mw > 0``; no NCS with a
statistics row — the noise layout of spec 11 §1.2) needs no file, as in the sampler.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pycobre.io.arrow_numpy import to_numpy
from pycobre.io.validation.collector import Collector
from pycobre.io.validation.view import CaseView

CONFIG = "config.json"
HISTORY = "scenarios/inflow_history.parquet"


def _external_file(cls: str) -> str:
    return f"scenarios/external_{cls}_scenarios.parquet"


def _has_slots(view: CaseView, cls: str) -> bool:
    if cls == "inflow":
        return bool(view.entities("hydros"))
    if cls == "load":
        table = view.table("scenarios/load_seasonal_stats.parquet")
        if table is None or "std_mw" not in table.column_names:
            return False
        std = np.asarray(to_numpy(table.column("std_mw")), dtype=float)
        return bool((std > 0).any())
    table = view.table("scenarios/non_controllable_stats.parquet")
    return table is not None and table.num_rows > 0


def _sources(config: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(config path, scenario_source)`` pairs; simulation falls back to training's."""
    out = []
    for section in ("training", "simulation"):
        block = config.get(section)
        src = block.get("scenario_source") if isinstance(block, dict) else None
        if isinstance(src, dict):
            out.append((f"{section}.scenario_source", src))
    return out


def check_scenario_sources(view: CaseView, sink: Collector) -> None:
    for path, src in _sources(view.config):
        for cls in ("inflow", "load", "ncs"):
            entry = src.get(cls)
            scheme = entry.get("scheme") if isinstance(entry, dict) else None
            field = f"{path}.{cls}.scheme"
            if scheme == "historical" and view.table(HISTORY) is None:
                sink.add("IncompatibleSettings",
                         f"{field} is 'historical' but {HISTORY} is missing",
                         file=CONFIG, field=field, cobre_kind="BusinessRuleViolation",
                         settings=field, detail=f"missing {HISTORY}",
                         suggestion=f"add {HISTORY} or use another scheme")
            elif scheme == "external" and view.table(_external_file(cls)) is None \
                    and _has_slots(view, cls):
                needed = _external_file(cls)
                sink.add("IncompatibleSettings",
                         f"{field} is 'external' but {needed} is missing",
                         file=CONFIG, field=field, cobre_kind="BusinessRuleViolation",
                         settings=field, detail=f"missing {needed}",
                         suggestion=f"add {needed} or use another scheme")
