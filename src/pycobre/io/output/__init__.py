"""Output writers (spec 04): atomic file primitives, simulation tree, training files."""

from __future__ import annotations

from pycobre.io.output.atomic import (
    SUCCESS_MARKER,
    atomic_path,
    write_bytes_atomic,
    write_json_atomic,
    write_parquet_atomic,
    write_success_marker,
    write_text_atomic,
)
from pycobre.io.output.cobre_json import format_json_like_cobre
from pycobre.io.output.simulation import (
    SimulationWriter,
    entity_dirs_for,
    partition_dir_name,
    simulation_metadata,
)
from pycobre.io.output.simulation_schemas import SIMULATION_SCHEMAS

__all__ = [
    "SIMULATION_SCHEMAS",
    "SUCCESS_MARKER",
    "SimulationWriter",
    "atomic_path",
    "entity_dirs_for",
    "format_json_like_cobre",
    "partition_dir_name",
    "simulation_metadata",
    "write_bytes_atomic",
    "write_json_atomic",
    "write_parquet_atomic",
    "write_success_marker",
    "write_text_atomic",
]
