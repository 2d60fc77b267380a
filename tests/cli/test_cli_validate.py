"""``pycobre validate``: exit codes, the file named in the report, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from tests.cli._cases import ALL_CASES, case_copy, edit_json, read_table, write_table

from pycobre.cli.main import main


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.name)
def test_shipped_cases_exit_zero(capsys, case):
    code, out, _ = run_cli(capsys, "validate", str(case))
    assert code == 0
    assert out.startswith("Valid case: ")
    assert "error:" not in out


def test_1dtoy_text_report_is_exact(capsys):
    code, out, _ = run_cli(capsys, "--color", "never", "validate", str(ALL_CASES[0]))
    assert code == 0
    assert out.splitlines() == [
        "Valid case: 1 buses, 1 hydros, 2 thermals, 0 lines",
        "  buses: 1", "  hydros: 1", "  thermals: 2", "  lines: 0",
    ]


def _truncate(case):
    p = case / "stages.json"
    p.write_text(p.read_text()[:150])


def _binary(case):
    (case / "penalties.json").write_bytes(bytes(range(256)))


def _type(case):
    edit_json(case, "system/hydros.json", lambda d: d["hydros"][0].update(bus_id="zero"))


def _enum(case):
    edit_json(case, "stages.json", lambda d: d["policy_graph"].update(type="spiral"))


def _dup(case):
    edit_json(case, "system/thermals.json", lambda d: d["thermals"][1].update(id=0))


def _dangling(case):
    edit_json(case, "system/hydros.json", lambda d: d["hydros"][0].update(bus_id=7))


def _coverage(case):
    rel = "scenarios/inflow_seasonal_stats.parquet"
    t = read_table(case, rel)
    write_table(case, rel, t.filter(pc.not_equal(t.column("stage_id"), 1)))


def _parquet_type(case):
    rel = "scenarios/load_seasonal_stats.parquet"
    t = read_table(case, rel)
    write_table(case, rel, t.set_column(0, "bus_id", pc.cast(t.column("bus_id"), pa.float64())))


def _semantic(case):
    edit_json(case, "system/hydros.json",
              lambda d: d["hydros"][0]["generation"].update(min_turbined_m3s=80.0))


def _corrupt_parquet(case):
    (case / "scenarios" / "load_seasonal_stats.parquet").write_bytes(b"PAR1 not really")


BREAKERS = [
    (_truncate, "stages.json", "ParseError", 1),
    (_binary, "penalties.json", "ParseError", 1),
    (_type, "system/hydros.json", "SchemaViolation", 1),
    (_enum, "stages.json", "SchemaViolation", 1),
    (_dup, "system/thermals.json", "DuplicateId", 1),
    (_dangling, "system/hydros.json", "InvalidReference", 1),
    (_coverage, "scenarios/inflow_seasonal_stats.parquet", "DimensionMismatch", 1),
    (_parquet_type, "scenarios/load_seasonal_stats.parquet", "SchemaViolation", 1),
    (_semantic, "system/hydros.json", "InvalidValue", 1),
    (_corrupt_parquet, "scenarios/load_seasonal_stats.parquet", "ParseError", 1),
]


@pytest.mark.parametrize("breaker,file,cobre_kind,code", BREAKERS,
                         ids=[b[0].__name__.strip("_") for b in BREAKERS])
def test_bad_input_names_the_file(capsys, tmp_path, breaker, file, cobre_kind, code):
    case = case_copy(tmp_path)
    breaker(case)
    rc, out, _ = run_cli(capsys, "--color", "never", "validate", str(case))
    assert rc == code
    lines = out.splitlines()
    assert lines[0] == f"Validation: 1 errors, 0 warnings in {case}"
    assert lines[1].startswith(f"error: [{cobre_kind}] {file}")


def test_json_report(capsys, tmp_path):
    case = case_copy(tmp_path)
    _dangling(case)
    _dup(case)
    rc, out, _ = run_cli(capsys, "validate", "--json", str(case))
    assert rc == 1
    doc = json.loads(out)
    assert list(doc)[:4] == ["error_count", "warning_count", "errors", "warnings"]
    assert doc["error_count"] == 1  # the L2 duplicate stops the pipeline before L3
    err = doc["errors"][0]
    assert list(err)[:4] == ["kind", "file", "entity", "message"]
    assert (err["kind"], err["file"], err["entity"], err["field"]) == (
        "DuplicateId", "system/thermals.json", "0", "thermals[1].id")


def test_missing_required_file_is_io_exit_2(capsys, tmp_path):
    case = case_copy(tmp_path)
    (case / "initial_conditions.json").unlink()
    rc, out, _ = run_cli(capsys, "validate", str(case))
    assert rc == 2
    assert out.splitlines()[1] == ("error: [FileNotFound] initial_conditions.json: required file "
                                   "'initial_conditions.json' not found in case directory")


def test_missing_directory_is_io_exit_2(capsys, tmp_path):
    rc, out, err = run_cli(capsys, "validate", str(tmp_path / "nowhere"))
    assert rc == 2 and out == ""
    assert err.splitlines()[0] == f"error: case directory not found: {tmp_path / 'nowhere'}"
    assert err.splitlines()[1].startswith("  -> check that the path exists")


def test_file_instead_of_directory(capsys, tmp_path):
    target = tmp_path / "x.json"
    target.write_text("{}")
    rc, _, err = run_cli(capsys, "validate", str(target))
    assert rc == 2 and "not a directory" in err


def test_empty_directory_lists_required_files(capsys, tmp_path):
    rc, out, _ = run_cli(capsys, "--color", "never", "validate", str(tmp_path))
    assert rc == 2
    assert out.splitlines()[0] == f"Validation: 9 errors, 0 warnings in {tmp_path}"
    assert sum(line.startswith("error: [FileNotFound]") for line in out.splitlines()) == 9
    assert out.splitlines()[1] == f"error: [FileNotFound] {tmp_path}: case directory is empty: {tmp_path}"
    assert out.splitlines()[-1] == f"  -> create a case there, e.g. `pycobre init --template 1dtoy {tmp_path}`"


def test_warnings_are_listed_and_colour_is_applied(capsys, tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "penalties.json",
              lambda d: d["hydro"].update(filling_target_violation_cost=5.0))
    rc, out, _ = run_cli(capsys, "--color", "always", "validate", str(case))
    assert rc == 0
    assert f"Validation: 0 errors, 1 warnings in {case}" in out
    assert "\x1b[1;33mwarning:\x1b[0m penalties.json: filling_target_violation_cost" in out
    rc, out, _ = run_cli(capsys, "--color", "never", "validate", str(case))
    assert "\x1b[" not in out


def test_subprocess_entry_point_has_no_traceback(tmp_path):
    case = case_copy(tmp_path)
    _truncate(case)
    proc = subprocess.run([sys.executable, "-m", "pycobre", "validate", str(case)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "stages.json" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_validator_bug_exits_4_without_traceback(capsys, monkeypatch):
    import pycobre.io.validation.pipeline as pipeline

    def broken(view, sink):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline, "check_references", broken)
    rc, out, _ = run_cli(capsys, "--color", "never", "validate", str(ALL_CASES[0]))
    assert rc == 4
    assert "error: [InternalError] <case>: internal error while checking references" in out


def test_json_report_for_missing_directory(capsys, tmp_path):
    rc, out, _ = run_cli(capsys, "validate", "--json", str(tmp_path / "gone"))
    doc = json.loads(out)
    assert rc == 2 and doc["error_count"] == 1
    assert doc["errors"][0]["kind"] == "FileNotFound"
    assert doc["errors"][0]["message"] == f"case directory does not exist: {tmp_path / 'gone'}"
