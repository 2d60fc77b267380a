"""The ``simulation/`` output tree (spec 04 §1, §4): directories, partitions, manifest, marker.

Layout: ``simulation/<table>/scenario_id=NNNN/data.parquet`` (Hive partitioning, scenario id only
in the directory name), ``solver/iterations.parquet`` and ``solver/retry_histogram.parquet``,
then ``metadata.json`` and finally the empty ``_SUCCESS`` marker. Every file is written
atomically; a run that dies midway leaves no ``_SUCCESS``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pycobre.errors import CobreIOError
from pycobre.io.output.atomic import (
    SUCCESS_MARKER,
    sync_all,
    write_parquet_atomic,
    write_success_marker,
    write_text_atomic,
)
from pycobre.io.output.cobre_json import format_json_like_cobre
from pycobre.io.output.simulation_schemas import (
    ENTITY_DIRS,
    RETRY_HISTOGRAM_SCHEMA,
    SIMULATION_SCHEMAS,
    SOLVER_ITERATIONS_SCHEMA,
)

__all__ = [
    "EntityCounts",
    "SimulationWriter",
    "entity_dirs_for",
    "partition_dir_name",
    "simulation_metadata",
]

_PARTITION = re.compile(r"^scenario_id=\d+$")


def partition_dir_name(scenario_id: int) -> str:
    """``scenario_id=NNNN`` (zero-padded to 4 digits; wider ids are written in full)."""
    return f"scenario_id={int(scenario_id):04d}"


@dataclass(frozen=True)
class EntityCounts:
    hydros: int = 0
    thermals: int = 0
    lines: int = 0
    buses: int = 0
    pumping_stations: int = 0
    contracts: int = 0
    non_controllables: int = 0
    generic_constraints: int = 0

    @classmethod
    def of_system(cls, system: Any) -> EntityCounts:
        def n(attr: str) -> int:
            return len(list(getattr(system, attr, ()) or ()))

        return cls(
            hydros=n("hydros"),
            thermals=n("thermals"),
            lines=n("lines"),
            buses=n("buses"),
            pumping_stations=n("pumping_stations"),
            contracts=n("contracts"),
            non_controllables=n("non_controllable_sources"),
            generic_constraints=n("generic_constraints"),
        )


def entity_dirs_for(counts: EntityCounts) -> list[str]:
    """Table directories created when simulation starts (spec 04 §1)."""
    present = {
        "costs": True,
        "hydros": counts.hydros > 0,
        "thermals": counts.thermals > 0,
        "exchanges": counts.lines > 0,
        "buses": counts.buses > 0,
        "pumping_stations": counts.pumping_stations > 0,
        "contracts": counts.contracts > 0,
        "non_controllables": counts.non_controllables > 0,
        "inflow_lags": counts.hydros > 0,
        "violations/generic": counts.generic_constraints > 0,
    }
    return [d for d in ENTITY_DIRS if present[d]]


def simulation_metadata(
    *,
    version: str,
    started_at: str,
    completed_at: str,
    duration_seconds: float,
    total: int,
    completed: int,
    failed: int = 0,
    threads: int = 1,
    solver_version: str | None = None,
    status: str = "complete",
    hostname: str | None = None,
) -> dict[str, Any]:
    """``simulation/metadata.json`` content in Cobre's key order (spec 04 §4.1)."""
    meta: dict[str, Any] = {
        "cobre_version": version,
        "hostname": hostname if hostname is not None else socket.gethostname(),
        "solver": "highs",
    }
    if solver_version:
        meta["solver_version"] = solver_version
    meta.update(
        {
            "started_at": started_at,
            "completed_at": completed_at,
            "duration_seconds": float(duration_seconds),
            "status": status,
            "scenarios": {"total": int(total), "completed": int(completed), "failed": int(failed)},
            "distribution": {
                "backend": "local",
                "world_size": 1,
                "ranks_participated": 1,
                "num_nodes": 1,
                "threads_per_rank": int(threads),
            },
        }
    )
    return meta


class SimulationWriter:
    """Writes one simulation run into ``<output>/simulation``.

    ``prepare`` creates the directories and removes the marker, manifest and partitions of a
    previous run (so stale scenarios cannot mix with new ones); ``write_scenario`` may be called
    from several threads for different scenarios; ``finish`` writes the manifest and marker.
    """

    def __init__(self, output_dir: str | os.PathLike[str], entity_dirs: list[str]) -> None:
        self.root = Path(output_dir) / "simulation"
        self.entity_dirs = list(entity_dirs)
        unknown = [d for d in self.entity_dirs if d not in SIMULATION_SCHEMAS]
        if unknown:
            raise ValueError(f"unknown simulation tables: {unknown}")

    @classmethod
    def for_system(cls, output_dir: str | os.PathLike[str], system: Any) -> SimulationWriter:
        return cls(output_dir, entity_dirs_for(EntityCounts.of_system(system)))

    def prepare(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for name in (SUCCESS_MARKER, "metadata.json"):
                (self.root / name).unlink(missing_ok=True)
            for entity in ENTITY_DIRS:
                d = self.root / entity
                if d.is_dir():
                    for part in d.iterdir():
                        if part.is_dir() and _PARTITION.match(part.name):
                            shutil.rmtree(part)
            for entity in self.entity_dirs:
                (self.root / entity).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CobreIOError(
                f"cannot prepare simulation output directory {self.root}: {exc}",
                kind="OutputWriteFailed",
                context={"file": str(self.root)},
            ) from exc

    def scenario_path(self, entity: str, scenario_id: int) -> Path:
        return self.root / entity / partition_dir_name(scenario_id) / "data.parquet"

    def write_scenario(self, scenario_id: int, tables: Mapping[str, pa.Table]) -> list[Path]:
        """One partition per table with at least one row (spec 04 §1)."""
        written = []
        for entity, table in tables.items():
            if table.num_rows == 0:
                continue
            schema = SIMULATION_SCHEMAS[entity]
            if not table.schema.equals(schema):
                table = table.cast(schema)
            path = self.scenario_path(entity, scenario_id)
            written.append(write_parquet_atomic(table, path, durable=False))
        return written

    def write_solver_tables(self, iterations: pa.Table, histogram: pa.Table) -> None:
        solver = self.root / "solver"
        write_parquet_atomic(
            iterations.cast(SOLVER_ITERATIONS_SCHEMA), solver / "iterations.parquet"
        )
        write_parquet_atomic(
            histogram.cast(RETRY_HISTOGRAM_SCHEMA), solver / "retry_histogram.parquet"
        )

    def finish(self, metadata: Mapping[str, Any]) -> None:
        """``metadata.json`` (serde_json pretty layout and float format), then ``_SUCCESS``."""
        sync_all()  # the partitions were written without per-file fsyncs
        write_text_atomic(self.root / "metadata.json", format_json_like_cobre(dict(metadata)))
        write_success_marker(self.root)
