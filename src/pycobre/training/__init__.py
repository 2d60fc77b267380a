"""Object layer of the Python API (spec 20 §7, §11): ``train``, ``simulate`` and their results.

``pycobre.train`` / ``pycobre.simulate`` and the worker settings are re-exported lazily by the
top-level package.
"""

from __future__ import annotations

import pycobre.log  # noqa: F401 - installs the library's NullHandler (spec 20 §14)
from pycobre.training.async_api import simulate_async, train_async
from pycobre.training.results import SimulationResult, TrainingResult, WorkerInfo
from pycobre.training.simulate_api import simulate
from pycobre.training.train_api import train
from pycobre.training.workers import get_threads, get_workers, set_threads, set_workers

__all__ = [
    "train",
    "simulate",
    "train_async",
    "simulate_async",
    "TrainingResult",
    "SimulationResult",
    "WorkerInfo",
    "set_workers",
    "get_workers",
    "set_threads",
    "get_threads",
]
