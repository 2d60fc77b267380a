"""Helpers for the validation and CLI tests: copy a shipped case into tmp_path and break it."""

from __future__ import annotations

import json
import pathlib
import shutil
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DETERMINISTIC = ROOT / "tests" / "data" / "deterministic"
ALL_CASES = [EXAMPLES / "1dtoy", EXAMPLES / "4ree"] + sorted(
    p for p in DETERMINISTIC.iterdir() if p.is_dir() and p.name.startswith("d")
)


def case_copy(tmp_path: pathlib.Path, name: str = "1dtoy") -> pathlib.Path:
    """Copy ``examples/<name>`` (or ``tests/data/deterministic/<name>``) into ``tmp_path``."""
    src = EXAMPLES / name if (EXAMPLES / name).is_dir() else DETERMINISTIC / name
    return pathlib.Path(shutil.copytree(src, tmp_path / name))


def edit_json(case: pathlib.Path, rel: str, fn: Callable[[Any], Any]) -> None:
    """Apply the in-place edit ``fn`` to the parsed document and write it back."""
    path = case / rel
    doc = json.loads(path.read_text(encoding="utf-8"))
    fn(doc)
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")


def read_table(case: pathlib.Path, rel: str) -> pa.Table:
    return pq.read_table(case / rel)


def write_table(case: pathlib.Path, rel: str, table: pa.Table) -> None:
    (case / rel).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, case / rel)


def only(records: list[Any], kind: str) -> Any:
    """The single record of ``kind`` (fails listing all records otherwise)."""
    hits = [r for r in records if r.kind == kind]
    assert len(hits) == 1, [str(r) for r in records]
    return hits[0]
