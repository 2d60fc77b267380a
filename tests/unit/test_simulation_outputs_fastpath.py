"""The faster simulation output path writes the same bytes as the previous one (spec 04 §2).

``stage_rows``/``ScenarioTables`` now reuse layout-derived arrays and per-schema conversion
plans, and ``SimulationWriter`` writes partitions from a background thread. The reference below
is a verbatim copy of the previous implementation (column building, Arrow tables, synchronous
``write_parquet_atomic`` per partition); both paths must produce byte-identical files.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _sim_quantities import HYDRO_BLOCK_QUANTITIES

from pycobre.comm.launcher import LAUNCHER_VARIABLES
from pycobre.errors import CobreIOError
from pycobre.io.output import simulation as sim_out
from pycobre.io.output.atomic import write_parquet_atomic
from pycobre.io.output.background_writer import BackgroundWriter
from pycobre.io.output.simulation import EntityCounts, SimulationWriter, entity_dirs_for
from pycobre.io.output.simulation_rows import ScenarioTables, StageLayout, stage_rows
from pycobre.io.output.simulation_schemas import COSTS_COMPONENT_COLUMNS, SIMULATION_SCHEMAS

Columns = dict[str, np.ndarray | None]


def _random_stage(rng: np.random.Generator, t: int, *, nan_productivity: bool):
    """A stage with every table populated; shapes as ``StageLP.extract`` returns them."""
    k = 3
    nh, nt, nl, nb, nr = 4, 5, 2, 3, 2
    layout = StageLayout(
        stage_index=t,
        hours=np.array([100.0, 250.0, 394.0]),
        hydro_ids=np.array([0, 3, 5, 9]),
        thermal_ids=np.arange(nt) + 10,
        line_ids=np.array([1, 2]),
        line_loss_fraction=np.array([0.0, 0.025]),
        bus_ids=np.arange(nb),
        ncs_ids=np.array([4, 6]) if t % 2 == 0 else np.array([6]),  # active set varies
        pumping_ids=np.array([1]),
        contract_ids=np.array([2, 3]),
        n_lag_rows=2,
    )
    nr = layout.ncs_ids.shape[0]
    q: dict[str, np.ndarray] = {}
    for name in HYDRO_BLOCK_QUANTITIES:
        q[f"hydro_{name}"] = rng.normal(size=(nh, k))
    for name in (
        "evaporation_m3s",
        "inflow_m3s",
        "storage_initial_hm3",
        "storage_final_hm3",
        "water_value_per_hm3",
        "evaporation_violation_pos_m3s",
        "evaporation_violation_neg_m3s",
        "inflow_nonnegativity_slack_m3s",
        "withdrawal_violation_pos_m3s",
        "withdrawal_violation_neg_m3s",
    ):
        q[f"hydro_{name}"] = rng.normal(size=nh)
    prod = rng.uniform(0.5, 1.0, size=nh)
    if nan_productivity:
        prod[1] = np.nan  # an FPHA hydro -> null
    q["hydro_productivity_mw_per_m3s"] = prod
    for name in ("generation_mw", "generation_cost"):
        q[f"thermal_{name}"] = rng.normal(size=(nt, k))
    for name in ("direct_flow_mw", "reverse_flow_mw", "exchange_cost"):
        q[f"line_{name}"] = rng.normal(size=(nl, k))
    for name in ("load_mw", "deficit_mw", "excess_mw", "spot_price"):
        q[f"bus_{name}"] = rng.normal(size=(nb, k))
    for name in ("generation_mw", "available_mw", "curtailment_mw", "curtailment_cost"):
        q[f"ncs_{name}"] = rng.normal(size=(nr, k))
    m = int(rng.integers(0, 3))  # generic rows present at some stages only
    q["generic_constraint_id"] = np.arange(m) + 7
    q["generic_block_id"] = np.arange(m) % k
    q["generic_slack_value"] = rng.normal(size=m)
    q["generic_slack_cost"] = rng.normal(size=m)
    costs = {
        c: float(v)
        for c, v in zip(
            ("total_cost", "immediate_cost", "future_cost", "discount_factor"),
            rng.normal(size=4),
            strict=True,
        )
    }
    costs.update({c: float(rng.normal()) for c in COSTS_COMPONENT_COLUMNS[::2]})
    x_in = rng.normal(size=nh * 3)
    return layout, q, x_in, costs


def _scenario(seed: int, stages: int = 6):
    rng = np.random.default_rng(seed)
    return [_random_stage(rng, t, nan_productivity=seed % 2 == 0) for t in range(stages)]


def _new_tables(stages) -> dict[str, pa.Table]:
    acc = ScenarioTables()
    for layout, q, x_in, costs in stages:
        acc.add(stage_rows(layout, q, x_in=x_in, costs=costs))
    return acc.tables()


def _old_tables(stages) -> dict[str, pa.Table]:
    acc = ScenarioTablesOld()
    for layout, q, x_in, costs in stages:
        acc.add(stage_rows_old(layout, q, x_in=x_in, costs=costs))
    return acc.tables()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tables_equal_previous_implementation(seed):
    stages = _scenario(seed)
    new, old = _new_tables(stages), _old_tables(stages)
    assert set(new) == set(old) == set(SIMULATION_SCHEMAS)
    for name in old:
        assert new[name].schema.equals(SIMULATION_SCHEMAS[name]), name
        assert new[name].equals(old[name]), name
    prod = new["hydros"].column("productivity_mw_per_m3s")
    assert prod.null_count == (18 if seed % 2 == 0 else 0)  # 6 stages x 3 blocks of hydro 3


def test_reused_layouts_give_fresh_values_per_scenario():
    """Layout-level caches must not leak one scenario's values into the next."""
    a, b = _scenario(5), _scenario(6)
    b = [(a[t][0], q, x, c) for t, (_, q, x, c) in enumerate(b)]  # same layout objects as a
    first = _new_tables(a)
    second = _new_tables(b)
    assert first["hydros"].equals(_old_tables(a)["hydros"])
    assert second["hydros"].equals(_old_tables(b)["hydros"])
    assert not first["hydros"].equals(second["hydros"])


