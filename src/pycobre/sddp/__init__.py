"""SDDP training (spec 12): cut pools, risk measures, stopping rules, passes and the loop.

``train`` and the main classes are re-exported lazily so that importing a small module of this
package (e.g. ``pycobre.sddp.risk``) does not load the LP stack.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["train", "train_problem", "CutPool", "TrainingOutcome", "IterationRecord", "simulate"]

_LAZY = {
    "train": "pycobre.sddp.training",
    "train_problem": "pycobre.sddp.training",
    "CutPool": "pycobre.sddp.cut_pool",
    "TrainingOutcome": "pycobre.sddp.records",
    "IterationRecord": "pycobre.sddp.records",
    "simulate": "pycobre.sddp.simulation",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pycobre.sddp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
