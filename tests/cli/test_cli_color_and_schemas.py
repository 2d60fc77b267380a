"""Colour resolution order (spec 06 §2) and the exported JSON Schemas accepting real cases."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from tests.cli._cases import ALL_CASES

from pycobre.cli.color import resolve_color
from pycobre.io.schema_export import SCHEMA_FILES, json_schema


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("flag,env,tty,expected", [
    ("always", {"NO_COLOR": "1"}, False, True),
    ("never", {"FORCE_COLOR": "1"}, True, False),
    ("auto", {"COBRE_COLOR": "always", "NO_COLOR": "1"}, False, True),
    ("auto", {"COBRE_COLOR": "never"}, True, False),
    ("auto", {"COBRE_COLOR": "sometimes", "FORCE_COLOR": "0"}, False, True),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {}, True, True),
    ("auto", {}, False, False),
])
def test_colour_resolution_order(monkeypatch, flag, env, tty, expected):
    for var in ("COBRE_COLOR", "FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stream = _Tty() if tty else io.StringIO()
    assert resolve_color(flag, stream) is expected


_TYPES = {"integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
          "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
          "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
          "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
          "null": lambda v: v is None}


def _errors(schema: dict[str, Any], value: Any, path: str = "$") -> list[str]:
    """The subset of JSON Schema the exporter emits (type, enum, bounds, required, nesting)."""
    out: list[str] = []
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in types):
            return [f"{path}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in enum")
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: {value!r} != const")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: below minimum")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            out.append(f"{path}: not above exclusiveMinimum")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: above maximum")
    if isinstance(value, dict):
        out += [f"{path}.{k}: required" for k in schema.get("required", []) if k not in value]
        for key, sub in value.items():
            if key in schema.get("properties", {}):
                out += _errors(schema["properties"][key], sub, f"{path}.{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                out += _errors(schema["additionalProperties"], sub, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += _errors(schema["items"], item, f"{path}[{i}]")
    if isinstance(value, list) is False and "oneOf" in schema:
        if sum(not _errors(s, value, path) for s in schema["oneOf"]) != 1:
            out.append(f"{path}: matches no single oneOf branch")
    return out


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_exported_schema_accepts_every_shipped_file(name):
    schema = json_schema(name)
    checked = 0
    for case in ALL_CASES:
        path = case / SCHEMA_FILES[name]
        if path.is_file():
            assert _errors(schema, json.loads(path.read_text())) == [], (case.name, name)
            checked += 1
    if name in ("buses", "config", "hydros", "lines", "penalties", "stages", "thermals",
                "initial_conditions"):
        assert checked == len(ALL_CASES)


def test_exported_schema_rejects_what_the_validator_rejects():
    doc = json.loads((ALL_CASES[0] / "system" / "hydros.json").read_text())
    schema = json_schema("hydros")
    doc["hydros"][0]["generation"]["model"] = "magic"
    doc["hydros"][0]["reservoir"]["min_storage_hm3"] = -1.0
    del doc["hydros"][0]["bus_id"]
    assert sorted(_errors(schema, doc)) == [
        "$.hydros[0].bus_id: required",
        "$.hydros[0].generation.model: 'magic' not in enum",
        "$.hydros[0].reservoir.min_storage_hm3: below minimum",
    ]
