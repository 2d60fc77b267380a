"""Column/row allocators used while assembling a stage template.

Each call reserves a contiguous range and records, per column/row, a family name, the entity
id and the block, so that solutions can be sliced by family and error messages can name the
entities of a row.  Build-time only (never used inside a solve).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

INF = float("inf")


@dataclass
class Ranges:
    """Contiguous ranges reserved by family name: ``name -> (start, count)``."""

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    family: list[np.ndarray] = field(default_factory=list)
    entity: list[np.ndarray] = field(default_factory=list)
    block: list[np.ndarray] = field(default_factory=list)
    lower: list[np.ndarray] = field(default_factory=list)
    upper: list[np.ndarray] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    size: int = 0

    def add(
        self,
        name: str,
        count: int,
        lower,
        upper,
        entity=None,
        block=None,
    ) -> int:
        """Reserve ``count`` entries; returns the start index."""
        start = self.size
        code = len(self.names)
        self.names.append(name)
        self.spans[name] = (start, count)
        self.family.append(np.full(count, code, dtype=np.int32))
        self.entity.append(
            np.full(count, -1, dtype=np.int64)
            if entity is None
            else np.asarray(entity, dtype=np.int64).reshape(count)
        )
        self.block.append(
            np.full(count, -1, dtype=np.int32)
            if block is None
            else np.asarray(block, dtype=np.int32).reshape(count)
        )
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=np.float64), (count,)).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=np.float64), (count,)).copy())
        self.size += count
        return start

    def start(self, name: str) -> int:
        return self.spans[name][0]

    def concat(self, parts: list[np.ndarray], dtype) -> np.ndarray:
        if not parts:
            return np.zeros(0, dtype=dtype)
        return np.ascontiguousarray(np.concatenate(parts).astype(dtype, copy=False))


@dataclass
class Triplets:
    """COO pieces of the constraint matrix, concatenated once at the end."""

    rows: list[np.ndarray] = field(default_factory=list)
    cols: list[np.ndarray] = field(default_factory=list)
    vals: list[np.ndarray] = field(default_factory=list)

    def add(self, rows, cols, vals) -> None:
        r = np.asarray(rows, dtype=np.int64).ravel()
        c = np.asarray(cols, dtype=np.int64).ravel()
        v = np.broadcast_to(np.asarray(vals, dtype=np.float64), r.shape).ravel()
        if not (r.shape == c.shape == v.shape):
            raise ValueError("triplet pieces of different lengths")
        keep = v != 0.0
        self.rows.append(r[keep])
        self.cols.append(c[keep])
        self.vals.append(v[keep])

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.rows:
            z = np.zeros(0, dtype=np.int64)
            return z, z, np.zeros(0)
        return np.concatenate(self.rows), np.concatenate(self.cols), np.concatenate(self.vals)


def block_grid(n_entities: int, n_blocks: int) -> tuple[np.ndarray, np.ndarray]:
    """Entity and block index of every (entity-major, block-minor) slot."""
    e = np.repeat(np.arange(n_entities, dtype=np.int64), n_blocks)
    k = np.tile(np.arange(n_blocks, dtype=np.int64), n_entities)
    return e, k
