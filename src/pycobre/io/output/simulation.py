"""The ``simulation/`` output tree (spec 04 §1, §4): directories, partitions, manifest, marker.

Layout: ``simulation/<table>/scenario_id=NNNN/data.parquet`` (Hive partitioning, scenario id only
in the directory name), ``solver/iterations.parquet`` and ``solver/retry_histogram.parquet``,
then ``metadata.json`` and finally the empty ``_SUCCESS`` marker. Every file is written
atomically; a run that dies midway leaves no ``_SUCCESS``.

Writing a partition costs about as much CPU as solving the scenario's stage LPs (Parquet's
fixed per-file cost times five or more tables), so the solving thread only hands over the
scenario's unbuilt ``ScenarioTables`` and the rest happens elsewhere (writer modes):

* ``process`` (default for >= ``PROCESS_MIN_SCENARIOS`` scenarios on a multi-core machine): the
  solving thread packs each scenario into one byte string and pipes batches of 32 to a writer
  process, which builds the tables and writes the files — no GIL shared with the solver, and
  no second thread in the solving process (every return from a short HiGHS solve must retake
  the GIL, and a busy Python thread beside it keeps it up to the 5 ms switch interval);
* ``thread`` (default for smaller runs): writer thread(s) build and write in this process;
* ``sync``: on a single core and under an MPI launcher (several processes, whose queues another
  process cannot wait for).

``finish`` first waits for every queued partition of this output tree — also those queued by
other writers of the same tree in this process (ranks run as threads) — so the marker still
comes last. ``PYCOBRE_SIM_WRITER`` (sync/thread/process) and ``PYCOBRE_SIM_WRITER_THREAD``
(0/1) override the mode; measurements in docs/dev/performance.md, "Simulation".
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from pycobre.errors import CobreIOError
from pycobre.io.output.atomic import (
    SUCCESS_MARKER,
    sync_all,
    write_parquet_atomic,
    write_success_marker,
    write_text_atomic,
)
from pycobre.io.output.background_writer import BackgroundWriter, WriterProcess
from pycobre.io.output.cobre_json import format_json_like_cobre
from pycobre.io.output.simulation_rows import (
    PackedScenario,
    ScenarioTables,
    StageLayout,
    build_scenario_tables,
    tables_from_stacked,
    unpack_stacked,
)
from pycobre.io.output.simulation_schemas import (
    ENTITY_DIRS,
    RETRY_HISTOGRAM_SCHEMA,
    SIMULATION_SCHEMAS,
    SOLVER_ITERATIONS_SCHEMA,
)

__all__ = [
    "EntityCounts",
    "SimulationWriter",
    "entity_dirs_for",
    "partition_dir_name",
    "simulation_metadata",
]

_PARTITION = re.compile(r"^scenario_id=\d+$")
#: spec 13 §1 ``simulation.io_channel_capacity`` default (scenarios waiting to be written)
DEFAULT_IO_CHANNEL_CAPACITY = 64
#: scenarios whose tables the writer thread builds together (``build_scenario_tables``)
WRITE_BATCH = 32

#: simulations with at least this many scenarios (on this rank) get a writer process by default:
#: starting one costs ~0.3 s, a thread nothing
PROCESS_MIN_SCENARIOS = 256

# background writers per output tree, so ``finish`` can wait for all of them (ranks as threads);
# weak, so the writers of a run that failed before ``finish`` do not linger here
_ACTIVE: dict[Path, weakref.WeakSet[SimulationWriter]] = {}
_ACTIVE_LOCK = threading.Lock()


#: environment switch for the background writer thread: "0" off, "1" on (default: automatic)
BACKGROUND_ENV = "PYCOBRE_SIM_WRITER_THREAD"
#: writer mode: "sync", "thread" or "process" (overrides ``PYCOBRE_SIM_WRITER_THREAD``)
WRITER_MODE_ENV = "PYCOBRE_SIM_WRITER"
#: number of writer processes in process mode (default: ``_default_writer_processes``)
WRITER_PROCESSES_ENV = "PYCOBRE_SIM_WRITER_PROCESSES"
#: number of background writer threads (default: ``_default_writer_threads``)
WRITER_THREADS_ENV = "PYCOBRE_SIM_WRITER_THREADS"


def _default_mode(expected_scenarios: int | None = None) -> str:
    """``sync`` under an MPI launcher or on one core; else ``process`` for large simulations
    and ``thread`` for small ones. ``PYCOBRE_SIM_WRITER`` (sync/thread/process) and
    ``PYCOBRE_SIM_WRITER_THREAD`` (0/1) override."""
    from pycobre.comm.launcher import detect_launcher

    if detect_launcher().detected:
        return "sync"
    mode = os.environ.get(WRITER_MODE_ENV, "").strip().lower()
    if mode in ("sync", "thread", "process"):
        return mode
    if not _default_background():
        return "sync"
    if os.environ.get(BACKGROUND_ENV, "").strip():  # forced on: a thread, as documented
        return "thread"
    big = expected_scenarios is not None and expected_scenarios >= PROCESS_MIN_SCENARIOS
    if big and os.name == "posix":  # the child gets its pipes through pass_fds
        return "process"
    return "thread"


#: default ceiling on writer processes (each is an interpreter with pyarrow: ~70 MB)
MAX_DEFAULT_WRITER_PROCESSES = 8


def _default_writer_processes(solving_threads: int = 1) -> int:
    """Writer processes in process mode: ``PYCOBRE_SIM_WRITER_PROCESSES``, else one per solving
    thread (at most one per core and ``MAX_DEFAULT_WRITER_PROCESSES``). Why: a writer process
    needs about as much CPU per scenario as the LPs (Arrow's Parquet encoding of five small
    files), so one writer keeps pace with one solving thread, not with several. (On 2 cores
    with 2 solving threads, 1 or 2 writers measured the same: the CPU is saturated either way.)"""
    flag = os.environ.get(WRITER_PROCESSES_ENV, "").strip()
    if flag.isdigit() and int(flag) > 0:
        return int(flag)
    limit = min(os.cpu_count() or 1, MAX_DEFAULT_WRITER_PROCESSES)
    return max(1, min(int(solving_threads), limit))


def _default_background() -> bool:
    """On with a spare core, off under an MPI launcher; ``PYCOBRE_SIM_WRITER_THREAD`` overrides."""
    from pycobre.comm.launcher import detect_launcher

    if detect_launcher().detected:
        return False
    flag = os.environ.get(BACKGROUND_ENV, "").strip().lower()
    if flag in ("0", "false", "no", "off"):
        return False
    if flag in ("1", "true", "yes", "on"):
        return True
    return (os.cpu_count() or 1) > 1


def write_partition(table: pa.Table, path: str | os.PathLike[str]) -> Path:
    """One simulation partition: ``write_parquet_atomic`` without fsyncs (``finish`` syncs
    once before the marker) and, like Cobre's files, without the ``ARROW:schema`` footer key
    (the Parquet types read back as the exact schema)."""
    return write_parquet_atomic(table, path, durable=False, store_schema=False)


def _default_writer_threads() -> int:
    """Writer threads in thread mode: ``PYCOBRE_SIM_WRITER_THREADS``, else 1 (a second thread
    measured no faster: the threads mostly wait for each other's and the solver's GIL)."""
    flag = os.environ.get(WRITER_THREADS_ENV, "").strip()
    if flag.isdigit() and int(flag) > 0:
        return int(flag)
    return 1


def partition_dir_name(scenario_id: int) -> str:
    """``scenario_id=NNNN`` (zero-padded to 4 digits; wider ids are written in full)."""
    return f"scenario_id={int(scenario_id):04d}"


@dataclass(frozen=True)
class EntityCounts:
    hydros: int = 0
    thermals: int = 0
    lines: int = 0
    buses: int = 0
    pumping_stations: int = 0
    contracts: int = 0
    non_controllables: int = 0
    generic_constraints: int = 0

    @classmethod
    def of_system(cls, system: Any) -> EntityCounts:
        def n(attr: str) -> int:
            return len(list(getattr(system, attr, ()) or ()))

        return cls(
            hydros=n("hydros"),
            thermals=n("thermals"),
            lines=n("lines"),
            buses=n("buses"),
            pumping_stations=n("pumping_stations"),
            contracts=n("contracts"),
            non_controllables=n("non_controllable_sources"),
            generic_constraints=n("generic_constraints"),
        )


def entity_dirs_for(counts: EntityCounts) -> list[str]:
    """Table directories created when simulation starts (spec 04 §1)."""
    present = {
        "costs": True,
        "hydros": counts.hydros > 0,
        "thermals": counts.thermals > 0,
        "exchanges": counts.lines > 0,
        "buses": counts.buses > 0,
        "pumping_stations": counts.pumping_stations > 0,
        "contracts": counts.contracts > 0,
        "non_controllables": counts.non_controllables > 0,
        "inflow_lags": counts.hydros > 0,
        "violations/generic": counts.generic_constraints > 0,
    }
    return [d for d in ENTITY_DIRS if present[d]]


def simulation_metadata(
    *,
    version: str,
    started_at: str,
    completed_at: str,
    duration_seconds: float,
    total: int,
    completed: int,
    failed: int = 0,
    threads: int = 1,
    solver_version: str | None = None,
    status: str = "complete",
    hostname: str | None = None,
) -> dict[str, Any]:
    """``simulation/metadata.json`` content in Cobre's key order (spec 04 §4.1)."""
    meta: dict[str, Any] = {
        "cobre_version": version,
        "hostname": hostname if hostname is not None else socket.gethostname(),
        "solver": "highs",
    }
    if solver_version:
        meta["solver_version"] = solver_version
    meta.update(
        {
            "started_at": started_at,
            "completed_at": completed_at,
            "duration_seconds": float(duration_seconds),
            "status": status,
            "scenarios": {"total": int(total), "completed": int(completed), "failed": int(failed)},
            "distribution": {
                "backend": "local",
                "world_size": 1,
                "ranks_participated": 1,
                "num_nodes": 1,
                "threads_per_rank": int(threads),
            },
        }
    )
    return meta


