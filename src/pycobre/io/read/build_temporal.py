"""``stages.json`` and ``initial_conditions.json`` -> temporal model and initial state."""

from __future__ import annotations

from typing import Any

from pycobre.io.read.access import Access, Skip
from pycobre.io.records import ValidationRecord
from pycobre.model import (
    Block,
    InitialConditions,
    PastInflow,
    PolicyGraph,
    RecentObservation,
    RiskMeasure,
    Season,
    SeasonDefinitions,
    Stage,
    StateVariables,
    Transition,
)
from pycobre.model.frozen_map import FrozenMap

_FILE = "stages.json"


def _risk(a: Access, value: Any, prefix: str) -> RiskMeasure:
    if value is None:
        return RiskMeasure()
    if isinstance(value, str):
        if value.lower() != "expectation":
            raise a.fail("InvalidEnum", prefix, f"unknown risk measure {value!r}",
                         value=value, allowed_values=["expectation", "cvar"])
        return RiskMeasure()
    if isinstance(value, dict) and isinstance(value.get("cvar"), dict):
        p = f"{prefix}.cvar."
        return RiskMeasure(
            "cvar",
            a.get(value["cvar"], "alpha", "number", required=True, nullable=False, prefix=p),
            a.get(value["cvar"], "lambda", "number", required=True, nullable=False, prefix=p),
        )
    raise a.fail("SchemaViolation", prefix,
                 'expected "expectation" or {"cvar": {"alpha": a, "lambda": l}}')


def _stage(a: Access, s: dict[str, Any], i: int) -> Stage:
    p = f"stages[{i}]."
    g = a.get
    blocks = []
    for j, b in enumerate(g(s, "blocks", "array", required=True, prefix=p) or []):
        bp = f"{p}blocks[{j}]."
        blocks.append(Block(
            g(b, "id", "int", required=True, nullable=False, prefix=bp),
            g(b, "name", "string", required=True, nullable=False, prefix=bp),
            g(b, "hours", "number", required=True, nullable=False, prefix=bp),
        ))
    sv = g(s, "state_variables", "object")
    return Stage(
        id=g(s, "id", "int", required=True, nullable=False, prefix=p),
        start_date=g(s, "start_date", "date", required=True, nullable=False, prefix=p),
        end_date=g(s, "end_date", "date", required=True, nullable=False, prefix=p),
        season_id=g(s, "season_id", "int", prefix=p),
        blocks=tuple(sorted(blocks, key=lambda b: b.id)),
        num_scenarios=g(s, "num_scenarios", "int", required=True, nullable=False, prefix=p),
        block_mode=g(s, "block_mode", "string", default="parallel", prefix=p),
        state_variables=StateVariables() if sv is None else StateVariables(
            g(sv, "storage", "bool", default=True, prefix=f"{p}state_variables."),
            g(sv, "inflow_lags", "bool", default=False, prefix=f"{p}state_variables."),
        ),
        risk_measure=_risk(a, s.get("risk_measure"), f"{p}risk_measure"),
        sampling_method=g(s, "sampling_method", "string", default="saa", prefix=p),
    )


