"""MPI communicator on ``mpi4py`` buffer methods (spec 21 §6.1, §9).

``mpi4py`` is imported when an ``MpiCommunicator`` is created, never at ``import pycobre``: the
import initialises MPI. All hot-path data moves as raw bytes of contiguous NumPy arrays (any dtype,
including the structured cut records), so nothing is pickled per solve. Float ``SUM`` reductions
are folded in rank order 0..R-1 after a gather, so the result does not depend on MPI's reduction
tree; ``MIN``/``MAX``/``BOR`` and integer ``SUM`` are exact and use ``Allreduce`` directly.

Collectives run non-blocking and are polled, yielding the core (``sched_yield``) between polls
once a short spin is over: a rank waiting for its peers then lets the ranks still working run
(MPICH's blocking calls spin without yielding, which on a loaded or oversubscribed node slows
the very rank everybody waits for). ``PYCOBRE_COMM_WAIT=busy`` restores the blocking calls. With
``timeout_s`` (or ``PYCOBRE_COMM_TIMEOUT_S``) a rank whose peers never arrive raises
``CommunicationError`` instead of hanging.

Departure notices: a rank leaving the interpreter (``atexit``) sends a 1-byte notice to every
peer on a private duplicate communicator and then waits for theirs (an exit handshake, which
also replaces MPICH's blocking ``MPI_Finalize`` wait). A rank polling a collective checks for
such notices: a peer that left while others still wait for it (e.g. it failed while loading its
copy of the case, before the first collective) makes the waiting rank raise
``CommunicationError(detail="peer exited")`` — which ``fail_fast`` turns into a job abort with
a message — instead of waiting forever.
"""

from __future__ import annotations

import atexit
import os
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from pycobre.comm.communicator import Communicator
from pycobre.comm.reduce_op import ReduceOp
from pycobre.comm.topology import ExecutionTopology, slurm_info
from pycobre.errors import CommunicationError

__all__ = ["MpiCommunicator", "load_mpi", "timeout_from_env"]

WAIT_ENV = "PYCOBRE_COMM_WAIT"
_EXIT_TAG = 7411  # departure notices, on the private exit communicator only
_PROBE_EVERY = 512  # polls between two checks for departure notices
#: give the core away between polls (a sleep would add ~0.1-0.3 ms to every collective)
_yield = getattr(os, "sched_yield", None) or (lambda: time.sleep(0))

TIMEOUT_ENV = "PYCOBRE_COMM_TIMEOUT_S"


def load_mpi() -> Any:
    """Import ``mpi4py.MPI`` (initialising MPI); asks for ``MPI_THREAD_FUNNELED`` if still possible.

    pycobre calls MPI from the main thread only, so ``FUNNELED`` suffices and avoids the locking
    that ``MULTIPLE`` costs on every call.
    """
    try:
        import mpi4py
    except ImportError as exc:  # pragma: no cover - exercised through create_communicator
        raise CommunicationError(
            "the MPI backend needs mpi4py and an MPI runtime: pip install 'pycobre[mpi]'",
            operation="init",
            kind="IncompatibleSettings",
        ) from exc
    if "mpi4py.MPI" not in sys.modules:
        mpi4py.rc.thread_level = "funneled"
    from mpi4py import MPI

    return MPI


def timeout_from_env() -> float | None:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise CommunicationError(
            f"{TIMEOUT_ENV}={raw!r} is not a number of seconds",
            operation="init",
            kind="IncompatibleSettings",
        ) from exc
    return value if value > 0 else None