class SimulationWriter:
    """Writes one simulation run into ``<output>/simulation``.

    ``prepare`` creates the directories and removes the marker, manifest and partitions of a
    previous run (so stale scenarios cannot mix with new ones); ``write_scenario`` may be called
    from several threads for different scenarios; ``finish`` writes the manifest and marker.
    ``background``: ``None`` (automatic, see the module docstring; ``expected_scenarios`` is
    this writer's share of the run), ``True`` (thread), ``False`` (sync) or a mode name.
    Background modes queue up to ``capacity`` scenarios; ``drain`` waits for them.
    """

    def __init__(
        self,
        output_dir: str | os.PathLike[str],
        entity_dirs: list[str],
        *,
        background: bool | str | None = None,
        capacity: int = DEFAULT_IO_CHANNEL_CAPACITY,
        writer_threads: int | None = None,
        expected_scenarios: int | None = None,
        writer_processes: int | None = None,
        solving_threads: int = 1,
    ) -> None:
        self.root = Path(output_dir) / "simulation"
        self.entity_dirs = list(entity_dirs)
        unknown = [d for d in self.entity_dirs if d not in SIMULATION_SCHEMAS]
        if unknown:
            raise ValueError(f"unknown simulation tables: {unknown}")
        if background is None:
            mode = _default_mode(expected_scenarios)
        elif isinstance(background, str):
            mode = background
        else:
            mode = "thread" if background else "sync"
        if mode not in ("sync", "thread", "process"):
            raise ValueError(f"unknown simulation writer mode {mode!r}")
        self.mode = mode
        self._bg: BackgroundWriter | None = None
        self._procs: list[WriterProcess] = []
        self._n_procs = max(
            1, int(writer_processes or _default_writer_processes(solving_threads))
        )
        self._sends = 0
        self._layouts: dict[int, StageLayout] = {}  # keeps the ids of sent layouts unique
        self._sent: list[set[int]] = []  # layout ids each process has received
        self._specs: dict[tuple, int] = {}  # packed-scenario key -> spec number
        self._entities: dict[tuple, list[str]] = {}  # (layouts, bytes) -> non-empty tables
        self._pending: list[tuple[int, ScenarioTables]] = []  # sync mode: batch being gathered
        self._pending_lock = threading.Lock()
        # process mode: the packed scenarios of the batch being gathered, and full batches
        # waiting for the writer process (at most ``capacity`` scenarios: then the caller waits)
        self._gather: list[tuple[int, PackedScenario]] = []
        self._outbox: list[list[tuple[int, PackedScenario]]] = []
        self._batch = min(WRITE_BATCH, max(1, int(capacity)))
        self._max_outbox = max(1, int(capacity) // self._batch)
        with _ACTIVE_LOCK:  # ``finish`` of any writer of this tree waits for this one's work
            _ACTIVE.setdefault(self._key, weakref.WeakSet()).add(self)
        if mode != "thread":
            return
        threads = _default_writer_threads() if writer_threads is None else writer_threads
        self._bg = BackgroundWriter(
            lambda item: self._write_now(*item),
            capacity=capacity,
            name="pycobre-sim-writer",
            write_batch=self._write_batch,
            max_batch=self._batch,
            min_batch=WRITE_BATCH,  # full batches: a writer that keeps up would build ones
            threads=threads,
        )

    @property
    def _key(self) -> Path:
        return Path(os.path.abspath(self.root))

    @classmethod
    def for_system(
        cls,
        output_dir: str | os.PathLike[str],
        system: Any,
        *,
        background: bool | str | None = None,
        expected_scenarios: int | None = None,
        solving_threads: int = 1,
    ) -> SimulationWriter:
        sim_cfg = ((getattr(system, "config", None) or {}).get("simulation")) or {}
        capacity = sim_cfg.get("io_channel_capacity") or DEFAULT_IO_CHANNEL_CAPACITY
        return cls(
            output_dir,
            entity_dirs_for(EntityCounts.of_system(system)),
            background=background,
            capacity=int(capacity),
            expected_scenarios=expected_scenarios,
            solving_threads=solving_threads,
        )

    def prepare(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for name in (SUCCESS_MARKER, "metadata.json"):
                (self.root / name).unlink(missing_ok=True)
            for entity in ENTITY_DIRS:
                d = self.root / entity
                if d.is_dir():
                    for part in d.iterdir():
                        if part.is_dir() and _PARTITION.match(part.name):
                            shutil.rmtree(part)
            for entity in self.entity_dirs:
                (self.root / entity).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CobreIOError(
                f"cannot prepare simulation output directory {self.root}: {exc}",
                kind="OutputWriteFailed",
                context={"file": str(self.root)},
            ) from exc

    def scenario_path(self, entity: str, scenario_id: int) -> Path:
        return self.root / entity / partition_dir_name(scenario_id) / "data.parquet"

    def write_scenario(
        self, scenario_id: int, tables: Mapping[str, pa.Table] | ScenarioTables
    ) -> list[Path]:
        """One partition per table with at least one row (spec 04 §1); returns their paths.

        ``tables`` may be an unbuilt ``ScenarioTables``: its Arrow tables are then built by the
        writer, for up to ``WRITE_BATCH`` scenarios at once (in sync mode too: they are written
        when the batch is full, at ``drain`` or at ``finish``). The files exist once
        ``drain``/``finish`` returned; a write error surfaces at the next ``write_scenario`` or
        at ``drain``/``finish``.
        """
        if self.mode == "process":
            return self._hand_to_process(scenario_id, tables)
        if self._bg is None and not isinstance(tables, ScenarioTables):
            return self._write_now(scenario_id, tables)
        if self._bg is None:  # sync: unbuilt scenarios are built and written in batches
            paths = [
                self.scenario_path(e, scenario_id) for e, n in tables.row_counts().items() if n
            ]
            with self._pending_lock:
                self._pending.append((scenario_id, tables))
                batch = self._pending if len(self._pending) >= WRITE_BATCH else None
                if batch is not None:
                    self._pending = []
            if batch is not None:
                self._write_batch(batch)
            return paths
        if isinstance(tables, ScenarioTables):
            entities = [e for e, n in tables.row_counts().items() if n]
            todo: Mapping[str, pa.Table] | ScenarioTables = tables
        else:
            todo = {entity: table for entity, table in tables.items() if table.num_rows}
            entities = list(todo)
        self._bg.submit((scenario_id, todo))
        return [self.scenario_path(entity, scenario_id) for entity in entities]

    def _write_now(
        self, scenario_id: int, tables: Mapping[str, pa.Table] | ScenarioTables
    ) -> list[Path]:
        if isinstance(tables, ScenarioTables):
            tables = tables.tables()
        return _write_tables(self.root, scenario_id, tables)

    def _hand_to_process(
        self, scenario_id: int, tables: Mapping[str, pa.Table] | ScenarioTables
    ) -> list[Path]:
        """Process mode, on the caller's (solving) thread: pack the scenario; pipe each full
        batch once the writer process is free, waiting only when ``capacity`` scenarios are
        queued. No feeder thread: another thread running Python in the solving process delays
        every return from HiGHS (retaking the GIL). Anything that does not pack (built tables,
        odd inputs) is written here and now."""
        packed = tables.pack() if isinstance(tables, ScenarioTables) else None
        if packed is None:
            return self._write_now(scenario_id, tables)
        # tables with rows: set by the layouts and the generic rows' count, which the packed
        # length reflects (a cheap key to hash)
        short = (packed.key[0], len(packed.data))
        entities = self._entities.get(short)
        if entities is None:
            counts = tables.row_counts()  # type: ignore[union-attr]
            entities = self._entities[short] = [e for e, n in counts.items() if n]
        with self._pending_lock:
            self._gather.append((scenario_id, packed))
            if len(self._gather) >= self._batch:
                self._outbox.append(self._gather)
                self._gather = []
            if self._outbox:
                self._pump(final=False)
        base = f"{self.root}/{{}}/{partition_dir_name(scenario_id)}/data.parquet"
        return [Path(base.format(entity)) for entity in entities]  # 1 parse, not 4

    def _pump(self, *, final: bool) -> None:
        """Send queued batches to idle writer processes (under ``_pending_lock``); wait for
        one when more than ``capacity`` scenarios are queued, or for all when ``final``."""
        while self._outbox:
            proc = self._process(self._sends % self._n_procs)  # round robin
            if not proc.idle() and not final and len(self._outbox) <= self._max_outbox:
                return
            proc.wait()
            self._send_batch(self._outbox.pop(0))

    def _send_batch(self, items: list[tuple[int, PackedScenario]]) -> None:
        """Stack a batch of packed scenarios and pipe it (layouts and specs once)."""
        groups: dict[tuple, list[tuple[int, PackedScenario]]] = {}
        for scenario_id, packed in items:
            groups.setdefault(packed.key, []).append((scenario_id, packed))
        for key, members in groups.items():
            first = members[0][1]
            data = b"".join([p.data for _, p in members])
            costs = np.stack([p.costs for _, p in members])
            i = self._sends % self._n_procs  # round robin: batches cost about the same
            self._sends += 1
            proc = self._process(i)
            spec_id = self._specs.setdefault(key, len(self._specs))
            new_layouts = {}
            for layout in first.layouts:
                lid = id(layout)
                self._layouts[lid] = layout
                if lid not in self._sent[i]:
                    self._sent[i].add(lid)
                    new_layouts[lid] = layout
            new_spec = None
            if ("spec", spec_id) not in self._sent[i]:
                self._sent[i].add(("spec", spec_id))
                new_spec = (key[0], first.stage_spec())
            payload = (str(self.root), [j for j, _ in members], spec_id, data, costs)
            proc.send((*payload, new_layouts, new_spec))

    def _process(self, i: int) -> WriterProcess:
        """Writer process ``i``, started on first use (under ``_pending_lock``)."""
        while len(self._procs) <= i:
            try:
                proc = WriterProcess(_PartitionWriter)
            except (OSError, ValueError) as exc:
                raise CobreIOError(
                    f"cannot start the simulation writer process for {self.root}: {exc} "
                    f"(set {WRITER_MODE_ENV}=thread to write from this process)",
                    kind="OutputWriteFailed",
                    context={"file": str(self.root)},
                ) from exc
            weakref.finalize(self, proc.close)
            self._procs.append(proc)
            self._sent.append(set())
        return self._procs[i]

    def _write_batch(
        self, items: list[tuple[int, Mapping[str, pa.Table] | ScenarioTables]]
    ) -> None:
        """Writer-thread side: build the unbuilt scenarios together, then write them in order."""
        unbuilt = [i for i, (_, tables) in enumerate(items) if isinstance(tables, ScenarioTables)]
        built: list[Mapping[str, pa.Table] | ScenarioTables] = [t for _, t in items]
        if unbuilt:
            try:
                tables = build_scenario_tables([built[i] for i in unbuilt])  # type: ignore[misc]
            except Exception as exc:
                ids = [items[i][0] for i in unbuilt]
                raise CobreIOError(
                    f"cannot build the simulation tables of scenarios {ids[0]}..{ids[-1]} "
                    f"under {self.root}: {type(exc).__name__}: {exc}",
                    kind="OutputWriteFailed",
                    context={"file": str(self.root), "scenarios": ids},
                ) from exc
            for i, t in zip(unbuilt, tables, strict=True):
                built[i] = t
        for (scenario_id, _), tables in zip(items, built, strict=True):
            self._write_now(scenario_id, tables)

    def drain(self) -> None:
        """Wait for the queued partitions of this writer; raise the first write error."""
        with self._pending_lock:
            batch, self._pending = self._pending, []
            if self._gather:
                self._outbox.append(self._gather)
                self._gather = []
            if self._outbox:
                self._pump(final=True)
        if batch:
            self._write_batch(batch)
        if self._bg is not None:
            self._bg.drain()
        errors = []
        for proc in self._procs:
            try:
                proc.wait()
            except BaseException as exc:  # noqa: BLE001 - first error re-raised below
                errors.append(exc)
        if errors:
            raise errors[0]

    def _drain_tree(self) -> None:
        """Wait for every background writer of this output tree in this process."""
        with _ACTIVE_LOCK:
            writers = list(_ACTIVE.pop(self._key, ()))
        if self not in writers:
            writers.append(self)
        errors = []
        for writer in writers:
            try:
                writer.drain()
            except BaseException as exc:  # noqa: BLE001 - first error re-raised below
                errors.append(exc)
            finally:
                for proc in writer._procs:
                    proc.close()
        if errors:
            raise errors[0]

    def write_solver_tables(self, iterations: pa.Table, histogram: pa.Table) -> None:
        solver = self.root / "solver"
        write_parquet_atomic(
            iterations.cast(SOLVER_ITERATIONS_SCHEMA), solver / "iterations.parquet"
        )
        write_parquet_atomic(
            histogram.cast(RETRY_HISTOGRAM_SCHEMA), solver / "retry_histogram.parquet"
        )

    def finish(self, metadata: Mapping[str, Any]) -> None:
        """Queued partitions, then ``metadata.json`` (serde_json layout), then ``_SUCCESS``."""
        self._drain_tree()
        sync_all()  # the partitions were written without per-file fsyncs
        write_text_atomic(self.root / "metadata.json", format_json_like_cobre(dict(metadata)))
        write_success_marker(self.root)


def _write_tables(
    root: str | os.PathLike[str], scenario_id: int, tables: Mapping[str, pa.Table]
) -> list[Path]:
    """One partition per non-empty table of one scenario, with the exact schema."""
    written = []
    part = partition_dir_name(scenario_id)
    base = os.fspath(root)
    for entity, table in tables.items():
        if table.num_rows == 0:
            continue
        schema = SIMULATION_SCHEMAS[entity]
        if not table.schema.equals(schema):
            table = table.cast(schema)
        written.append(write_partition(table, f"{base}/{entity}/{part}/data.parquet"))
    return written


class _PartitionWriter:
    """Writer-process side: build the piped batches' tables and write their partitions."""

    def __init__(self) -> None:
        self._layouts: dict[int, StageLayout] = {}
        self._specs: dict[int, tuple] = {}

    def __call__(self, payload: tuple) -> None:
        root, scenario_ids, spec_id, data, costs, new_layouts, new_spec = payload
        self._layouts.update(new_layouts)
        if new_spec is not None:
            self._specs[spec_id] = new_spec
        try:
            layout_ids, spec = self._specs[spec_id]
            layouts = [self._layouts[lid] for lid in layout_ids]
            raw = np.frombuffer(data, dtype=np.uint8).reshape(len(scenario_ids), -1)
            tables = tables_from_stacked(unpack_stacked(layouts, spec, raw, costs))
        except Exception as exc:
            raise CobreIOError(
                f"cannot build the simulation tables of scenarios {scenario_ids[0]}.."
                f"{scenario_ids[-1]} under {root}: {type(exc).__name__}: {exc}",
                kind="OutputWriteFailed",
                context={"file": root, "scenarios": str(scenario_ids)},
            ) from exc
        for scenario_id, t in zip(scenario_ids, tables, strict=True):
            _write_tables(root, scenario_id, t)
