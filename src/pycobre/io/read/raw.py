"""The unvalidated content of a case directory, as handed to the validation layers."""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field
from typing import Any

from pycobre.io.records import ValidationRecord


@dataclass
class RawCase:
    """``json[relpath]`` parsed documents, ``tables[relpath]`` sorted Arrow tables.

    ``present`` holds every recognised path found on disk (also those that failed to parse);
    ``records`` the read problems (missing required files, parse errors).
    """

    case_dir: pathlib.Path
    json: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    records: list[ValidationRecord] = field(default_factory=list)

    def has(self, relpath: str) -> bool:
        return relpath in self.json or relpath in self.tables
