"""Atomic writers (spec 00 §8, spec 04 §2)."""

from __future__ import annotations

import json
import os
import stat

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pycobre.errors import CobreIOError
from pycobre.io.output.atomic import (
    atomic_path,
    write_bytes_atomic,
    write_json_atomic,
    write_parquet_atomic,
    write_success_marker,
    write_text_atomic,
)


def _no_temp_left(directory) -> None:
    assert [p.name for p in directory.iterdir() if p.name.endswith(".tmp")] == []


def test_bytes_written_and_parent_created(tmp_path):
    target = tmp_path / "a" / "b" / "x.bin"
    out = write_bytes_atomic(target, b"\x00\x01\xff")
    assert out == target
    assert target.read_bytes() == b"\x00\x01\xff"
    _no_temp_left(target.parent)


def test_overwrite_replaces_content(tmp_path):
    target = tmp_path / "x.txt"
    write_text_atomic(target, "first")
    write_text_atomic(target, "second\r\n")
    assert target.read_bytes() == b"second\r\n"  # no newline translation


def test_file_mode_follows_umask(tmp_path):
    old = os.umask(0o022)
    try:
        target = write_text_atomic(tmp_path / "m.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_json_matches_cobre_layout(tmp_path):
    target = write_json_atomic(tmp_path / "m.json", {"a": 1, "b": [1, 2], "c": None})
    assert target.read_text() == '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ],\n  "c": null\n}'
    assert json.loads(target.read_text())["b"] == [1, 2]


def test_failure_keeps_previous_file_and_no_temp(tmp_path):
    target = tmp_path / "keep.txt"
    write_text_atomic(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    _no_temp_left(tmp_path)


def test_unserialisable_json_keeps_previous_file(tmp_path):
    target = tmp_path / "m.json"
    write_json_atomic(target, {"ok": True})
    with pytest.raises(TypeError):
        write_json_atomic(target, {"bad": object()})
    assert json.loads(target.read_text()) == {"ok": True}


def test_parquet_roundtrip_with_cobre_settings(tmp_path):
    schema = pa.schema(
        [pa.field("stage_id", pa.int32(), nullable=False), pa.field("v", pa.float64(), True)]
    )
    table = pa.table({"stage_id": [0, 1, 2], "v": [1.5, None, 3.0]}, schema=schema)
    target = write_parquet_atomic(table, tmp_path / "p" / "data.parquet")
    back = pq.read_table(target)
    assert back.schema.field("stage_id").nullable is False
    assert back.schema.field("stage_id").type == pa.int32()
    assert back.column("v").to_pylist() == [1.5, None, 3.0]
    meta = pq.ParquetFile(target).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    _no_temp_left(target.parent)


def test_parquet_row_groups_of_100k(tmp_path):
    table = pa.table({"x": pa.array(range(250_001), pa.int64())})
    target = write_parquet_atomic(table, tmp_path / "big.parquet")
    meta = pq.ParquetFile(target).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [
        100_000,
        100_000,
        50_001,
    ]


def test_success_marker_is_empty(tmp_path):
    marker = write_success_marker(tmp_path / "sim")
    assert marker.name == "_SUCCESS"
    assert marker.read_bytes() == b""


def test_unwritable_directory_raises_cobre_io_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    with pytest.raises(CobreIOError) as info:
        write_text_atomic(blocker / "x.txt", "y")
    assert info.value.context["file"] == str(blocker / "x.txt")
