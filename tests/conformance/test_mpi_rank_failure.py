"""A rank that fails ends the whole job with a clear message, never a hang (spec 21 §9 "Errors").

``mpiexec -n 1 python -m pycobre run A : -n 1 python -m pycobre run B`` (MPMD launch: one
MPI job, each rank given its own case path) where only rank 1's copy ``B`` has a corrupt
``system/hydros.json``. Rank 1 fails while loading; rank 0 loaded fine and meets it in the
agreement that ``run()`` holds right after loading. The job must end non-zero, quickly, with
rank 1's error naming file, entity and field, and rank 0 naming the rank that failed. A hard
``timeout`` turns a hang into a test failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.mpi
pytest.importorskip("mpi4py", reason="MPI tests need the 'mpi' extra (mpi4py, mpich)")

CASE = Path(__file__).resolve().parents[2] / "examples" / "4ree"
HANG = 90.0  # seconds after which the job counts as hung


def _mpiexec() -> str:
    local = Path(sys.executable).parent / "mpiexec"
    found = str(local) if local.exists() else shutil.which("mpiexec")
    if not found:
        pytest.fail("mpi4py is installed but no mpiexec was found (install the 'mpich' wheel)")
    return found


def _cases(tmp_path: Path) -> tuple[Path, Path]:
    good, bad = tmp_path / "rank0_case", tmp_path / "rank1_case"
    for dst in (good, bad):
        shutil.copytree(CASE, dst)
        cfg = json.loads((dst / "config.json").read_text())  # bounded even if nothing fails
        cfg["training"]["stopping_rules"] = [{"type": "iteration_limit", "limit": 2}]
        cfg["simulation"] = {"enabled": False}
        (dst / "config.json").write_text(json.dumps(cfg))
    hydros = json.loads((bad / "system" / "hydros.json").read_text())
    hydros["hydros"][1]["reservoir"]["max_storage_hm3"] = -5.0
    (bad / "system" / "hydros.json").write_text(json.dumps(hydros))
    return good, bad


def _launch(tmp_path: Path, env_extra: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    good, bad = _cases(tmp_path)
    out = tmp_path / "out"
    rank = [sys.executable, "-m", "pycobre", "run"]
    cmd = [_mpiexec(), "-n", "1", *rank, str(good), "--output", str(out), "--quiet", ":"]
    cmd += ["-n", "1", *rank, str(bad), "--output", str(out), "--quiet"]
    env = {k: v for k, v in os.environ.items() if "COMM_" not in k}
    env.update(env_extra)
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=HANG, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the job hung for more than {HANG:.0f} s after rank 1 failed")
    return proc, time.monotonic() - t0


def _assert_clear_failure(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode != 0
    err = proc.stderr
    assert "[SchemaViolation]" in err
    assert "system/hydros.json" in err
    assert "hydros[1].reservoir.max_storage_hm3" in err
    assert "-5.0 is out of range" in err


def _assert_agreed_on_every_rank(proc: subprocess.CompletedProcess) -> None:
    """``run()`` agrees on load errors: rank 0 names the failed rank instead of waiting for it."""
    err = proc.stderr
    assert "pycobre: rank 1 of 2 failed: ValidationError [OutOfRange]" in err
    assert "left the job" not in err and "MPI_Abort" not in err  # a clean exit, no abort


def test_failure_on_one_rank_ends_the_job_with_comm_timeout(tmp_path):
    """Production setting (docs/parallel.md): PYCOBRE_COMM_TIMEOUT_S bounds every collective."""
    proc, elapsed = _launch(tmp_path, {"PYCOBRE_COMM_TIMEOUT_S": "10"})
    _assert_clear_failure(proc)
    _assert_agreed_on_every_rank(proc)
    assert elapsed < 60


def test_failure_on_one_rank_ends_the_job_without_timeout(tmp_path):
    """Default settings: every rank raises together after loading and exits with its message."""
    proc, elapsed = _launch(tmp_path, {})
    _assert_clear_failure(proc)
    _assert_agreed_on_every_rank(proc)
    assert elapsed < 60
