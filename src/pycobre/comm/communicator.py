"""The ``Communicator`` interface the SDDP loop talks to (spec 21 §6).

The loop is SPMD: every rank calls the same collectives in the same order, from its main thread.
Hot-path collectives move contiguous NumPy buffers only; the ``*_object`` methods pickle and are
meant for start-up and once-per-iteration bookkeeping. Argument checks that can be made locally
(counts, root, operator/dtype) live here so every backend fails the same way.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np

from pycobre.comm.partition import block_displs
from pycobre.comm.reduce_op import ReduceOp
from pycobre.comm.topology import ExecutionTopology
from pycobre.errors import CommunicationError

__all__ = ["Communicator"]


class Communicator(abc.ABC):
    """``rank``/``size`` plus rank-ordered collectives on NumPy arrays."""

    backend: str = "abstract"

    def __init__(self, rank: int, size: int, topology: ExecutionTopology) -> None:
        self._rank = int(rank)
        self._size = int(size)
        self.topology = topology

    @property
    def rank(self) -> int:
        return self._rank

    @property
    def size(self) -> int:
        return self._size

    @property
    def is_root(self) -> bool:
        return self._rank == 0

    # -- collectives ---------------------------------------------------------------------------
    @abc.abstractmethod
    def allgather(self, send: np.ndarray) -> np.ndarray:
        """Equal-shape contributions stacked in rank order: shape ``(size, *send.shape)``."""

    @abc.abstractmethod
    def allgatherv(self, send: np.ndarray, counts: Sequence[int] | None = None) -> np.ndarray:
        """Concatenate every rank's rows (axis 0) in rank order; identical on every rank.

        ``counts[r]`` = rows contributed by rank ``r`` (``block_counts`` gives them without
        communication); ``None`` costs one extra small collective to learn them. Zero-row
        contributions must still carry the right dtype and trailing shape.
        """

    @abc.abstractmethod
    def allreduce(self, send: np.ndarray, op: ReduceOp) -> np.ndarray:
        """Element-wise reduction over ranks. ``SUM`` of floats folds in rank order 0..R-1."""

    @abc.abstractmethod
    def broadcast(self, buf: np.ndarray, root: int = 0) -> np.ndarray:
        """Every rank returns root's data (``buf`` gives shape/dtype and is filled in place)."""

    @abc.abstractmethod
    def broadcast_object(self, obj: object, root: int = 0) -> object:
        """Pickled broadcast — start-up and bookkeeping only, never in the hot path."""

    @abc.abstractmethod
    def allgather_object(self, obj: object) -> list[Any]:
        """Pickled gather of one object per rank, rank order — bookkeeping only."""

    @abc.abstractmethod
    def barrier(self) -> None:
        """Nobody returns before every rank entered."""

    @abc.abstractmethod
    def abort(self, code: int = 1, message: str | None = None) -> NoReturn:
        """End the whole job (every rank) with ``code``; ``message`` goes to stderr first."""

    # -- shared argument checks ----------------------------------------------------------------
    def _check_counts(
        self, send: np.ndarray, counts: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        c = np.asarray(counts, dtype=np.int64).reshape(-1)
        if c.shape[0] != self._size or (c < 0).any():
            raise CommunicationError(
                f"allgatherv: counts must hold {self._size} non-negative entries, got {list(c)}",
                operation="allgatherv",
                rank=self._rank,
                context={"detail": "invalid buffer size", "counts": c.tolist()},
            )
        if send.ndim == 0 or send.shape[0] != c[self._rank]:
            rows = None if send.ndim == 0 else int(send.shape[0])
            raise CommunicationError(
                f"allgatherv: rank {self._rank} sends {rows} rows but counts[{self._rank}]"
                f" = {int(c[self._rank])} (invalid buffer size)",
                operation="allgatherv",
                rank=self._rank,
                context={
                    "detail": "invalid buffer size",
                    "rows": rows,
                    "count": int(c[self._rank]),
                },
            )
        return c, block_displs(c)

    def _check_root(self, root: int, operation: str) -> int:
        if not 0 <= int(root) < self._size:
            raise CommunicationError(
                f"{operation}: invalid root {root} (size {self._size})",
                operation=operation,
                rank=self._rank,
                context={"detail": "invalid root", "root": int(root)},
            )
        return int(root)

    def _check_reduce(self, send: np.ndarray, op: ReduceOp) -> np.ndarray:
        if not isinstance(op, ReduceOp):
            raise CommunicationError(
                f"allreduce: unknown operator {op!r}", operation="allreduce", rank=self._rank
            )
        arr = np.ascontiguousarray(send)
        if arr.size == 0:
            raise CommunicationError(
                "allreduce: empty buffer",
                operation="allreduce",
                rank=self._rank,
                context={"detail": "invalid buffer size"},
            )
        if op is ReduceOp.BOR and arr.dtype.kind not in "biu":
            raise CommunicationError(
                f"allreduce: BOR needs an integer or bool array, got {arr.dtype}",
                operation="allreduce",
                rank=self._rank,
            )
        if arr.dtype.kind not in "biuf":
            raise CommunicationError(
                f"allreduce: unsupported dtype {arr.dtype}", operation="allreduce", rank=self._rank
            )
        return arr

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rank={self._rank}, size={self._size})"
