"""L2 per-file invariants that a single field declaration cannot express (spec 02 §2.2):
duplicate ids, block numbering, date order, deficit tiers, expression syntax, initial-condition
consistency, ``noise_openings`` dimensions. Every rule tolerates malformed input (the type
checks report that); it only adds records for what it can see."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from pycobre.io.fields import FILES
from pycobre.io.validation.collector import Collector
from pycobre.io.validation.declarations import entity_key
from pycobre.io.validation.expression import ExpressionError, parse_expression
from pycobre.io.validation.view import CaseView


def _dicts(items: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(i, x) for i, x in enumerate(items) if isinstance(x, dict)] \
        if isinstance(items, list) else []


def _date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _dup(sink: Collector, rel: str, array: str, items: list[tuple[int, dict[str, Any]]],
         key: str, label: str) -> None:
    seen: set[Any] = set()
    for i, item in items:
        value = item.get(key)
        if value is None or isinstance(value, (dict, list)):
            continue
        if value in seen:
            sink.add("DuplicateId", f"duplicate {key.replace('_', ' ')} {value} in {label}",
                     file=rel, entity=value, field=f"{array}[{i}].{key}", registry=array)
        seen.add(value)


def registry_duplicates(view: CaseView, sink: Collector) -> None:
    for rel, spec in FILES.items():
        if spec.format != "json" or spec.collection is None:
            continue
        key = entity_key(spec)
        doc = view.raw.json.get(rel)
        if key is None or not isinstance(doc, dict):
            continue
        if key == "id" or spec.collection == "production_models":
            _dup(sink, rel, spec.collection, _dicts(doc.get(spec.collection)), key,
                 f"{spec.collection} array")


def stages_rules(view: CaseView, sink: Collector) -> None:
    rel = "stages.json"
    doc = view.raw.json.get(rel)
    if not isinstance(doc, dict):
        return
    if "scenario_source" in doc:
        sink.add("SchemaViolation", f"schema error in {rel}, field scenario_source: "
                 "scenario_source is no longer accepted in stages.json", file=rel,
                 field="scenario_source", expected="absent", actual="present",
                 suggestion="move it to config.json (training.scenario_source / "
                 "simulation.scenario_source)")
    stages = _dicts(doc.get("stages"))
    pre = _dicts(doc.get("pre_study_stages"))
    _dup(sink, rel, "stages", stages, "id", "stages array")
    _dup(sink, rel, "pre_study_stages", pre, "id", "pre_study_stages array")
    study_ids = {s.get("id") for _, s in stages}
    for i, s in pre:
        if s.get("id") in study_ids:
            sink.add("DuplicateId", f"pre-study stage id {s.get('id')} collides with a study "
                     "stage id", file=rel, entity=s.get("id"), field=f"pre_study_stages[{i}].id",
                     registry="stages")
    for array, items in (("stages", stages), ("pre_study_stages", pre)):
        for i, s in items:
            start, end = _date(s.get("start_date")), _date(s.get("end_date"))
            if start and end and not start < end:
                sink.add("OutOfRange", f"schema error in {rel}, field {array}[{i}].end_date: "
                         f"stage {s.get('id')} ends ({end}) on or before it starts ({start})",
                         file=rel, entity=s.get("id"), field=f"{array}[{i}].end_date",
                         value=str(end), min=str(start), max=None)
    for i, s in stages:
        blocks = _dicts(s.get("blocks"))
        ids = [b.get("id") for _, b in blocks]
        if s.get("blocks") == []:
            # a stage without blocks has no hours: nothing can be dispatched or costed
            sink.add("SchemaViolation", f"schema error in {rel}, field stages[{i}].blocks: "
                     "a stage needs at least one block", file=rel, entity=s.get("id"),
                     field=f"stages[{i}].blocks", expected="non-empty array", actual=[])
        elif isinstance(s.get("blocks"), list) and ids != list(range(len(ids))):
            sink.add("SchemaViolation", f"schema error in {rel}, field stages[{i}].blocks: "
                     f"block ids must be exactly 0..{len(ids) - 1} in order, found {ids}",
                     file=rel, entity=s.get("id"), field=f"stages[{i}].blocks",
                     expected=list(range(len(ids))), actual=ids)
        risk = s.get("risk_measure")
        field = f"stages[{i}].risk_measure"
        if isinstance(risk, str) and risk.lower() != "expectation":
            sink.add("InvalidEnum", f"schema error in {rel}, field {field}: unknown risk measure "
                     f"'{risk}'", file=rel, entity=s.get("id"), field=field, value=risk,
                     allowed_values=["expectation", {"cvar": {"alpha": "a", "lambda": "l"}}])
        elif isinstance(risk, dict) and set(risk) != {"cvar"}:
            sink.add("InvalidEnum", f"schema error in {rel}, field {field}: expected "
                     '{"cvar": {...}}', file=rel, entity=s.get("id"), field=field,
                     value=sorted(risk), allowed_values=["expectation", "cvar"])
        elif risk is not None and not isinstance(risk, (str, dict)):
            sink.add("TypeMismatch", f"schema error in {rel}, field {field}: expected string or "
                     "object", file=rel, entity=s.get("id"), field=field,
                     expected_type="string|object", actual_type=type(risk).__name__)
    seasons = doc.get("season_definitions")
    if isinstance(seasons, dict):
        _dup(sink, rel, "season_definitions.seasons", _dicts(seasons.get("seasons")), "id",
             "season_definitions.seasons array")


def _tiers(sink: Collector, rel: str, segments: Any, field: str, entity: Any) -> None:
    items = _dicts(segments)
    if not items:
        return
    last = len(items) - 1
    for k, (i, seg) in enumerate(items):
        depth = seg.get("depth_mw", "absent")
        if k == last and depth is not None:
            sink.add("SchemaViolation", f"schema error in {rel}, field {field}[{i}].depth_mw: the "
                     "last deficit segment must have depth_mw null (unbounded)", file=rel,
                     entity=entity, field=f"{field}[{i}].depth_mw", expected="null",
                     actual=depth)
        elif k < last and depth is None:
            sink.add("SchemaViolation", f"schema error in {rel}, field {field}[{i}].depth_mw: "
                     "only the last deficit segment may have depth_mw null", file=rel,
                     entity=entity, field=f"{field}[{i}].depth_mw", expected="number",
                     actual=None)
    costs = [(i, seg.get("cost")) for i, seg in items]
    for (_, a), (j, b) in zip(costs, costs[1:], strict=False):
        if _num(a) and _num(b) and not b > a:
            sink.add("OutOfRange", f"schema error in {rel}, field {field}[{j}].cost: deficit "
                     f"costs must increase across segments ({a} then {b})", file=rel,
                     entity=entity, field=f"{field}[{j}].cost", value=b, min=a, max=None)


def penalty_rules(view: CaseView, sink: Collector) -> None:
    doc = view.raw.json.get("penalties.json")
    if isinstance(doc, dict) and isinstance(doc.get("bus"), dict):
        _tiers(sink, "penalties.json", doc["bus"].get("deficit_segments"),
               "bus.deficit_segments", None)
    buses = view.raw.json.get("system/buses.json")
    if isinstance(buses, dict):
        for i, bus in _dicts(buses.get("buses")):
            _tiers(sink, "system/buses.json", bus.get("deficit_segments"),
                   f"buses[{i}].deficit_segments", bus.get("id"))


def generic_constraint_rules(view: CaseView, sink: Collector) -> None:
    rel = "constraints/generic_constraints.json"
    doc = view.raw.json.get(rel)
    if not isinstance(doc, dict):
        return
    for i, con in _dicts(doc.get("constraints")):
        text = con.get("expression")
        if not isinstance(text, str):
            continue
        field = f"constraints[{i}].expression"
        try:
            parse_expression(text)  # tokenized and parsed, never evaluated
        except ExpressionError as exc:
            sink.add("SchemaViolation", f"schema error in {rel}, field {field}: cannot parse "
                     f"expression '{text}': {exc}", file=rel, entity=con.get("id"), field=field,
                     expected="linear expression (spec 01 §8.2)", actual=text,
                     position=exc.position)


def initial_condition_rules(view: CaseView, sink: Collector) -> None:
    rel = "initial_conditions.json"
    doc = view.raw.json.get(rel)
    if not isinstance(doc, dict):
        return
    for key in ("storage", "filling_storage", "past_inflows"):
        _dup(sink, rel, key, _dicts(doc.get(key)), "hydro_id", f"{key} array")
    storage = {x.get("hydro_id") for _, x in _dicts(doc.get("storage"))}
    for i, x in _dicts(doc.get("filling_storage")):
        if x.get("hydro_id") in storage:
            sink.add("DuplicateId", f"hydro {x.get('hydro_id')} is in both storage and "
                     "filling_storage", file=rel, entity=x.get("hydro_id"),
                     field=f"filling_storage[{i}].hydro_id", registry="initial_conditions")
    for i, p in _dicts(doc.get("past_inflows")):
        values = p.get("values_m3s")
        field = f"past_inflows[{i}].values_m3s"
        if isinstance(values, list):
            bad = [v for v in values if not (_num(v) and v >= 0)]
            if bad:
                sink.add("OutOfRange", f"schema error in {rel}, field {field}: values must be "
                         f"finite numbers >= 0, found {bad[0]!r}", file=rel,
                         entity=p.get("hydro_id"), field=field, value=bad[0], min=0, max=None)
            seasons = p.get("season_ids")
            if isinstance(seasons, list) and len(seasons) != len(values):
                sink.add("SchemaViolation", f"schema error in {rel}, field "
                         f"past_inflows[{i}].season_ids: {len(seasons)} season ids for "
                         f"{len(values)} values", file=rel, entity=p.get("hydro_id"),
                         field=f"past_inflows[{i}].season_ids", expected=len(values),
                         actual=len(seasons))
    by_hydro: dict[Any, list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
    for i, r in _dicts(doc.get("recent_observations")):
        start, end = _date(r.get("start_date")), _date(r.get("end_date"))
        if start is None or end is None:
            continue
        if not start < end:
            sink.add("OutOfRange", f"schema error in {rel}, field recent_observations[{i}]."
                     f"end_date: {end} is not after {start}", file=rel, entity=r.get("hydro_id"),
                     field=f"recent_observations[{i}].end_date", value=str(end),
                     min=str(start), max=None)
            continue
        by_hydro[r.get("hydro_id")].append((start, end, i))
    for hydro, spans in by_hydro.items():
        spans.sort()
        for (_, e0, _), (s1, _, i1) in zip(spans, spans[1:], strict=False):
            if s1 < e0:
                sink.add("OutOfRange", f"schema error in {rel}, field recent_observations[{i1}]"
                         f".start_date: observations of hydro {hydro} overlap", file=rel,
                         entity=hydro, field=f"recent_observations[{i1}].start_date",
                         value=str(s1), min=str(e0), max=None)


def hydro_rules(view: CaseView, sink: Collector) -> None:
    rel = "system/hydros.json"
    doc = view.raw.json.get(rel)
    if not isinstance(doc, dict):
        return
    for i, h in _dicts(doc.get("hydros")):
        evap = h.get("evaporation")
        if not isinstance(evap, dict):
            continue
        for key in ("coefficients_mm", "reference_volumes_hm3"):
            values = evap.get(key)
            if values is None:
                continue
            field = f"hydros[{i}].evaporation.{key}"
            if not isinstance(values, list) or len(values) != 12 or not all(map(_num, values)):
                sink.add("SchemaViolation", f"schema error in {rel}, field {field}: expected 12 "
                         "finite numbers (index 0 = January)", file=rel, entity=h.get("id"),
                         field=field, expected="12 numbers",
                         actual=len(values) if isinstance(values, list) else values)


def production_model_rules(view: CaseView, sink: Collector) -> None:
    rel = "system/hydro_production_models.json"
    doc = view.raw.json.get(rel)
    if not isinstance(doc, dict):
        return
    for i, pm in _dicts(doc.get("production_models")):
        for array in ("stage_ranges", "seasons"):
            for j, entry in _dicts(pm.get(array)):
                field = f"production_models[{i}].{array}[{j}]"
                if entry.get("model") == "fpha" and entry.get("productivity_override") is not None:
                    sink.add("SchemaViolation", f"schema error in {rel}, field "
                             f"{field}.productivity_override: not allowed with model 'fpha'",
                             file=rel, entity=pm.get("hydro_id"),
                             field=f"{field}.productivity_override", expected="null",
                             actual=entry.get("productivity_override"))
                window = (entry.get("fpha_config") or {}).get("fitting_window") \
                    if isinstance(entry.get("fpha_config"), dict) else None
                if isinstance(window, dict):
                    absolute = any(window.get(k) is not None
                                   for k in ("volume_min_hm3", "volume_max_hm3"))
                    pct = any(window.get(k) is not None
                              for k in ("volume_min_percentile", "volume_max_percentile"))
                    if absolute and pct:
                        sink.add("SchemaViolation", f"schema error in {rel}, field {field}."
                                 "fpha_config.fitting_window: absolute and percentile bounds "
                                 "are mutually exclusive", file=rel, entity=pm.get("hydro_id"),
                                 field=f"{field}.fpha_config.fitting_window",
                                 expected="one form", actual="both")


def correlation_rules(view: CaseView, sink: Collector) -> None:
    rel = "scenarios/correlation.json"
    doc = view.raw.json.get(rel)
    if not isinstance(doc, dict) or not isinstance(doc.get("profiles"), dict):
        return
    if not doc["profiles"]:
        sink.add("SchemaViolation", f"schema error in {rel}, field profiles: must not be empty",
                 file=rel, field="profiles", expected="at least one profile", actual="{}")
    for pname, profile in doc["profiles"].items():
        if not isinstance(profile, dict):
            continue
        for g, group in _dicts(profile.get("correlation_groups")):
            base = f"profiles.{pname}.correlation_groups[{g}]"
            matrix = group.get("matrix")
            if isinstance(matrix, list) and not all(
                isinstance(r, list) and all(map(_num, r)) for r in matrix
            ):
                sink.add("TypeMismatch", f"schema error in {rel}, field {base}.matrix: expected "
                         "an array of arrays of numbers", file=rel, entity=group.get("name"),
                         field=f"{base}.matrix", expected_type="number[][]",
                         actual_type="mixed")
            types = {e.get("type") for _, e in _dicts(group.get("entities"))}
            if len(types) > 1:
                sink.add("SchemaViolation", f"schema error in {rel}, field {base}.entities: one "
                         f"entity type per group, found {sorted(map(str, types))}", file=rel,
                         entity=group.get("name"), field=f"{base}.entities",
                         expected="one type", actual=sorted(map(str, types)))


def noise_openings_rules(view: CaseView, sink: Collector) -> None:
    rel = "scenarios/noise_openings.parquet"
    table = view.raw.tables.get(rel)
    cols = ("stage_id", "opening_index", "entity_index")
    if table is None or not set(cols) <= set(table.column_names):
        return
    stage, opening, entity = (table.column(c).to_pylist() for c in cols)
    n_study = len(view.study_stages)
    stages = set(stage)
    if n_study and len(stages) != n_study:
        sink.add("SchemaViolation", f"schema error in {rel}, field stage_id: {len(stages)} "
                 f"distinct stages, expected {n_study} study stages", file=rel, field="stage_id",
                 expected=n_study, actual=len(stages))
    n_entities = len(set(entity))
    hydros = view.raw.json.get("system/hydros.json")
    n_h = len(_dicts(hydros.get("hydros"))) if isinstance(hydros, dict) else 0
    load = view.raw.tables.get("scenarios/load_seasonal_stats.parquet")
    n_load = 0
    if load is not None and {"bus_id", "std_mw"} <= set(load.column_names):
        n_load = len({b for b, s in zip(load.column("bus_id").to_pylist(),
                                        load.column("std_mw").to_pylist(), strict=True)
                      if s is not None and s > 0})
    if n_entities != n_h + n_load:
        sink.add("SchemaViolation", f"schema error in {rel}, field entity_index: {n_entities} "
                 f"distinct entities, expected {n_h + n_load} ({n_h} hydros + {n_load} load "
                 "buses)", file=rel, field="entity_index", expected=n_h + n_load,
                 actual=n_entities)
    per_stage: dict[Any, Counter[Any]] = defaultdict(Counter)
    for s, o in zip(stage, opening, strict=True):
        per_stage[s][o] += 1
    for s, counts in sorted(per_stage.items(), key=lambda kv: str(kv[0])):
        short = [o for o, c in counts.items() if c != n_entities]
        if short:
            sink.add("SchemaViolation", f"schema error in {rel}: stage {s} opening {short[0]} "
                     f"has {counts[short[0]]} entity rows, expected {n_entities}", file=rel,
                     entity=s, field="entity_index", expected=n_entities,
                     actual=counts[short[0]])


RULES: tuple[Callable[[CaseView, Collector], None], ...] = (
    registry_duplicates,
    stages_rules,
    penalty_rules,
    generic_constraint_rules,
    initial_condition_rules,
    hydro_rules,
    production_model_rules,
    correlation_rules,
    noise_openings_rules,
)
