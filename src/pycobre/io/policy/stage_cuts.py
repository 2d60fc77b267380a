"""``cuts/stage_NNN.bin``: the ``StageCuts`` root table (spec 05 §2–§3).

The builder calls below follow Cobre's build order exactly (every scalar forced, every vector
present, fields in id order, cut offsets prepended last-to-first), which is what makes the
bytes identical to Cobre 0.5.1's files. They are the reference and the fallback: regular pools
(all of Cobre's) are written and read by the array codec of :mod:`.stage_cuts_fast`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import flatbuffers
import numpy as np

from pycobre.io.policy.flatbuffer_view import TableView, corrupt, root_table
from pycobre.io.policy.stage_cuts_fast import decode_cut_records, encode_regular

__all__ = [
    "StageCuts",
    "decode_stage_cuts",
    "decode_stage_cuts_views",
    "encode_stage_cuts",
    "encode_stage_cuts_builder",
    "slot",
]


def slot(field_id: int) -> int:
    """Vtable slot offset of a field id (spec 05 §2)."""
    return (field_id + 2) * 2


# Cut field ids (id 4 = deprecated domination_count, never written)
_CUT_ID, _SLOT_INDEX, _ITERATION, _FPI, _INTERCEPT, _COEFS, _STATE_AT_GEN, _IS_ACTIVE = (
    0, 1, 2, 3, 5, 6, 7, 8,
)  # fmt: skip
_CUT_NUM_FIELDS = 9
# StageCuts field ids
_STAGE_ID, _STATE_DIM, _CAPACITY, _WARM_START, _CUTS, _ACTIVE_IDX, _POPULATED = range(7)
_STAGE_CUTS_NUM_FIELDS = 7


@dataclass(eq=False)
class StageCuts:
    """All records of one stage's pool file, one row per slot in ``[0, populated_count)``.

    ``coefficients[i]`` and ``intercepts[i]`` give ``theta >= intercepts[i] + coefficients[i] @ x``.
    Empty records (never-filled slots) are rows with ``iteration == 0`` and ``is_active`` false.
    ``active_cut_indices`` is kept as stored so that ``read -> write`` reproduces the bytes;
    :meth:`with_derived_active_indices` recomputes it from ``is_active``.
    """

    stage_id: int
    state_dimension: int
    capacity: int
    warm_start_count: int
    cut_ids: np.ndarray  # (n,) uint64
    slot_indices: np.ndarray  # (n,) uint32
    iterations: np.ndarray  # (n,) uint32
    forward_pass_indices: np.ndarray  # (n,) uint32
    intercepts: np.ndarray  # (n,) float64
    coefficients: np.ndarray  # (n, state_dimension) float64
    is_active: np.ndarray  # (n,) bool
    active_cut_indices: np.ndarray  # (k,) uint32
    populated_count: int
    #: non-empty ``state_at_generation`` vectors by row (Cobre always writes them empty)
    state_at_generation: dict[int, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cut_ids = np.asarray(self.cut_ids, dtype=np.uint64)
        self.slot_indices = np.asarray(self.slot_indices, dtype=np.uint32)
        self.iterations = np.asarray(self.iterations, dtype=np.uint32)
        self.forward_pass_indices = np.asarray(self.forward_pass_indices, dtype=np.uint32)
        self.intercepts = np.asarray(self.intercepts, dtype=np.float64)
        n = self.intercepts.shape[0]
        self.coefficients = np.asarray(self.coefficients, dtype=np.float64).reshape(
            n, self.state_dimension
        )
        self.is_active = np.asarray(self.is_active, dtype=bool)
        self.active_cut_indices = np.asarray(self.active_cut_indices, dtype=np.uint32)
        for name in ("cut_ids", "slot_indices", "iterations", "forward_pass_indices", "is_active"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"StageCuts.{name} must have shape ({n},)")

    @property
    def n_records(self) -> int:
        return int(self.intercepts.shape[0])

    @property
    def active_mask(self) -> np.ndarray:
        return self.is_active.copy()

    @classmethod
    def empty(cls, stage_id: int, state_dimension: int, capacity: int, warm_start_count: int = 0):
        """A stage with no records (the terminal stage's file)."""
        return cls(
            stage_id=stage_id,
            state_dimension=state_dimension,
            capacity=capacity,
            warm_start_count=warm_start_count,
            cut_ids=np.zeros(0, np.uint64),
            slot_indices=np.zeros(0, np.uint32),
            iterations=np.zeros(0, np.uint32),
            forward_pass_indices=np.zeros(0, np.uint32),
            intercepts=np.zeros(0, np.float64),
            coefficients=np.zeros((0, state_dimension), np.float64),
            is_active=np.zeros(0, bool),
            active_cut_indices=np.zeros(0, np.uint32),
            populated_count=0,
        )

    def with_derived_active_indices(self) -> StageCuts:
        self.active_cut_indices = self.slot_indices[self.is_active].astype(np.uint32)
        return self

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StageCuts):
            return NotImplemented
        scalars = ("stage_id", "state_dimension", "capacity", "warm_start_count", "populated_count")
        arrays = (
            "cut_ids", "slot_indices", "iterations", "forward_pass_indices", "intercepts",
            "coefficients", "is_active", "active_cut_indices",
        )  # fmt: skip
        return (
            all(getattr(self, s) == getattr(other, s) for s in scalars)
            and all(np.array_equal(getattr(self, a), getattr(other, a)) for a in arrays)
            and self.state_at_generation.keys() == other.state_at_generation.keys()
            and all(
                np.array_equal(v, other.state_at_generation[k])
                for k, v in self.state_at_generation.items()
            )
        )


