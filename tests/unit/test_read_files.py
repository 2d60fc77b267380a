"""Readers: strict JSON, Parquet canonical order, the manifest of spec 01 §1, records."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
from tests.unit._case_copies import DETERMINISTIC, copy_case

from pycobre.errors import LOADER_KIND
from pycobre.io.fields import ALL_PATHS, FILES, REQUIRED_FILES
from pycobre.io.read import canonical_sort, read_parquet, read_raw
from pycobre.io.read.json_reader import parse_json_text
from pycobre.io.records import ValidationRecord, make_record


def test_manifest_counts():
    assert len(ALL_PATHS) == 40
    assert len(REQUIRED_FILES) == 8
    assert sum(1 for p in ALL_PATHS if p not in REQUIRED_FILES) == 32


def test_declarations_have_types_and_references():
    hyd = FILES["system/hydros.json"]
    assert hyd.field("bus_id").ref == "bus" and hyd.field("bus_id").required
    assert hyd.field("outflow.max_outflow_m3s").nullable
    assert hyd.field("generation.model").enum == ("constant_productivity", "linearized_head",
                                                  "fpha")
    assert FILES["constraints/hydro_bounds.parquet"].key_columns == ("hydro_id", "stage_id")
    assert FILES["penalties.json"].field("hydro.inflow_nonnegativity_cost").default == 1000.0
    for spec in FILES.values():
        for f in spec.fields:
            assert f.type, (spec.path, f.name)


def test_json_parse_error_has_line_and_column():
    doc, rec = parse_json_text('{\n "a": 1,\n "b": }', "x.json")
    assert doc is None
    assert (rec.kind, rec.context["file"], rec.context["line"]) == ("ParseError", "x.json", 3)
    assert rec.loader_kind == "ParseError"


def test_json_rejects_nan_and_duplicate_keys():
    assert parse_json_text('{"a": NaN}', "f.json")[1].kind == "ParseError"
    assert parse_json_text('{"a": Infinity}', "f.json")[1].kind == "ParseError"
    assert parse_json_text('{"a": 1, "a": 2}', "f.json")[1].kind == "ParseError"
    assert parse_json_text('{"a": [1, 2.5e3]}', "f.json") == ({"a": [1, 2500.0]}, None)


def test_canonical_sort_is_row_order_independent():
    t = pa.table({"hydro_id": pa.array([2, 1, 1], pa.int32()),
                  "stage_id": pa.array([0, 1, None], pa.int32()),
                  "v": [3.0, 2.0, 1.0]})
    s = canonical_sort(t, ("hydro_id", "stage_id"))
    assert s.column("hydro_id").to_pylist() == [1, 1, 2]
    assert s.column("stage_id").to_pylist() == [None, 1, 0]  # nulls first
    assert canonical_sort(t.take(pa.array([2, 0, 1])), ("hydro_id", "stage_id")).equals(s)


def test_corrupt_parquet_is_a_record(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"not parquet at all")
    table, rec = read_parquet(path, "scenarios/bad.parquet")
    assert table is None and rec.kind == "ParseError"
    assert rec.context["file"] == "scenarios/bad.parquet"


def test_read_raw_collects_present_files_and_missing_records(tmp_path):
    case = copy_case(DETERMINISTIC / "d11-water-withdrawal", tmp_path / "c")
    (case / "stages.json").unlink()
    raw = read_raw(case)
    assert "constraints/hydro_bounds.parquet" in raw.tables
    assert "system/hydros.json" in raw.json
    assert [(r.kind, r.context["file"]) for r in raw.records] == [("MissingFile", "stages.json")]
    assert raw.records[0].loader_kind == "IoError"


def test_a_folder_in_place_of_a_file_is_never_ignored(tmp_path):
    """A partitioned Parquet dataset (a folder) where a file is expected is reported, required
    or optional; the optional one would otherwise silently drop its data."""
    case = copy_case(DETERMINISTIC / "d11-water-withdrawal", tmp_path / "c")
    (case / "constraints" / "hydro_bounds.parquet").unlink()
    (case / "constraints" / "hydro_bounds.parquet" / "part=0").mkdir(parents=True)
    (case / "stages.json").unlink()
    (case / "stages.json").mkdir()
    raw = read_raw(case)
    assert [(r.kind, r.context["file"], r.message) for r in raw.records] == [
        ("MissingFile", "stages.json", "'stages.json' is not a regular file in case directory"),
        ("MissingFile", "constraints/hydro_bounds.parquet",
         "'constraints/hydro_bounds.parquet' is not a regular file in case directory"),
    ]
    assert "constraints/hydro_bounds.parquet" not in raw.tables


def test_read_raw_sorts_tables(tmp_path):
    case = copy_case(DETERMINISTIC / "d01-thermal-dispatch", tmp_path / "c")
    path = case / "scenarios" / "load_seasonal_stats.parquet"
    t = pq.read_table(path)
    pq.write_table(t.take(pa.array(range(t.num_rows - 1, -1, -1), pa.int64())), path)
    table = read_raw(case).tables["scenarios/load_seasonal_stats.parquet"]
    assert table.column("stage_id").to_pylist() == sorted(t.column("stage_id").to_pylist())


def test_validation_record_is_a_mapping():
    rec = make_record("DuplicateId", "dup", file="system/buses.json", entity_id=3,
                      field="id", registry="bus")
    assert isinstance(rec, ValidationRecord)
    assert rec["kind"] == "DuplicateId" and rec["message"] == "dup"
    assert dict(rec)["loader_kind"] == LOADER_KIND["DuplicateId"] == "SchemaError"
    assert rec.context == {"file": "system/buses.json", "entity_id": 3, "field": "id",
                           "registry": "bus"}
    assert rec.severity == "error" and rec.is_error
    assert set(rec) == {"kind", "message", "context", "suggestion", "severity", "loader_kind"}
