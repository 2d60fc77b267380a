"""Vectorised ``StageCuts`` codec for the regular case (issue #8: no per-cut Python loop).

Every ``Cut`` table Cobre writes has the same shape (all fields forced, ``coefficients`` of
``state_dimension`` values, empty ``state_at_generation``), so the bytes that
``flatbuffers.Builder`` produces in the build order of spec 05 §2 form a fixed pattern. Derived
from the builder's back-to-front rules (``Prep`` alignment measured from the buffer end, vtable
dedup), the buffer reads front to back as::

    root uoffset | pad (2 or 6) | root vtable (18) | StageCuts table (32)
    active_cut_indices (4 + 4k) | cuts offsets (4 + 4n)
    cut n-1 | cut n-2 | ... | cut 1 | pad 2 | Cut vtable (22) | cut 0

where each cut block is ``64 + 8d`` bytes (:func:`_cut_block_dtype`): the table (52 bytes),
the empty ``state_at_generation`` vector (length + 4 pad), then ``coefficients``. Cut 0 is
written first, so it sits at the end with the one shared vtable right before it; the builder
pads 2 bytes to realign cut 1. The whole buffer is a multiple of 8 (4 without cuts).

The decoder is general over layouts with one shared ``Cut`` vtable (Cobre's, ours, any
standard builder's) but returns ``None`` at the first irregularity (bad offset, vector past the
end, wrong coefficient count, non-empty ``state_at_generation``): the per-cut view path then
runs and raises exactly the error it always raised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from pycobre.io.policy.stage_cuts import StageCuts

__all__ = ["decode_cut_records", "encode_regular"]

_U32_MAX = 2**32 - 1
_MAX_BUFFER = 2**31 - 1  # the builder refuses buffers of 2 GiB and more
_CUT_VTABLE = np.array([22, 52, 40, 36, 32, 28, 0, 16, 12, 8, 7], dtype="<u2")
_ROOT_VTABLE = np.array([18, 32, 28, 24, 20, 16, 12, 8, 4], dtype="<u2")
_SAG_UOFF, _COEF_UOFF = 44, 48  # relative offsets from the uoffset fields to the vectors


def _cut_block_dtype(dim: int) -> np.dtype:
    """One cut block (table + empty ``state_at_generation`` + ``coefficients``)."""
    return np.dtype(
        {
            "names": [
                "soff", "is_active", "sag_uoff", "coef_uoff", "intercept", "fpi", "iteration",
                "slot", "cut_id", "sag_len", "coef_len", "coefs",
            ],
            "formats": [
                "<i4", "u1", "<u4", "<u4", "<f8", "<u4", "<u4", "<u4", "<u8", "<u4", "<u4",
                ("<f8", (dim,)),
            ],
            "offsets": [0, 7, 8, 12, 16, 28, 32, 36, 40, 52, 60, 64],
            "itemsize": 64 + 8 * dim,
        }
    )  # fmt: skip


def _is_regular(stage: StageCuts) -> bool:
    """Whether the fixed layout applies; anything else takes the builder path."""
    if any(np.asarray(v).size for v in stage.state_at_generation.values()):
        return False
    scalars = (
        stage.stage_id, stage.state_dimension, stage.capacity, stage.warm_start_count,
        stage.populated_count,
    )  # fmt: skip
    return all(0 <= int(s) <= _U32_MAX for s in scalars)


def encode_regular(stage: StageCuts) -> bytes | None:
    """The builder's bytes for ``stage`` via array writes; ``None`` when not regular."""
    if not _is_regular(stage):
        return None
    n, d = stage.n_records, int(stage.state_dimension)
    active_idx = np.asarray(stage.active_cut_indices, dtype="<u4")
    k = active_idx.shape[0]
    block = 64 + 8 * d
    minalign = 8 if n else 4
    pad = -(86 + 4 * (n + k)) % minalign  # Finish's Prep(minalign, 4)
    root = 4 + pad + 18
    act = root + 32
    cuts_vec = act + 4 + 4 * k
    region = cuts_vec + 4 + 4 * n
    size = region + (n * block + 24 if n else 0)
    if size > _MAX_BUFFER:
        return None
    buf = np.zeros(size, np.uint8)
    _put(buf, 0, "<u4", root)
    buf[4 + pad : root] = _ROOT_VTABLE.view(np.uint8)
    _put(buf, root, "<i4", 18)
    fields = (
        stage.populated_count, 24, 24 + 4 * k, stage.warm_start_count, stage.capacity, d,
        stage.stage_id,
    )  # fmt: skip
    buf[root + 4 : act].view("<u4")[:] = fields
    _put(buf, act, "<u4", k)
    buf[act + 4 : cuts_vec].view("<u4")[:] = active_idx
    _put(buf, cuts_vec, "<u4", n)
    if n == 0:
        return buf.tobytes()
    # block i starts at region + (n-1-i)*block (i >= 1); cut 0 after the pad and vtable
    last = size - block
    vt = last - 22
    buf[vt:last] = _CUT_VTABLE.view(np.uint8)
    starts = region + (n - 1 - np.arange(n, dtype=np.int64)) * block
    starts[0] = last
    elem = cuts_vec + 4 + 4 * np.arange(n, dtype=np.int64)
    buf[cuts_vec + 4 : region].view("<u4")[:] = starts - elem
    rec = np.zeros(n, _cut_block_dtype(d))  # padding bytes stay zero, as the builder's
    rec_bytes = rec.view(np.uint8).reshape(n, block)
    rec["soff"] = starts - vt
    rec["is_active"] = np.asarray(stage.is_active, dtype=bool)
    rec["sag_uoff"] = _SAG_UOFF
    rec["coef_uoff"] = _COEF_UOFF
    rec["intercept"] = stage.intercepts
    rec["fpi"] = stage.forward_pass_indices
    rec["iteration"] = stage.iterations
    rec["slot"] = stage.slot_indices
    rec["cut_id"] = stage.cut_ids
    rec["coef_len"] = d
    rec["coefs"] = np.asarray(stage.coefficients, dtype=np.float64).reshape(n, d)
    buf[region : vt - 2] = rec_bytes[:0:-1].reshape(-1)
    buf[last:] = rec_bytes[0]
    return buf.tobytes()


