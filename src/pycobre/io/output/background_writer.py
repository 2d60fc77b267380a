"""A bounded queue drained by writer threads, so LP solving overlaps with Parquet writing.

Why: writing a simulation partition costs about as much as solving the scenario's stage LPs
(Parquet's fixed per-file cost, ~1 ms, times five or more tables per scenario), and most of it
runs in Arrow's C++ writer and the file system with the GIL released. Handing the work to a
thread lets the solving thread go on; the bounded queue (spec 13 §1 ``io_channel_capacity``)
caps the memory held by scenarios waiting to be written.

``write_batch`` (optional) receives up to ``max_batch`` queued items at once, so per-call
fixed costs (building many small tables) can be shared. By default a batch is whatever is
waiting; ``min_batch`` makes the thread wait for that many items (at most ``max_wait`` seconds,
and never once ``drain`` has been called): a writer that keeps up would otherwise send batches
of one or two items and pay the fixed costs per item. ``threads`` > 1 runs several writer
threads on the same queue (items may then finish out of order).

Threads start on the first submission and exit after ``idle_timeout`` seconds without work
(they are restarted by the next submission), so a producer that dies without calling ``drain``
does not leave threads behind for long. The first write error is kept and re-raised by the
next ``submit`` and by ``drain``; items queued after an error are dropped (the run is failing).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["BackgroundWriter", "WriterProcess"]


class BackgroundWriter:
    """Runs ``write(item)`` (or ``write_batch(items)``) for every submitted item on background
    threads."""

    def __init__(
        self,
        write: Callable[[Any], object],
        *,
        capacity: int = 64,
        idle_timeout: float = 1.0,
        name: str = "pycobre-writer",
        write_batch: Callable[[Sequence[Any]], object] | None = None,
        max_batch: int = 1,
        threads: int = 1,
        min_batch: int = 1,
        max_wait: float = 0.25,
    ) -> None:
        self._write = write
        self._write_batch = write_batch
        self._max_batch = max(1, int(max_batch)) if write_batch is not None else 1
        # a full queue must be able to make a batch: never wait for more than it holds
        self._min_batch = max(1, min(int(min_batch), self._max_batch, max(1, int(capacity))))
        self._max_wait = float(max_wait)
        self._flush = threading.Event()  # set by ``drain``: take what is queued, do not wait
        # set by ``submit`` once a batch is queued: the writer thread wakes once per batch, not
        # once per item (each wake-up takes the GIL from the producer, whose solves must retake it)
        self._ready = threading.Event()
        self._threads = max(1, int(threads))
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, int(capacity)))
        self._idle = float(idle_timeout)
        self._name = name
        self._lock = threading.Lock()
        self._running = 0
        self._error: BaseException | None = None

    def submit(self, item: Any) -> None:
        """Queue ``item`` (blocks while the queue is full); raises an earlier write error."""
        self._raise_error()
        self._ensure_threads()
        self._queue.put(item)
        if self._min_batch > 1 and self._queue.qsize() >= self._min_batch - 1:
            self._ready.set()  # with the item the writer thread holds: a full batch
        self._ensure_threads()  # a thread may have gone idle between the check and the put

    def drain(self) -> None:
        """Wait until every submitted item is written; raise the first write error, if any."""
        self._flush.set()
        self._ready.set()
        try:
            self._queue.join()
        finally:
            self._flush.clear()
        self._raise_error()

    @property
    def pending(self) -> int:
        return self._queue.unfinished_tasks

    def _raise_error(self) -> None:
        err = self._error
        if err is not None:
            raise err

    def _ensure_threads(self) -> None:
        with self._lock:
            start = self._threads - self._running
            self._running = self._threads
        for _ in range(start):
            threading.Thread(target=self._loop, name=self._name, daemon=True).start()

    def _take(self) -> list[Any] | None:
        """The next item plus whatever else is queued (up to ``max_batch``), waiting up to
        ``max_wait`` for ``min_batch`` items unless a ``drain`` is waiting."""
        try:
            items = [self._queue.get(timeout=self._idle)]
        except queue.Empty:
            return None
        if self._min_batch > 1:
            deadline = time.monotonic() + self._max_wait
            while not self._batch_queued():
                self._ready.clear()
                if self._batch_queued():  # cleared after the set: do not wait for the next
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._ready.wait(remaining)
        while len(items) < self._max_batch:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items

    def _batch_queued(self) -> bool:
        return self._queue.qsize() >= self._min_batch - 1 or self._flush.is_set()

    def _loop(self) -> None:
        while True:
            items = self._take()
            if items is None:
                with self._lock:
                    if self._queue.unfinished_tasks == 0:
                        self._running -= 1
                        return
                continue
            try:
                if self._error is None:
                    if self._write_batch is not None:
                        self._write_batch(items)
                    else:
                        for item in items:
                            self._write(item)
            except BaseException as exc:  # noqa: BLE001 - handed to the producer
                if self._error is None:
                    self._error = exc
            finally:
                for _ in items:
                    self._queue.task_done()


class WriterProcess:
    """A child process that runs ``handler(payload)`` for each payload sent, one at a time.

    Why a process: the writer's work (Arrow's Parquet writer, file-system calls) releases the
    GIL, but it switches back to Python several times per file; in a thread of the solving
    process every switch waits for the solving thread's Python, and vice versa, so on two cores
    the two threads mostly take turns. A process has its own interpreter.

    The child is a fresh interpreter (``python -c``, not ``multiprocessing``: forking a process
    with HiGHS and Arrow threads is unsafe, and *spawn* would re-run the user's main script).
    ``factory(*args)`` (picklable: an importable class or function) builds the handler there.
    ``send`` waits for the previous payload's acknowledgement (so at most one payload is being
    written and one queued: bounded memory) and raises its error; ``wait`` waits for the last
    one; ``close`` stops the child. A child error is re-raised in the parent as a
    ``CobreIOError`` with the child's message, kind and context.
    """

    def __init__(self, factory: Callable[..., Callable[[Any], object]], *args: Any) -> None:
        import subprocess
        import sys
        from multiprocessing.connection import Connection

        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        code = (
            "import sys; from pycobre.io.output.background_writer import _child_main; "
            "_child_main(int(sys.argv[1]), int(sys.argv[2]))"
        )
        # the child must import pycobre from where this process did (an uninstalled source
        # tree, a notebook that extended sys.path): hand over this process's sys.path
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        # the child does no BLAS work: no OpenBLAS thread pool spinning next to the solver
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")
        _grow_pipe(down_w)  # a batch (~1 MB) in a few writes instead of ~20 wake-ups
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", code, str(down_r), str(up_w)],
                pass_fds=(down_r, up_w),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            os.close(down_r)
            os.close(up_w)
        self._out = Connection(down_w, readable=False)
        self._in = Connection(up_r, writable=False)
        self._out.send((factory, args))
        self._pending = False
        self._closed = False
        self._lock = threading.Lock()

    def send(self, payload: Any) -> None:
        with self._lock:
            self._wait_ack()
            try:
                self._out.send(payload)
            except OSError as exc:
                raise self._died() from exc
            self._pending = True

    def wait(self) -> None:
        with self._lock:
            self._wait_ack()

    def idle(self) -> bool:
        """True when the last payload was acknowledged (without waiting; raises its error)."""
        with self._lock:
            if self._pending and not self._in.poll(0):
                return False
            self._wait_ack()
            return True

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            with contextlib.suppress(OSError):
                self._out.send(None)
            self._out.close()
            self._in.close()
        try:
            self._proc.wait(10)
        except Exception:  # noqa: BLE001 - a stuck child is killed
            self._proc.kill()
            self._proc.wait()

    def _died(self) -> BaseException:
        from pycobre.errors import CobreIOError

        return CobreIOError(
            f"the simulation writer process stopped unexpectedly (exit code {self._proc.poll()})",
            kind="OutputWriteFailed",
        )

    def _wait_ack(self) -> None:
        if not self._pending:
            return
        self._pending = False
        try:
            reply = self._in.recv()
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        if reply is not None:
            from pycobre.errors import CobreIOError

            message, kind, context = reply
            raise CobreIOError(message, kind=kind, context=context)


def _grow_pipe(fd: int, size: int = 1 << 20) -> None:
    """Best effort: a larger pipe buffer (Linux ``F_SETPIPE_SZ``; capped by the system)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setpipe is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setpipe, size)


