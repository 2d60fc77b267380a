"""`pycobre run` verb (spec 06 §3): exit codes, quiet mode, plain progress lines off a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pycobre.cli.main import main

DATA = Path(__file__).resolve().parents[1] / "data" / "deterministic"


def test_run_quiet_writes_outputs(tmp_path, capsys):
    code = main(["run", str(DATA / "d01-thermal-dispatch"), "--output", str(tmp_path), "--quiet"])
    assert code == 0
    err = capsys.readouterr().err
    assert err == ""
    assert (tmp_path / "training" / "_SUCCESS").is_file()
    meta = json.loads((tmp_path / "training" / "metadata.json").read_text())
    assert meta["iterations"]["completed"] == 10
    # simulation disabled in d01: simulation/ exists but is empty (spec 04 output layout)
    assert (tmp_path / "simulation").is_dir()
    assert list((tmp_path / "simulation").iterdir()) == []


def test_run_prints_progress_lines_when_not_a_tty(tmp_path, capsys):
    code = main(
        ["run", str(DATA / "d02-single-hydro"), "--output", str(tmp_path), "--threads", "1"]
    )
    assert code == 0
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("iteration ")]
    assert len(lines) == 10
    assert lines[0].startswith("iteration 1/10  LB 2.626111e+06")
    assert "Training complete in" in err and "Lower bound:  2.62611e6 $/stage" in err
    assert "Output written to" in err
    assert "warning: no random seed specified" in err
    # the model summary comes before the first iteration (spec 06 §3 step 3)
    model = "  hydro models: 1 constant productivity, 0 FPHA, 0 with evaporation"
    assert model in err
    assert err.index(model) < err.index("iteration 1/10")
    assert "  inflow model: " in err


def test_run_missing_case_is_io_error(tmp_path, capsys):
    code = main(["run", str(tmp_path / "nope"), "--quiet"])
    assert code == 2
    assert "case directory not found" in capsys.readouterr().err


def test_run_on_a_file_says_it_is_not_a_directory(tmp_path, capsys):
    path = tmp_path / "config.json"
    path.write_text("{}")
    code = main(["run", str(path), "--quiet"])
    assert code == 2
    assert f"case path is not a directory: {path}" in capsys.readouterr().err


def test_run_bad_threads_is_rejected(tmp_path, capsys):
    code = main(["run", str(DATA / "d01-thermal-dispatch"), "--threads", "0", "--quiet"])
    assert code != 0


@pytest.mark.parametrize("env", ["2", "junk"])
def test_threads_from_environment(monkeypatch, env):
    from pycobre.cli.run_cmd import _threads

    monkeypatch.setenv("COBRE_THREADS", env)
    assert _threads(None) == (2 if env == "2" else 1)
    assert _threads(3) == 3


def test_run_1dtoy_with_simulation_and_two_threads(tmp_path, capsys):
    toy = Path(__file__).resolve().parents[2] / "examples" / "1dtoy"
    code = main(["run", str(toy), "--output", str(tmp_path), "--threads", "2", "--quiet"])
    assert code == 0
    sim = tmp_path / "simulation"
    assert (sim / "_SUCCESS").is_file() and (sim / "metadata.json").is_file()
    for entity in ("buses", "costs", "hydros", "thermals"):
        assert list((sim / entity).rglob("*.parquet")), entity
    meta = json.loads((tmp_path / "training" / "metadata.json").read_text())
    assert meta["iterations"]["completed"] == 128
    assert meta["distribution"]["threads_per_rank"] == 2
    assert (tmp_path / "policy" / "metadata.json").is_file()
