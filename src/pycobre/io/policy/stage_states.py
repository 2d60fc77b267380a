"""``states/stage_NNN.bin``: the ``StageStates`` root table (visited trial points, spec 05 §3.1)."""

from __future__ import annotations

from dataclasses import dataclass

import flatbuffers
import numpy as np

from pycobre.io.policy.flatbuffer_view import corrupt, root_table
from pycobre.io.policy.stage_cuts import slot

__all__ = ["StageStates", "decode_stage_states", "encode_stage_states"]

_STAGE_ID, _STATE_DIM, _COUNT, _DATA = range(4)
_NUM_FIELDS = 4


@dataclass(eq=False)
class StageStates:
    stage_id: int
    state_dimension: int
    data: np.ndarray  # (count, state_dimension) float64, row = one trial point

    def __post_init__(self) -> None:
        data = np.asarray(self.data, dtype=np.float64)
        if self.state_dimension > 0 or data.ndim != 2:
            data = data.reshape(-1, max(self.state_dimension, 1))[:, : self.state_dimension]
        self.data = data

    @property
    def count(self) -> int:
        return int(self.data.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StageStates):
            return NotImplemented
        return (self.stage_id, self.state_dimension) == (
            other.stage_id,
            other.state_dimension,
        ) and np.array_equal(self.data, other.data)


def encode_stage_states(states: StageStates) -> bytes:
    b = flatbuffers.Builder(256 + 8 * states.data.size)
    b.ForceDefaults(True)
    data = b.CreateNumpyVector(np.ascontiguousarray(states.data, dtype="<f8").reshape(-1))
    b.StartObject(_NUM_FIELDS)
    b.PrependUint32Slot(_STAGE_ID, int(states.stage_id), 0)
    b.PrependUint32Slot(_STATE_DIM, int(states.state_dimension), 0)
    b.PrependUint32Slot(_COUNT, states.count, 0)
    b.PrependUOffsetTRelativeSlot(_DATA, data, 0)
    b.Finish(b.EndObject())
    return bytes(b.Output())


def decode_stage_states(buf: bytes, source: str = "<buffer>") -> StageStates:
    root = root_table(buf, source, "StageStates")
    dim = int(root.scalar(slot(_STATE_DIM), "u32"))
    count = int(root.scalar(slot(_COUNT), "u32"))
    data = root.array(slot(_DATA), "f8", "data")
    if data.size != count * dim:
        raise corrupt(source, f"states data has {data.size} values, expected {count} x {dim}")
    if dim == 0:
        data = np.zeros((count, 0))
    return StageStates(
        stage_id=int(root.scalar(slot(_STAGE_ID), "u32")), state_dimension=dim, data=data
    )
