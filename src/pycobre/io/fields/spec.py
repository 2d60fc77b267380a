"""The two record types every input declaration is made of (spec 00 §3a).

A :class:`Field` describes one JSON key or Parquet column; a :class:`FileSpec` groups the fields
of one input file. The declarations are plain data so that parsing, the schema and referential
validation layers, ``pycobre schema export`` and the docs all read the same facts.

Path grammar of :attr:`Field.name`
    Dotted keys, ``[]`` marks "each element of this array". For *registry* files
    (``FileSpec.collection`` set, e.g. ``"buses"``) names are relative to one entity
    (``"reservoir.min_storage_hm3"``, ``"deficit_segments[].cost"``); for every other JSON file
    they start at the document root (``"stages[].blocks[].hours"``). Parquet fields are column
    names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Field", "FileSpec", "JSON_TYPES", "PARQUET_TYPES", "REF_TARGETS"]

#: JSON value types used in declarations.
JSON_TYPES = ("int", "number", "string", "bool", "object", "array", "date", "any")
#: Parquet column types used in declarations (spec 01 conventions).
PARQUET_TYPES = ("INT32", "UINT32", "DOUBLE", "DATE")
#: Registries a reference can point at.
REF_TARGETS = (
    "bus",
    "line",
    "hydro",
    "thermal",
    "ncs",
    "pumping_station",
    "contract",
    "generic_constraint",
    "stage",  # any stage id (study or pre-study)
    "study_stage",  # id >= 0 of a study stage
    "season",
    "block",  # block id of the referenced stage
)


@dataclass(frozen=True, slots=True)
class Field:
    """One key/column: type, unit, requiredness, default, bounds, enum and reference."""

    name: str
    type: str
    required: bool = False
    default: Any = None
    unit: str | None = None
    nullable: bool = False
    minimum: float | None = None
    minimum_exclusive: bool = False
    maximum: float | None = None
    maximum_exclusive: bool = False
    enum: tuple[str, ...] | None = None
    ref: str | None = None
    #: ``(sibling_field, values)``: required only when the sibling field takes one of the values.
    required_when: tuple[str, tuple[Any, ...]] | None = None
    description: str = ""

    @property
    def leaf(self) -> str:
        """Last path component (the key as written in the file)."""
        return self.name.rsplit(".", 1)[-1].removesuffix("[]")


@dataclass(frozen=True, slots=True)
class FileSpec:
    """One input file of spec 01 §1."""

    path: str
    format: str  # "json" | "parquet"
    required: bool
    fields: tuple[Field, ...]
    #: Top-level array key of a registry file (``"buses"``); ``None`` for other files.
    collection: str | None = None
    #: Registry name the entities belong to (``"bus"``), for references and messages.
    entity: str | None = None
    #: Parquet: columns the rows are canonically sorted by (and unique on, unless noted).
    key_columns: tuple[str, ...] = ()
    description: str = ""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.path} declares no field {name!r}")

    @property
    def required_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)
