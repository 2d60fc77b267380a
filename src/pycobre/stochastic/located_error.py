"""Input problems found while building the stochastic model, located like validation records.

Some bad inputs can only be seen here (a history too short to estimate, a user tree of the wrong
shape once the noise dimension is known). Errors are raised as :class:`ValidationError` carrying
one ``ValidationRecord`` whose context names file, entity and field, so callers print them
exactly like the validation layer's findings. Warnings (a constant history season, a clipped
correlation matrix) are logged on ``pycobre.io`` and, while :func:`collecting_warnings` is
active, also kept as warning records so ``pycobre validate`` can list them.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import Any

from pycobre.errors import ValidationError

__all__ = ["located_error", "located_warning", "collecting_warnings", "error_from_records"]

_log = logging.getLogger("pycobre.io")
_SINK: contextvars.ContextVar[list | None] = contextvars.ContextVar("stochastic_warnings",
                                                                      default=None)


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
    record = ValidationRecord(kind=kind, message=_without_file(message, file), context=dict(context))
    return error_from_records([record])


def _without_file(message: str, file: str) -> str:
    """Records name their file in ``context``; drop a leading ``<file>: `` from the text."""
    for prefix in (f"{file}: ", f"{file.rsplit('/', 1)[-1]}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def error_from_records(records: list) -> ValidationError:
    """One ``ValidationError`` for located error records: the first one's kind and context, its
    ``[Kind] file (entity): message (field: f)`` line as the text (what ``run`` prints)."""
    from pycobre.io.record_text import located_line

    first = records[0]
    more = f" (and {len(records) - 1} more error(s))" if len(records) > 1 else ""
    return ValidationError(
        located_line(first) + more,
        kind=first.kind,
        context=dict(first.context),
        records=list(records),
    )


def located_warning(
    kind: str,
    message: str,
    *,
    file: str,
    entity: Any = None,
    field: str | None = None,
    **extra: Any,
) -> None:
    """Log ``message`` on ``pycobre.io``; keep it as a warning record when collecting."""
    _log.warning("%s", message)
    sink = _SINK.get()
    if sink is None:
        return
    from pycobre.io.records import ValidationRecord

    context: dict[str, Any] = {
        "file": file,
        "entity_id": None if entity is None else str(entity),
        "field": field,
        "cobre_kind": "ModelQuality",
        **extra,
    }
    sink.append(
        ValidationRecord(
            kind=kind, message=_without_file(message, file), context=context, severity="warning"
        )
    )


@contextlib.contextmanager
def collecting_warnings() -> Iterator[list]:
    """Within the block, :func:`located_warning` records are appended to the yielded list."""
    records: list = []
    token = _SINK.set(records)
    try:
        yield records
    finally:
        _SINK.reset(token)
