"""Simulation writer hand-off: unbuilt tables, batched building, thread and process writers.

The solving thread hands the writer a ``ScenarioTables`` holding each stage's raw inputs
(``add_stage``); the writer builds the tables of many scenarios at once (``stack_scenarios`` +
``tables_from_stacked``) in a thread or a writer process. The files must be byte-identical to
the reference path (per-stage ``stage_rows``, per-scenario tables, ``write_parquet_atomic``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from test_simulation_outputs_fastpath import _files, _old_tables, _scenario, _write_old

from pycobre.comm.launcher import LAUNCHER_VARIABLES
from pycobre.errors import CobreIOError
from pycobre.io.output import simulation as sim_out
from pycobre.io.output.atomic import write_parquet_atomic
from pycobre.io.output.background_writer import BackgroundWriter, WriterProcess
from pycobre.io.output.simulation import (
    EntityCounts,
    SimulationWriter,
    entity_dirs_for,
    write_partition,
)
from pycobre.io.output.simulation_rows import (
    ScenarioTables,
    build_scenario_tables,
    stack_scenarios,
    stage_rows,
)
from pycobre.io.output.simulation_schemas import SIMULATION_SCHEMAS

DIRS = entity_dirs_for(EntityCounts(1, 1, 1, 1, 1, 1, 1, 1))


def _shared_scenarios(n: int, stages: int = 4, *, generic_rows: int | None = 2):
    """``n`` scenarios on the *same* layout objects (as in a simulation), random values."""
    base = _scenario(100, stages)
    out = []
    for j in range(n):
        own = _scenario(j, stages)
        sc = []
        for t, (_, q, x_in, costs) in enumerate(own):
            q = dict(q)
            if generic_rows is not None:  # equal generic rows per stage, as StageLP gives
                g = generic_rows
                q["generic_constraint_id"] = np.arange(g) + 7
                q["generic_block_id"] = np.arange(g) % 3
                q["generic_slack_value"] = np.full(g, float(j + t))
                q["generic_slack_cost"] = np.full(g, 2.0 * j)
            sc.append((base[t][0], q, x_in, costs))
        out.append(sc)
    return out


def _unbuilt(stages) -> ScenarioTables:
    acc = ScenarioTables()
    for layout, q, x_in, costs in stages:
        acc.add_stage(layout, q, x_in=x_in, costs=costs)
    return acc


def test_unbuilt_row_counts_match_built_tables():
    stages = _shared_scenarios(1)[0]
    acc = _unbuilt(stages)
    counts = acc.row_counts()
    built = acc.tables()
    assert counts == {e: t.num_rows for e, t in built.items()}
    # 4 hydros x 3 blocks x 4 stages; ncs alternate 2/1 active per stage; 2 lags per hydro
    assert counts["hydros"] == 48 and counts["non_controllables"] == 18
    assert counts["inflow_lags"] == 32 and counts["violations/generic"] == 8
    assert counts["costs"] == 4


@pytest.mark.parametrize("generic_rows", [2, None])  # None: counts vary per scenario
def test_batched_tables_equal_reference(generic_rows):
    scenarios = _shared_scenarios(5, generic_rows=generic_rows)
    batched = build_scenario_tables([_unbuilt(s) for s in scenarios])
    for stages, tables in zip(scenarios, batched, strict=True):
        ref = _old_tables(stages)
        assert list(tables) == list(ref)
        for name, table in ref.items():
            assert tables[name].schema.equals(SIMULATION_SCHEMAS[name]), name
            assert tables[name].equals(table), name
    nulls = [t["hydros"].column("productivity_mw_per_m3s").null_count for t in batched]
    assert nulls == [12, 0, 12, 0, 12]  # hydro 3 is FPHA in even seeds: 4 stages x 3 blocks


def test_stacking_refuses_unequal_shapes():
    a, b = _shared_scenarios(2, generic_rows=None)
    b = [(lay, {**q, "generic_constraint_id": np.arange(5)}, x, c) for lay, q, x, c in b]
    assert stack_scenarios([_unbuilt(a), _unbuilt(b)]) is None
    stacked = stack_scenarios([_unbuilt(a), _unbuilt(a)])
    assert stacked is not None and len(stacked) == 4
    assert stacked[0].q["hydro_turbined_m3s"].shape == (2, 4, 3)
    assert stacked[0].costs.shape == (2, 24)


def test_batched_slices_write_same_bytes(tmp_path):
    """Per-scenario slices of one big table serialise exactly like per-scenario tables."""
    scenarios = _shared_scenarios(3)
    batched = build_scenario_tables([_unbuilt(s) for s in scenarios])
    for j, (stages, tables) in enumerate(zip(scenarios, batched, strict=True)):
        for name, table in _old_tables(stages).items():
            a = write_partition(tables[name], tmp_path / "new" / name / f"{j}" / "data.parquet")
            b = write_parquet_atomic(
                table, tmp_path / "old" / name / f"{j}.parquet", store_schema=False
            )
            assert a.read_bytes() == b.read_bytes(), (j, name)


def test_write_partition_error_is_located_and_leaves_no_temp(tmp_path):
    blocker = tmp_path / "costs"
    blocker.write_text("a file where the table directory should be")
    table = _old_tables(_scenario(0, 1))["costs"]
    with pytest.raises(CobreIOError) as err:
        write_partition(table, blocker / "scenario_id=0000" / "data.parquet")
    assert err.value.kind == "OutputWriteFailed"
    assert err.value.context["file"].endswith("costs/scenario_id=0000/data.parquet")
    readonly = tmp_path / "ro" / "scenario_id=0001"
    readonly.mkdir(parents=True)
    (readonly / "data.parquet").mkdir()  # rename target is a directory: replace fails
    with pytest.raises(CobreIOError):
        write_partition(table, readonly / "data.parquet")
    assert sorted(p.name for p in readonly.iterdir()) == ["data.parquet"]  # temp removed


@pytest.mark.parametrize("mode", ["sync", "thread", "process"])
def test_unbuilt_hand_off_files_byte_identical(tmp_path, mode):
    scenarios = _shared_scenarios(7)
    writer = SimulationWriter(tmp_path / mode, DIRS, background=mode, capacity=4)
    assert writer.mode == mode
    writer.prepare()
    for j, stages in enumerate(scenarios):
        paths = writer.write_scenario(j, _unbuilt(stages))
        assert len(paths) == len(SIMULATION_SCHEMAS)
        _write_old(tmp_path / "old", j, _old_tables(stages))
    writer.finish({"status": "complete"})
    new = _files(tmp_path / mode)
    assert new.pop("simulation/_SUCCESS") == b""
    old = _files(tmp_path / "old")
    assert len(old) == 7 * len(SIMULATION_SCHEMAS)
    assert new == old
    assert not [p for p in (tmp_path / mode).rglob(".*")]  # no temporary files left
    if mode == "process":
        assert all(p._proc.poll() is not None for p in writer._procs)  # stopped by finish


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_writer_side_error_surfaces_at_finish_without_marker(tmp_path, mode):
    root = tmp_path / "out"
    writer = SimulationWriter(root, DIRS, background=mode)
    writer.prepare()
    (root / "simulation" / "hydros").rmdir()
    (root / "simulation" / "hydros").write_text("not a directory")
    for j, stages in enumerate(_shared_scenarios(3)):
        writer.write_scenario(j, _unbuilt(stages))
    with pytest.raises(CobreIOError) as err:
        writer.finish({"status": "complete"})
    assert err.value.kind == "OutputWriteFailed"
    assert "hydros/scenario_id=0000/data.parquet" in err.value.context["file"]
    assert "hydros/scenario_id=0000" in str(err.value)
    assert not (root / "simulation" / "_SUCCESS").exists()
    assert not (root / "simulation" / "metadata.json").exists()


def test_build_error_on_writer_side_names_scenarios(tmp_path):
    stages = _shared_scenarios(2)
    broken = [
        (lay, {k: v for k, v in q.items() if k != "bus_load_mw"}, x, c)
        for lay, q, x, c in stages[1]
    ]
    writer = SimulationWriter(tmp_path, DIRS, background="thread")
    writer.prepare()
    writer.write_scenario(0, _unbuilt(stages[0]))
    writer.write_scenario(1, _unbuilt(broken))
    with pytest.raises(CobreIOError) as err:
        writer.finish({"status": "complete"})
    assert err.value.kind == "OutputWriteFailed"
    assert "bus_load_mw" in str(err.value) and "scenarios" in err.value.context
    assert not (tmp_path / "simulation" / "_SUCCESS").exists()


def test_background_writer_batches_and_threads():
    seen: list[list[int]] = []

    def batch(items):
        seen.append(list(items))

    bg = BackgroundWriter(lambda i: None, write_batch=batch, max_batch=4, threads=2, capacity=16)
    for i in range(40):
        bg.submit(i)
    bg.drain()
    flat = sorted(i for b in seen for i in b)
    assert flat == list(range(40)) and max(len(b) for b in seen) <= 4

    def fail(items):
        if 7 in items:
            raise CobreIOError("boom at 7", kind="OutputWriteFailed", context={"file": "x"})

    bg = BackgroundWriter(lambda i: None, write_batch=fail, max_batch=2)
    for i in range(10):
        try:
            bg.submit(i)
        except CobreIOError:
            break
    with pytest.raises(CobreIOError, match="boom at 7"):
        bg.drain()


class _Echo:
    """A writer-process handler for the tests (importable by the child: tests/unit on path)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, payload):
        if payload == "fail":
            raise CobreIOError("cannot write x", kind="OutputWriteFailed", context={"file": "x"})
        if payload == "crash":
            os._exit(3)
        with open(self.path, "a") as fh:
            fh.write(f"{payload}\n")