def _as_bytes(arr: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(arr).reshape(-1).view(np.uint8)


class MpiCommunicator(Communicator):
    """Wraps a duplicate of ``comm`` (default ``MPI.COMM_WORLD``), isolating pycobre's traffic."""

    backend = "mpi"

    def __init__(self, comm: Any = None, *, timeout_s: float | None = None) -> None:
        MPI = load_mpi()  # noqa: N806 - the module's conventional name
        self._MPI = MPI
        base = MPI.COMM_WORLD if comm is None else comm
        self._comm = base.Dup()
        self._timeout = timeout_s if timeout_s is not None else timeout_from_env()
        self._orphans: list[Any] = []  # requests abandoned after a timeout
        self._busy_wait = os.environ.get(WAIT_ENV, "").strip().lower() == "busy"
        self._exit_comm = base.Dup() if base.Get_size() > 1 else None
        self._left = False
        if self._exit_comm is not None:
            atexit.register(self._exit_handshake)
        self._ops = {
            ReduceOp.SUM: MPI.SUM,
            ReduceOp.MIN: MPI.MIN,
            ReduceOp.MAX: MPI.MAX,
            ReduceOp.BOR: MPI.BOR,
        }
        rank, size = self._comm.Get_rank(), self._comm.Get_size()
        super().__init__(rank, size, ExecutionTopology("mpi", size))
        names = self.allgather_object(MPI.Get_processor_name())
        hosts: dict[str, list[int]] = {}
        for r, name in enumerate(names):
            hosts.setdefault(str(name), []).append(r)
        major, minor = MPI.Get_version()
        self.topology = ExecutionTopology(
            "mpi",
            size,
            {h: tuple(r) for h, r in hosts.items()},
            MPI.Get_library_version().strip().splitlines()[0].strip(),
            f"{major}.{minor}",
            slurm_info(),
        )

    def _check_departures(self, operation: str, req: Any) -> None:
        """Raise if a peer has left the job (sent its departure notice) while we wait for it."""
        if self._exit_comm is None:
            return
        status = self._MPI.Status()
        if not self._exit_comm.Iprobe(self._MPI.ANY_SOURCE, _EXIT_TAG, status):
            return
        peer = status.Get_source()
        self._orphans.append(req)  # keep its buffers alive until the job ends
        raise CommunicationError(
            f"{operation}: rank {peer} left the job while rank {self._rank} waited for it in a "
            f"collective (rank {peer} failed or returned early; see its message)",
            operation=operation,
            rank=self._rank,
            context={"detail": "peer exited", "peer": peer},
        )

    def _exit_handshake(self) -> None:
        """At interpreter exit: tell every peer we are leaving, then wait for their notices."""
        if self._left or self._exit_comm is None:
            return
        self._left = True
        comm, size, me = self._exit_comm, self._exit_comm.Get_size(), self._exit_comm.Get_rank()
        try:
            note = np.zeros(1, dtype=np.uint8)
            sends = [comm.Isend(note, dest=p, tag=_EXIT_TAG) for p in range(size) if p != me]
            got = np.empty(1, dtype=np.uint8)
            for p in range(size):
                if p != me:
                    comm.Recv(got, source=p, tag=_EXIT_TAG)
            self._MPI.Request.Waitall(sends)
        except Exception:  # noqa: BLE001 - never turn a normal exit into a traceback
            pass

    @property
    def mpi_comm(self) -> Any:
        """The underlying ``mpi4py`` communicator (for tests and diagnostics)."""
        return self._comm

    # -- plumbing ------------------------------------------------------------------------------
    def _run(self, operation: str, blocking: Callable[[], Any], start: Callable[[], Any]) -> None:
        try:
            if self._timeout is None and self._busy_wait:
                blocking()
                return
            req = start()
            deadline = None if self._timeout is None else time.monotonic() + self._timeout
            spins = 0
            while not req.Test():
                spins += 1
                if spins % _PROBE_EVERY == 0:
                    self._check_departures(operation, req)
                if spins > 2000:
                    if deadline is not None and time.monotonic() > deadline:
                        self._orphans.append(req)  # keep its buffers alive until the job ends
                        raise CommunicationError(
                            f"{operation}: rank {self._rank} waited more than {self._timeout:g} s"
                            " for the other ranks (a peer failed or skipped this collective)",
                            operation=operation,
                            rank=self._rank,
                            context={"detail": "timeout", "timeout_s": self._timeout},
                        )
                    _yield()
        except self._MPI.Exception as exc:
            raise CommunicationError(
                f"{operation} failed on rank {self._rank}: {exc.Get_error_string()}",
                operation=operation,
                rank=self._rank,
                context={"detail": exc.Get_error_string()},
            ) from exc

    # -- collectives ---------------------------------------------------------------------------
    def allgather(self, send: np.ndarray) -> np.ndarray:
        arr = np.ascontiguousarray(send)
        out = np.empty((self._size, *arr.shape), dtype=arr.dtype)
        sb, rb, B = _as_bytes(arr), _as_bytes(out), self._MPI.BYTE  # noqa: N806
        self._run(
            "allgather",
            lambda: self._comm.Allgather([sb, B], [rb, B]),
            lambda: self._comm.Iallgather([sb, B], [rb, B]),
        )
        return out

    def allgatherv(self, send: np.ndarray, counts: Sequence[int] | None = None) -> np.ndarray:
        arr = np.ascontiguousarray(send)
        if counts is None:
            rows = np.array([arr.shape[0] if arr.ndim else -1], dtype=np.int64)
            counts = self.allgather(rows).reshape(-1)
        c, displs = self._check_counts(arr, counts)
        trailing = arr.shape[1:]
        row_bytes = int(np.prod(trailing, dtype=np.int64)) * arr.dtype.itemsize
        out = np.empty((int(c.sum()), *trailing), dtype=arr.dtype)
        sb, rb, B = _as_bytes(arr), _as_bytes(out), self._MPI.BYTE  # noqa: N806
        spec = [rb, ((c * row_bytes).tolist(), (displs * row_bytes).tolist()), B]
        self._run(
            "allgatherv",
            lambda: self._comm.Allgatherv([sb, B], spec),
            lambda: self._comm.Iallgatherv([sb, B], spec),
        )
        return out

    def allreduce(self, send: np.ndarray, op: ReduceOp) -> np.ndarray:
        arr = self._check_reduce(send, op)
        if op is ReduceOp.SUM and arr.dtype.kind == "f":
            rows = self.allgather(arr)
            acc = rows[0].copy()
            for r in range(1, self._size):  # fixed rank order, not MPI's reduction tree
                acc += rows[r]
            return acc
        work = arr.view(np.uint8) if arr.dtype.kind == "b" else arr
        out = np.empty_like(work)
        mop = self._ops[op]
        self._run(
            "allreduce",
            lambda: self._comm.Allreduce(work, out, mop),
            lambda: self._comm.Iallreduce(work, out, mop),
        )
        return out.view(np.bool_) if arr.dtype.kind == "b" else out

    def broadcast(self, buf: np.ndarray, root: int = 0) -> np.ndarray:
        root = self._check_root(root, "broadcast")
        arr = (
            buf
            if (isinstance(buf, np.ndarray) and buf.flags.c_contiguous and buf.flags.writeable)
            else np.array(buf)
        )
        b, B = _as_bytes(arr), self._MPI.BYTE  # noqa: N806
        self._run(
            "broadcast",
            lambda: self._comm.Bcast([b, B], root),
            lambda: self._comm.Ibcast([b, B], root),
        )
        return arr

    def broadcast_object(self, obj: object, root: int = 0) -> object:
        root = self._check_root(root, "broadcast_object")
        payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL) if self._rank == root else b""
        n = self.broadcast(np.array([len(payload)], dtype=np.int64), root)
        data = (
            np.frombuffer(payload, dtype=np.uint8).copy()
            if self._rank == root
            else np.empty(int(n[0]), np.uint8)
        )
        data = self.broadcast(data, root)
        return obj if self._rank == root else pickle.loads(data.tobytes())

    def allgather_object(self, obj: object) -> list[Any]:
        payload = np.frombuffer(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), dtype=np.uint8)
        counts = self.allgather(np.array([payload.shape[0]], dtype=np.int64)).reshape(-1)
        data = self.allgatherv(payload, counts)
        bounds = np.concatenate([[0], np.cumsum(counts)])
        return [pickle.loads(data[bounds[r] : bounds[r + 1]].tobytes()) for r in range(self._size)]

    def barrier(self) -> None:
        self._run("barrier", self._comm.Barrier, self._comm.Ibarrier)

    def abort(self, code: int = 1, message: str | None = None) -> NoReturn:
        if message:
            print(message, file=sys.stderr, flush=True)
        sys.stdout.flush()
        # the launcher forwards output asynchronously and drops what it has not forwarded when
        # the abort kills the job: give it a moment, the message is the point of aborting
        time.sleep(0.5)
        self._MPI.COMM_WORLD.Abort(int(code))
        os._exit(int(code))  # Abort does not return; this only guards a broken MPI