def encode_stage_cuts(stage: StageCuts) -> bytes:
    """Serialise one stage exactly as Cobre does (spec 05 §2 build order).

    The vectorised writer handles every file Cobre produces; the builder is the fallback for
    irregular pools (a non-empty ``state_at_generation``, out-of-range scalars).
    """
    fast = encode_regular(stage)
    return fast if fast is not None else encode_stage_cuts_builder(stage)


def encode_stage_cuts_builder(stage: StageCuts) -> bytes:
    """Reference encoder: one ``flatbuffers.Builder`` call sequence per cut."""
    n = stage.n_records
    coefs = np.ascontiguousarray(stage.coefficients, dtype="<f8").reshape(n, stage.state_dimension)
    cut_ids = np.asarray(stage.cut_ids, dtype=np.uint64)
    slots = np.asarray(stage.slot_indices, dtype=np.uint32)
    iters = np.asarray(stage.iterations, dtype=np.uint32)
    fpis = np.asarray(stage.forward_pass_indices, dtype=np.uint32)
    intercepts = np.asarray(stage.intercepts, dtype=np.float64)
    active = np.asarray(stage.is_active, dtype=bool)
    empty = np.zeros(0, dtype="<f8")
    b = flatbuffers.Builder(1024 + n * (8 * stage.state_dimension + 64))
    b.ForceDefaults(True)
    offsets = []
    for i in range(n):
        coef_vec = b.CreateNumpyVector(coefs[i])
        sag = stage.state_at_generation.get(i)
        sag_vec = b.CreateNumpyVector(empty if sag is None else np.asarray(sag, dtype="<f8"))
        b.StartObject(_CUT_NUM_FIELDS)
        b.PrependUint64Slot(_CUT_ID, int(cut_ids[i]), 0)
        b.PrependUint32Slot(_SLOT_INDEX, int(slots[i]), 0)
        b.PrependUint32Slot(_ITERATION, int(iters[i]), 0)
        b.PrependUint32Slot(_FPI, int(fpis[i]), 0)
        b.PrependFloat64Slot(_INTERCEPT, float(intercepts[i]), 0.0)
        b.PrependUOffsetTRelativeSlot(_COEFS, coef_vec, 0)
        b.PrependUOffsetTRelativeSlot(_STATE_AT_GEN, sag_vec, 0)
        b.PrependBoolSlot(_IS_ACTIVE, bool(active[i]), False)
        offsets.append(b.EndObject())
    b.StartVector(4, n, 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    cuts_vec = b.EndVector()
    active_vec = b.CreateNumpyVector(np.asarray(stage.active_cut_indices, dtype="<u4"))
    b.StartObject(_STAGE_CUTS_NUM_FIELDS)
    b.PrependUint32Slot(_STAGE_ID, int(stage.stage_id), 0)
    b.PrependUint32Slot(_STATE_DIM, int(stage.state_dimension), 0)
    b.PrependUint32Slot(_CAPACITY, int(stage.capacity), 0)
    b.PrependUint32Slot(_WARM_START, int(stage.warm_start_count), 0)
    b.PrependUOffsetTRelativeSlot(_CUTS, cuts_vec, 0)
    b.PrependUOffsetTRelativeSlot(_ACTIVE_IDX, active_vec, 0)
    b.PrependUint32Slot(_POPULATED, int(stage.populated_count), 0)
    b.Finish(b.EndObject())
    return bytes(b.Output())


def decode_stage_cuts(buf: bytes, source: str = "<buffer>") -> StageCuts:
    """Parse and verify a ``StageCuts`` buffer; raises ``CobreIOError`` naming ``source``.

    Cuts sharing one vtable are read with array gathers; anything irregular (including every
    corrupt file) goes through :func:`decode_stage_cuts_views`, whose errors are the contract.
    """
    root = root_table(buf, source, "StageCuts")
    dim = int(root.scalar(slot(_STATE_DIM), "u32"))
    start, n = root.vector(slot(_CUTS), 4, "cuts")  # same checks as root.tables()
    if n and n * dim * 8 <= len(buf):
        records = decode_cut_records(buf, start, n, dim)
        if records is not None:
            return StageCuts(
                stage_id=int(root.scalar(slot(_STAGE_ID), "u32")),
                state_dimension=dim,
                capacity=int(root.scalar(slot(_CAPACITY), "u32")),
                warm_start_count=int(root.scalar(slot(_WARM_START), "u32")),
                active_cut_indices=root.array(slot(_ACTIVE_IDX), "u4", "active_cut_indices"),
                populated_count=int(root.scalar(slot(_POPULATED), "u32")),
                **records,
            )
    return decode_stage_cuts_views(buf, source)


def decode_stage_cuts_views(buf: bytes, source: str = "<buffer>") -> StageCuts:
    """Reference decoder: one bounds-checked :class:`TableView` per cut."""
    root = root_table(buf, source, "StageCuts")
    dim = int(root.scalar(slot(_STATE_DIM), "u32"))
    cut_tables: list[TableView] = root.tables(slot(_CUTS), "cuts")
    n = len(cut_tables)
    if n and n * dim * 8 > len(buf):
        raise corrupt(source, f"{n} cuts of dimension {dim} cannot fit in {len(buf)} bytes")
    cut_ids = np.zeros(n, np.uint64)
    slots = np.zeros(n, np.uint32)
    iters = np.zeros(n, np.uint32)
    fpis = np.zeros(n, np.uint32)
    intercepts = np.zeros(n, np.float64)
    active = np.zeros(n, bool)
    coefs = np.zeros((n, dim), np.float64)
    sag: dict[int, np.ndarray] = {}
    for i, cut in enumerate(cut_tables):
        cut_ids[i] = cut.scalar(slot(_CUT_ID), "u64")
        slots[i] = cut.scalar(slot(_SLOT_INDEX), "u32")
        iters[i] = cut.scalar(slot(_ITERATION), "u32")
        fpis[i] = cut.scalar(slot(_FPI), "u32")
        intercepts[i] = cut.scalar(slot(_INTERCEPT), "f64")
        active[i] = cut.scalar(slot(_IS_ACTIVE), "bool")
        row = cut.array(slot(_COEFS), "f8", "coefficients")
        if row.shape[0] != dim:
            raise corrupt(
                source,
                f"cut {i} has {row.shape[0]} coefficients but state_dimension is {dim}",
            )
        coefs[i] = row
        s = cut.array(slot(_STATE_AT_GEN), "f8", "state_at_generation")
        if s.size:
            sag[i] = s
    populated = int(root.scalar(slot(_POPULATED), "u32"))
    return StageCuts(
        stage_id=int(root.scalar(slot(_STAGE_ID), "u32")),
        state_dimension=dim,
        capacity=int(root.scalar(slot(_CAPACITY), "u32")),
        warm_start_count=int(root.scalar(slot(_WARM_START), "u32")),
        cut_ids=cut_ids,
        slot_indices=slots,
        iterations=iters,
        forward_pass_indices=fpis,
        intercepts=intercepts,
        coefficients=coefs,
        is_active=active,
        active_cut_indices=root.array(slot(_ACTIVE_IDX), "u4", "active_cut_indices"),
        populated_count=populated,
        state_at_generation=sag,
    )
