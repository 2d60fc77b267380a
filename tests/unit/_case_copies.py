"""Helpers for model-io tests: copy a shipped case and rewrite it (reversed order, edits)."""

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


def copy_case(src: pathlib.Path, dst: pathlib.Path) -> pathlib.Path:
    shutil.copytree(src, dst)
    return dst


def edit_json(case: pathlib.Path, rel: str, fn: Callable[[Any], Any]) -> None:
    path = case / rel
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc = fn(doc) or doc
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def write_json(case: pathlib.Path, rel: str, doc: Any) -> None:
    path = case / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def write_parquet(case: pathlib.Path, rel: str, table: pa.Table) -> None:
    path = case / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def _reverse_lists(node: Any, protected: bool = False) -> Any:
    """Reverse every list of objects (entity collections, rows, block lists...) but not
    order-significant arrays (numbers, deficit tiers, stage_ranges, matrices)."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            keep = k in ("deficit_segments", "stage_ranges", "points", "entities", "matrix",
                         "blocks")  # block ids must be 0..n-1 in order (validation)
            out[k] = _reverse_lists(v, keep)
        return dict(reversed(list(out.items())))
    if isinstance(node, list):
        items = [_reverse_lists(v) for v in node]
        if not protected and items and all(isinstance(v, dict) for v in items):
            items.reverse()
        return items
    return node


def reverse_case(case: pathlib.Path) -> None:
    """Reverse the declaration order of every JSON collection and every Parquet row order."""
    for path in case.rglob("*.json"):
        rel = path.relative_to(case).as_posix()
        edit_json(case, rel, _reverse_lists)
    for path in case.rglob("*.parquet"):
        table = pq.read_table(path)
        idx = pa.array(range(table.num_rows - 1, -1, -1), pa.int64())
        pq.write_table(table.take(idx), path)
