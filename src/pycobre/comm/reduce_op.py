"""Element-wise reduction operators for ``Communicator.allreduce`` (spec 21 §6)."""

from __future__ import annotations

import enum

__all__ = ["ReduceOp"]


class ReduceOp(enum.Enum):
    SUM = "sum"
    MIN = "min"
    MAX = "max"
    BOR = "bor"  # bitwise OR, integer and bool arrays only
