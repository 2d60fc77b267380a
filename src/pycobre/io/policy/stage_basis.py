"""``basis/stage_NNN.bin``: the ``StageBasis`` root table (spec 05 §3.1).

Status codes are HiGHS's (0 lower, 1 basic, 2 upper, 3 zero, 4 nonbasic); rows are the template
rows followed by the active cut rows at capture time.
"""

from __future__ import annotations

from dataclasses import dataclass

import flatbuffers
import numpy as np

from pycobre.io.policy.flatbuffer_view import corrupt, root_table
from pycobre.io.policy.stage_cuts import slot

__all__ = ["StageBasis", "decode_stage_basis", "encode_stage_basis"]

_STAGE_ID, _ITERATION, _NUM_COLS, _NUM_ROWS, _COL_STATUS, _ROW_STATUS, _NUM_CUT_ROWS = range(7)
_NUM_FIELDS = 7


@dataclass(eq=False)
class StageBasis:
    stage_id: int
    iteration: int
    column_status: np.ndarray  # (num_columns,) uint8
    row_status: np.ndarray  # (num_rows,) uint8
    num_cut_rows: int
    num_columns: int | None = None  # stored counts; default = vector lengths
    num_rows: int | None = None

    def __post_init__(self) -> None:
        self.column_status = np.asarray(self.column_status, dtype=np.uint8)
        self.row_status = np.asarray(self.row_status, dtype=np.uint8)
        if self.num_columns is None:
            self.num_columns = int(self.column_status.shape[0])
        if self.num_rows is None:
            self.num_rows = int(self.row_status.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StageBasis):
            return NotImplemented
        return (
            (self.stage_id, self.iteration, self.num_cut_rows, self.num_columns, self.num_rows)
            == (
                other.stage_id,
                other.iteration,
                other.num_cut_rows,
                other.num_columns,
                other.num_rows,
            )
            and np.array_equal(self.column_status, other.column_status)
            and np.array_equal(self.row_status, other.row_status)
        )


def encode_stage_basis(basis: StageBasis) -> bytes:
    b = flatbuffers.Builder(256 + basis.column_status.size + basis.row_status.size)
    b.ForceDefaults(True)
    cols = b.CreateNumpyVector(np.ascontiguousarray(basis.column_status, dtype=np.uint8))
    rows = b.CreateNumpyVector(np.ascontiguousarray(basis.row_status, dtype=np.uint8))
    b.StartObject(_NUM_FIELDS)
    b.PrependUint32Slot(_STAGE_ID, int(basis.stage_id), 0)
    b.PrependUint32Slot(_ITERATION, int(basis.iteration), 0)
    b.PrependUint32Slot(_NUM_COLS, int(basis.num_columns), 0)
    b.PrependUint32Slot(_NUM_ROWS, int(basis.num_rows), 0)
    b.PrependUOffsetTRelativeSlot(_COL_STATUS, cols, 0)
    b.PrependUOffsetTRelativeSlot(_ROW_STATUS, rows, 0)
    b.PrependUint32Slot(_NUM_CUT_ROWS, int(basis.num_cut_rows), 0)
    b.Finish(b.EndObject())
    return bytes(b.Output())


def decode_stage_basis(buf: bytes, source: str = "<buffer>") -> StageBasis:
    root = root_table(buf, source, "StageBasis")
    cols = root.array(slot(_COL_STATUS), "u1", "column_status")
    rows = root.array(slot(_ROW_STATUS), "u1", "row_status")
    if cols.size and int(cols.max()) > 4 or rows.size and int(rows.max()) > 4:
        raise corrupt(source, "basis status code outside 0..4")
    return StageBasis(
        stage_id=int(root.scalar(slot(_STAGE_ID), "u32")),
        iteration=int(root.scalar(slot(_ITERATION), "u32")),
        column_status=cols,
        row_status=rows,
        num_cut_rows=int(root.scalar(slot(_NUM_CUT_ROWS), "u32")),
        num_columns=int(root.scalar(slot(_NUM_COLS), "u32")),
        num_rows=int(root.scalar(slot(_NUM_ROWS), "u32")),
    )