def _put(buf: np.ndarray, at: int, dtype: str, value: int) -> None:
    buf[at : at + 4].view(dtype)[0] = value


def _gather(u8: np.ndarray, pos: np.ndarray, dtype: str, count: int = 1) -> np.ndarray:
    """``count`` values of ``dtype`` at every byte position in ``pos`` (caller checked bounds)."""
    width = np.dtype(dtype).itemsize * count
    out = u8[pos[:, None] + np.arange(width, dtype=np.int64)].view(dtype)
    return out.reshape(pos.shape[0], count) if count != 1 else out.reshape(-1)


def decode_cut_records(buf: bytes, cuts_start: int, n: int, dim: int) -> dict[str, Any] | None:
    """Per-cut arrays of the ``n`` cut tables whose offsets start at ``cuts_start``.

    Replicates every check of the view path, vectorised; ``None`` means "take the view path".
    """
    total = len(buf)
    u8 = np.frombuffer(buf, dtype=np.uint8)
    elem = cuts_start + 4 * np.arange(n, dtype=np.int64)
    pos = elem + _gather(u8, elem, "<u4").astype(np.int64)
    if pos.max() + 4 > total:
        return None
    vts = pos - _gather(u8, pos, "<i4")
    vt = int(vts[0])
    if (vts != vt).any() or vt < 0 or vt + 4 > total:
        return None
    vt_size, size = (int(x) for x in u8[vt : vt + 4].view("<u2"))
    if vt_size < 4 or vt_size % 2 or vt + vt_size > total or size < 4:
        return None
    if pos.max() + size > total:
        return None
    entries = np.zeros(11, np.int64)
    m = min(11, vt_size // 2)
    entries[:m] = u8[vt : vt + 2 * m].view("<u2")

    def field(fid: int, width: int) -> int | None:
        off = int(entries[fid + 2])
        return None if off and (off < 4 or off + width > size) else off

    out: dict[str, Any] = {}
    for name, fid, dtype in (
        ("cut_ids", 0, "<u8"), ("slot_indices", 1, "<u4"), ("iterations", 2, "<u4"),
        ("forward_pass_indices", 3, "<u4"), ("intercepts", 5, "<f8"), ("is_active", 8, "u1"),
    ):  # fmt: skip
        off = field(fid, np.dtype(dtype).itemsize)
        if off is None:
            return None
        values = _gather(u8, pos + off, dtype) if off else np.zeros(n, dtype)
        out[name] = values != 0 if name == "is_active" else values.astype(dtype.lstrip("<"))
    vectors = []
    for fid in (6, 7):
        off = field(fid, 4)
        if off is None:
            return None
        if not off:
            vectors.append((pos, np.zeros(n, np.int64)))
            continue
        at = pos + off
        target = at + _gather(u8, at, "<u4").astype(np.int64)
        if target.max() + 4 > total:
            return None
        count = _gather(u8, target, "<u4").astype(np.int64)
        if (target + 4 + 8 * count).max() > total:
            return None
        vectors.append((target + 4, count))
    (coef_at, coef_n), (_, sag_n) = vectors
    if (coef_n != dim).any() or sag_n.any():
        return None
    out["coefficients"] = (
        _gather(u8, coef_at, "<f8", dim).astype(np.float64) if dim else np.zeros((n, 0))
    )
    return out