def test_writer_process_acks_errors_and_crash(tmp_path, monkeypatch):
    monkeypatch.setenv(
        "PYTHONPATH", str(Path(__file__).parent) + os.pathsep + os.environ.get("PYTHONPATH", "")
    )
    from test_sim_writer_handoff import _Echo as Echo  # importable under this module name

    out = tmp_path / "echo.txt"
    proc = WriterProcess(Echo, str(out))
    proc.send(1)
    proc.send(2)
    proc.wait()
    assert out.read_text() == "1\n2\n"
    proc.send("fail")
    with pytest.raises(CobreIOError) as err:
        proc.wait()
    assert err.value.kind == "OutputWriteFailed" and err.value.context == {"file": "x"}
    proc.send(3)  # still alive after a handler error
    proc.send("crash")
    with pytest.raises(CobreIOError, match="stopped unexpectedly"):
        proc.wait()
    proc.close()
    assert out.read_text() == "1\n2\n3\n"


def test_default_modes(monkeypatch, tmp_path):
    for var in (*LAUNCHER_VARIABLES, sim_out.BACKGROUND_ENV, sim_out.WRITER_MODE_ENV):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(sim_out.os, "cpu_count", lambda: 2)
    big = sim_out.PROCESS_MIN_SCENARIOS
    assert SimulationWriter(tmp_path, ["costs"], expected_scenarios=big).mode == "process"
    assert SimulationWriter(tmp_path, ["costs"], expected_scenarios=big - 1).mode == "thread"
    assert SimulationWriter(tmp_path, ["costs"]).mode == "thread"
    monkeypatch.setenv(sim_out.BACKGROUND_ENV, "1")
    assert SimulationWriter(tmp_path, ["costs"], expected_scenarios=big).mode == "thread"
    monkeypatch.setenv(sim_out.WRITER_MODE_ENV, "sync")
    assert SimulationWriter(tmp_path, ["costs"], expected_scenarios=big).mode == "sync"
    monkeypatch.delenv(sim_out.WRITER_MODE_ENV)
    monkeypatch.delenv(sim_out.BACKGROUND_ENV)
    monkeypatch.setattr(sim_out.os, "cpu_count", lambda: 1)
    assert SimulationWriter(tmp_path, ["costs"], expected_scenarios=big).mode == "sync"
    with pytest.raises(ValueError, match="writer mode"):
        SimulationWriter(tmp_path, ["costs"], background="fast")


