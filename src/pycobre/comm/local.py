"""Single-process communicator: ``rank 0`` of ``size 1``, collectives are copies (spec 21 §6.1)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np

from pycobre.comm.communicator import Communicator
from pycobre.comm.reduce_op import ReduceOp
from pycobre.comm.topology import ExecutionTopology

__all__ = ["LocalCommunicator"]


class LocalCommunicator(Communicator):
    """Always available, zero overhead; argument checks match the MPI backend's."""

    backend = "local"

    def __init__(self) -> None:
        super().__init__(0, 1, ExecutionTopology.local())

    def allgather(self, send: np.ndarray) -> np.ndarray:
        return np.array(send, copy=True)[None, ...]

    def allgatherv(self, send: np.ndarray, counts: Sequence[int] | None = None) -> np.ndarray:
        send = np.asarray(send)
        self._check_counts(send, [send.shape[0] if send.ndim else -1] if counts is None else counts)
        return np.array(send, copy=True)

    def allreduce(self, send: np.ndarray, op: ReduceOp) -> np.ndarray:
        return self._check_reduce(send, op).copy()

    def broadcast(self, buf: np.ndarray, root: int = 0) -> np.ndarray:
        self._check_root(root, "broadcast")
        return buf

    def broadcast_object(self, obj: object, root: int = 0) -> object:
        self._check_root(root, "broadcast_object")
        return obj

    def allgather_object(self, obj: object) -> list[Any]:
        return [obj]

    def barrier(self) -> None:
        return None

    def abort(self, code: int = 1, message: str | None = None) -> NoReturn:
        if message:
            print(message, file=sys.stderr, flush=True)
        raise SystemExit(code)