def _child_main(down_fd: int, up_fd: int) -> None:
    """Child side of ``WriterProcess``: one acknowledgement (``None`` or an error) per payload."""
    from multiprocessing.connection import Connection

    conn_in = Connection(down_fd, writable=False)
    conn_out = Connection(up_fd, readable=False)
    handler: Callable[[Any], object] | None = None
    startup_error: BaseException | None = None
    try:
        factory, args = conn_in.recv()
        handler = factory(*args)
    except (EOFError, OSError):
        return
    except BaseException as exc:  # noqa: BLE001 - reported with the first payload
        startup_error = exc
    while True:
        try:
            payload = conn_in.recv()
        except (EOFError, OSError):
            return  # the parent went away
        if payload is None:
            return
        try:
            if handler is None:
                raise startup_error or RuntimeError("no handler")
            handler(payload)
            reply = None
        except BaseException as exc:  # noqa: BLE001 - sent to the parent
            reply = _portable_error(exc)
        try:
            conn_out.send(reply)
        except (OSError, ValueError):
            return


def _portable_error(exc: BaseException) -> tuple[str, str, dict[str, Any]]:
    """(message, kind, context) of an error, with plain values only (picklable)."""
    kind = getattr(exc, "kind", None) or "OutputWriteFailed"
    context = getattr(exc, "context", None)
    plain = {
        str(k): v if isinstance(v, str | int | float | bool | type(None)) else str(v)
        for k, v in (context.items() if isinstance(context, dict) else ())
    }
    message = str(getattr(exc, "message", None) or exc) or type(exc).__name__
    if not hasattr(exc, "kind"):
        message = f"{type(exc).__name__}: {message}"
    return message, str(kind), plain