def test_simulate_process_writer_matches_sync(tmp_path, monkeypatch):
    """End to end on d04: the writer process writes the same partitions as the sync path."""
    from pycobre.io import load_case
    from pycobre.lp import build_stage_templates
    from pycobre.sddp.simulation import simulate
    from pycobre.sddp.training import train
    from pycobre.stochastic import build_stochastic_model

    case = Path(__file__).parents[2] / "tests" / "data" / "deterministic" / "d04-transmission"
    system = load_case(case)
    stoch = build_stochastic_model(system)
    templates = build_stage_templates(system, stoch)
    policy = train(system, stochastic=stoch, templates=templates)
    roots = {}
    for mode in ("sync", "process"):
        monkeypatch.setenv(sim_out.WRITER_MODE_ENV, mode)
        roots[mode] = tmp_path / mode
        simulate(
            system,
            policy,
            stochastic=stoch,
            templates=templates,
            num_scenarios=40,
            output_dir=roots[mode],
        )
    files = {m: _files(r) for m, r in roots.items()}
    for f in files.values():
        f.pop("simulation/solver/iterations.parquet")  # solve times differ
    assert files["sync"] == files["process"]
    assert sum(1 for k in files["sync"] if k.endswith("data.parquet")) == 40 * 5
    costs = pq.read_table(roots["process"] / "simulation/costs/scenario_id=0039/data.parquet")
    assert costs.num_rows == len(templates)
    assert (roots["process"] / "simulation" / "_SUCCESS").exists()


