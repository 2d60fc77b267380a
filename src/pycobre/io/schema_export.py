"""JSON Schema (draft 2020-12) for every JSON input file, generated from the field declarations
of ``pycobre.io.fields`` (spec 00 §3a, spec 06 §8) — the same data the validator walks, so the
schemas cannot drift from what pycobre accepts.

``config.json`` has no field table yet; its schema is derived from ``CONFIG_DEFAULTS`` and the
stopping-rule table of ``pycobre.io.config``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pycobre.io.fields import FILES, Field
from pycobre.io.validation.declarations import Node, tree_of

DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: schema name (spec 06 §8) -> case-relative path ("config" is special-cased).
SCHEMA_FILES: dict[str, str] = {
    "buses": "system/buses.json",
    "config": "config.json",
    "correlation": "scenarios/correlation.json",
    "energy_contracts": "system/energy_contracts.json",
    "exchange_factors": "constraints/exchange_factors.json",
    "generic_constraints": "constraints/generic_constraints.json",
    "hydros": "system/hydros.json",
    "initial_conditions": "initial_conditions.json",
    "lines": "system/lines.json",
    "load_factors": "scenarios/load_factors.json",
    "non_controllable_factors": "scenarios/non_controllable_factors.json",
    "non_controllable_sources": "system/non_controllable_sources.json",
    "penalties": "penalties.json",
    "production_models": "system/hydro_production_models.json",
    "pumping_stations": "system/pumping_stations.json",
    "stages": "stages.json",
    "thermals": "system/thermals.json",
}

_JSON_TYPE = {"int": "integer", "number": "number", "string": "string", "bool": "boolean",
              "object": "object", "array": "array", "date": "string"}


def _leaf_schema(decl: Field) -> dict[str, Any]:
    out: dict[str, Any] = {}
    jtype = _JSON_TYPE.get(decl.type)
    if jtype is not None:
        out["type"] = [jtype, "null"] if decl.nullable else jtype
    if decl.type == "date":
        out["format"] = "date"
    if decl.enum is not None:
        out["enum"] = [*decl.enum, *([None] if decl.nullable else [])]
    if decl.minimum is not None:
        out["exclusiveMinimum" if decl.minimum_exclusive else "minimum"] = decl.minimum
    if decl.maximum is not None:
        out["exclusiveMaximum" if decl.maximum_exclusive else "maximum"] = decl.maximum
    if decl.default is not None and not isinstance(decl.default, tuple):
        out["default"] = decl.default
    words = [decl.description] if decl.description else []
    if decl.unit:
        words.append(f"unit: {decl.unit}")
    if decl.ref:
        words.append(f"references a {decl.ref.replace('_', ' ')} id")
    if words:
        out["description"] = "; ".join(words)
    return out


def _node_schema(node: Node) -> dict[str, Any]:
    out = _leaf_schema(node.decl) if node.decl is not None else {"type": "object"}
    if node.children:
        props: dict[str, Any] = {}
        required: list[str] = []
        conditions: list[dict[str, Any]] = []
        for key, child in node.children.items():
            props[key] = _node_schema(child)
            decl = child.decl
            if decl is None:
                continue
            if decl.required:
                required.append(key)
            elif decl.required_when is not None:
                sibling = decl.required_when[0].rsplit(".", 1)[-1].removesuffix("[]")
                conditions.append({
                    "if": {"properties": {sibling: {"enum": list(decl.required_when[1])}},
                           "required": [sibling]},
                    "then": {"required": [key]},
                })
        out["properties"] = props
        if required:
            out["required"] = required
        if conditions:
            out["allOf"] = conditions
    if node.items is not None:
        out["items"] = _node_schema(node.items)
    if node.values is not None:
        out["additionalProperties"] = _node_schema(node.values)
    return out


def _config_schema() -> dict[str, Any]:
    from pycobre.io.config import CONFIG_DEFAULTS, STOPPING_RULE_FIELDS

    def from_default(value: Any) -> dict[str, Any]:
        if isinstance(value, dict):
            return {"type": ["object", "null"],
                    "properties": {k: from_default(v) for k, v in value.items()}}
        if isinstance(value, bool):
            return {"type": "boolean", "default": value}
        if isinstance(value, int):
            return {"type": "integer", "default": value}
        if isinstance(value, float):
            return {"type": "number", "default": value}
        if isinstance(value, str):
            return {"type": "string", "default": value}
        return {}

    props = {k: from_default(v) for k, v in CONFIG_DEFAULTS.items()}
    rules = [
        {"type": "object", "required": ["type", *fields],
         "properties": {"type": {"const": name},
                        **{f: {"type": "integer" if t == "int" else "number"}
                           for f, t in fields.items()}}}
        for name, fields in STOPPING_RULE_FIELDS.items()
    ]
    training = props["training"]
    training["type"] = "object"
    training["required"] = ["forward_passes", "stopping_rules"]
    training["properties"]["forward_passes"] = {"type": "integer", "minimum": 1}
    training["properties"]["stopping_rules"] = {"type": "array", "items": {"oneOf": rules}}
    return {"type": "object", "required": ["training"],
            "properties": {"$schema": {"type": ["string", "null"]}, **props}}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema document of input type ``name`` (a key of :data:`SCHEMA_FILES`)."""
    rel = SCHEMA_FILES[name]
    if name == "config":
        body = _config_schema()
        title = "config.json"
    else:
        spec = FILES[rel]
        entity = _node_schema(tree_of(rel))
        entity.setdefault("type", "object")
        if spec.collection is not None:
            body = {"type": "object", "required": [spec.collection],
                    "properties": {"$schema": {"type": "string"},
                                   spec.collection: {"type": "array", "items": entity}}}
        else:
            body = entity
            body.setdefault("properties", {})["$schema"] = {"type": "string"}
        title = rel
    return {"$schema": DRAFT, "$id": f"{name}.schema.json", "title": title,
            "description": f"pycobre input file {title} (Cobre case format)", **body}


def export_schemas(output_dir: str | os.PathLike[str] = ".") -> list[Path]:
    """Write ``<name>.schema.json`` for every input type; returns the written paths."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in SCHEMA_FILES:
        path = out / f"{name}.schema.json"
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(json_schema(name), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        written.append(path)
    return written
