"""Every class of bad input, through both `pycobre validate CASE` and `pycobre run CASE`.

One row per class: a mutation of a shipped case, the file the message must name, and (where it
applies) the entity id and the field. Both verbs must exit non-zero with a message that names
the file (and entity/field), and neither may print a Python traceback; `run` must not leave a
`_SUCCESS` marker or training metadata behind.
"""

from __future__ import annotations

import json
import math
import pathlib
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pytest
from tests.cli._cases import case_copy, edit_json, read_table, write_table

from pycobre.cli.main import main


@dataclass(frozen=True)
class Bad:
    """``breaker(tmp_path) -> path`` given to the verbs; the texts every report must contain."""

    name: str
    breaker: Callable[[pathlib.Path], pathlib.Path]
    file: str | None  # case-relative file the message names (None: path-level problems)
    entity: str | None = None
    field: str | None = None
    validate_code: int = 1
    run_code: int = 1


def _mutate(case: str, rel: str, fn: Callable[[dict], object]) -> Callable:
    def breaker(tmp: pathlib.Path) -> pathlib.Path:
        path = case_copy(tmp, case)
        edit_json(path, rel, fn)
        return path
    return breaker


def _remove(case: str, rel: str) -> Callable:
    def breaker(tmp: pathlib.Path) -> pathlib.Path:
        path = case_copy(tmp, case)
        (path / rel).unlink()
        return path
    return breaker


def _empty_folder(tmp: pathlib.Path) -> pathlib.Path:
    (tmp / "empty").mkdir()
    return tmp / "empty"


def _a_file(tmp: pathlib.Path) -> pathlib.Path:
    path = tmp / "case.json"
    path.write_text("{}", encoding="utf-8")
    return path


def _rewrite_bytes(case: str, rel: str, fn: Callable[[bytes], bytes]) -> Callable:
    def breaker(tmp: pathlib.Path) -> pathlib.Path:
        path = case_copy(tmp, case)
        target = path / rel
        target.write_bytes(fn(target.read_bytes()))
        return path
    return breaker


def _table(case: str, rel: str, fn: Callable[[pa.Table], pa.Table]) -> Callable:
    def breaker(tmp: pathlib.Path) -> pathlib.Path:
        path = case_copy(tmp, case)
        write_table(path, rel, fn(read_table(path, rel)))
        return path
    return breaker


def _set_column(name: str, values: list) -> Callable[[pa.Table], pa.Table]:
    def fn(table: pa.Table) -> pa.Table:
        idx = table.column_names.index(name)
        return table.set_column(idx, name, pa.array(values))
    return fn


def _set(path: str, value: object) -> Callable[[dict], None]:
    """``_set("hydros[0].reservoir.min_storage_hm3", 5)`` on a parsed document."""
    def fn(doc: dict) -> None:
        node: object = doc
        parts = path.replace("[", ".").replace("]", "").split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]  # type: ignore[index]
        last = parts[-1]
        node[int(last) if last.isdigit() else last] = value  # type: ignore[index]
    return fn


def _cycle(doc: dict) -> None:
    doc["hydros"][1]["downstream_id"] = 0  # d03: 0 -> 1 already; 1 -> 0 closes the loop


def _duplicate_thermal(doc: dict) -> None:
    doc["thermals"][1]["id"] = doc["thermals"][0]["id"]


INFLOW = "scenarios/inflow_seasonal_stats.parquet"
D13 = "d13-generic-constraint"
GENERIC = "constraints/generic_constraints.json"

