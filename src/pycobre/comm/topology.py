"""Where a run executes: backend, ranks, hosts, MPI library, SLURM job (spec 21 §6).

Collected once at start-up so that outputs and logs can say how a run was distributed; never
used by the numerical algorithm.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

__all__ = ["ExecutionTopology", "slurm_info"]

_SLURM_KEYS = (
    "SLURM_JOB_ID",
    "SLURM_JOB_NAME",
    "SLURM_JOB_NODELIST",
    "SLURM_NTASKS",
    "SLURM_STEP_NUM_TASKS",
    "SLURM_CPUS_PER_TASK",
)


def slurm_info() -> dict[str, str]:
    """The SLURM job variables present in the environment (empty outside SLURM)."""
    return {k: os.environ[k] for k in _SLURM_KEYS if k in os.environ}


@dataclass(frozen=True)
class ExecutionTopology:
    backend: str  # "local" or "mpi"
    world_size: int
    hosts: dict[str, tuple[int, ...]] = field(default_factory=dict)  # host name -> ranks on it
    mpi_library: str | None = None  # first line of MPI_Get_library_version
    mpi_version: str | None = None  # MPI standard version, e.g. "4.1"
    slurm: dict[str, str] = field(default_factory=dict)

    @classmethod
    def local(cls) -> ExecutionTopology:
        return cls("local", 1, {socket.gethostname(): (0,)}, slurm=slurm_info())

    def to_dict(self) -> dict[str, object]:
        return {
            "backend": self.backend,
            "world_size": self.world_size,
            "hosts": {h: list(r) for h, r in self.hosts.items()},
            "mpi_library": self.mpi_library,
            "mpi_version": self.mpi_version,
            "slurm": dict(self.slurm),
        }
