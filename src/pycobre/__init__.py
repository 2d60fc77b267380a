"""pycobre: stochastic hydrothermal planning (SDDP) in pure Python, compatible with Cobre.

The flat namespace re-exports the object layer lazily so that ``import pycobre`` stays cheap
(start-up matters for the CLI) and never imports optional packages.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from pycobre.errors import (
    CaseNotFoundError,
    CheckpointError,
    CobreError,
    CobreIOError,
    CommunicationError,
    OutputNotFoundError,
    PolicyIncompatibleError,
    RunError,
    SolverError,
    ValidationError,
    WorkerError,
)

__version__ = "0.1.0"

# A library installs no handler of its own (spec 20 §14); applications configure logging.
logging.getLogger("pycobre").addHandler(logging.NullHandler())

# name -> "module:attribute"; resolved on first access (PEP 562).
_LAZY: dict[str, str] = {
    "io": "pycobre.io",
    "model": "pycobre.model",
    "results": "pycobre.results",
    "load_case": "pycobre.io:load_case",
    "validate": "pycobre.io:validate",
    "Case": "pycobre.model:System",
    "System": "pycobre.model:System",
    "train": "pycobre.training:train",
    "simulate": "pycobre.training:simulate",
    "TrainingResult": "pycobre.training:TrainingResult",
    "SimulationResult": "pycobre.training:SimulationResult",
    "WorkerInfo": "pycobre.training:WorkerInfo",
    "set_workers": "pycobre.training:set_workers",
    "get_workers": "pycobre.training:get_workers",
    "set_threads": "pycobre.training:set_threads",
    "get_threads": "pycobre.training:get_threads",
    "Policy": "pycobre.policy:Policy",
    "ProgressEvent": "pycobre.events:ProgressEvent",
    "StopTraining": "pycobre.events:StopTraining",
    "TrainingEvent": "pycobre.events:TrainingEvent",
    "train_async": "pycobre.training:train_async",
    "simulate_async": "pycobre.training:simulate_async",
    "water_values": "pycobre.water_values:water_values",
}


def __getattr__(name: str) -> Any:
    if name == "run":
        # `pycobre.run` is the compatibility *module*; `pycobre.run.run` the function.
        return importlib.import_module("pycobre.run")
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'pycobre' has no attribute {name!r}")
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    value = getattr(module, attr) if attr else module
    globals()[name] = value
    return value


__all__ = [
    "__version__",
    "CaseNotFoundError",
    "CheckpointError",
    "CobreError",
    "CobreIOError",
    "CommunicationError",
    "OutputNotFoundError",
    "PolicyIncompatibleError",
    "RunError",
    "SolverError",
    "ValidationError",
    "WorkerError",
    *sorted(_LAZY),
    "run",
]
