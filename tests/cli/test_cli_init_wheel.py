"""`pycobre init` templates are package data: a built wheel holds them and `init` works from it.

Builds the wheel from a copy of the source tree (so the working tree gets no build/ or
egg-info), unpacks it and runs `pycobre init` + `validate` from the unpacked copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tests.cli._cases import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_FILES = sorted(
    p.relative_to(EXAMPLES / "1dtoy").as_posix()
    for p in (EXAMPLES / "1dtoy").rglob("*")
    if p.is_file() and "output" not in p.relative_to(EXAMPLES / "1dtoy").parts
)


@pytest.mark.slow
def test_wheel_contains_templates_and_init_runs_from_it(tmp_path):
    pytest.importorskip("wheel", reason="building a wheel needs the 'wheel' package")
    src = tmp_path / "src_copy"
    shutil.copytree(ROOT / "src", src / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    out = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(src)], check=True, capture_output=True,
                   timeout=300)
    wheel = next(out.glob("pycobre-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in ("1dtoy", "4ree"):
        for rel in TEMPLATE_FILES:
            assert f"pycobre/templates/{template}/{rel}" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    case = tmp_path / "new_case"
    proc = subprocess.run(
        [sys.executable, "-c", "import pycobre, sys; print(pycobre.__file__); "
         "from pycobre.cli.main import main; sys.exit(main(sys.argv[1:]))",
         "init", "--template", "1dtoy", str(case)],
        env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(unpacked / "pycobre" / "__init__.py")
    for rel in TEMPLATE_FILES:
        assert (case / rel).read_bytes() == (EXAMPLES / "1dtoy" / rel).read_bytes()
    proc = subprocess.run([sys.executable, "-m", "pycobre", "validate", str(case)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("Valid case: 1 buses, 1 hydros")