def _write_old(root: Path, scenario_id: int, tables: Mapping[str, pa.Table]) -> None:
    """The previous ``SimulationWriter.write_scenario``: synchronous, one atomic write each."""
    for entity, table in tables.items():
        if table.num_rows:
            path = root / "simulation" / entity / f"scenario_id={scenario_id:04d}" / "data.parquet"
            write_parquet_atomic(table, path, durable=False, store_schema=False)


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "simulation").rglob("*"))
        if p.is_file() and p.name != "metadata.json"
    }


def test_background_writer_files_byte_identical_to_previous_path(tmp_path):
    old_root, new_root = tmp_path / "old", tmp_path / "new"
    dirs = entity_dirs_for(EntityCounts(1, 1, 1, 1, 1, 1, 1, 1))
    writer = SimulationWriter(new_root, dirs, background=True, capacity=2)
    writer.prepare()
    for j in range(7):
        stages = _scenario(j)
        _write_old(old_root, j, _old_tables(stages))
        writer.write_scenario(j, _new_tables(stages))
    writer.finish({"status": "complete"})
    old, new = _files(old_root), _files(new_root)
    assert "simulation/_SUCCESS" in new
    new.pop("simulation/_SUCCESS")
    assert len(old) == 7 * len(SIMULATION_SCHEMAS)
    assert sorted(old) == sorted(new)
    assert all(old[k] == new[k] for k in old)
    assert (
        pq.read_table(new_root / "simulation/hydros/scenario_id=0003/data.parquet").num_rows == 72
    )


def test_unbuilt_scenario_tables_written_identically(tmp_path):
    """Handing the writer an unbuilt ``ScenarioTables`` gives the same files (both modes)."""
    dirs = entity_dirs_for(EntityCounts(1, 1, 1, 1, 1, 1, 1, 1))
    roots = {}
    for mode, background in (("sync", False), ("thread", True)):
        roots[mode] = tmp_path / mode
        writer = SimulationWriter(roots[mode], dirs, background=background)
        writer.prepare()
        for j in range(3):
            acc = ScenarioTables()
            for layout, q, x_in, costs in _scenario(j):
                acc.add(stage_rows(layout, q, x_in=x_in, costs=costs))
            paths = writer.write_scenario(j, acc)
            assert len(paths) == len(SIMULATION_SCHEMAS)
        writer.finish({"status": "complete"})
    old_root = tmp_path / "old"
    for j in range(3):
        _write_old(old_root, j, _old_tables(_scenario(j)))
    old = _files(old_root)
    for mode in roots:
        new = _files(roots[mode])
        new.pop("simulation/_SUCCESS")
        assert new == old, mode


