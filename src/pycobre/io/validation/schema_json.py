"""L2 for JSON files: walk each document against its declaration tree (spec 02 §2.2).

Checks required fields, null-ability, types, enum values, numeric ranges (declared bounds and
finiteness) and conditional requiredness (``Field.required_when``). Field paths in records use
Cobre's dotted form with zero-based indices (``hydros[3].bus_id``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pycobre.io.fields import Field, FileSpec
from pycobre.io.json_types import json_type_ok
from pycobre.io.limits import MAX_ABS_VALUE
from pycobre.io.validation.collector import Collector
from pycobre.io.validation.declarations import Node, describe_type, entity_key, tree_of

_MISSING = object()
_INT32 = (-(2**31), 2**31 - 1)


class JsonChecker:
    """Checks one parsed JSON document; ``entity`` tracks the registry element being walked."""

    def __init__(self, spec: FileSpec, sink: Collector) -> None:
        self.spec = spec
        self.rel = spec.path
        self.sink = sink
        self.entity: Any = None

    # -- entry point -----------------------------------------------------------------------
    def check(self, doc: Any) -> None:
        if not isinstance(doc, dict):
            self.sink.add("TypeMismatch", f"schema error in {self.rel}: the document must be a "
                          f"JSON object, found {describe_type(doc)}", file=self.rel, field="$",
                          expected_type="object", actual_type=describe_type(doc))
            return
        tree = tree_of(self.rel)
        coll = self.spec.collection
        if coll is None:
            self._object(tree, doc, "")
            return
        items = doc.get(coll, _MISSING)
        if items is _MISSING or items is None:
            self._add("SchemaViolation", coll, f"missing required field '{coll}'",
                      expected=f"array of {self.spec.entity or 'entries'}", actual="missing")
            return
        if not isinstance(items, list):
            self._type(coll, "array", items)
            return
        key = entity_key(self.spec)
        for i, element in enumerate(items):
            path = f"{coll}[{i}]"
            self.entity = element.get(key) if isinstance(element, dict) and key else None
            if not isinstance(element, dict):
                self._type(path, "object", element)
                continue
            self._object(tree, element, path)
        self.entity = None

    # -- reporting -------------------------------------------------------------------------
    def _add(self, kind: str, path: str, message: str, **ctx: Any) -> None:
        shown = path or "$"
        self.sink.add(kind, f"schema error in {self.rel}, field {shown}: {message}",
                      file=self.rel, entity=self.entity, field=shown, **ctx)

    def _type(self, path: str, expected: str, value: Any) -> None:
        self._add("TypeMismatch", path, f"expected {expected}, found {describe_type(value)}",
                  expected_type=expected, actual_type=describe_type(value))

    # -- walking ---------------------------------------------------------------------------
    def _object(self, node: Node, obj: dict[str, Any], path: str) -> None:
        for key, child in node.children.items():
            self._value(child, obj.get(key, _MISSING), f"{path}.{key}" if path else key, obj)

    def _required(self, decl: Field, parent: dict[str, Any]) -> bool:
        if decl.required:
            return True
        if decl.required_when is None:
            return False
        sibling, values = decl.required_when
        leaf = sibling.rsplit(".", 1)[-1].removesuffix("[]")
        # the sibling lives in the same parent object as this field
        return parent.get(leaf, _MISSING) in values

    def _value(self, node: Node, value: Any, path: str, parent: dict[str, Any],
               element: bool = False) -> None:
        decl = node.decl
        if value is _MISSING or value is None:
            if decl is None:
                if element:  # an array element / map value must be the declared object
                    self._type(path, "object", value)
                return
            if value is None and decl.nullable:
                return
            if self._required(decl, parent):
                if value is None:
                    self._add("SchemaViolation", path, "must not be null",
                              expected=decl.type, actual="null")
                else:
                    why = ""
                    if not decl.required and decl.required_when:
                        s, vals = decl.required_when
                        why = f" (required when {s} is {', '.join(map(str, vals))})"
                    self._add("SchemaViolation", path, f"missing required field{why}",
                              expected=decl.type, actual="missing")
            return
        typ = decl.type if decl is not None else "object"
        if not json_type_ok(typ, value):
            self._type(path, typ, value)
            return
        if decl is not None:
            if not self._scalar(decl, value, path):
                return
        if isinstance(value, dict):
            self._object(node, value, path)
            if node.values is not None:
                for key, sub in value.items():
                    self._value(node.values, sub, f"{path}.{key}", value, element=True)
        elif isinstance(value, list) and node.items is not None:
            outer = self.entity
            for i, element in enumerate(value):
                if outer is None and isinstance(element, dict):
                    self.entity = _element_id(element)
                self._value(node.items, element, f"{path}[{i}]", {}, element=True)
            self.entity = outer

    def _scalar(self, decl: Field, value: Any, path: str) -> bool:
        if decl.type == "date":
            try:
                dt.date.fromisoformat(value)
                if len(value) != 10:
                    raise ValueError
            except ValueError:
                self._add("TypeMismatch", path, f"'{value}' is not a YYYY-MM-DD date",
                          expected_type="date", actual_type="string")
                return False
        if decl.enum is not None and isinstance(value, str) and value not in decl.enum:
            self._add("InvalidEnum", path, f"unknown value '{value}', expected one of "
                      f"{', '.join(decl.enum)}", value=value, allowed_values=list(decl.enum),
                      suggestion=f"use one of: {', '.join(decl.enum)}")
            return False
        if decl.type in ("int", "number"):
            return self._range(decl, value, path)
        return True

    def _range(self, decl: Field, value: float, path: str) -> bool:
        lo, hi = decl.minimum, decl.maximum
        if decl.type == "int" and not _INT32[0] <= value <= _INT32[1]:
            self._add("OutOfRange", path, f"{value} does not fit a 32-bit integer", value=value,
                      min=_INT32[0], max=_INT32[1])
            return False
        if isinstance(value, float) and not math.isfinite(value):
            self._add("OutOfRange", path, f"{value} is not a finite number", value=value,
                      min=lo, max=hi)
            return False
        if decl.type == "number" and abs(value) > MAX_ABS_VALUE:
            self._add("OutOfRange", path, f"{value:g} is beyond the supported magnitude "
                      f"{MAX_ABS_VALUE:g}", value=value, min=lo, max=hi, limit=MAX_ABS_VALUE)
            return False
        bad = (
            (lo is not None and (value <= lo if decl.minimum_exclusive else value < lo))
            or (hi is not None and (value >= hi if decl.maximum_exclusive else value > hi))
        )
        if bad:
            self._add("OutOfRange", path, f"{value} is out of range {_interval(decl)}",
                      value=value, min=lo, max=hi)
            return False
        return True


def _element_id(element: dict[str, Any]) -> Any:
    """Entity of an array element of a non-registry file: its ``id``, else its first ``*_id``."""
    if "id" in element:
        return element["id"]
    for key, value in element.items():
        if key.endswith("_id") and isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _interval(decl: Field) -> str:
    left = "-inf" if decl.minimum is None else f"{decl.minimum:g}"
    right = "+inf" if decl.maximum is None else f"{decl.maximum:g}"
    lb = "(" if decl.minimum is None or decl.minimum_exclusive else "["
    rb = ")" if decl.maximum is None or decl.maximum_exclusive else "]"
    return f"{lb}{left}, {right}{rb}"
