"""Where a run executes: backend, ranks, hosts, MPI library, SLURM job (spec 21 §6).

Collected once at start-up so that outputs and logs can say how a run was distributed; never
used by the numerical algorithm.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

__all__ = ["ExecutionTopology", "distribution_info", "slurm_info"]

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


def distribution_info(comm: object | None, threads: int) -> dict[str, object]:
    """The ``distribution`` block of ``training/`` and ``simulation/metadata.json`` (Cobre's
    keys); unknown MPI details are left out. ``comm`` None or of size 1 -> a local run."""
    size = int(getattr(comm, "size", 1) or 1)
    if comm is None or size <= 1:
        return {
            "backend": "local",
            "world_size": 1,
            "ranks_participated": 1,
            "num_nodes": 1,
            "threads_per_rank": int(threads),
        }
    topo = getattr(comm, "topology", None)
    out: dict[str, object] = {
        "backend": str(getattr(topo, "backend", "mpi")),
        "world_size": size,
        "ranks_participated": size,
        "num_nodes": max(1, len(getattr(topo, "hosts", None) or {})),
        "threads_per_rank": int(threads),
    }
    if getattr(topo, "mpi_library", None):
        out["mpi_library"] = topo.mpi_library  # type: ignore[union-attr]
    if getattr(topo, "mpi_version", None):
        out["mpi_standard"] = topo.mpi_version  # type: ignore[union-attr]
    job = (getattr(topo, "slurm", None) or {}).get("SLURM_JOB_ID")
    if job:
        out["slurm_job_id"] = job
    return out
