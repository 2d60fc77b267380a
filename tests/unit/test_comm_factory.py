"""Backend selection: argument, environment, launcher detection (spec 21 §6.1)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from pycobre.comm import LauncherInfo, LocalCommunicator, create_communicator, detect_launcher
from pycobre.comm import factory as factory_mod
from pycobre.comm.factory import resolve_backend
from pycobre.comm.launcher import LAUNCHER_VARIABLES
from pycobre.errors import CobreError

LAUNCHER_KEYS = (*LAUNCHER_VARIABLES, "PYCOBRE_COMM_BACKEND", "COBRE_COMM_BACKEND")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for key in LAUNCHER_KEYS:
        monkeypatch.delenv(key, raising=False)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, LauncherInfo(False)),
        ({"PMI_RANK": "0", "PMI_SIZE": "4"}, LauncherInfo(True, "PMI_RANK", 4)),
        ({"OMPI_COMM_WORLD_SIZE": "3"}, LauncherInfo(True, "OMPI_COMM_WORLD_SIZE", 3)),
        (
            {
                "PMIX_RANK": "1",
                "SLURM_PROCID": "1",
                "SLURM_STEP_NUM_TASKS": "8",
                "SLURM_NTASKS": "16",
            },
            LauncherInfo(True, "PMIX_RANK", 8),
        ),
        (
            {"MPI_LOCALRANKID": "0", "MPI_LOCALNRANKS": "2"},
            LauncherInfo(True, "MPI_LOCALRANKID", 2),
        ),
        # a batch script of a one-task job: not a launcher
        ({"SLURM_PROCID": "0", "SLURM_NTASKS": "1"}, LauncherInfo(False)),
        ({"SLURM_PROCID": "3", "SLURM_NTASKS": "4"}, LauncherInfo(True, "SLURM_PROCID", 4)),
        # mpiexec -n 1 inside a 16-task allocation: the launcher's own size wins
        (
            {"PMI_RANK": "0", "PMI_SIZE": "1", "SLURM_PROCID": "0", "SLURM_NTASKS": "16"},
            LauncherInfo(True, "PMI_RANK", 1),
        ),
    ],
)
def test_detect_launcher(env, expected):
    assert detect_launcher(env) == expected


def test_resolution_order(monkeypatch):
    no = LauncherInfo(False)
    yes = LauncherInfo(True, "PMI_RANK", 2)
    assert resolve_backend("auto", no) == "local"
    assert resolve_backend(None, no) == "local"
    for alias in ("process", "shm", "tcp", "LOCAL"):
        assert resolve_backend(alias, yes) == "local"
    monkeypatch.setenv("COBRE_COMM_BACKEND", "local")
    assert resolve_backend("auto", yes) == "local"  # the environment forces local under mpiexec
    monkeypatch.setenv("PYCOBRE_COMM_BACKEND", "bogus")  # PYCOBRE_ wins over COBRE_
    with pytest.raises(CobreError) as e:
        resolve_backend("auto", no)
    assert e.value.kind == "IncompatibleSettings"
    assert e.value.context["source"] == "PYCOBRE_COMM_BACKEND"
    assert "auto, local, process, mpi, shm, tcp" in str(e.value)
    assert resolve_backend("local", yes) == "local"  # an explicit argument wins over the env


def test_mpi_without_mpi4py(monkeypatch, caplog):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        factory_mod.importlib.util,
        "find_spec",
        lambda n, *a: None if n == "mpi4py" else real(n, *a),
    )
    with pytest.raises(CobreError, match="mpi4py is not installed") as e:
        resolve_backend("auto", LauncherInfo(True, "PMI_RANK", 4))
    assert e.value.kind == "IncompatibleSettings"
    with caplog.at_level("WARNING", logger="pycobre.comm"):
        assert resolve_backend("mpi", LauncherInfo(False)) == "local"
    assert "mpi4py is not installed" in caplog.text


def test_create_local_by_default():
    comm = create_communicator()
    assert isinstance(comm, LocalCommunicator) and comm.size == 1


def test_importing_pycobre_does_not_import_mpi4py():
    code = (
        "import sys, pycobre, pycobre.comm as c; c.create_communicator('local');"
        "c.WorkSplit; print('mpi4py' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
