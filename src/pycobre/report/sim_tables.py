"""Column-projected reading of the Hive-partitioned simulation tables (spec 04 §2, §4.2).

The report needs a handful of columns of possibly very large tables (hydros of a big system),
so it reads only those columns, through ``pyarrow.dataset`` (multi-threaded), and turns them into
dense ``(scenario, stage, entity)`` arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds

from pycobre.errors import CobreIOError

__all__ = ["Cube", "read_columns", "to_cube"]

_PARTITIONING = ds.partitioning(pa.schema([("scenario_id", pa.int64())]), flavor="hive")


def read_columns(sim_dir: Path, entity: str, columns: list[str]) -> pa.Table | None:
    """``scenario_id`` plus ``columns`` of every partition of ``simulation/<entity>``; ``None``
    when the directory is absent or holds no partition."""
    directory = sim_dir / entity
    if not directory.is_dir() or not any(directory.glob("scenario_id=*/data.parquet")):
        return None
    try:
        dataset = ds.dataset(directory, format="parquet", partitioning=_PARTITIONING)
        return dataset.to_table(columns=["scenario_id", *columns])
    except (pa.ArrowInvalid, OSError) as exc:
        raise CobreIOError(
            f"cannot read simulation table {directory}: {exc}",
            kind="OutputCorrupted",
            context={"file": str(directory), "detail": str(exc)},
        ) from exc


@dataclass(frozen=True)
class Cube:
    """Values on a dense grid: ``values[s, t, e]`` (NaN where no row exists)."""

    scenarios: np.ndarray  # (S,) scenario ids
    stages: np.ndarray  # (T,) stage ids
    entities: np.ndarray  # (E,) entity ids
    values: np.ndarray  # (S, T, E)


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    raw = column.to_numpy()
    uniq, inverse = np.unique(raw, return_inverse=True)
    return uniq, inverse


def to_cube(table: pa.Table, entity_col: str | None, value: np.ndarray,
            weight: np.ndarray | None = None, *, how: str = "mean") -> Cube:
    """Aggregate row ``value`` over blocks into a (scenario, stage, entity) cube.

    ``how="mean"`` gives the (``weight``-weighted) mean over the rows of a cell, ``"sum"`` the sum.
    """
    scen, s_idx = _codes(table["scenario_id"])
    stages, t_idx = _codes(table["stage_id"])
    if entity_col is None:
        ents, e_idx = np.array([0]), np.zeros(table.num_rows, dtype=np.int64)
    else:
        ents, e_idx = _codes(table[entity_col])
    shape = (len(scen), len(stages), len(ents))
    flat = np.ravel_multi_index((s_idx, t_idx, e_idx), shape)
    w = np.ones(len(value)) if weight is None else np.asarray(weight, dtype=np.float64)
    size = int(np.prod(shape))
    sums = np.bincount(flat, weights=np.asarray(value, dtype=np.float64) * w, minlength=size)
    counts = np.bincount(flat, weights=w, minlength=size)
    seen = np.bincount(flat, minlength=size) > 0
    if how == "sum":
        out = np.where(seen, sums, np.nan)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(seen & (counts > 0), sums / np.where(counts > 0, counts, 1), np.nan)
    return Cube(scen, stages, ents, out.reshape(shape))
