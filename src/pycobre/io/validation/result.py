"""``ValidationResult``: the object returned by ``pycobre.io.validate`` (spec 20 §4.2).

It is also a read-only ``Mapping`` shaped like the dict the Cobre bindings return
(``{"valid", "errors", "warnings"}``) so scripts written for Cobre keep working.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

_KEYS = ("valid", "errors", "warnings")


class ValidationResult(Mapping[str, Any]):
    """Every error and warning record found, plus how far the layers got."""

    def __init__(
        self,
        records: list[Any],
        layers_completed: int,
        *,
        case_dir: str = "",
        entity_counts: dict[str, int] | None = None,
    ) -> None:
        self.errors: list[Any] = [r for r in records if r.severity == "error"]
        self.warnings: list[Any] = [r for r in records if r.severity != "error"]
        self.layers_completed = int(layers_completed)
        self.case_dir = case_dir
        #: entity counts of the parsed registries (``buses``, ``hydros`` ...), for the CLI summary.
        self.entity_counts: dict[str, int] = dict(entity_counts or {})

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def records(self) -> list[Any]:
        return [*self.errors, *self.warnings]

    def __getitem__(self, key: str) -> Any:
        if key not in _KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)

    def __bool__(self) -> bool:  # a Mapping is truthy when non-empty; keep that explicit
        return True

    def __repr__(self) -> str:
        return (
            f"ValidationResult(valid={self.valid}, errors={len(self.errors)}, "
            f"warnings={len(self.warnings)}, layers_completed={self.layers_completed})"
        )
