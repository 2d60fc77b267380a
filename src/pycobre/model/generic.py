"""Generic linear constraints (spec 01 §8.2, spec 10 §10), expression already parsed."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GenericConstraint", "GenericTerm"]


@dataclass(frozen=True, slots=True)
class GenericTerm:
    variable: str  # one of the 20 names of spec 01 §8.2
    entity_id: int
    block_id: int | None  # None = the block of the row
    coefficient: float

    def as_tuple(self) -> tuple[str, int, int | None, float]:
        """``(variable_kind, entity_id, block_id|None, coefficient)`` as in the contract."""
        return (self.variable, self.entity_id, self.block_id, self.coefficient)


@dataclass(frozen=True, slots=True)
class GenericConstraint:
    id: int
    name: str
    expression: str
    sense: str  # ">=" | "<=" | "=="
    terms: tuple[GenericTerm, ...]
    slack_enabled: bool
    slack_penalty: float | None = None
    description: str | None = None

    def __repr__(self) -> str:
        return f"GenericConstraint(id={self.id}, name={self.name!r}, sense={self.sense!r})"
