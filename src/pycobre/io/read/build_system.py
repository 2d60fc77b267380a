"""Parsed documents + tables -> the immutable :class:`~pycobre.model.System`."""

from __future__ import annotations

import copy
import pathlib
from collections.abc import Mapping
from typing import Any

from pycobre.io.config import config_records, resolve_config
from pycobre.io.fields import FILES
from pycobre.io.read.access import Access, Skip
from pycobre.io.read.build_entities import (
    build_buses,
    build_contracts,
    build_hydros,
    build_lines,
    build_ncs,
    build_penalties,
    build_pumping,
    build_thermals,
)
from pycobre.io.read.build_resolved import build_resolved
from pycobre.io.read.build_temporal import build_initial_conditions, build_temporal
from pycobre.io.read.generic_expression import ExpressionError, parse_expression
from pycobre.io.read.parquet_reader import canonical_sort
from pycobre.io.records import ValidationRecord
from pycobre.model import GenericConstraint, System

__all__ = ["JSON_EXTRAS", "build_system"]

#: Optional JSON files kept (canonically ordered) in ``system.json_extras``.
JSON_EXTRAS = (
    "scenarios/load_factors.json",
    "scenarios/correlation.json",
    "scenarios/non_controllable_factors.json",
    "constraints/exchange_factors.json",
    "system/hydro_production_models.json",
)
_GENERIC = "constraints/generic_constraints.json"


def build_generic(doc: Any, records: list[ValidationRecord]) -> tuple[GenericConstraint, ...]:
    a = Access(_GENERIC, records)
    out = []
    try:
        items = a.items(doc, "constraints")
    except Skip:
        return ()
    for i, e in enumerate(items):
        a.entity_id = e.get("id") if isinstance(e, dict) else f"#{i}"
        try:
            g = a.get
            cid = g(e, "id", "int", required=True, nullable=False)
            expr = g(e, "expression", "string", required=True, nullable=False)
            try:
                terms = parse_expression(expr)
            except ExpressionError as exc:
                raise a.fail("SchemaViolation", "expression", f"invalid expression: {exc}",
                             detail=str(exc), position=exc.position) from None
            enabled = g(e, "slack.enabled", "bool", required=True, nullable=False)
            out.append(GenericConstraint(
                id=cid,
                name=g(e, "name", "string", required=True, nullable=False),
                expression=expr,
                sense=g(e, "sense", "string", required=True, nullable=False),
                terms=terms,
                slack_enabled=enabled,
                slack_penalty=g(e, "slack.penalty", "number"),
                description=g(e, "description", "string"),
            ))
        except Skip:
            continue
    return tuple(sorted(out, key=lambda c: c.id))


def _sorted(items: Any, key: Any) -> Any:
    if not isinstance(items, list):
        return items
    try:
        return sorted(items, key=key)
    except (TypeError, KeyError, AttributeError):
        return items


def _by(*names: str) -> Any:
    return lambda d: tuple(d.get(n) if d.get(n) is not None else -(2**31) for n in names)


def canonical_extras(json_docs: Mapping[str, Any]) -> dict[str, Any]:
    """Deep copies of the optional JSON files, lists whose order has no meaning sorted."""
    out: dict[str, Any] = {}
    for rel in JSON_EXTRAS:
        if rel not in json_docs:
            continue
        doc = copy.deepcopy(json_docs[rel])
        if isinstance(doc, dict):
            for key, ident in (("load_factors", "bus_id"), ("non_controllable_factors", "ncs_id"),
                               ("exchange_factors", "line_id")):
                if isinstance(doc.get(key), list):
                    doc[key] = _sorted(doc[key], _by(ident, "stage_id"))
                    for item in doc[key]:
                        if isinstance(item, dict):
                            item["block_factors"] = _sorted(item.get("block_factors"),
                                                            _by("block_id"))
            if isinstance(doc.get("production_models"), list):
                doc["production_models"] = _sorted(doc["production_models"], _by("hydro_id"))
                for pm in doc["production_models"]:
                    if isinstance(pm, dict) and isinstance(pm.get("seasons"), list):
                        pm["seasons"] = _sorted(pm["seasons"], _by("season_id"))
            profiles = doc.get("profiles")
            if isinstance(profiles, dict):  # groups are independent blocks: order is cosmetic
                for prof in profiles.values():
                    if isinstance(prof, dict) and isinstance(prof.get("correlation_groups"), list):
                        prof["correlation_groups"] = _sorted(
                            prof["correlation_groups"], lambda g: str(g.get("name")))
            if isinstance(doc.get("schedule"), list):
                doc["schedule"] = _sorted(doc["schedule"], _by("stage_id"))
        out[rel] = doc
    return out


def build_system(
    case_dir: str | pathlib.Path,
    json_docs: Mapping[str, Any],
    tables: Mapping[str, Any],
    *,
    config_overrides: dict[str, Any] | None = None,
) -> tuple[System | None, list[ValidationRecord]]:
    """Build the System; returns ``(None, records)`` when something could not be interpreted."""
    from pycobre.io.config import apply_overrides

    records: list[ValidationRecord] = []
    cfg_doc = json_docs.get("config.json")
    if isinstance(cfg_doc, dict) and config_overrides:
        cfg_doc = apply_overrides(cfg_doc, config_overrides)
    cfg_recs = [r for r in config_records(cfg_doc) if r.severity == "error"]
    records += cfg_recs
    pen = build_penalties(json_docs.get("penalties.json"), records)
    stages, graph, seasons = build_temporal(json_docs.get("stages.json"), records)
    ic = build_initial_conditions(json_docs.get("initial_conditions.json"), records)
    hydros = build_hydros(json_docs.get("system/hydros.json"), records)
    thermals = build_thermals(json_docs.get("system/thermals.json"), records)
    pumping = build_pumping(json_docs.get("system/pumping_stations.json"), records)
    contracts = build_contracts(json_docs.get("system/energy_contracts.json"), records)
    generic = build_generic(json_docs.get(_GENERIC), records)
    if pen is None or graph is None or ic is None:
        return None, records
    buses = build_buses(json_docs.get("system/buses.json"), pen, records)
    lines = build_lines(json_docs.get("system/lines.json"), pen, records)
    ncs = build_ncs(json_docs.get("system/non_controllable_sources.json"), pen, records)
    if records:
        return None, records
    canon = {
        rel: canonical_sort(tab, FILES[rel].key_columns if rel in FILES else ())
        for rel, tab in tables.items()
    }
    extras = canonical_extras(json_docs)
    resolved = build_resolved(
        stages=stages, policy_graph=graph, penalties=pen, buses=buses, lines=lines,
        hydros=hydros, thermals=thermals, ncs=ncs, pumping=pumping, contracts=contracts,
        generic=generic, tables=canon, json_docs=extras,
    )
    system = System(
        buses=buses,
        lines=lines,
        hydros=hydros,
        thermals=thermals,
        non_controllable_sources=ncs,
        pumping_stations=pumping,
        contracts=contracts,
        generic_constraints=generic,
        stages=stages,
        policy_graph=graph,
        season_definitions=seasons,
        initial_conditions=ic,
        penalties=pen,
        config=resolve_config(cfg_doc),
        tables=canon,
        json_extras=extras,
        resolved=resolved,
        case_dir=pathlib.Path(case_dir).resolve(),
    )
    return system, records
