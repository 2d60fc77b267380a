"""The validation context: rules append records here instead of raising (spec 00 §7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pycobre.io.records import ValidationRecord
from pycobre.io.validation.kinds import REGISTRY_TO_COBRE, WARNING_KINDS, loader_kind


@dataclass
class Collector:
    """Accumulates records of every layer; ``file``/``entity``/``field`` go into the context."""

    records: list[Any] = field(default_factory=list)

    def add(
        self,
        kind: str,
        message: str,
        *,
        file: str | None,
        entity: Any = None,
        field: str | None = None,
        cobre_kind: str | None = None,
        suggestion: str | None = None,
        severity: str | None = None,
        **extra: Any,
    ) -> None:
        ckind = cobre_kind or REGISTRY_TO_COBRE.get(kind, "InvalidValue")
        sev = severity or ("warning" if ckind in WARNING_KINDS else "error")
        context: dict[str, Any] = {
            "file": file,
            "entity_id": None if entity is None else str(entity),
            "field": field,
            "cobre_kind": ckind,
        }
        context.update(extra)
        self.records.append(
            ValidationRecord(
                kind=kind,
                message=message,
                context=context,
                suggestion=suggestion,
                severity=sev,
                loader_kind=loader_kind(kind),
            )
        )

    def error_count(self) -> int:
        return sum(1 for r in self.records if r.severity == "error")
