"""Communication layer: one ``Communicator`` interface, local and MPI backends (spec 21 §6).

The SDDP loop receives a communicator and never imports a transport. Importing this package does
not import ``mpi4py`` (that would initialise MPI); ``MpiCommunicator`` is loaded on first use.
"""

from __future__ import annotations

from typing import Any

from pycobre.comm.communicator import Communicator
from pycobre.comm.factory import BACKEND_NAMES, create_communicator, resolve_backend
from pycobre.comm.failure import (
    describe_failure,
    fail_fast,
    install_abort_excepthook,
    raise_if_any_failed,
)
from pycobre.comm.gather import allreduce_counts, gather_rows
from pycobre.comm.launcher import LauncherInfo, detect_launcher
from pycobre.comm.local import LocalCommunicator
from pycobre.comm.partition import (
    block_counts,
    block_displs,
    block_partition,
    concat_in_order,
    two_level_partition,
)
from pycobre.comm.reduce_op import ReduceOp
from pycobre.comm.threads import BlockThreadPool
from pycobre.comm.topology import ExecutionTopology, distribution_info
from pycobre.comm.work_split import WorkSplit

__all__ = [
    "BACKEND_NAMES",
    "BlockThreadPool",
    "Communicator",
    "ExecutionTopology",
    "LauncherInfo",
    "LocalCommunicator",
    "MpiCommunicator",
    "ReduceOp",
    "WorkSplit",
    "allreduce_counts",
    "block_counts",
    "block_displs",
    "block_partition",
    "concat_in_order",
    "create_communicator",
    "describe_failure",
    "detect_launcher",
    "distribution_info",
    "fail_fast",
    "gather_rows",
    "install_abort_excepthook",
    "raise_if_any_failed",
    "resolve_backend",
    "two_level_partition",
]


def __getattr__(name: str) -> Any:
    if name == "MpiCommunicator":  # lazy: importing it is cheap, creating one initialises MPI
        from pycobre.comm.mpi import MpiCommunicator

        return MpiCommunicator
    raise AttributeError(f"module 'pycobre.comm' has no attribute {name!r}")
