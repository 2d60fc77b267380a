"""Detect whether this process was started by an MPI launcher (spec 21 §6.1).

Only environment variables are read — nothing is imported — so the check is free and safe
before deciding whether to initialise MPI at all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["LAUNCHER_VARIABLES", "LauncherInfo", "detect_launcher"]

# Set by mpiexec/mpirun (MPICH hydra, Intel MPI, OpenMPI) or by srun with a PMI/PMIx plugin.
_MARKERS = (
    "PMI_RANK",
    "PMI_SIZE",
    "PMIX_RANK",
    "OMPI_COMM_WORLD_RANK",
    "OMPI_COMM_WORLD_SIZE",
    "MPI_LOCALRANKID",
    "MPI_LOCALNRANKS",
)
_SIZE_KEYS = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS")
_SLURM_KEYS = ("SLURM_PROCID", "SLURM_NTASKS", "SLURM_STEP_NUM_TASKS")
#: every variable ``detect_launcher`` reads (to clear them, e.g. in tests)
LAUNCHER_VARIABLES = _MARKERS + _SLURM_KEYS


@dataclass(frozen=True)
class LauncherInfo:
    detected: bool
    variable: str | None = None  # the variable that gave it away
    tasks: int | None = None  # task count announced by the launcher, if it says

    @property
    def multi_task(self) -> bool:
        return bool(self.tasks is not None and self.tasks > 1)


def _int(env: Mapping[str, str], key: str | None) -> int | None:
    if key is None or key not in env:
        return None
    try:
        return int(env[key])
    except ValueError:
        return None


def _slurm_tasks(env: Mapping[str, str]) -> int | None:
    # the step's task count (set by srun) is what matters; the job's is the fallback
    return _int(env, "SLURM_STEP_NUM_TASKS") or _int(env, "SLURM_NTASKS")


def _announced_tasks(env: Mapping[str, str]) -> int | None:
    # the launcher's own size wins; SLURM's count may describe the whole allocation instead
    present = [v for v in (_int(env, k) for k in _SIZE_KEYS) if v is not None]
    return max(present) if present else _slurm_tasks(env)


def detect_launcher(env: Mapping[str, str] | None = None) -> LauncherInfo:
    """MPI launcher variables present? ``SLURM_PROCID`` counts only when the step has > 1 task."""
    env = os.environ if env is None else env
    for marker in _MARKERS:
        if marker in env:
            return LauncherInfo(True, marker, _announced_tasks(env))
    if "SLURM_PROCID" in env:
        tasks = _slurm_tasks(env)
        if tasks is not None and tasks > 1:
            return LauncherInfo(True, "SLURM_PROCID", tasks)
    return LauncherInfo(False)
