"""Writer-process hand-off: packed scenarios, full batches, lean Parquet encoding.

The solving thread packs each scenario's stage inputs into one byte string
(``ScenarioTables.pack``, called by ``write_scenario``); the
feeder joins a batch and the writer process unpacks views (``unpack_stacked``). Partitions are
encoded without the ``ARROW:schema`` footer key, like Cobre's files.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_sim_writer_handoff import DIRS, _shared_scenarios, _unbuilt
from test_simulation_outputs_fastpath import _files, _old_tables, _write_old

from pycobre.errors import CobreIOError
from pycobre.io.output.atomic import parquet_bytes, write_parquet_atomic
from pycobre.io.output.background_writer import BackgroundWriter, WriterProcess
from pycobre.io.output.simulation import SimulationWriter, write_partition
from pycobre.io.output.simulation_rows import (
    _ROW_INPUTS,
    ScenarioTables,
    stack_scenarios,
    unpack_stacked,
)
from pycobre.io.output.simulation_schemas import SIMULATION_SCHEMAS


def _unpacked(scenarios: list[ScenarioTables]):
    packed = [sc.pack() for sc in scenarios]
    assert all(p is not None for p in packed)
    assert len({p.key for p in packed}) == 1
    raw = np.frombuffer(b"".join(p.data for p in packed), np.uint8).reshape(len(packed), -1)
    costs = np.stack([p.costs for p in packed])
    return unpack_stacked(packed[0].layouts, packed[0].stage_spec(), raw, costs)


def test_packed_scenarios_unpack_to_the_stacked_inputs():
    raw = _shared_scenarios(3)
    raw[1][0][1]["generic_constraint_id"][:] = [2**40 + 1, 7]  # int64 stays exact
    scenarios = [_unbuilt(s) for s in raw]
    got = _unpacked(scenarios)
    assert len(got) == 4
    for t, st in enumerate(got):
        layout, q0, _, _ = raw[0][t]
        assert st.layout is layout
        assert sorted(st.q) == sorted(k for k in q0 if k in _ROW_INPUTS)
        for name, v in st.q.items():
            ref = np.stack([s[t][1][name] for s in raw])
            assert v.shape == ref.shape and v.dtype == ref.dtype, name
            np.testing.assert_array_equal(v, ref)
        np.testing.assert_array_equal(st.x_in, np.stack([s[t][2] for s in raw]))
        assert st.costs.shape == (3, 24)
    assert got[0].q["generic_constraint_id"][1, 0] == 2**40 + 1
    # stack_scenarios is the same unpacking; other generic row counts: another key, None
    assert stack_scenarios(scenarios)[0].q.keys() == got[0].q.keys()
    other = [(lay, {**q, "generic_constraint_id": np.arange(5)}, x, c) for lay, q, x, c in raw[2]]
    assert stack_scenarios([scenarios[0], _unbuilt(other)]) is None


def test_packing_refuses_odd_inputs():
    stages = _shared_scenarios(1)[0]
    assert _unbuilt(stages).pack() is not None
    # a strided input cannot be copied as raw bytes: not packed (the feeder writes it as before)
    odd = [
        (lay, {**q, "bus_load_mw": np.asfortranarray(q["bus_load_mw"])[:, ::-1]}, x, c)
        for lay, q, x, c in stages
    ]
    assert _unbuilt(odd).pack() is None
    missing = [(lay, {**q, "bus_load_mw": [1.0]}, x, c) for lay, q, x, c in stages]
    assert _unbuilt(missing).pack() is None  # not an array
    built = ScenarioTables()
    built.add({"costs": {"stage_id": np.zeros(1, np.int32)}})
    assert built.pack() is None and ScenarioTables().pack() is None


def test_process_writer_mixed_keys_byte_identical(tmp_path):
    """Generic row counts differing per scenario give different packed keys: still one file
    set identical to the reference."""
    scenarios = _shared_scenarios(6, generic_rows=None)
    writer = SimulationWriter(tmp_path / "p", DIRS, background="process", capacity=4)
    writer.prepare()
    for j, stages in enumerate(scenarios):
        paths = writer.write_scenario(j, _unbuilt(stages))
        ref = {e for e, t in _old_tables(stages).items() if t.num_rows}
        assert {p.parent.parent.name for p in paths} == {e.split("/")[-1] for e in ref}
        _write_old(tmp_path / "old", j, _old_tables(stages))
    writer.finish({"status": "complete"})
    assert len(writer._specs) > 1  # several packed layouts were sent
    new = _files(tmp_path / "p")
    assert new.pop("simulation/_SUCCESS") == b""
    assert new == _files(tmp_path / "old") and len(new) > 6 * 5


def test_partition_bytes_have_no_arrow_schema_and_read_back_exactly(tmp_path):
    tables = _old_tables(_shared_scenarios(1)[0])
    for name, table in tables.items():
        path = write_partition(table, tmp_path / name / "data.parquet")
        meta = pq.read_metadata(path).metadata or {}
        assert b"ARROW:schema" not in meta, name
        back = pq.read_table(path)
        assert back.schema.equals(SIMULATION_SCHEMAS[name]), name
        assert back.equals(table), name
    # the default keeps the key and gives exactly the bytes of spec 04 §2 settings
    costs = tables["costs"]
    sink = pa.BufferOutputStream()
    pq.write_table(
        costs,
        sink,
        compression="zstd",
        compression_level=3,
        use_dictionary=True,
        row_group_size=100_000,
    )
    assert parquet_bytes(costs).to_pybytes() == sink.getvalue().to_pybytes()
    full = write_parquet_atomic(costs, tmp_path / "full.parquet")
    assert b"ARROW:schema" in pq.read_metadata(full).metadata
    lean = parquet_bytes(costs, store_schema=False)
    assert len(lean) < len(sink.getvalue())


def test_background_writer_waits_for_full_batches_and_drain_flushes():
    seen: list[list[int]] = []
    bg = BackgroundWriter(
        lambda i: None, write_batch=seen.append, max_batch=4, min_batch=4, max_wait=5.0
    )
    for i in range(8):  # a slow producer: whatever is queued would be one item
        bg.submit(i)
        time.sleep(0.01)
    for i in range(8, 10):
        bg.submit(i)
    t0 = time.monotonic()
    bg.drain()  # the partial batch goes at once, not after max_wait
    assert time.monotonic() - t0 < 1.0
    assert seen == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]

    seen2: list[list[int]] = []
    bg = BackgroundWriter(
        lambda i: None, write_batch=seen2.append, max_batch=8, min_batch=8, max_wait=0.05
    )
    bg.submit(1)  # nobody drains: written after max_wait anyway
    deadline = time.monotonic() + 2.0
    while not seen2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen2 == [[1]]
    assert (
        BackgroundWriter(
            lambda i: None, write_batch=seen.append, max_batch=32, min_batch=32, capacity=4
        )._min_batch
        == 4
    )  # never above capacity


def test_writer_process_idle_polls_without_waiting(tmp_path, monkeypatch):
    monkeypatch.setenv(
        "PYTHONPATH", str(Path(__file__).parent) + os.pathsep + os.environ.get("PYTHONPATH", "")
    )
    from test_sim_writer_handoff import _Echo as Echo

    proc = WriterProcess(Echo, str(tmp_path / "echo.txt"))
    try:
        assert proc.idle()  # nothing sent yet
        proc.send(1)
        deadline = time.monotonic() + 30
        while not proc.idle():  # acknowledged once written, never blocks
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert (tmp_path / "echo.txt").read_text() == "1\n"
        proc.send("fail")
        with pytest.raises(CobreIOError, match="cannot write x"):
            while not proc.idle():
                assert time.monotonic() < deadline
                time.sleep(0.01)
    finally:
        proc.close()
