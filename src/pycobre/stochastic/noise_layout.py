"""Canonical noise vector layout ``[hydros | load buses | NCS]`` and noise groups (spec 11 §1.2, §12.4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pycobre.io.arrow_numpy import to_numpy
from pycobre.stochastic.case_view import StageInfo

__all__ = ["NoiseLayout", "build_noise_layout", "noise_groups"]


@dataclass(frozen=True)
class NoiseLayout:
    hydro_ids: tuple[int, ...]
    load_bus_ids: tuple[int, ...]
    ncs_ids: tuple[int, ...]

    @property
    def dim(self) -> int:
        return len(self.hydro_ids) + len(self.load_bus_ids) + len(self.ncs_ids)

    def segments(self) -> dict[str, tuple[int, ...]]:
        return {"inflow": self.hydro_ids, "load": self.load_bus_ids, "ncs": self.ncs_ids}

    def slices(self) -> dict[str, slice]:
        h, b = len(self.hydro_ids), len(self.load_bus_ids)
        return {"inflow": slice(0, h), "load": slice(h, h + b), "ncs": slice(h + b, self.dim)}


def build_noise_layout(
    hydro_ids: list[int], load_stats: pa.Table | None, ncs_stats: pa.Table | None
) -> NoiseLayout:
    """Load buses with any ``std_mw > 0`` row; NCS with any stats row (whatever its std)."""
    load_ids: tuple[int, ...] = ()
    if load_stats is not None and load_stats.num_rows:
        bus = np.asarray(to_numpy(load_stats.column("bus_id")))
        std = np.asarray(to_numpy(load_stats.column("std_mw")))
        load_ids = tuple(int(b) for b in np.unique(bus[std > 0]))
    ncs_ids: tuple[int, ...] = ()
    if ncs_stats is not None and ncs_stats.num_rows:
        ncs_ids = tuple(
            int(n) for n in np.unique(to_numpy(ncs_stats.column("ncs_id")))
        )
    return NoiseLayout(tuple(sorted(hydro_ids)), load_ids, ncs_ids)


def noise_groups(stages: list[StageInfo]) -> np.ndarray:
    """Group id per study stage: (season_id, calendar year of start) keys, fresh id otherwise."""
    keys: dict[tuple[int, int], int] = {}
    out = np.empty(len(stages), dtype=np.int64)
    next_id = 0
    for t, stage in enumerate(stages):
        if stage.season_id is None:
            out[t] = next_id
            next_id += 1
            continue
        key = (stage.season_id, stage.start_date.year)
        if key not in keys:
            keys[key] = next_id
            next_id += 1
        out[t] = keys[key]
    return out
