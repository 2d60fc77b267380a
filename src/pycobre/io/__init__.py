"""Case reading (``load_case``), validation (``validate``) and configuration (``load_config``).

Heavy modules are imported on first use so that ``import pycobre.io`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["load_case", "load_config", "validate"]

_LAZY = {
    "load_case": ("pycobre.io.case", "load_case"),
    "load_config": ("pycobre.io.config", "load_config"),
    "validate": ("pycobre.io.validate", "validate"),
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'pycobre.io' has no attribute {name!r}")
    module = importlib.import_module(target[0])
    value = getattr(module, target[1])
    # Importing pycobre.io.validate binds the submodule under the same name: rebind the function.
    globals()[name] = value
    return value
