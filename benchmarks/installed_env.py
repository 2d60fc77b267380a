"""Child-process environment for timing pycobre as a user runs it: with compiled bytecode.

``pip install pycobre`` byte-compiles the package, and a source checkout caches ``.pyc`` files
on first import. Some machines (this benchmark machine among them) export
``PYTHONDONTWRITEBYTECODE=1``; every child would then recompile pycobre's ~150 modules from
source, ~0.2–0.3 s per process that no installed copy pays (the compiled Rust binding it is
compared with pays nothing alike). So the timed children run without that variable, after
pycobre has been byte-compiled once.
"""

from __future__ import annotations

import compileall
import importlib.util
import os
from pathlib import Path

__all__ = ["compile_pycobre", "installed_like_env"]


def installed_like_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) without ``PYTHONDONTWRITEBYTECODE``."""
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_pycobre() -> Path | None:
    """Byte-compile the importable pycobre package (as ``pip install`` does); its folder."""
    spec = importlib.util.find_spec("pycobre")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    compileall.compile_dir(str(folder), quiet=1)
    return folder


def compile_with(python: str) -> None:
    """Byte-compile pycobre as importable by interpreter ``python`` (run in that interpreter)."""
    import subprocess

    subprocess.run([python, __file__], check=False, env=installed_like_env())


if __name__ == "__main__":
    compile_pycobre()
