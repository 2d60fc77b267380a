"""Entity names from ``training/dictionaries/entities.csv`` (spec 04 §3.10), for plot labels."""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["BUS", "HYDRO", "entity_names", "label"]

HYDRO = 0
BUS = 2


def entity_names(training_dir: Path) -> dict[tuple[int, int], str]:
    """``(entity_type_code, entity_id) -> name``; empty when the dictionary is absent or odd."""
    path = training_dir / "dictionaries" / "entities.csv"
    names: dict[tuple[int, int], str] = {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                names[(int(row["entity_type_code"]), int(row["entity_id"]))] = row["name"]
    except (OSError, KeyError, ValueError):
        return {}
    return names


def label(names: dict[tuple[int, int], str], code: int, entity_id: int, kind: str) -> str:
    """``"FURNAS (hydro 3)"``, or ``"hydro 3"`` when the name is missing or just the id."""
    name = names.get((code, int(entity_id)))
    if not name or name == str(entity_id):
        return f"{kind} {entity_id}"
    return f"{name} ({kind} {entity_id})"
