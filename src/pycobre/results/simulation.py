"""``load_simulation`` (spec 20 §8.2): Hive-partitioned simulation tables with a ``scenario_id``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pycobre.errors import CobreIOError, OutputNotFoundError
from pycobre.io.output.simulation_schemas import ENTITY_DIRS
from pycobre.results.formats import convert_table

__all__ = ["load_simulation", "load_simulation_arrow"]

_PARTITION = re.compile(r"^scenario_id=(\d+)$")


def _simulation_dir(output_dir: str | os.PathLike[str]) -> Path:
    sim = Path(output_dir) / "simulation"
    if not sim.is_dir():
        raise OutputNotFoundError(
            f"simulation directory not found: {sim}",
            context={"path": str(sim), "expected_content": "simulation outputs"},
        )
    return sim


def _read_entity(sim: Path, entity: str) -> pa.Table:
    directory = sim / entity
    if not directory.is_dir():
        raise OutputNotFoundError(
            f"simulation table directory not found: {directory}",
            context={"path": str(directory), "expected_content": f"{entity} partitions"},
        )
    parts: list[tuple[int, Path]] = []
    for child in directory.iterdir():
        if not child.is_dir():
            continue
        m = _PARTITION.match(child.name)
        if m is None:
            raise CobreIOError(
                f"unexpected partition directory {child} (expected scenario_id=<int>)",
                kind="OutputCorrupted",
                context={"file": str(child), "detail": "bad partition name"},
            )
        parts.append((int(m.group(1)), child / "data.parquet"))
    parts.sort()
    tables = []
    for scenario, path in parts:
        try:
            t = pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise CobreIOError(
                f"cannot read simulation partition {path}: {exc}",
                kind="OutputCorrupted",
                context={"file": str(path), "detail": str(exc)},
            ) from exc
        t = t.replace_schema_metadata(None)
        ids = pa.array([scenario] * t.num_rows, type=pa.int64())
        tables.append(t.add_column(0, pa.field("scenario_id", pa.int64(), nullable=False), ids))
    if not tables:
        return pa.table({"scenario_id": pa.array([], type=pa.int64())})
    return pa.concat_tables(tables, promote_options="default")


def _entities_present(sim: Path) -> list[str]:
    known = [e for e in ENTITY_DIRS if (sim / e).is_dir()]
    extra = sorted(
        p.name
        for p in sim.iterdir()
        if p.is_dir() and p.name not in ENTITY_DIRS and p.name not in ("solver", "violations")
    )
    return known + extra


def load_simulation_arrow(
    output_dir: str | os.PathLike[str], entity_type: str | None = None
) -> pa.Table | dict[str, pa.Table]:
    sim = _simulation_dir(output_dir)
    if entity_type is not None:
        return _read_entity(sim, entity_type)
    return {entity: _read_entity(sim, entity) for entity in _entities_present(sim)}


def load_simulation(
    output_dir: str | os.PathLike[str],
    entity_type: str | None = None,
    *,
    format: str = "dicts",  # noqa: A002
) -> Any:
    """One table (``entity_type`` given) or every table present, as ``format``."""
    data = load_simulation_arrow(output_dir, entity_type)
    if isinstance(data, pa.Table):
        if format == "dicts" and data.num_columns == 1 and data.num_rows == 0:
            return []
        return convert_table(data, format)
    return {
        k: ([] if format == "dicts" and v.num_rows == 0 else convert_table(v, format))
        for k, v in data.items()
    }
