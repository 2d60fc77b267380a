"""L3 referential layer: every cross-entity id reference resolves (spec 02 §2.3).

Which fields are references comes from the declarations (``Field.ref`` in
``pycobre.io.fields``); only the type-dependent correlation entities, generic-constraint
expressions and block ids need code of their own. All dangling references are collected. Parquet columns are checked per *distinct* missing value
(one record names the value, the first row and how many rows carry it) so that a bad stage id in
a 10,000-row table gives one readable line, not 10,000.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from pycobre.io.arrow_numpy import to_numpy
from pycobre.io.fields import FILES, Field
from pycobre.io.validation.collector import Collector
from pycobre.io.validation.declarations import REF_REGISTRY, json_elements, walk_values
from pycobre.io.validation.expression import VARIABLE_REGISTRY, parse_expression
from pycobre.io.validation.view import REGISTRIES, CaseView

#: References checked by a later layer with its own rule and kind (spec 02 §2.5–2.6).
LATER_LAYER_REFS = frozenset({
    ("stages.json", "policy_graph.transitions[].source_id"),
    ("stages.json", "policy_graph.transitions[].target_id"),
    ("system/hydros.json", "filling.start_stage_id"),
})
#: Declared ``Field.ref`` values this layer resolves (season/block refs belong to L5b rules).
STAGE_REFS = ("stage", "study_stage")

CORRELATION_TARGET = {"inflow": "hydros", "load": "buses", "ncs": "non_controllable_sources"}


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
    _declared_json_refs(view, targets, sink)
    _declared_table_refs(view, targets, sink)
    _correlation_refs(view, targets, sink)
    _expression_refs(view, targets, sink)
    _generic_bound_blocks(view, sink)


def _target_of(decl: Field) -> str | None:
    if decl.ref in STAGE_REFS:
        return decl.ref
    return REF_REGISTRY.get(decl.ref or "")


def _declared_json_refs(view: CaseView, targets: _Targets, sink: Collector) -> None:
    """Every JSON field declared with ``ref`` (spec 02 §2.3 rules 1–14, 20, 21–41 JSON part)."""
    for rel, spec in FILES.items():
        doc = view.raw.json.get(rel)
        if spec.format != "json" or not isinstance(doc, dict):
            continue
        refs = [(d, _target_of(d)) for d in spec.fields
                if _target_of(d) and (rel, d.name) not in LATER_LAYER_REFS]
        if not refs:
            continue
        owner = spec.entity or spec.collection or rel
        for entity, element, prefix in json_elements(spec, doc):
            name = element.get("name", entity) if isinstance(element, dict) else entity
            for decl, target in refs:
                known = targets.ids(target)
                label, tname = targets.describe(target)
                for path, value in walk_values(element, decl.name.split("."), prefix):
                    if value is None or isinstance(value, bool) or value in known:
                        continue
                    subject = (f"{owner.replace('_', ' ').capitalize()} '{name}'"
                               if spec.collection is not None and name is not None
                               else f"{rel} {path}")
                    _missing(sink, file=rel, entity=entity if entity is not None else value,
                             field=path,
                             message=f"{subject} references non-existent {label} {value} in "
                             f"{tname}", value=value,
                             registry=target if target in REGISTRIES else "stages")


def _declared_table_refs(view: CaseView, targets: _Targets, sink: Collector) -> None:
    """Parquet columns declared with ``ref``, checked per distinct missing value."""
    for rel, spec in FILES.items():
        table = view.table(rel)
        if spec.format != "parquet" or table is None:
            continue
        entity_col = spec.key_columns[0] if spec.key_columns else None
        for decl in spec.fields:
            target = _target_of(decl)
            if target is None or decl.name not in table.column_names:
                continue
            values = np.asarray(to_numpy(table.column(decl.name)),
                                dtype=float)
            if values.size == 0:
                continue
            known = np.fromiter(targets.ids(target), dtype=float)
            bad = ~np.isnan(values) & ~np.isin(values, known)  # null stage_id = "all stages"
            if not bad.any():
                continue
            label, tname = targets.describe(target)
            bad_values, first, counts = np.unique(values[bad].astype(np.int64),
                                                  return_index=True, return_counts=True)
            rows = np.flatnonzero(bad)[first]
            for value, row, count in zip(bad_values.tolist(), rows.tolist(), counts.tolist(),
                                         strict=True):
                entity = (table.column(entity_col)[row].as_py()
                          if entity_col in table.column_names else None)
                _missing(
                    sink, file=rel, entity=entity, field=decl.name,
                    message=f"{rel} references non-existent {label} {value} in {tname} "
                    f"(column {decl.name}, {count} row{'s' if count > 1 else ''})",
                    value=value, registry=target if target in REGISTRIES else "stages",
                    rows_affected=count,
                )


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
