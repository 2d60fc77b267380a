"""`import pycobre` must stay light: optional and heavy packages load only on first use."""

import json
import subprocess
import sys

HEAVY = ("polars", "pandas", "matplotlib", "mpi4py")


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out))


def test_import_pycobre_imports_no_optional_package() -> None:
    loaded = _modules_after("import pycobre")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "pycobre" in loaded


def test_compat_submodules_import_without_optional_packages() -> None:
    loaded = _modules_after("import pycobre.io, pycobre.model, pycobre.run, pycobre.results")
    assert not loaded & {"polars", "pandas", "mpi4py"}, sorted(loaded & set(HEAVY))
