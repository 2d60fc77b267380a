"""Typed access to parsed JSON that records a located problem instead of crashing.

The builder normally runs after the validation layers, so these checks rarely fire; they make
sure that bad input still ends as a record naming file, entity and field, never a traceback.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from pycobre.io.json_types import json_type_ok
from pycobre.io.records import ValidationRecord, make_record

_MISSING = object()


class Skip(Exception):
    """Abandon the current entity; the record is already stored."""


def _type_ok(value: Any, typ: str) -> bool:
    """The declared JSON type, and a finite value for numbers (the builder gets no NaN/inf)."""
    if not json_type_ok(typ, value):
        return False
    return typ != "number" or math.isfinite(value)


class Access:
    """Reads one file's values; ``entity_id`` names the entity being read (for messages)."""

    def __init__(self, file: str, records: list[ValidationRecord]) -> None:
        self.file = file
        self.records = records
        self.entity_id: Any = None

    def fail(self, kind: str, field: str, message: str, **ctx: Any) -> Skip:
        where = f"{self.file}" + (f" (id {self.entity_id})" if self.entity_id is not None else "")
        self.records.append(
            make_record(kind, f"{where}: {field}: {message}", file=self.file,
                        entity_id=self.entity_id, field=field, **ctx)
        )
        return Skip()

    def get(
        self,
        obj: Any,
        path: str,
        typ: str,
        *,
        required: bool = False,
        default: Any = None,
        nullable: bool = True,
        prefix: str = "",
    ) -> Any:
        """``obj["a"]["b"]`` for ``path="a.b"``; absent or null -> ``default`` unless required."""
        node = obj
        field = f"{prefix}{path}"
        for part in path.split("."):
            if not isinstance(node, dict):
                raise self.fail("TypeMismatch", field, "expected an object", expected_type="object",
                                actual_type=type(node).__name__)
            node = node.get(part, _MISSING)
            if node is _MISSING:
                if required:
                    raise self.fail("SchemaViolation", field, "required field is missing")
                return default
            if node is None:
                break
        if node is None:
            if required and not nullable:
                raise self.fail("SchemaViolation", field, "must not be null")
            return default
        if not _type_ok(node, typ):
            raise self.fail("TypeMismatch", field, f"expected {typ}, got {node!r}",
                            expected_type=typ, actual_type=type(node).__name__)
        if typ == "number":
            return float(node)
        if typ == "date":
            return self.date(node, field)
        return node

    def date(self, text: str, field: str) -> _dt.date:
        try:
            if len(text) != 10:
                raise ValueError
            return _dt.date.fromisoformat(text)
        except ValueError:
            raise self.fail("TypeMismatch", field, f"expected a YYYY-MM-DD date, got {text!r}",
                            expected_type="date", actual_type="string") from None

    def numbers(self, obj: Any, path: str, *, required: bool = False,
                prefix: str = "") -> tuple[float, ...] | None:
        values = self.get(obj, path, "array", required=required, prefix=prefix)
        if values is None:
            return None
        if not all(_type_ok(v, "number") for v in values):
            raise self.fail("TypeMismatch", f"{prefix}{path}", "expected an array of numbers",
                            expected_type="number[]")
        return tuple(float(v) for v in values)

    def items(self, doc: Any, key: str) -> list[Any]:
        """The top-level array ``doc[key]`` (``[]`` when absent or the file is absent)."""
        if doc is None:
            return []
        if not isinstance(doc, dict):
            raise self.fail("TypeMismatch", "$", "the document must be a JSON object")
        value = doc.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail("TypeMismatch", key, "expected an array", expected_type="array",
                            actual_type=type(value).__name__)
        return value
