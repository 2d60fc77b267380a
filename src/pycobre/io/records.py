"""``ValidationRecord``: one problem found while reading or validating a case (spec 20 §4.2).

Errors are data until the edge (spec 00 §7): readers and validation layers return lists of
records; ``load_case`` / the CLI turn them into an exception or a report.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pycobre.errors import LOADER_KIND

__all__ = ["ValidationRecord", "make_record", "errors_of", "warnings_of"]

_KEYS = ("kind", "message", "context", "suggestion", "severity", "loader_kind")


@dataclass(frozen=True)
class ValidationRecord(Mapping[str, Any]):
    """A record; also the Cobre dict shape (``rec["kind"]``, ``rec["message"]``, ``dict(rec)``)."""

    kind: str
    message: str
    context: dict[str, Any] = field(default_factory=dict)
    suggestion: str | None = None
    severity: str = "error"  # "error" | "warning"
    loader_kind: str = ""

    def __post_init__(self) -> None:
        if not self.loader_kind:
            object.__setattr__(self, "loader_kind", LOADER_KIND.get(self.kind, "ConstraintError"))

    def __getitem__(self, key: str) -> Any:
        if key in _KEYS:
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.context.items() if v is not None)
        text = f"[{self.kind}] {self.message}" + (f" ({where})" if where else "")
        return text + (f" — hint: {self.suggestion}" if self.suggestion else "")

    __hash__ = object.__hash__


def make_record(
    kind: str,
    message: str,
    *,
    file: str | None = None,
    entity_id: Any = None,
    field: str | None = None,
    suggestion: str | None = None,
    severity: str = "error",
    **context: Any,
) -> ValidationRecord:
    """Build a record with the usual location keys (file, entity_id, field) first."""
    ctx: dict[str, Any] = {}
    if file is not None:
        ctx["file"] = file
    if entity_id is not None:
        ctx["entity_id"] = entity_id
    if field is not None:
        ctx["field"] = field
    ctx.update(context)
    return ValidationRecord(kind, message, ctx, suggestion, severity)


def errors_of(records: list[ValidationRecord]) -> list[ValidationRecord]:
    return [r for r in records if r.severity == "error"]


def warnings_of(records: list[ValidationRecord]) -> list[ValidationRecord]:
    return [r for r in records if r.severity != "error"]
