"""Rendering a ``ValidationResult`` as Cobre's text report or JSON report (spec 02 §5)."""

from __future__ import annotations

import json
from typing import Any

from pycobre.cli.color import paint
from pycobre.io.record_text import cobre_kind, located_line, location

COUNTED = (("buses", "buses"), ("hydros", "hydros"), ("thermals", "thermals"), ("lines", "lines"))


def error_line(record: Any) -> str:
    """One line of Cobre's ConstraintError description: ``[Kind] file[ (entity)]: message``,
    plus ``(field: path)`` when the message does not name the field."""
    return located_line(record)


def text_report(result: Any, case_dir: str, *, color: bool) -> str:
    lines: list[str] = []
    if result.errors:
        lines.append(f"Validation: {len(result.errors)} errors, 0 warnings in {case_dir}")
        tag = paint("error:", "bold", "red", enabled=color)
        lines += [f"{tag} {error_line(r)}" for r in result.errors]
        hints = [r.suggestion for r in result.errors if r.suggestion]
        if hints:
            lines.append(f"  -> {hints[0]}")
        return "\n".join(lines)
    counts = {k: result.entity_counts.get(k, 0) for k, _ in COUNTED}
    lines.append(f"Valid case: {counts['buses']} buses, {counts['hydros']} hydros, "
                 f"{counts['thermals']} thermals, {counts['lines']} lines")
    lines += [f"  {label}: {counts[key]}" for key, label in COUNTED]
    if result.warnings:
        lines.append(f"Validation: 0 errors, {len(result.warnings)} warnings in {case_dir}")
        tag = paint("warning:", "bold", "yellow", enabled=color)
        lines += [f"{tag} {location(r)}: {r.message}" for r in result.warnings]
    return "\n".join(lines)


def _entry(record: Any) -> dict[str, Any]:
    ctx = record.context if isinstance(record.context, dict) else {}
    return {
        "kind": cobre_kind(record),
        "file": ctx.get("file"),
        "entity": ctx.get("entity_id"),
        "message": record.message,
        "field": ctx.get("field"),
        "registry_kind": record.kind,
        "hint": record.suggestion,
    }


def json_report(result: Any) -> str:
    doc = {
        "error_count": len(result.errors),
        "warning_count": len(result.warnings),
        "errors": [_entry(r) for r in result.errors],
        "warnings": [_entry(r) for r in result.warnings],
    }
    return json.dumps(doc, indent=2, default=str)
