"""A bounded queue drained by one writer thread, so LP solving overlaps with Parquet writing.

Why: writing a simulation partition costs about as much as solving the scenario's stage LPs
(Parquet's fixed per-file cost, ~1-2 ms, times ~8 tables per scenario), and most of it runs in
Arrow's C++ writer and the file system with the GIL released. Handing the tables to a thread
lets the solving thread go on; the bounded queue (spec 13 §1 ``io_channel_capacity``) caps the
memory held by scenarios waiting to be written.

The thread starts on the first submission and exits after ``idle_timeout`` seconds without work
(it is restarted by the next submission), so a producer that dies without calling ``drain`` does
not leave a thread behind for long. The first write error is kept and re-raised by the next
``submit`` and by ``drain``; items queued after an error are dropped (the run is failing).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["BackgroundWriter"]


class BackgroundWriter:
    """Runs ``write(item)`` for every submitted item on one background thread, in order."""

    def __init__(
        self,
        write: Callable[[Any], object],
        *,
        capacity: int = 64,
        idle_timeout: float = 1.0,
        name: str = "pycobre-writer",
    ) -> None:
        self._write = write
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, int(capacity)))
        self._idle = float(idle_timeout)
        self._name = name
        self._lock = threading.Lock()
        self._running = False
        self._error: BaseException | None = None

    def submit(self, item: Any) -> None:
        """Queue ``item`` (blocks while the queue is full); raises an earlier write error."""
        self._raise_error()
        self._ensure_thread()
        self._queue.put(item)
        self._ensure_thread()  # the thread may have gone idle between the check and the put

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

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._loop, name=self._name, daemon=True).start()

    def _loop(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=self._idle)
            except queue.Empty:
                with self._lock:
                    if self._queue.unfinished_tasks == 0:
                        self._running = False
                        return
                continue
            try:
                if self._error is None:
                    self._write(item)
            except BaseException as exc:  # noqa: BLE001 - handed to the producer
                self._error = exc
            finally:
                self._queue.task_done()
