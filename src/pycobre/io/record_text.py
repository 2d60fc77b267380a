"""One-line text of a validation record, shared by ``pycobre validate`` and ``load_case``.

Cobre's line is ``[{Kind}] {file}[ ({entity})]: {message}`` (spec 02 §4). pycobre appends
``(field: <dotted path>)`` when the message does not already hold the field, so that every
report names the file, the entity and the field even when Cobre's wording names only the
entity (e.g. ``Hydro 'H1' references non-existent bus 7 in buses``).
"""

from __future__ import annotations

from typing import Any

from pycobre.io.validation.kinds import REGISTRY_TO_COBRE

__all__ = ["cobre_kind", "location", "located_line"]


def _context(record: Any) -> dict[str, Any]:
    ctx = getattr(record, "context", None)
    return ctx if isinstance(ctx, dict) else {}


def cobre_kind(record: Any) -> str:
    """The spec 02 §3 kind shown to users (``FileNotFound``, ``InvalidReference`` ...)."""
    return _context(record).get("cobre_kind") or REGISTRY_TO_COBRE.get(record.kind, record.kind)


def location(record: Any) -> str:
    """``file[ (entity)]``; the path for directory-level records, ``<case>`` when neither."""
    ctx = _context(record)
    file = ctx.get("file") or ctx.get("path") or "<case>"
    entity = ctx.get("entity_id")
    return f"{file} ({entity})" if entity not in (None, "") else str(file)


def located_line(record: Any) -> str:
    """``[Kind] file (entity): message[ (field: path)]``."""
    field = _context(record).get("field")
    text = f"[{cobre_kind(record)}] {location(record)}: {record.message}"
    if field and str(field) not in record.message:
        text += f" (field: {field})"
    return text
