"""``init``, ``schema export``, ``version``, the placeholders and the dispatcher's error edge."""

from __future__ import annotations

import json

import pytest
from tests.cli._cases import EXAMPLES

import pycobre
from pycobre.cli import main as cli_main
from pycobre.cli.main import main
from pycobre.errors import CobreIOError, SolverError, ValidationError


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _files(root):
    """Case files under ``root``; an ``output/`` folder left by a local `pycobre run` of the
    example (git-ignored) is not part of the case."""
    rels = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return sorted(r for r in rels if not r.startswith("output/"))


def test_init_list(capsys):
    code, out, _ = run_cli(capsys, "init", "--list")
    assert code == 0
    assert [line[:18] for line in out.splitlines()] == ["1dtoy" + " " * 13, "4ree" + " " * 14]
    assert "one hydro plant and two thermals over a 4-stage finite horizon" in out


@pytest.mark.parametrize("template", ["1dtoy", "4ree"])
def test_init_copies_the_example_and_it_validates(capsys, tmp_path, template):
    target = tmp_path / "new"
    code, _, err = run_cli(capsys, "--color", "never", "init", "--template", template,
                           str(target))
    assert code == 0
    assert err.startswith(f"Created {target} case directory from template '{template}':")
    assert f"-> pycobre validate {target}" in err
    assert _files(target) == _files(EXAMPLES / template)
    for rel in _files(target):
        assert (target / rel).read_bytes() == (EXAMPLES / template / rel).read_bytes()
    assert run_cli(capsys, "validate", str(target))[0] == 0


def test_init_refuses_non_empty_directory_without_force(capsys, tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    code, _, err = run_cli(capsys, "init", "--template", "1dtoy", str(tmp_path))
    assert code == 2
    assert f"directory '{tmp_path}' already exists and is not empty" in err
    assert "--force" in err
    code, _, _ = run_cli(capsys, "init", "--template", "1dtoy", "--force", str(tmp_path))
    assert code == 0 and (tmp_path / "system" / "hydros.json").is_file()
    assert (tmp_path / "keep.txt").read_text() == "x"


def test_init_unknown_template(capsys, tmp_path):
    code, _, err = run_cli(capsys, "init", "--template", "9ree", str(tmp_path / "x"))
    assert code == 1
    assert "unknown template '9ree'. Available templates: 1dtoy, 4ree" in err
    assert not (tmp_path / "x").exists()


def test_schema_export_writes_one_schema_per_json_input(capsys, tmp_path):
    out_dir = tmp_path / "schemas"
    code, _, _ = run_cli(capsys, "schema", "export", "--output-dir", str(out_dir))
    assert code == 0
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == sorted(f"{n}.schema.json" for n in (
        "buses", "config", "correlation", "energy_contracts", "exchange_factors",
        "generic_constraints", "hydros", "initial_conditions", "lines", "load_factors",
        "non_controllable_factors", "non_controllable_sources", "penalties",
        "production_models", "pumping_stations", "stages", "thermals"))
    hydros = json.loads((out_dir / "hydros.schema.json").read_text())
    item = hydros["properties"]["hydros"]["items"]
    assert hydros["required"] == ["hydros"]
    assert {"id", "name", "bus_id", "reservoir", "outflow", "generation"} <= set(item["required"])
    assert item["properties"]["downstream_id"]["type"] == ["integer", "null"]
    assert item["properties"]["generation"]["properties"]["model"]["enum"] == [
        "constant_productivity", "linearized_head", "fpha"]
    thermals = json.loads((out_dir / "thermals.schema.json").read_text())
    cost = thermals["properties"]["thermals"]["items"]["properties"]["cost_per_mwh"]
    assert cost["minimum"] == 0.0 and cost["type"] == "number"
    penalties = json.loads((out_dir / "penalties.schema.json").read_text())
    spill = penalties["properties"]["hydro"]["properties"]["spillage_cost"]
    assert spill["exclusiveMinimum"] == 0.0
    config = json.loads((out_dir / "config.schema.json").read_text())
    assert config["required"] == ["training"]
    assert config["properties"]["training"]["required"] == ["forward_passes", "stopping_rules"]


def test_version(capsys):
    code, out, _ = run_cli(capsys, "version")
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"pycobre v{pycobre.__version__}"
    assert [line.split(":")[0] for line in lines[1:]] == ["solver", "comm", "zstd", "arch",
                                                          "build"]
    assert lines[1].startswith("solver: HiGHS 1.")


@pytest.mark.parametrize("verb", sorted(cli_main.VERBS))
def test_every_verb_module_follows_the_plugin_contract(verb):
    import argparse
    import importlib

    module = importlib.import_module(cli_main.VERBS[verb][0])
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    assert isinstance(module.add_parser(sub), argparse.ArgumentParser)
    assert callable(module.execute)
    assert verb in sub.choices


def test_usage_errors_exit_2(capsys):
    assert run_cli(capsys)[0] == 2
    assert run_cli(capsys, "frobnicate")[0] == 2
    assert run_cli(capsys, "--color", "sometimes", "version")[0] == 2
    assert run_cli(capsys, "--help")[0] == 0


@pytest.mark.parametrize("exc,code,text", [
    (ValidationError("bad hydro"), 1, "error: bad hydro"),
    (CobreIOError("disk full"), 2, "error: disk full"),
    (SolverError("LP infeasible at stage 3, iteration 2, scenario 1", stage=3), 3,
     "error: LP infeasible at stage 3"),
    (KeyError("boom"), 4, "this is a bug in pycobre"),
])
def test_dispatcher_turns_exceptions_into_exit_codes(capsys, monkeypatch, exc, code, text):
    import pycobre.cli.version_cmd as version_cmd

    def explode(args):
        raise exc

    monkeypatch.setattr(version_cmd, "execute", explode)
    rc, _, err = run_cli(capsys, "--color", "never", "version")
    assert rc == code
    assert text in err
    assert err.count("  -> ") >= 1


def test_only_the_selected_verb_module_is_imported():
    assert cli_main._selected_verb(["--color", "never", "validate", "x"]) == "validate"
    assert cli_main._selected_verb(["--color=always", "init", "--list"]) == "init"
    assert cli_main._selected_verb(["nope"]) is None
