"""Input errors found while building the stochastic model, located like validation records.

Some bad inputs can only be seen here (a history too short to estimate, a user tree of the wrong
shape once the noise dimension is known). They are raised as :class:`ValidationError` carrying one
``ValidationRecord`` whose context names file, entity and field, so callers print them exactly
like the validation layer's findings.
"""

from __future__ import annotations

from typing import Any

from pycobre.errors import ValidationError

__all__ = ["located_error"]


def located_error(
    kind: str,
    message: str,
    *,
    file: str,
    entity: Any = None,
    field: str | None = None,
    **extra: Any,
) -> ValidationError:
    """A ``ValidationError`` of ``kind`` with context ``file``/``entity_id``/``field`` and a record."""
    from pycobre.io.records import ValidationRecord

    context: dict[str, Any] = {"file": file, "entity_id": entity, "field": field, **extra}
    record = ValidationRecord(kind=kind, message=message, context=dict(context))
    return ValidationError(message, kind=kind, context=context, records=[record])
