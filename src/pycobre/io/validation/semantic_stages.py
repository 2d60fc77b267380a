"""L5b semantic rules for stages, penalties and scenario data (spec 02 §2.6)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from pycobre.io.fields import FILES
from pycobre.io.validation.collector import Collector
from pycobre.io.validation.declarations import json_elements, walk_values
from pycobre.io.validation.hydro_models import models_by_hydro, uses_fpha
from pycobre.io.validation.semantic_estimation import check_estimation
from pycobre.io.validation.semantic_sources import check_scenario_sources
from pycobre.io.validation.view import CaseView

STAGES = "stages.json"
PENALTIES = "penalties.json"
INITIAL = "initial_conditions.json"
INFLOW_STATS = "scenarios/inflow_seasonal_stats.parquet"
AR_COEFS = "scenarios/inflow_ar_coefficients.parquet"
LOAD_STATS = "scenarios/load_seasonal_stats.parquet"
CORRELATION = "scenarios/correlation.json"

#: penalty groups for the ordering warnings (rules 6–10).
CONSTRAINT_VIOLATION_COSTS = (
    "turbined_violation_below_cost", "outflow_violation_below_cost",
    "outflow_violation_above_cost", "generation_violation_below_cost",
)
RESOURCE_COSTS = (
    ("hydro", "spillage_cost"), ("hydro", "fpha_turbined_cost"), ("hydro", "diversion_cost"),
    ("line", "exchange_cost"), ("non_controllable_source", "curtailment_cost"),
)

#: JSON factor files whose block ids must exist in their stage (rule 17 and rules 36–41).
FACTOR_FILES = (
    ("scenarios/load_factors.json", "load_factors", "bus_id"),
    ("scenarios/non_controllable_factors.json", "non_controllable_factors", "ncs_id"),
    ("constraints/exchange_factors.json", "exchange_factors", "line_id"),
)


def _date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def check_stages_penalties_scenarios(view: CaseView, sink: Collector) -> None:
    _policy_graph(view, sink)
    _stage_order(view, sink)
    _seasons(view, sink)
    _season_refs(view, sink)
    _penalty_ordering(view, sink)
    _fpha_cost(view, sink)
    _inflow_stats(view, sink)
    _correlation_values(view, sink)
    _factor_blocks(view, sink)
    check_estimation(view, sink)
    _past_inflows(view, sink)
    _sobol(view, sink)
    check_scenario_sources(view, sink)


def _stage_mismatch(sink: Collector, message: str, *, field: str, stage: Any,
                    file: str = STAGES, **extra: Any) -> None:
    sink.add("StageMismatch", message, file=file, entity=stage, field=field, stage_id=stage,
             cobre_kind=extra.pop("cobre_kind", "InvalidValue"), **extra)


def _policy_graph(view: CaseView, sink: Collector) -> None:
    graph = view.stages_doc.get("policy_graph") or {}
    stages = view.all_stage_ids
    sums: dict[Any, float] = defaultdict(float)
    for i, tr in enumerate(graph.get("transitions") or []):
        for key in ("source_id", "target_id"):
            if tr.get(key) not in stages:
                _stage_mismatch(sink, f"policy_graph.transitions[{i}].{key} = {tr.get(key)} is "
                                "not an existing stage", field=f"policy_graph.transitions[{i}].{key}",
                                stage=tr.get(key), detail="unknown stage id")
        sums[tr.get("source_id")] += float(tr.get("probability") or 0.0)
    for source, total in sums.items():
        if abs(total - 1.0) > 1e-6:
            _stage_mismatch(sink, f"outgoing transition probabilities of stage {source} sum to "
                            f"{total:.6g}, expected 1.0", field="policy_graph.transitions",
                            stage=source, detail=f"sum = {total}")
    if graph.get("type") == "cyclic" and not (graph.get("annual_discount_rate") or 0) > 0:
        sink.add("IncompatibleSettings", "a cyclic policy graph requires annual_discount_rate > 0",
                 file=STAGES, field="policy_graph.annual_discount_rate",
                 cobre_kind="InvalidValue", settings=["policy_graph.type",
                                                      "policy_graph.annual_discount_rate"],
                 detail="cyclic horizon with zero discount never converges")


def _stage_order(view: CaseView, sink: Collector) -> None:
    """Stages in id order must follow each other in time (no overlap, no reversal)."""
    ordered = [*view.pre_study_stages, *view.study_stages]
    for prev, cur in zip(ordered, ordered[1:], strict=False):
        p_end, c_start = _date(prev.get("end_date")), _date(cur.get("start_date"))
        if p_end is None or c_start is None or c_start >= p_end:
            continue
        kind = "stages" if cur.get("id", 0) >= 0 else "pre_study_stages"
        _stage_mismatch(sink, f"stage {cur.get('id')} starts on {c_start} before stage "
                        f"{prev.get('id')} ends on {p_end} (stages must be in date order)",
                        field=f"{kind}.start_date", stage=cur.get("id"),
                        detail="stage dates out of order")


def _season_refs(view: CaseView, sink: Collector) -> None:
    """Rules 27 and 32 (and production-model seasons): every declared ``ref="season"`` value
    exists in ``season_definitions`` (checked only when the season map is given)."""
    seasons = view.season_ids
    if seasons is None:
        return
    for rel, spec in FILES.items():
        doc = view.raw.json.get(rel)
        if spec.format != "json" or not isinstance(doc, dict):
            continue
        for decl in (d for d in spec.fields if d.ref == "season"):
            for entity, element, prefix in json_elements(spec, doc):
                for path, value in walk_values(element, decl.name.split("."), prefix):
                    values = value if isinstance(value, list) else [value]
                    for sid in values:
                        if sid is None or sid in seasons:
                            continue
                        owner = entity if entity is not None else _element_id(doc, path)
                        sink.add("StageMismatch", f"{rel} {path} references season {sid} "
                                 "which is not in season_definitions", file=rel, entity=owner,
                                 field=path, cobre_kind="BusinessRuleViolation",
                                 stage_id=owner if rel == STAGES else None,
                                 detail="unknown season", season_id=sid)


def _element_id(doc: dict[str, Any], path: str) -> Any:
    """Id of the top-level array element a path such as ``stages[3].season_id`` points into."""
    head = path.split(".", 1)[0]
    if "[" not in head:
        return None
    key, index = head[:-1].split("[")
    items = doc.get(key)
    element = items[int(index)] if isinstance(items, list) and int(index) < len(items) else None
    if not isinstance(element, dict):
        return None
    return element.get("id", element.get("hydro_id"))


def _seasons(view: CaseView, sink: Collector) -> None:
    seasons = view.season_ids
    if seasons is None:
        return
    durations: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    referenced: set[Any] = set()
    for stage in [*view.study_stages, *view.pre_study_stages]:
        sid = stage.get("season_id")
        if sid is None:
            continue
        referenced.add(sid)
        if sid not in seasons:
            continue  # reported by _season_refs
        start, end = _date(stage.get("start_date")), _date(stage.get("end_date"))
        if start and end:
            durations[sid].append(((end - start).days, stage.get("id")))
    for sid, items in durations.items():
        days = [d for d, _ in items]
        if max(days) - min(days) > 7:
            _stage_mismatch(sink, f"stages sharing season {sid} have durations from {min(days)} "
                            f"to {max(days)} days (must be within 7 days)", field="season_id",
                            stage=items[0][1], cobre_kind="BusinessRuleViolation",
                            detail="season duration spread > 7 days")
    for sid in sorted(s for s in seasons - referenced if s is not None):
        sink.add("PhysicalConstraint", f"season {sid} is defined but no stage references it",
                 file=STAGES, entity=sid, field="season_definitions.seasons",
                 cobre_kind="ModelQuality", severity="warning", rule="unused_season")


def _penalty_ordering(view: CaseView, sink: Collector) -> None:
    pen = view.penalties
    hydro = pen.get("hydro") or {}
    deficits = [s.get("cost") for s in (pen.get("bus") or {}).get("deficit_segments") or []]
    for bus in view.entities("buses"):
        deficits += [s.get("cost") for s in bus.get("deficit_segments") or []]
    deficits = [c for c in deficits if isinstance(c, (int, float))]
    violations = [hydro.get(k) for k in CONSTRAINT_VIOLATION_COSTS]
    violations = [c for c in violations if isinstance(c, (int, float))]
    resources = [(pen.get(sec) or {}).get(k) for sec, k in RESOURCE_COSTS]
    resources = [c for c in resources if isinstance(c, (int, float))]

    def warn(rule: str, message: str, field: str, value: Any) -> None:
        sink.add("PhysicalConstraint", message, file=PENALTIES, field=field,
                 cobre_kind="ModelQuality", severity="warning", rule=rule, penalty_field=field,
                 value=value, violated_rule=rule)

    filling = hydro.get("filling_target_violation_cost")
    storage = hydro.get("storage_violation_below_cost")
    if isinstance(filling, (int, float)) and isinstance(storage, (int, float)) \
            and not filling > storage:
        warn("filling_above_storage", f"filling_target_violation_cost ({filling}) should exceed "
             f"storage_violation_below_cost ({storage})", "hydro.filling_target_violation_cost",
             filling)
    if isinstance(storage, (int, float)) and deficits and not storage > max(deficits):
        warn("storage_above_deficit", f"storage_violation_below_cost ({storage}) should exceed "
             f"the largest deficit cost ({max(deficits)})", "hydro.storage_violation_below_cost",
             storage)
    if deficits and violations and not max(deficits) > max(violations):
        warn("deficit_above_violations", f"the largest deficit cost ({max(deficits)}) should "
             f"exceed the largest constraint violation cost ({max(violations)})",
             "bus.deficit_segments", max(deficits))
    if violations and resources and not min(violations) > max(resources):
        warn("violations_above_resources", f"the smallest constraint violation cost "
             f"({min(violations)}) should exceed the largest resource cost ({max(resources)})",
             "hydro", min(violations))
    if resources and not min(resources) > 0:
        warn("resources_positive", f"the smallest resource cost ({min(resources)}) should be > 0",
             "hydro", min(resources))


def _fpha_cost(view: CaseView, sink: Collector) -> None:
    models = models_by_hydro(view)
    for idx, h in enumerate(view.entities("hydros")):
        cost = (h.get("penalties") or {}).get("fpha_turbined_cost")
        if cost is None or cost >= 0 or not uses_fpha(models.get(h["id"], set())):
            continue
        sink.add("PenaltyConsistency", f"hydro '{view.name_of('hydros', h)}' uses FPHA and needs "
                 f"fpha_turbined_cost >= 0, found {cost}", file="system/hydros.json",
                 entity=h["id"], field=f"hydros[{idx}].penalties.fpha_turbined_cost",
                 cobre_kind="BusinessRuleViolation", penalty_field="fpha_turbined_cost",
                 value=cost, violated_rule="fpha_turbined_cost >= 0")


def _inflow_stats(view: CaseView, sink: Collector) -> None:
    table = view.table(INFLOW_STATS)
    if table is not None and {"hydro_id", "stage_id", "std_m3s"} <= set(table.column_names):
        zero = [(h, s) for h, s, v in zip(table.column("hydro_id").to_pylist(),
                                          table.column("stage_id").to_pylist(),
                                          table.column("std_m3s").to_pylist(), strict=True)
                if v == 0]
        by_hydro: dict[Any, list[Any]] = defaultdict(list)
        for h, s in zero:
            by_hydro[h].append(s)
        for h, stages in sorted(by_hydro.items()):
            sink.add("PhysicalConstraint", f"hydro {h} has std_m3s = 0 (deterministic inflow) "
                     f"at stage(s) {', '.join(map(str, stages[:10]))}", file=INFLOW_STATS,
                     entity=h, field="std_m3s", cobre_kind="ModelQuality", severity="warning",
                     rule="deterministic_inflow")
    ar = view.table(AR_COEFS)
    if ar is not None and {"hydro_id", "stage_id", "residual_std_ratio"} <= set(ar.column_names):
        ratios: dict[tuple[Any, Any], set[float]] = defaultdict(set)
        for h, s, r in zip(ar.column("hydro_id").to_pylist(), ar.column("stage_id").to_pylist(),
                           ar.column("residual_std_ratio").to_pylist(), strict=True):
            ratios[(h, s)].add(r)
        for (h, s), values in sorted(ratios.items()):
            if len(values) > 1:
                sink.add("PhysicalConstraint", f"hydro {h} stage {s}: residual_std_ratio differs "
                         f"across lags ({sorted(values)})", file=AR_COEFS, entity=h,
                         field="residual_std_ratio", cobre_kind="InvalidValue",
                         rule="residual_std_ratio_constant", stage_id=s)


def _correlation_values(view: CaseView, sink: Collector) -> None:
    profiles = view.doc(CORRELATION).get("profiles") or {}
    for pname, profile in profiles.items():
        for g, group in enumerate((profile or {}).get("correlation_groups") or []):
            m = group.get("matrix") or []
            n = len(m)
            if any(not isinstance(r, list) or len(r) != n for r in m):
                continue  # shape errors belong to L4
            field = f"profiles.{pname}.correlation_groups[{g}].matrix"
            name = group.get("name")
            problems: list[tuple[str, str]] = []
            for i in range(n):
                if abs(m[i][i] - 1.0) > 1e-9:
                    problems.append(("diagonal", f"diagonal entry [{i}][{i}] = {m[i][i]} is not 1"))
                for j in range(n):
                    if not -1.0 <= m[i][j] <= 1.0:
                        problems.append(("range", f"entry [{i}][{j}] = {m[i][j]} is outside [-1, 1]"))
                    if j > i and abs(m[i][j] - m[j][i]) > 1e-9:
                        problems.append(("symmetric", f"entries [{i}][{j}] and [{j}][{i}] differ"))
            for rule, text in problems:
                sink.add("PhysicalConstraint", f"correlation group '{name}': {text}",
                         file=CORRELATION, entity=name, field=field,
                         cobre_kind="BusinessRuleViolation", rule=f"correlation_{rule}")


def _factor_blocks(view: CaseView, sink: Collector) -> None:
    blocks = view.blocks_by_stage
    zero_std: set[tuple[Any, Any]] = set()
    load = view.table(LOAD_STATS)
    if load is not None and {"bus_id", "stage_id", "std_mw"} <= set(load.column_names):
        zero_std = {(b, s) for b, s, v in zip(load.column("bus_id").to_pylist(),
                                              load.column("stage_id").to_pylist(),
                                              load.column("std_mw").to_pylist(), strict=True)
                    if v == 0}
    for rel, key, entity_key in FACTOR_FILES:
        for i, entry in enumerate(view.doc(rel).get(key) or []):
            stage, entity = entry.get("stage_id"), entry.get(entity_key)
            for j, bf in enumerate(entry.get("block_factors") or []):
                block = bf.get("block_id")
                if stage in blocks and block not in blocks[stage]:
                    sink.add("StageMismatch", f"{key}[{i}]: block {block} does not exist in "
                             f"stage {stage}", file=rel, entity=entity,
                             field=f"{key}[{i}].block_factors[{j}].block_id",
                             cobre_kind="BusinessRuleViolation", stage_id=stage,
                             detail=f"stage {stage} has blocks {sorted(blocks[stage])}")
            if key == "load_factors" and (entity, stage) in zero_std:
                sink.add("PhysicalConstraint", f"load factors given for bus {entity} stage "
                         f"{stage} whose std_mw is 0", file=rel, entity=entity,
                         field=f"{key}[{i}]", cobre_kind="ModelQuality", severity="warning",
                         rule="load_factor_deterministic_bus")


def _par_orders(view: CaseView) -> dict[Any, int]:
    ar = view.table(AR_COEFS)
    if ar is None or not {"hydro_id", "lag"} <= set(ar.column_names):
        return {}
    orders: dict[Any, int] = {}
    for h, lag in zip(ar.column("hydro_id").to_pylist(), ar.column("lag").to_pylist(),
                      strict=True):
        orders[h] = max(orders.get(h, 0), int(lag or 0))
    return orders


def _past_inflows(view: CaseView, sink: Collector) -> None:
    orders = _par_orders(view)
    past = view.doc(INITIAL).get("past_inflows") or []
    given = {p.get("hydro_id"): (i, p) for i, p in enumerate(past)}
    lags_on = any((s.get("state_variables") or {}).get("inflow_lags") for s in view.study_stages)
    for h in view.entities("hydros"):
        p = orders.get(h["id"], 0)
        if p <= 0:
            continue
        name = view.name_of("hydros", h)
        if h["id"] not in given:
            if lags_on:
                sink.add("IncompatibleSettings", f"hydro '{name}' has PAR order {p} and "
                         "inflow_lags is on, but initial_conditions has no past_inflows for it",
                         file=INITIAL, entity=h["id"], field="past_inflows",
                         cobre_kind="BusinessRuleViolation", settings=["inflow_lags"],
                         detail=f"PAR order {p}")
            continue
        i, entry = given[h["id"]]
        values = entry.get("values_m3s") or []
        if len(values) < p:
            sink.add("PhysicalConstraint", f"hydro '{name}' has PAR order {p} but past_inflows "
                     f"gives {len(values)} value(s)", file=INITIAL, entity=h["id"],
                     field=f"past_inflows[{i}].values_m3s", cobre_kind="BusinessRuleViolation",
                     rule="past_inflows_length")


def _sobol(view: CaseView, sink: Collector) -> None:
    for idx, s in enumerate(view.stages_doc.get("stages") or []):
        n = s.get("num_scenarios")
        if s.get("sampling_method") == "qmc_sobol" and isinstance(n, int) and n > 0 \
                and n & (n - 1):
            sink.add("PhysicalConstraint", f"stage {s.get('id')} uses qmc_sobol with "
                     f"{n} openings; a power of two is recommended", file=STAGES,
                     entity=s.get("id"), field=f"stages[{idx}].num_scenarios",
                     cobre_kind="ModelQuality", severity="warning", rule="sobol_power_of_two")
