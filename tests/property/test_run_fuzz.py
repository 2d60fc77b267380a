"""Fuzz ``pycobre run`` end to end: mutate one JSON value, one Parquet column/value, delete a
file or reorder entities of a small case (d01–d04, d13, d14), force tiny iteration limits
(3 iterations, 2 simulation scenarios), and run it.

``run`` must agree with ``validate`` (a case it accepts may only fail in the solver, a case it
refuses is refused by ``run`` with the same exit code). Every example must end either with exit 0 and complete, certified outputs (``_SUCCESS`` over
files that all read back) or with a located error: exit 1/2/3, the message names a file of the
case, no traceback, no "bug" message, and no ``_SUCCESS`` in the output folder (a solver
failure mid-training may certify the partial training, whose metadata says ``"partial"``).
``PYCOBRE_FUZZ_EXAMPLES`` raises the number of examples (default 12 per test).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pathlib
import random
import shutil
import tempfile

import pyarrow.parquet as pq
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tests.cli._cases import DETERMINISTIC
from tests.faults._harness import every_file_reads, markers
from tests.property import test_validation_fuzz as jf
from tests.property import test_validation_fuzz_parquet as pf

from pycobre.cli.main import main

SOURCES = [DETERMINISTIC / name for name in (
    "d01-thermal-dispatch", "d02-single-hydro", "d03-two-hydro-cascade", "d04-transmission",
    "d13-generic-constraint", "d14-block-factors")]
N_EXAMPLES = int(os.environ.get("PYCOBRE_FUZZ_EXAMPLES", "12"))
SETTINGS = settings(max_examples=N_EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _tiny_limits(case: pathlib.Path) -> None:
    """Keep each example well under a second, whatever the mutation did to the config."""
    path = case / "config.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(doc, dict):
        return
    training = doc.get("training")
    if isinstance(training, dict):
        training["stopping_rules"] = [{"type": "iteration_limit", "limit": 3}]
        if isinstance(training.get("forward_passes"), int) and training["forward_passes"] > 2:
            training["forward_passes"] = 2
    if doc.get("simulation") is None:  # absent or null: simulation off by default
        doc["simulation"] = {}
    simulation = doc["simulation"]
    if isinstance(simulation, dict):
        simulation["enabled"] = True
        simulation["num_scenarios"] = 2
    path.write_text(json.dumps(doc), encoding="utf-8")


def _cap_openings(case: pathlib.Path) -> None:
    path = case / "stages.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for stage in doc["stages"]:
            if isinstance(stage["num_scenarios"], int) and stage["num_scenarios"] > 3:
                stage["num_scenarios"] = 3
    except (OSError, ValueError, KeyError, TypeError):
        return
    path.write_text(json.dumps(doc), encoding="utf-8")


def _run(case: pathlib.Path, out: pathlib.Path) -> tuple[int, str]:
    """``pycobre run``; its verdict must agree with ``pycobre validate`` on the same case."""
    _tiny_limits(case)
    _cap_openings(case)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        checked = main(["--color", "never", "validate", str(case)])
        code = main(["--color", "never", "run", str(case), "--quiet", "--output", str(out)])
    text = err.getvalue()
    if checked == 0:  # accepted input may only fail in the solver
        assert code in (0, 3), text
    else:  # refused input is refused by run too, with the same exit class
        assert code == checked, text
    return code, text


def _check(case: pathlib.Path, out: pathlib.Path, code: int, text: str, label: str) -> None:
    event(f"{label}: exit {code}")
    assert "Traceback" not in text and "this is a bug" not in text, text
    if code == 0:
        assert markers(out) == ["simulation/_SUCCESS", "training/_SUCCESS"], text
        assert every_file_reads(out) == []
        return
    assert code in (1, 2, 3), text
    names = [p.relative_to(case).as_posix() for p in case.rglob("*") if p.is_file()]
    names += ["config.json", "stages.json", "penalties.json", "system/", "scenarios/"]
    assert any(name in text for name in names) or code == 3, text
    if not out.exists():
        return
    found = markers(out)
    if code == 3 and found == ["training/_SUCCESS"]:
        # a solver failure mid-training: the iterations done are written and certified, and
        # the metadata says the run is partial (spec 04 §1: the marker is always written)
        meta = json.loads((out / "training" / "metadata.json").read_text())
        assert meta["status"] == "partial", meta
        return
    assert found == [], text


def _copy(source: pathlib.Path, tmp: str) -> pathlib.Path:
    case = pathlib.Path(shutil.copytree(source, pathlib.Path(tmp) / "case",
                                        ignore=shutil.ignore_patterns("output")))
    return case


@SETTINGS
@given(data=st.data())
def test_run_on_mutated_json_succeeds_or_fails_located(data):
    source = data.draw(st.sampled_from(SOURCES), label="case")
    files = sorted(p.relative_to(source).as_posix() for p in source.rglob("*.json")
                   if "output" not in p.parts)
    rel = data.draw(st.sampled_from(files), label="file")
    doc = json.loads((source / rel).read_text())
    path = data.draw(st.sampled_from(jf._paths(doc)), label="path")
    delete = bool(path) and data.draw(st.booleans(), label="delete")
    same = data.draw(st.booleans(), label="same type")
    strategy = jf._same_type(jf._get(doc, path)) if same else jf.json_values
    value = None if delete else data.draw(strategy, label="value")
    doc = jf._mutate(doc, path, value, delete)
    with tempfile.TemporaryDirectory() as tmp:
        case = _copy(source, tmp)
        (case / rel).write_text(json.dumps(doc))
        out = pathlib.Path(tmp) / "out"
        code, text = _run(case, out)
        _check(case, out, code, text, f"json {'delete' if delete else 'value'}")


@SETTINGS
@given(data=st.data())
def test_run_on_mutated_parquet_or_layout_succeeds_or_fails_located(data):
    source = data.draw(st.sampled_from(SOURCES), label="case")
    action = data.draw(st.sampled_from(["cast", "value", "drop_column", "drop_rows",
                                        "duplicate_rows", "delete_file", "reorder"]),
                       label="action")
    with tempfile.TemporaryDirectory() as tmp:
        case = _copy(source, tmp)
        if action == "delete_file":
            files = sorted(p.relative_to(case).as_posix() for p in case.rglob("*")
                           if p.is_file())
            (case / data.draw(st.sampled_from(files), label="file")).unlink()
        elif action == "reorder":  # entity order and row order never matter
            seed = data.draw(st.integers(0, 2**16), label="seed")
            _reorder(case, random.Random(seed))
        else:
            files = sorted(p.relative_to(case).as_posix() for p in case.rglob("*.parquet"))
            if not files:
                return
            rel = data.draw(st.sampled_from(files), label="file")
            table = pq.read_table(case / rel)
            name = data.draw(st.sampled_from(table.column_names), label="column")
            table = _change(table, name, action, data)
            pq.write_table(table, case / rel)
        out = pathlib.Path(tmp) / "out"
        code, text = _run(case, out)
        _check(case, out, code, text, action)
        if action == "reorder":
            assert code == 0, text


def _change(table, name, action, data):
    import pyarrow as pa

    idx = table.column_names.index(name)
    if action == "cast":
        return table.set_column(idx, name, pf._cast_or_replace(table.column(name),
                                                               data.draw(pf.TYPES, label="type")))
    if action == "value" and table.num_rows:
        row = data.draw(st.integers(0, table.num_rows - 1), label="row")
        return table.set_column(idx, name, pf._set_value(table.column(name), row,
                                                         data.draw(pf.VALUES, label="value")))
    if action == "drop_column":
        return table.drop([name])
    if action == "drop_rows":
        return table.slice(0, data.draw(st.integers(0, table.num_rows), label="keep"))
    return pa.concat_tables([table, table.slice(0, 1)])


def _reorder(case: pathlib.Path, rng: random.Random) -> None:
    """Shuffle every JSON entity array and every Parquet file's rows."""
    import pyarrow as pa

    for path in case.rglob("*.json"):
        doc = json.loads(path.read_text())
        if isinstance(doc, dict):
            for key, value in doc.items():
                if isinstance(value, list) and key not in ("stages", "stopping_rules"):
                    rng.shuffle(value)
        path.write_text(json.dumps(doc))
    for path in case.rglob("*.parquet"):
        table = pq.read_table(path)
        order = list(range(table.num_rows))
        rng.shuffle(order)
        pq.write_table(table.take(pa.array(order, pa.int64())), path)
