"""``create_communicator``: pick the backend from argument, environment and launcher (spec 21 §6.1).

pycobre parallelises one machine with threads inside a process (spec 00 §6), so the names
``process``/``shm``/``tcp`` select the local communicator (the caller then uses its ``threads``);
MPI is used when asked for or when an MPI launcher started this process.
"""

from __future__ import annotations

import importlib.util
import logging
import os

from pycobre.comm.communicator import Communicator
from pycobre.comm.launcher import LauncherInfo, detect_launcher
from pycobre.comm.local import LocalCommunicator
from pycobre.errors import CobreError

__all__ = ["create_communicator", "resolve_backend", "BACKEND_NAMES"]

log = logging.getLogger("pycobre.comm")

BACKEND_NAMES = ("auto", "local", "process", "mpi", "shm", "tcp")
_ALIASES = {"shm": "process", "tcp": "process"}
ENV_KEYS = ("PYCOBRE_COMM_BACKEND", "COBRE_COMM_BACKEND")


def _requested(backend: str | None) -> tuple[str, str]:
    """(name, where it came from): an explicit non-auto argument wins, then the environment."""
    if backend is not None and str(backend).strip().lower() != "auto":
        return str(backend).strip().lower(), "argument"
    for key in ENV_KEYS:
        value = os.environ.get(key, "").strip().lower()
        if value:
            return value, key
    return "auto", "default"


def resolve_backend(backend: str | None = "auto", launcher: LauncherInfo | None = None) -> str:
    """``"local"`` or ``"mpi"`` (no MPI import). Unknown names raise ``IncompatibleSettings``."""
    name, source = _requested(backend)
    if name not in BACKEND_NAMES:
        raise CobreError(
            f"unknown communication backend {name!r} (from {source}); valid names: "
            + ", ".join(BACKEND_NAMES),
            kind="IncompatibleSettings",
            context={
                "settings": "backend",
                "value": name,
                "source": source,
                "allowed_values": list(BACKEND_NAMES),
            },
        )
    name = _ALIASES.get(name, name)
    if name == "process":
        return "local"  # one process, parallel threads (spec 00 §6)
    launcher = detect_launcher() if launcher is None else launcher
    if name == "auto":
        name = "mpi" if launcher.detected else "local"
    if name == "mpi" and importlib.util.find_spec("mpi4py") is None:
        if launcher.multi_task:
            raise CobreError(
                f"started by an MPI launcher with {launcher.tasks} tasks ({launcher.variable}) but"
                " mpi4py is not installed: every task would run the whole study on its own",
                kind="IncompatibleSettings",
                context={"settings": "backend", "detail": "mpi4py missing"},
                suggestion="pip install 'pycobre[mpi]', or run a single process",
            )
        log.warning("MPI backend requested but mpi4py is not installed; running single-process")
        return "local"
    return name


def create_communicator(
    backend: str | None = "auto", *, timeout_s: float | None = None
) -> Communicator:
    """The communicator for this process; ``mpi4py`` is imported only when MPI is selected."""
    launcher = detect_launcher()
    name = resolve_backend(backend, launcher)
    if name == "local":
        return LocalCommunicator()
    from pycobre.comm.mpi import MpiCommunicator

    comm = MpiCommunicator(timeout_s=timeout_s)
    if launcher.multi_task and comm.size == 1:
        raise CobreError(
            f"the launcher announced {launcher.tasks} tasks ({launcher.variable}) but the MPI world"
            " has size 1: the launcher and mpi4py's MPI library do not talk to each other, so every"
            " task would run the whole study on its own",
            kind="IncompatibleSettings",
            context={
                "settings": "backend",
                "detail": "MPI world size 1 under a multi-task launcher",
            },
            suggestion="use the mpiexec of the MPI that mpi4py was built with, or srun --mpi=pmix"
            " (pmi2 where PMIx is unavailable); COBRE_COMM_BACKEND=local forces one process",
        )
    return comm
