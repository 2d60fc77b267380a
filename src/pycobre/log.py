"""Logger names and the library's logging policy (spec 20 §14).

The library only *emits* records: it attaches a ``NullHandler`` to the ``pycobre`` logger (so
Python's last-resort handler never prints library warnings) and leaves handlers, levels and
formats to the application. ``configure_logging`` is the helper used by ``python -m pycobre``
and available to scripts that want the same output.
"""

from __future__ import annotations

import logging
import sys
from typing import IO

__all__ = [
    "ROOT",
    "IO_LOGGER",
    "TRAINING",
    "SIMULATION",
    "COMM",
    "RESULTS",
    "LOGGER_NAMES",
    "get_logger",
    "RankFormatter",
    "configure_logging",
]

ROOT = "pycobre"
IO_LOGGER = "pycobre.io"
TRAINING = "pycobre.training"
SIMULATION = "pycobre.simulation"
COMM = "pycobre.comm"
RESULTS = "pycobre.results"
LOGGER_NAMES = (ROOT, IO_LOGGER, TRAINING, SIMULATION, COMM, RESULTS)


def _install_null_handler() -> None:
    root = logging.getLogger(ROOT)
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())


_install_null_handler()


def get_logger(name: str = ROOT) -> logging.Logger:
    """A logger under ``pycobre`` (``"training"`` and ``"pycobre.training"`` are the same)."""
    if name != ROOT and not name.startswith(ROOT + "."):
        name = f"{ROOT}.{name}"
    return logging.getLogger(name)


class RankFormatter(logging.Formatter):
    """Prefixes ``[rank r]`` to records forwarded from worker processes (``extra={"rank": r}``)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rank = getattr(record, "rank", None)
        return text if rank is None else f"[rank {rank}] {text}"


def configure_logging(
    level: int | str = logging.INFO, *, quiet: bool = False, stream: IO[str] | None = None
) -> logging.Handler:
    """Attach one stderr handler with :class:`RankFormatter` to ``pycobre``; returns it.

    ``quiet`` hides INFO (level WARNING). Calling again replaces the handler installed before, so
    repeated calls (notebooks) do not duplicate lines.
    """
    if isinstance(level, str):
        number = logging.getLevelName(level.upper())
        if not isinstance(number, int):
            raise ValueError(f"unknown log level {level!r}")
        level = number
    root = logging.getLogger(ROOT)
    for h in list(root.handlers):
        if getattr(h, "_pycobre_configured", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(RankFormatter("%(levelname)s %(name)s: %(message)s"))
    handler._pycobre_configured = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.WARNING if quiet else level)
    return handler