CLASSES = [
    Bad("missing required file", _remove("1dtoy", "stages.json"), "stages.json",
        validate_code=2, run_code=2),
    Bad("empty folder", _empty_folder, "config.json", validate_code=2, run_code=2),
    Bad("path is a file", _a_file, None, validate_code=2, run_code=2),
    Bad("truncated json", _rewrite_bytes("1dtoy", "system/hydros.json", lambda b: b[:-40]),
        "system/hydros.json"),
    Bad("binary json", _rewrite_bytes("1dtoy", "system/buses.json",
                                      lambda b: bytes(range(256)) * 4),
        "system/buses.json"),
    Bad("wrong json type", _mutate("1dtoy", "system/hydros.json",
                                   _set("hydros[0].reservoir.max_storage_hm3", "big")),
        "system/hydros.json", "0", "max_storage_hm3"),
    Bad("wrong json type (id)", _mutate("1dtoy", "system/thermals.json",
                                        _set("thermals[1].bus_id", [0])),
        "system/thermals.json", "1", "bus_id"),
    Bad("unknown stopping rule", _mutate("1dtoy", "config.json",
                                         _set("training.stopping_rules[0].type", "forever")),
        "config.json", None, "stopping_rules"),
    Bad("unknown generation model", _mutate("1dtoy", "system/hydros.json",
                                            _set("hydros[0].generation.model", "magic")),
        "system/hydros.json", "0", "model"),
    Bad("dangling bus", _mutate("1dtoy", "system/hydros.json", _set("hydros[0].bus_id", 99)),
        "system/hydros.json", "0", "bus_id"),
    Bad("dangling downstream hydro",
        _mutate("1dtoy", "system/hydros.json", _set("hydros[0].downstream_id", 7)),
        "system/hydros.json", "0", "downstream_id"),
    Bad("dangling entity in generic constraint",
        _mutate(D13, GENERIC, _set("constraints[0].expression", "thermal_generation(42)")),
        GENERIC, "1", "expression"),
    Bad("duplicate id", _mutate("1dtoy", "system/thermals.json", _duplicate_thermal),
        "system/thermals.json", "0", "id"),
    Bad("cascade cycle", _mutate("d03-two-hydro-cascade", "system/hydros.json", _cycle),
        "system/hydros.json", "0", "hydros[0].downstream_id"),
    Bad("min > max storage",
        _mutate("1dtoy", "system/hydros.json", _set("hydros[0].reservoir.min_storage_hm3", 2e3)),
        "system/hydros.json", "0", "min_storage_hm3"),
    Bad("negative line capacity",
        _mutate("4ree", "system/lines.json", _set("lines[0].capacity.direct_mw", -5.0)),
        "system/lines.json", "0", "direct_mw"),
    Bad("negative thermal capacity",
        _mutate("1dtoy", "system/thermals.json", _set("thermals[0].generation.max_mw", -1.0)),
        "system/thermals.json", "0", "max_mw"),
    Bad("inverted stage dates",
        _mutate("1dtoy", "stages.json", _set("stages[1].end_date", "2024-01-15")),
        "stages.json", "1", "end_date"),
    Bad("NaN in parquet", _table("1dtoy", INFLOW, _set_column("mean_m3s", [math.nan] * 4)),
        INFLOW, "0", "mean_m3s"),
    Bad("inf in parquet", _table("1dtoy", INFLOW, _set_column("std_m3s", [math.inf] * 4)),
        INFLOW, "0", "std_m3s"),
    Bad("truncated parquet", _rewrite_bytes("1dtoy", INFLOW, lambda b: b[: len(b) // 2]),
        INFLOW),
    Bad("missing parquet column", _table("1dtoy", INFLOW, lambda t: t.drop(["std_m3s"])),
        INFLOW, None, "std_m3s"),
    Bad("mistyped parquet column",
        _table("1dtoy", INFLOW, _set_column("mean_m3s", ["a", "b", "c", "d"])),
        INFLOW, None, "mean_m3s"),
    Bad("python code in generic expression",
        _mutate(D13, GENERIC, _set("constraints[0].expression",
                                   "__import__('os').system('touch PWNED')")),
        GENERIC, "1", "expression"),
]


def _check(out: str, bad: Bad, path: pathlib.Path) -> None:
    assert "Traceback" not in out, out
    if bad.file is None:
        assert str(path) in out, out
        return
    assert bad.file in out, out
    if bad.entity is not None:
        assert f"({bad.entity})" in out or f"id {bad.entity}" in out or \
            f"[{bad.entity}]" in out or f"'{bad.entity}'" in out, out
    if bad.field is not None:
        assert bad.field in out, out


@pytest.mark.parametrize("bad", CLASSES, ids=[b.name for b in CLASSES])
def test_validate_rejects(bad, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = bad.breaker(tmp_path)
    code = main(["--color", "never", "validate", str(path)])
    cap = capsys.readouterr()
    assert code == bad.validate_code, cap.out + cap.err
    _check(cap.out + cap.err, bad, path)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("bad", CLASSES, ids=[b.name for b in CLASSES])
def test_run_rejects(bad, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = bad.breaker(tmp_path)
    code = main(["--color", "never", "run", str(path), "--quiet",
                 "--output", str(tmp_path / "out")])
    cap = capsys.readouterr()
    assert code == bad.run_code, cap.out + cap.err
    _check(cap.out + cap.err, bad, path)
    assert not (tmp_path / "PWNED").exists()
    # nothing that reads as a finished run
    assert sorted((tmp_path / "out").rglob("_SUCCESS")) == []
    assert not (tmp_path / "out" / "training" / "metadata.json").exists()


@pytest.mark.parametrize("bad", [b for b in CLASSES if b.file is not None],
                         ids=[b.name for b in CLASSES if b.file is not None])
def test_json_report_locates_the_problem(bad, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = bad.breaker(tmp_path)
    code = main(["validate", "--json", str(path)])
    doc = json.loads(capsys.readouterr().out)
    assert code == bad.validate_code
    hits = [e for e in doc["errors"] if e["file"] == bad.file]
    assert hits, doc
    first = hits[0]
    assert first["entity"] == bad.entity
    if bad.field is not None:
        assert bad.field in first["field"], first
    assert not (tmp_path / "PWNED").exists()


def test_unicode_names_survive_both_reports(tmp_path, capsys):
    name = "Itaipú ☀ 水力"
    path = case_copy(tmp_path, "1dtoy")
    edit_json(path, "system/hydros.json", lambda d: d["hydros"][0].update(name=name, bus_id=9))
    assert main(["--color", "never", "validate", str(path)]) == 1
    assert f"Hydro '{name}' references non-existent bus 9" in capsys.readouterr().out
    assert main(["validate", "--json", str(path)]) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["message"].startswith(
        f"Hydro '{name}'")