def test_finish_waits_for_queued_partitions_before_marker(tmp_path, monkeypatch):
    """``_SUCCESS`` certifies the tree: it may appear only after every queued partition."""
    gate = threading.Event()
    seen_at_write: list[bool] = []
    real = SimulationWriter._write_now

    def slow(self, scenario_id, tables):
        gate.wait(5)
        seen_at_write.append((self.root / "_SUCCESS").exists())
        return real(self, scenario_id, tables)

    monkeypatch.setattr(SimulationWriter, "_write_now", slow)
    writer = SimulationWriter(tmp_path, ["costs"], background=True)
    writer.prepare()
    tables = {"costs": _new_tables(_scenario(0, stages=2))["costs"]}
    paths = writer.write_scenario(0, tables)
    assert paths == [tmp_path / "simulation/costs/scenario_id=0000/data.parquet"]
    assert not paths[0].exists()  # still queued
    threading.Timer(0.2, gate.set).start()
    writer.finish({"status": "complete"})
    assert seen_at_write == [False]
    assert paths[0].exists() and (tmp_path / "simulation/_SUCCESS").exists()


def test_finish_drains_other_writers_of_same_tree(tmp_path):
    """Ranks running as threads each own a writer; rank 0's ``finish`` waits for all."""
    a = SimulationWriter(tmp_path, ["costs"], background=True)
    b = SimulationWriter(tmp_path, ["costs"], background=True)
    a.prepare()
    costs = _new_tables(_scenario(1, stages=2))["costs"]
    for j in range(5):
        b.write_scenario(j, {"costs": costs})
    a.finish({"status": "complete"})
    parts = sorted(p.parent.name for p in (tmp_path / "simulation/costs").rglob("data.parquet"))
    assert parts == [f"scenario_id={j:04d}" for j in range(5)]


def test_background_write_error_surfaces(tmp_path):
    root = tmp_path / "out"
    writer = SimulationWriter(root, ["costs"], background=True)
    writer.prepare()
    (root / "simulation" / "costs").rmdir()
    (root / "simulation" / "costs").write_text("not a directory")  # mkdir of partition fails
    costs = _new_tables(_scenario(2, stages=1))["costs"]
    writer.write_scenario(0, {"costs": costs})
    with pytest.raises(CobreIOError) as err:
        writer.finish({"status": "complete"})
    assert err.value.kind == "OutputWriteFailed"
    assert "scenario_id=0000" in err.value.context["file"]
    assert not (root / "simulation" / "_SUCCESS").exists()
    assert not (root / "simulation" / "metadata.json").exists()


def test_background_writer_bounded_queue_and_idle_exit():
    started = threading.Event()
    release = threading.Event()
    done: list[int] = []

    def write(item: int) -> None:
        started.set()
        release.wait(5)
        done.append(item)

    bg = BackgroundWriter(write, capacity=1, idle_timeout=0.05)
    bg.submit(1)
    assert started.wait(5)
    bg.submit(2)  # fills the queue (capacity 1) while item 1 is being written
    blocked = threading.Thread(target=bg.submit, args=(3,))
    blocked.start()
    blocked.join(0.2)
    assert blocked.is_alive()  # producer waits: the queue is bounded
    release.set()
    blocked.join(5)
    bg.drain()
    assert done == [1, 2, 3] and bg.pending == 0
    threading.Event().wait(0.3)
    assert not any(t.name == "pycobre-writer" for t in threading.enumerate())  # went idle
    bg.submit(4)  # restarts on demand
    bg.drain()
    assert done == [1, 2, 3, 4]


