"""Readers: case directory -> :class:`RawCase` (parsed JSON + canonically sorted Arrow tables).

Nothing here interprets values; problems are returned as records, never raised.
"""

from __future__ import annotations

from pycobre.io.read.case_reader import read_raw
from pycobre.io.read.json_reader import read_json
from pycobre.io.read.parquet_reader import canonical_sort, read_parquet
from pycobre.io.read.raw import RawCase

__all__ = ["RawCase", "canonical_sort", "read_json", "read_parquet", "read_raw"]
