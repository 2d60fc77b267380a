"""A bounded queue drained by writer threads, so LP solving overlaps with Parquet writing.

Why: writing a simulation partition costs about as much as solving the scenario's stage LPs
(Parquet's fixed per-file cost, ~1 ms, times five or more tables per scenario), and most of it
runs in Arrow's C++ writer and the file system with the GIL released. Handing the work to a
thread lets the solving thread go on; the bounded queue (spec 13 §1 ``io_channel_capacity``)
caps the memory held by scenarios waiting to be written.

``write_batch`` (optional) receives up to ``max_batch`` queued items at once — whatever is
waiting, never waiting for more — so per-call fixed costs (building many small tables) can be
shared. ``threads`` > 1 runs several writer threads on the same queue (items may then finish
out of order).

Threads start on the first submission and exit after ``idle_timeout`` seconds without work
(they are restarted by the next submission), so a producer that dies without calling ``drain``
does not leave threads behind for long. The first write error is kept and re-raised by the
next ``submit`` and by ``drain``; items queued after an error are dropped (the run is failing).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["BackgroundWriter"]


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
    ) -> None:
        self._write = write
        self._write_batch = write_batch
        self._max_batch = max(1, int(max_batch)) if write_batch is not None else 1
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
        self._ensure_threads()  # a thread may have gone idle between the check and the put

    def drain(self) -> None:
        """Wait until every submitted item is written; raise the first write error, if any."""
        self._queue.join()
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
        """The next item plus whatever else is already queued (up to ``max_batch``)."""
        try:
            items = [self._queue.get(timeout=self._idle)]
        except queue.Empty:
            return None
        while len(items) < self._max_batch:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items

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