def test_background_writer_default_switches(monkeypatch, tmp_path):
    for var in (*LAUNCHER_VARIABLES, sim_out.BACKGROUND_ENV):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(sim_out.os, "cpu_count", lambda: 2)
    assert SimulationWriter(tmp_path, ["costs"])._bg is not None  # a spare core: thread
    monkeypatch.setattr(sim_out.os, "cpu_count", lambda: 1)
    assert SimulationWriter(tmp_path, ["costs"])._bg is None
    monkeypatch.setenv(sim_out.BACKGROUND_ENV, "1")
    assert SimulationWriter(tmp_path, ["costs"])._bg is not None  # forced on
    monkeypatch.setattr(sim_out.os, "cpu_count", lambda: 8)
    monkeypatch.setenv(sim_out.BACKGROUND_ENV, "0")
    assert SimulationWriter(tmp_path, ["costs"])._bg is None  # forced off
    monkeypatch.setenv(sim_out.BACKGROUND_ENV, "1")
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "2")
    assert SimulationWriter(tmp_path, ["costs"])._bg is None  # several processes: never
    assert SimulationWriter(tmp_path, ["costs"], background=True)._bg is not None  # explicit


# -- previous implementation (verbatim copy, reference for the byte-equality tests) ----------
def _blockwise(a: np.ndarray | float, n: int, k: int) -> np.ndarray:
    """(n, k) per-block values, (n,) stage-level values (repeated), or a scalar -> n*k rows."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n * k, float(arr))
    if arr.ndim == 1:
        return np.repeat(arr, k) if arr.shape[0] == n else np.full(n * k, np.nan)
    return arr.reshape(n * k)


def _keys(layout: StageLayout, ids: np.ndarray) -> Columns:
    n, k = ids.shape[0], layout.n_blocks
    return {
        "stage_id": np.full(n * k, layout.stage_index, dtype=np.int32),
        "block_id": np.tile(np.arange(k, dtype=np.int32), n),
    }


def _ids(ids: np.ndarray, k: int) -> np.ndarray:
    return np.repeat(np.asarray(ids, dtype=np.int32), k)


def stage_rows_old(
    layout: StageLayout,
    q: Mapping[str, np.ndarray],
    *,
    x_in: np.ndarray,
    costs: Mapping[str, float],
) -> dict[str, Columns]:
    """Columns of every table for one (scenario, stage).

    ``costs`` holds ``total_cost``, ``immediate_cost``, ``future_cost``, ``discount_factor`` and
    the component columns of ``COSTS_COMPONENT_COLUMNS`` (missing components count as 0).
    """
    k = layout.n_blocks
    hours = np.asarray(layout.hours, dtype=np.float64)
    out: dict[str, Columns] = {}

    cost_cols: Columns = {
        "stage_id": np.array([layout.stage_index], dtype=np.int32),
        "block_id": None,
    }
    for name in ("total_cost", "immediate_cost", "future_cost", "discount_factor"):
        cost_cols[name] = np.array([float(costs[name])])
    for name in COSTS_COMPONENT_COLUMNS:
        cost_cols[name] = np.array([float(costs.get(name, 0.0))])
    out["costs"] = cost_cols

    n = layout.hydro_ids.shape[0]
    if n:
        hours_h = np.tile(hours, n)
        turb = _blockwise(q["hydro_turbined_m3s"], n, k)
        spill = _blockwise(q["hydro_spillage_m3s"], n, k)
        gen = _blockwise(q["hydro_generation_mw"], n, k)
        inflow = _blockwise(q["hydro_inflow_m3s"], n, k)
        zeros = np.zeros(n * k)
        out["hydros"] = {
            **_keys(layout, layout.hydro_ids),
            "hydro_id": _ids(layout.hydro_ids, k),
            "turbined_m3s": turb,
            "spillage_m3s": spill,
            "outflow_m3s": turb + spill,
            "evaporation_m3s": _blockwise(q["hydro_evaporation_m3s"], n, k),
            "diverted_inflow_m3s": _blockwise(q["hydro_diverted_inflow_m3s"], n, k),
            "diverted_outflow_m3s": _blockwise(q["hydro_diverted_outflow_m3s"], n, k),
            "incremental_inflow_m3s": inflow,
            "inflow_m3s": inflow.copy(),
            "storage_initial_hm3": _blockwise(q["hydro_storage_initial_hm3"], n, k),
            "storage_final_hm3": _blockwise(q["hydro_storage_final_hm3"], n, k),
            "generation_mw": gen,
            "generation_mwh": gen * hours_h,
            "productivity_mw_per_m3s": _blockwise(q["hydro_productivity_mw_per_m3s"], n, k),
            "spillage_cost": _blockwise(q["hydro_spillage_cost"], n, k),
            "water_value_per_hm3": _blockwise(q["hydro_water_value_per_hm3"], n, k),
            "storage_binding_code": np.zeros(n * k, dtype=np.int8),
            "operative_state_code": np.ones(n * k, dtype=np.int8),
            "turbined_slack_m3s": _blockwise(q["hydro_turbined_slack_m3s"], n, k),
            "outflow_slack_below_m3s": _blockwise(q["hydro_outflow_slack_below_m3s"], n, k),
            "outflow_slack_above_m3s": _blockwise(q["hydro_outflow_slack_above_m3s"], n, k),
            "generation_slack_mw": _blockwise(q["hydro_generation_slack_mw"], n, k),
            "storage_violation_below_hm3": zeros,
            "filling_target_violation_hm3": zeros.copy(),
            "evaporation_violation_pos_m3s": _blockwise(
                q["hydro_evaporation_violation_pos_m3s"], n, k
            ),
            "evaporation_violation_neg_m3s": _blockwise(
                q["hydro_evaporation_violation_neg_m3s"], n, k
            ),
            "inflow_nonnegativity_slack_m3s": _blockwise(
                q["hydro_inflow_nonnegativity_slack_m3s"], n, k
            ),
            "water_withdrawal_violation_pos_m3s": _blockwise(
                q["hydro_withdrawal_violation_pos_m3s"], n, k
            ),
            "water_withdrawal_violation_neg_m3s": _blockwise(
                q["hydro_withdrawal_violation_neg_m3s"], n, k
            ),
        }
        p = int(layout.n_lag_rows)
        if p:
            lags = np.asarray(x_in, dtype=np.float64)[n : n + p * n].reshape(p, n).T  # (N, P)
            out["inflow_lags"] = {
                "stage_id": np.full(n * p, layout.stage_index, dtype=np.int32),
                "hydro_id": np.repeat(np.asarray(layout.hydro_ids, dtype=np.int32), p),
                "lag_index": np.tile(np.arange(p, dtype=np.int32), n),
                "inflow_m3s": lags.reshape(n * p),
            }

    j = layout.thermal_ids.shape[0]
    if j:
        g = _blockwise(q["thermal_generation_mw"], j, k)
        out["thermals"] = {
            **_keys(layout, layout.thermal_ids),
            "thermal_id": _ids(layout.thermal_ids, k),
            "generation_mw": g,
            "generation_mwh": g * np.tile(hours, j),
            "generation_cost": _blockwise(q["thermal_generation_cost"], j, k),
            "is_gnl": np.zeros(j * k, dtype=bool),
            "gnl_committed_mw": None,
            "gnl_decision_mw": None,
            "operative_state_code": np.ones(j * k, dtype=np.int8),
        }

    nl = layout.line_ids.shape[0]
    if nl:
        direct = _blockwise(q["line_direct_flow_mw"], nl, k)
        reverse = _blockwise(q["line_reverse_flow_mw"], nl, k)
        hrs = np.tile(hours, nl)
        net = direct - reverse
        losses = np.repeat(np.asarray(layout.line_loss_fraction, dtype=np.float64), k) * (
            direct + reverse
        )
        out["exchanges"] = {
            **_keys(layout, layout.line_ids),
            "line_id": _ids(layout.line_ids, k),
            "direct_flow_mw": direct,
            "reverse_flow_mw": reverse,
            "net_flow_mw": net,
            "net_flow_mwh": net * hrs,
            "losses_mw": losses,
            "losses_mwh": losses * hrs,
            "exchange_cost": _blockwise(q["line_exchange_cost"], nl, k),
            "operative_state_code": np.full(nl * k, 2, dtype=np.int8),
        }

    nb = layout.bus_ids.shape[0]
    if nb:
        hrs = np.tile(hours, nb)
        load = _blockwise(q["bus_load_mw"], nb, k)
        deficit = _blockwise(q["bus_deficit_mw"], nb, k)
        excess = _blockwise(q["bus_excess_mw"], nb, k)
        out["buses"] = {
            **_keys(layout, layout.bus_ids),
            "bus_id": _ids(layout.bus_ids, k),
            "load_mw": load,
            "load_mwh": load * hrs,
            "deficit_mw": deficit,
            "deficit_mwh": deficit * hrs,
            "excess_mw": excess,
            "excess_mwh": excess * hrs,
            "spot_price": _blockwise(q["bus_spot_price"], nb, k),
        }

    nr = layout.ncs_ids.shape[0]
    if nr:
        hrs = np.tile(hours, nr)
        g = _blockwise(q["ncs_generation_mw"], nr, k)
        curt = _blockwise(q["ncs_curtailment_mw"], nr, k)
        out["non_controllables"] = {
            **_keys(layout, layout.ncs_ids),
            "non_controllable_id": _ids(layout.ncs_ids, k),
            "generation_mw": g,
            "generation_mwh": g * hrs,
            "available_mw": _blockwise(q["ncs_available_mw"], nr, k),
            "curtailment_mw": curt,
            "curtailment_mwh": curt * hrs,
            "curtailment_cost": _blockwise(q["ncs_curtailment_cost"], nr, k),
            "operative_state_code": np.ones(nr * k, dtype=np.int8),
        }

    for table, ids, id_col in (
        ("pumping_stations", layout.pumping_ids, "pumping_station_id"),
        ("contracts", layout.contract_ids, "contract_id"),
    ):
        m = ids.shape[0]
        if m:
            cols: Columns = {
                "stage_id": np.full(m, layout.stage_index, dtype=np.int32),
                "block_id": None,
                id_col: np.asarray(ids, dtype=np.int32),
            }
            for fld in SIMULATION_SCHEMAS[table]:
                if fld.name not in cols:
                    is_code = fld.name == "operative_state_code"
                    cols[fld.name] = np.ones(m, np.int8) if is_code else np.zeros(m)
            out[table] = cols

    cid = np.asarray(q.get("generic_constraint_id", np.zeros(0)), dtype=np.int32)
    if cid.shape[0]:
        out["violations/generic"] = {
            "stage_id": np.full(cid.shape[0], layout.stage_index, dtype=np.int32),
            "block_id": np.asarray(q["generic_block_id"], dtype=np.int32),
            "constraint_id": cid,
            "slack_value": np.asarray(q["generic_slack_value"], dtype=np.float64),
            "slack_cost": np.asarray(q["generic_slack_cost"], dtype=np.float64),
        }
    return out


def build_table_old(entity: str, columns: Mapping[str, np.ndarray | None], n_rows: int) -> pa.Table:
    """Arrow table with the exact schema of ``entity``; ``None`` columns and NaN in nullable
    float columns become nulls."""
    schema = SIMULATION_SCHEMAS[entity]
    arrays = []
    for fld in schema:
        v = columns.get(fld.name)
        if v is None:
            if not fld.nullable:
                raise ValueError(f"simulation table {entity}: column {fld.name} is required")
            arrays.append(pa.nulls(n_rows, type=fld.type))
            continue
        arr = np.asarray(v)
        if pa.types.is_floating(fld.type):
            arr = arr.astype(np.float64, copy=False)
            mask = np.isnan(arr) if fld.nullable else None
            arrays.append(pa.array(arr, type=fld.type, mask=mask))
        else:
            arrays.append(
                pa.array(arr.astype(fld.type.to_pandas_dtype(), copy=False), type=fld.type)
            )
    return pa.Table.from_arrays(arrays, schema=schema)


class ScenarioTablesOld:
    """Accumulates the stage rows of one scenario and concatenates them once at the end."""

    def __init__(self) -> None:
        self._parts: dict[str, list[Columns]] = {}

    def add(self, rows: Mapping[str, Columns]) -> None:
        for entity, cols in rows.items():
            self._parts.setdefault(entity, []).append(cols)

    def tables(self) -> dict[str, pa.Table]:
        out: dict[str, pa.Table] = {}
        for entity, parts in self._parts.items():
            n = sum(_n_rows(p) for p in parts)
            merged: dict[str, np.ndarray | None] = {}
            for fld in SIMULATION_SCHEMAS[entity]:
                pieces = [p.get(fld.name) for p in parts]
                if all(x is None for x in pieces):
                    merged[fld.name] = None
                    continue
                filled = [
                    np.full(_n_rows(p), np.nan) if x is None else np.asarray(x)
                    for x, p in zip(pieces, parts, strict=True)
                ]
                merged[fld.name] = np.concatenate(filled)
            out[entity] = build_table_old(entity, merged, n)
        return out


def _n_rows(cols: Columns) -> int:
    for v in cols.values():
        if v is not None:
            return int(np.asarray(v).shape[0])
    return 0
