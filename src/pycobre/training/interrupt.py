"""Ctrl-C during training = graceful stop at the next iteration boundary (spec 20 §9.1).

The first SIGINT only sets the shutdown event the loop and the event stream watch: the current
iteration completes, outputs and the checkpoint are written, the reason is ``shutdown``. A second
SIGINT raises ``KeyboardInterrupt`` at once (abort). Signal handlers can only be installed from
the main thread; elsewhere (worker threads, notebooks' executors) this is a no-op.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["graceful_interrupt"]

log = logging.getLogger("pycobre.training")


@contextmanager
def graceful_interrupt(shutdown: threading.Event) -> Iterator[bool]:
    """Route SIGINT to ``shutdown`` while the block runs; yields whether a handler is active."""
    if threading.current_thread() is not threading.main_thread():
        yield False
        return
    try:
        previous = signal.getsignal(signal.SIGINT)
    except (ValueError, OSError):  # pragma: no cover - exotic embedding
        yield False
        return

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if shutdown.is_set():
            raise KeyboardInterrupt
        shutdown.set()
        log.warning(
            "interrupt received: training stops after the current iteration "
            "(press Ctrl-C again to abort)"
        )

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield True
    finally:
        signal.signal(signal.SIGINT, previous)