def build_temporal(doc: Any, records: list[ValidationRecord]) -> tuple[
    tuple[Stage, ...], PolicyGraph | None, SeasonDefinitions | None
]:
    """Stages sorted by id (pre-study first), study stages numbered 0..T-1 in ``index``."""
    a = Access(_FILE, records)
    g = a.get
    stages: list[Stage] = []
    graph = seasons = None
    try:
        for i, s in enumerate(a.items(doc, "stages")):
            a.entity_id = s.get("id") if isinstance(s, dict) else None
            try:
                stages.append(_stage(a, s, i))
            except Skip:
                pass
        for i, s in enumerate(a.items(doc, "pre_study_stages")):
            p = f"pre_study_stages[{i}]."
            a.entity_id = s.get("id") if isinstance(s, dict) else None
            try:
                stages.append(Stage(
                    id=g(s, "id", "int", required=True, nullable=False, prefix=p),
                    start_date=g(s, "start_date", "date", required=True, nullable=False,
                                 prefix=p),
                    end_date=g(s, "end_date", "date", required=True, nullable=False, prefix=p),
                    season_id=g(s, "season_id", "int", prefix=p),
                ))
            except Skip:
                pass
        a.entity_id = None
        pg = g(doc, "policy_graph", "object", required=True, nullable=False)
        transitions = []
        for i, t in enumerate(g(pg, "transitions", "array", prefix="policy_graph.") or []):
            p = f"policy_graph.transitions[{i}]."
            transitions.append(Transition(
                g(t, "source_id", "int", required=True, nullable=False, prefix=p),
                g(t, "target_id", "int", required=True, nullable=False, prefix=p),
                g(t, "probability", "number", required=True, nullable=False, prefix=p),
                g(t, "annual_discount_rate_override", "number", prefix=p),
            ))
        graph = PolicyGraph(
            g(pg, "type", "string", required=True, nullable=False, prefix="policy_graph."),
            g(pg, "annual_discount_rate", "number", required=True, nullable=False,
              prefix="policy_graph."),
            tuple(sorted(transitions, key=lambda t: (t.source_id, t.target_id))),
        )
        sd = g(doc, "season_definitions", "object")
        if sd is not None:
            p = "season_definitions."
            items = []
            for i, s in enumerate(g(sd, "seasons", "array", required=True, prefix=p) or []):
                sp = f"{p}seasons[{i}]."
                items.append(Season(
                    g(s, "id", "int", required=True, nullable=False, prefix=sp),
                    g(s, "label", "string", required=True, nullable=False, prefix=sp),
                    g(s, "month_start", "int", required=True, nullable=False, prefix=sp),
                    g(s, "day_start", "int", prefix=sp),
                    g(s, "month_end", "int", prefix=sp),
                    g(s, "day_end", "int", prefix=sp),
                ))
            seasons = SeasonDefinitions(
                g(sd, "cycle_type", "string", required=True, nullable=False, prefix=p),
                tuple(sorted(items, key=lambda s: s.id)),
            )
    except Skip:
        pass
    stages.sort(key=lambda s: s.id)
    numbered = []
    t = 0
    for s in stages:
        if s.id >= 0:
            s = Stage(**{**_fields(s), "index": t})
            t += 1
        numbered.append(s)
    return tuple(numbered), graph, seasons


def _fields(s: Stage) -> dict[str, Any]:
    return {name: getattr(s, name) for name in Stage.__dataclass_fields__}


def _storage_map(a: Access, items: list[Any], key: str) -> FrozenMap:
    out: dict[int, float] = {}
    for i, it in enumerate(items):
        p = f"{key}[{i}]."
        hid = a.get(it, "hydro_id", "int", required=True, nullable=False, prefix=p)
        out[hid] = a.get(it, "value_hm3", "number", required=True, nullable=False, prefix=p)
    return FrozenMap(dict(sorted(out.items())))


def build_initial_conditions(doc: Any, records: list[ValidationRecord]) -> InitialConditions | None:
    a = Access("initial_conditions.json", records)
    g = a.get
    try:
        storage = _storage_map(a, a.items(doc, "storage"), "storage")
        filling = _storage_map(a, a.items(doc, "filling_storage"), "filling_storage")
        past = []
        for i, it in enumerate(a.items(doc, "past_inflows")):
            p = f"past_inflows[{i}]."
            sids = g(it, "season_ids", "array", prefix=p)
            past.append(PastInflow(
                g(it, "hydro_id", "int", required=True, nullable=False, prefix=p),
                a.numbers(it, "values_m3s", required=True, prefix=p) or (),
                None if sids is None else tuple(int(x) for x in sids),
            ))
        recent = []
        for i, it in enumerate(a.items(doc, "recent_observations")):
            p = f"recent_observations[{i}]."
            recent.append(RecentObservation(
                g(it, "hydro_id", "int", required=True, nullable=False, prefix=p),
                g(it, "start_date", "date", required=True, nullable=False, prefix=p),
                g(it, "end_date", "date", required=True, nullable=False, prefix=p),
                g(it, "value_m3s", "number", required=True, nullable=False, prefix=p),
            ))
    except (Skip, TypeError, ValueError):
        if not records:
            a.fail("SchemaViolation", "$", "malformed initial conditions")
        return None
    return InitialConditions(
        storage=storage,
        filling_storage=filling,
        past_inflows=tuple(sorted(past, key=lambda p: p.hydro_id)),
        recent_observations=tuple(sorted(recent, key=lambda r: (r.hydro_id, r.start_date))),
    )