def test_stage_rows_single_stage_unchanged():
    """``stage_rows`` (now a batch of one) still returns 1-D per-stage columns."""
    layout, q, x_in, costs = _scenario(3, 1)[0]
    rows = stage_rows(layout, q, x_in=x_in, costs=costs)
    assert rows["hydros"]["turbined_m3s"].shape == (12,)
    assert rows["costs"]["total_cost"].shape == (1,)
    assert rows["costs"]["total_cost"][0] == costs["total_cost"]
    np.testing.assert_array_equal(
        rows["inflow_lags"]["inflow_m3s"], x_in[4:12].reshape(2, 4).T.ravel()
    )


def test_sync_mode_writes_unbuilt_scenarios_in_batches(tmp_path, monkeypatch):
    """Sync (MPI) writers gather unbuilt scenarios: written when a batch is full or at drain."""
    monkeypatch.setattr(sim_out, "WRITE_BATCH", 2)
    scenarios = _shared_scenarios(3)
    writer = SimulationWriter(tmp_path / "new", DIRS, background=False)
    writer.prepare()
    costs = tmp_path / "new/simulation/costs"
    paths = writer.write_scenario(0, _unbuilt(scenarios[0]))
    assert len(paths) == len(SIMULATION_SCHEMAS) and not paths[0].exists()  # gathered
    writer.write_scenario(1, _unbuilt(scenarios[1]))  # batch full: both written now
    assert sorted(p.name for p in costs.iterdir()) == ["scenario_id=0000", "scenario_id=0001"]
    writer.write_scenario(2, _unbuilt(scenarios[2]))
    assert not (costs / "scenario_id=0002").exists()
    writer.drain()
    assert (costs / "scenario_id=0002" / "data.parquet").is_file()
    writer.finish({"status": "complete"})
    for j, stages in enumerate(scenarios):
        _write_old(tmp_path / "old", j, _old_tables(stages))
    new = _files(tmp_path / "new")
    new.pop("simulation/_SUCCESS")
    assert new == _files(tmp_path / "old")


def test_default_writer_processes_follow_the_solving_threads(tmp_path, monkeypatch):
    monkeypatch.delenv(sim_out.WRITER_PROCESSES_ENV, raising=False)
    monkeypatch.setattr(sim_out.os, "cpu_count", lambda: 32)
    assert sim_out._default_writer_processes() == 1
    assert sim_out._default_writer_processes(4) == 4
    assert sim_out._default_writer_processes(64) == sim_out.MAX_DEFAULT_WRITER_PROCESSES
    monkeypatch.setattr(sim_out.os, "cpu_count", lambda: 2)
    assert sim_out._default_writer_processes(4) == 2
    monkeypatch.setenv(sim_out.WRITER_PROCESSES_ENV, "3")
    assert sim_out._default_writer_processes(1) == 3
    writer = sim_out.SimulationWriter(tmp_path, ["costs"], background="process")
    assert writer._n_procs == 3
