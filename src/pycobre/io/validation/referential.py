"""L3 referential layer: every cross-entity id reference resolves (spec 02 §2.3).

All dangling references are collected. Parquet columns are checked per *distinct* missing value
(one record names the value, the first row and how many rows carry it) so that a bad stage id in
a 10,000-row table gives one readable line, not 10,000.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from pycobre.io.validation.collector import Collector
from pycobre.io.validation.expression import VARIABLE_REGISTRY, parse_expression
from pycobre.io.validation.view import REGISTRIES, CaseView

#: (registry, dotted field, target registry) for entity-to-entity references (rules 1–11).
ENTITY_REFS: tuple[tuple[str, str, str], ...] = (
    ("lines", "source_bus_id", "buses"),
    ("lines", "target_bus_id", "buses"),
    ("hydros", "bus_id", "buses"),
    ("hydros", "downstream_id", "hydros"),
    ("hydros", "diversion.downstream_id", "hydros"),
    ("thermals", "bus_id", "buses"),
    ("non_controllable_sources", "bus_id", "buses"),
    ("pumping_stations", "bus_id", "buses"),
    ("pumping_stations", "source_hydro_id", "hydros"),
    ("pumping_stations", "destination_hydro_id", "hydros"),
    ("contracts", "bus_id", "buses"),
)

LIFECYCLE_REGISTRIES = (
    "lines", "hydros", "thermals", "non_controllable_sources", "pumping_stations", "contracts",
)

#: Parquet file -> (column, target). Target "stage" = any declared stage (study or pre-study),
#: "study_stage" = a study stage.
TABLE_REFS: dict[str, tuple[tuple[str, str], ...]] = {
    "system/hydro_geometry.parquet": (("hydro_id", "hydros"),),
    "system/fpha_hyperplanes.parquet": (("hydro_id", "hydros"), ("stage_id", "study_stage")),
    "scenarios/inflow_seasonal_stats.parquet": (("hydro_id", "hydros"), ("stage_id", "stage")),
    "scenarios/inflow_ar_coefficients.parquet": (("hydro_id", "hydros"), ("stage_id", "stage")),
    "scenarios/inflow_annual_component.parquet": (("hydro_id", "hydros"), ("stage_id", "stage")),
    "scenarios/inflow_history.parquet": (("hydro_id", "hydros"),),
    "scenarios/external_inflow_scenarios.parquet": (
        ("hydro_id", "hydros"), ("stage_id", "study_stage")),
    "scenarios/external_load_scenarios.parquet": (
        ("bus_id", "buses"), ("stage_id", "study_stage")),
    "scenarios/external_ncs_scenarios.parquet": (
        ("ncs_id", "non_controllable_sources"), ("stage_id", "study_stage")),
    "scenarios/load_seasonal_stats.parquet": (("bus_id", "buses"), ("stage_id", "stage")),
    "scenarios/non_controllable_stats.parquet": (
        ("ncs_id", "non_controllable_sources"), ("stage_id", "stage")),
    "constraints/thermal_bounds.parquet": (("thermal_id", "thermals"), ("stage_id", "study_stage")),
    "constraints/hydro_bounds.parquet": (("hydro_id", "hydros"), ("stage_id", "study_stage")),
    "constraints/line_bounds.parquet": (("line_id", "lines"), ("stage_id", "study_stage")),
    "constraints/pumping_bounds.parquet": (
        ("station_id", "pumping_stations"), ("stage_id", "study_stage")),
    "constraints/contract_bounds.parquet": (
        ("contract_id", "contracts"), ("stage_id", "study_stage")),
    "constraints/ncs_bounds.parquet": (
        ("ncs_id", "non_controllable_sources"), ("stage_id", "study_stage")),
    "constraints/penalty_overrides_bus.parquet": (("bus_id", "buses"), ("stage_id", "study_stage")),
    "constraints/penalty_overrides_line.parquet": (("line_id", "lines"), ("stage_id", "study_stage")),
    "constraints/penalty_overrides_hydro.parquet": (
        ("hydro_id", "hydros"), ("stage_id", "study_stage")),
    "constraints/penalty_overrides_ncs.parquet": (
        ("source_id", "non_controllable_sources"), ("stage_id", "study_stage")),
    "constraints/generic_constraint_bounds.parquet": (
        ("constraint_id", "constraints"), ("stage_id", "study_stage")),
}

#: JSON factor files: (file, array key, entity column, target registry).
FACTOR_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("scenarios/load_factors.json", "load_factors", "bus_id", "buses"),
    ("scenarios/non_controllable_factors.json", "non_controllable_factors", "ncs_id",
     "non_controllable_sources"),
    ("constraints/exchange_factors.json", "exchange_factors", "line_id", "lines"),
)

CORRELATION_TARGET = {"inflow": "hydros", "load": "buses", "ncs": "non_controllable_sources"}


def _dig(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _missing(sink: Collector, *, file: str, entity: Any, field: str, message: str,
             value: Any, registry: str, **extra: Any) -> None:
    sink.add(
        "MissingReference",
        message,
        file=file,
        entity=entity,
        field=field,
        referenced_value=value,
        referenced_registry=registry,
        suggestion=f"use an id declared in {REGISTRIES[registry].file}"
        if registry in REGISTRIES
        else "use a stage id declared in stages.json",
        **extra,
    )


class _Targets:
    """Id sets of every reference target, computed once."""

    def __init__(self, view: CaseView) -> None:
        self.view = view
        self._cache: dict[str, set[int]] = {}

    def ids(self, target: str) -> set[int]:
        if target not in self._cache:
            if target == "stage":
                self._cache[target] = self.view.all_stage_ids
            elif target == "study_stage":
                self._cache[target] = self.view.study_stage_ids
            else:
                self._cache[target] = self.view.ids(target)
        return self._cache[target]

    @staticmethod
    def describe(target: str) -> tuple[str, str]:
        if target in ("stage", "study_stage"):
            return ("study stage" if target == "study_stage" else "stage"), "stages.json"
        return REGISTRIES[target].label, target


def check_references(view: CaseView, sink: Collector) -> None:
    targets = _Targets(view)
    _entity_refs(view, targets, sink)
    _table_refs(view, targets, sink)
    _factor_refs(view, targets, sink)
    _initial_condition_refs(view, targets, sink)
    _production_model_refs(view, targets, sink)
    _correlation_refs(view, targets, sink)
    _expression_refs(view, targets, sink)
    _generic_bound_blocks(view, sink)


def _entity_refs(view: CaseView, targets: _Targets, sink: Collector) -> None:
    for registry, field, target in ENTITY_REFS:
        reg = REGISTRIES[registry]
        known = targets.ids(target)
        label, tname = targets.describe(target)
        for idx, ent in enumerate(view.entities(registry)):
            value = _dig(ent, field)
            if value is None or value in known:
                continue
            _missing(
                sink, file=reg.file, entity=ent.get("id"), field=f"{reg.key}[{idx}].{field}",
                message=f"{reg.label.capitalize()} '{view.name_of(registry, ent)}' references "
                f"non-existent {label} {value} in {tname}",
                value=value, registry=target,
            )
    stage_ids = targets.ids("stage")
    for registry in LIFECYCLE_REGISTRIES:
        reg = REGISTRIES[registry]
        for idx, ent in enumerate(view.entities(registry)):
            for field in ("entry_stage_id", "exit_stage_id"):
                value = ent.get(field)
                if value is None or value in stage_ids:
                    continue
                _missing(
                    sink, file=reg.file, entity=ent.get("id"), field=f"{reg.key}[{idx}].{field}",
                    message=f"{reg.label.capitalize()} '{view.name_of(registry, ent)}' references "
                    f"non-existent stage {value} in stages.json ({field})",
                    value=value, registry="stages",
                )


def _table_refs(view: CaseView, targets: _Targets, sink: Collector) -> None:
    for rel, refs in TABLE_REFS.items():
        table = view.table(rel)
        if table is None:
            continue
        for column, target in refs:
            if column not in table.column_names:
                continue
            values = np.asarray(table.column(column).to_numpy(zero_copy_only=False))
            if values.size == 0:
                continue
            mask = ~np.isnan(values.astype(float))  # null stage_id (fpha) means "all stages"
            known = np.fromiter(targets.ids(target), dtype=float)
            bad = mask & ~np.isin(values.astype(float), known)
            if not bad.any():
                continue
            label, tname = targets.describe(target)
            bad_values, first, counts = np.unique(
                values[bad].astype(np.int64), return_index=True, return_counts=True
            )
            rows = np.flatnonzero(bad)[first]
            for value, row, count in zip(bad_values.tolist(), rows.tolist(), counts.tolist(),
                                         strict=True):
                entity_col = refs[0][0]
                entity = table.column(entity_col)[row].as_py()
                _missing(
                    sink, file=rel, entity=entity, field=column,
                    message=f"row {row} of {rel} references non-existent {label} {value} in "
                    f"{tname} (column {column}, {count} row{'s' if count > 1 else ''})",
                    value=value, registry=target if target in REGISTRIES else "stages",
                    row=row, rows_affected=count,
                )


def _factor_refs(view: CaseView, targets: _Targets, sink: Collector) -> None:
    for rel, key, entity_field, target in FACTOR_FILES:
        entries = view.doc(rel).get(key) or []
        known = targets.ids(target)
        stages = targets.ids("study_stage")
        label, tname = targets.describe(target)
        for idx, entry in enumerate(entries):
            value = entry.get(entity_field)
            if value not in known:
                _missing(sink, file=rel, entity=value, field=f"{key}[{idx}].{entity_field}",
                         message=f"{key}[{idx}] references non-existent {label} {value} in {tname}",
                         value=value, registry=target)
            stage = entry.get("stage_id")
            if stage not in stages:
                _missing(sink, file=rel, entity=value, field=f"{key}[{idx}].stage_id",
                         message=f"{key}[{idx}] references non-existent study stage {stage} "
                         "in stages.json", value=stage, registry="stages")


def _initial_condition_refs(view: CaseView, targets: _Targets, sink: Collector) -> None:
    rel = "initial_conditions.json"
    doc = view.doc(rel)
    hydros = targets.ids("hydros")
    for key in ("storage", "filling_storage", "past_inflows", "recent_observations"):
        for idx, entry in enumerate(doc.get(key) or []):
            value = entry.get("hydro_id")
            if value in hydros:
                continue
            _missing(sink, file=rel, entity=value, field=f"{key}[{idx}].hydro_id",
                     message=f"{key}[{idx}] references non-existent hydro {value} in hydros",
                     value=value, registry="hydros")


def _production_model_refs(view: CaseView, targets: _Targets, sink: Collector) -> None:
    rel = "system/hydro_production_models.json"
    hydros = targets.ids("hydros")
    for idx, entry in enumerate(view.doc(rel).get("production_models") or []):
        value = entry.get("hydro_id")
        if value not in hydros:
            _missing(sink, file=rel, entity=value, field=f"production_models[{idx}].hydro_id",
                     message=f"production_models[{idx}] references non-existent hydro {value} "
                     "in hydros", value=value, registry="hydros")


def _correlation_refs(view: CaseView, targets: _Targets, sink: Collector) -> None:
    rel = "scenarios/correlation.json"
    profiles = view.doc(rel).get("profiles") or {}
    for pname, profile in profiles.items():
        for g, group in enumerate((profile or {}).get("correlation_groups") or []):
            for e, ent in enumerate(group.get("entities") or []):
                target = CORRELATION_TARGET.get(ent.get("type"))
                if target is None or ent.get("id") in targets.ids(target):
                    continue
                label, tname = targets.describe(target)
                _missing(
                    sink, file=rel, entity=ent.get("id"),
                    field=f"profiles.{pname}.correlation_groups[{g}].entities[{e}].id",
                    message=f"correlation group '{group.get('name')}' references non-existent "
                    f"{label} {ent.get('id')} in {tname}",
                    value=ent.get("id"), registry=target,
                )


def _expression_refs(view: CaseView, targets: _Targets, sink: Collector) -> None:
    reg = REGISTRIES["constraints"]
    for idx, con in enumerate(view.entities("constraints")):
        try:
            terms = parse_expression(str(con.get("expression", "")))
        except ValueError:
            continue  # reported by L2
        for term in terms:
            if term.variable is None:
                continue
            target = VARIABLE_REGISTRY[term.variable]
            if term.entity_id in targets.ids(target):
                continue
            label, tname = targets.describe(target)
            _missing(
                sink, file=reg.file, entity=con.get("id"), field=f"constraints[{idx}].expression",
                message=f"generic constraint '{con.get('name')}' references non-existent {label} "
                f"{term.entity_id} in {tname} ({term.variable})",
                value=term.entity_id, registry=target,
            )


def _generic_bound_blocks(view: CaseView, sink: Collector) -> None:
    """Rules 34–35: block ids valid for the stage; unique (constraint, stage, block) keys."""
    rel = "constraints/generic_constraint_bounds.parquet"
    table = view.table(rel)
    if table is None or not {"constraint_id", "stage_id"} <= set(table.column_names):
        return
    cons = table.column("constraint_id").to_pylist()
    stages = table.column("stage_id").to_pylist()
    blocks: Iterable[Any] = (
        table.column("block_id").to_pylist() if "block_id" in table.column_names
        else [None] * table.num_rows
    )
    seen: dict[tuple[Any, Any, Any], int] = {}
    for row, key in enumerate(zip(cons, stages, blocks, strict=True)):
        con, stage, block = key
        if block is not None and stage in view.blocks_by_stage and \
                block not in view.blocks_by_stage[stage]:
            sink.add("StageMismatch", f"row {row} of {rel}: block {block} does not exist in "
                     f"stage {stage}", file=rel, entity=con, field="block_id",
                     cobre_kind="InvalidValue", stage_id=stage, row=row,
                     detail=f"stage {stage} has blocks {sorted(view.blocks_by_stage[stage])}")
        if key in seen:
            sink.add("DuplicateId", f"row {row} of {rel}: duplicate key (constraint_id={con}, "
                     f"stage_id={stage}, block_id={block}) first seen at row {seen[key]}",
                     file=rel, entity=con, field="constraint_id", cobre_kind="InvalidValue",
                     registry="generic_constraint_bounds", row=row)
        else:
            seen[key] = row
