"""MPI backend: conformance and failure handling under a real ``mpiexec`` (spec 21 §7.3, §9).

Each test launches the ``scripts/`` programs with the ``mpiexec`` that sits next to the test
interpreter (the ``mpich`` wheel installs it there) and a hard timeout, so a hang fails the test
instead of blocking CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.mpi
pytest.importorskip("mpi4py", reason="MPI tests need the 'mpi' extra (mpi4py, mpich)")

SCRIPTS = Path(__file__).parent / "scripts"


def _mpiexec() -> str:
    local = Path(sys.executable).parent / "mpiexec"
    found = str(local) if local.exists() else shutil.which("mpiexec")
    if found is None:
        pytest.fail("mpi4py is installed but no mpiexec was found (install the 'mpich' wheel)")
    return found


def run_mpi(n: int, script: str, *args: str, timeout: float = 120, env: dict | None = None):
    full_env = {**os.environ, **(env or {})}
    for key in ("PYCOBRE_COMM_BACKEND", "COBRE_COMM_BACKEND", "PYCOBRE_COMM_TIMEOUT_S"):
        if env is None or key not in env:
            full_env.pop(key, None)
    cmd = [_mpiexec(), "-n", str(n), sys.executable, str(SCRIPTS / script), *args]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env)
    return proc, time.monotonic() - t0


@pytest.mark.parametrize("n", [1, 2, 3])
def test_conformance_every_collective(n):
    proc, _ = run_mpi(n, "comm_conformance.py", str(n))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(proc.stdout.split("\n")[:-1]) == [f"rank {r} conformance OK" for r in range(n)]


def test_failing_rank_aborts_the_job_with_its_message():
    proc, elapsed = run_mpi(2, "comm_failure.py", "raise", timeout=60)
    assert proc.returncode != 0
    assert elapsed < 30
    assert "pycobre: rank 1 of 2 failed: SolverError [SolverFailure]: LP infeasible" in proc.stderr
    assert "stage=3" in proc.stderr and "iteration=2" in proc.stderr
    assert "finished normally" not in proc.stdout


def test_uncaught_exception_aborts_through_the_excepthook():
    proc, elapsed = run_mpi(2, "comm_failure.py", "excepthook", timeout=60)
    assert proc.returncode != 0
    assert elapsed < 30
    assert "pycobre: rank 1 of 2 failed: ValueError: boom outside any guard" in proc.stderr


def test_hard_crash_of_a_rank_ends_the_job():
    proc, elapsed = run_mpi(2, "comm_failure.py", "killed", timeout=60)
    assert proc.returncode != 0
    assert elapsed < 30
    assert "signal 9" in proc.stdout + proc.stderr
    assert "finished normally" not in proc.stdout


def test_missing_peer_times_out_and_aborts():
    proc, elapsed = run_mpi(
        2, "comm_failure.py", "timeout", timeout=60, env={"PYCOBRE_COMM_TIMEOUT_S": "2"}
    )
    assert proc.returncode != 0
    assert 2 <= elapsed < 30  # the peer sleeps 60 s: only the timeout can end the job this early
    assert "pycobre: rank 0 of 2 failed: CommunicationError [MpiError]" in proc.stderr
    assert "waited more than 2 s" in proc.stderr


def test_collective_error_agreement_raises_on_every_rank():
    proc, _ = run_mpi(2, "comm_failure.py", "agree", timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = sorted(proc.stdout.strip().splitlines())
    assert lines == [
        "rank 0 WorkerError rank=1 msg=pycobre: rank 1 of 2 failed: SolverError [SolverFailure]:"
        " LP infeasible (stage=3, iteration=2)",
        "rank 1 SolverError own stage=3",
    ]


def test_agreed_error_lets_every_rank_exit_without_abort():
    proc, elapsed = run_mpi(2, "comm_failure.py", "agree_unhandled", timeout=60)
    assert proc.returncode != 0 and elapsed < 30
    assert "MPI_Abort" not in proc.stderr
    assert "pycobre.errors.SolverError: LP infeasible" in proc.stderr  # rank 1, its own error
    assert "pycobre.errors.WorkerError: pycobre: rank 1 of 2 failed" in proc.stderr  # rank 0


def test_backend_detection_under_mpiexec():
    proc, _ = run_mpi(2, "comm_detect.py")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(proc.stdout.strip().splitlines()) == ["mpi 0 2 PMI_RANK", "mpi 1 2 PMI_RANK"]
    forced, _ = run_mpi(2, "comm_detect.py", env={"COBRE_COMM_BACKEND": "local"})
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert forced.stdout.strip().splitlines() == ["local 0 1 PMI_RANK"] * 2


def test_reference_spmd_loop_is_bit_identical_for_ranks_and_threads():
    """The recipe of docs/dev/requests/comm.md on the real sddp blocks (4ree, M=5: uneven)."""
    script = Path(__file__).parents[2] / "benchmarks" / "comm_spmd_training.py"
    case = Path(__file__).parents[2] / "examples" / "4ree"
    args = [str(case), "--iterations", "2", "--forward-passes", "5"]
    outputs = {}
    for n, threads in ((1, 1), (2, 1), (2, 2)):
        cmd = [
            _mpiexec(),
            "-n",
            str(n),
            sys.executable,
            str(script),
            *args,
            "--threads",
            str(threads),
        ]
        env = {k: v for k, v in os.environ.items() if not k.endswith("COMM_BACKEND")}
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        lines = proc.stdout.strip().splitlines()
        assert lines[-1].startswith(f"ranks={n} threads={threads} pools sha256=")
        outputs[(n, threads)] = (lines[:-1], lines[-1].split("sha256=")[1])
    reference = outputs[(1, 1)]
    assert len(reference[0]) == 2 and reference[0][0].startswith("iter 1: lb=")
    for key, got in outputs.items():
        assert got == reference, key
