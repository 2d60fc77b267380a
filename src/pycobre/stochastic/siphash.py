"""SipHash-1-3 (zero key) and Cobre's seed-derivation functions (spec 11 §12.1, §16.2).

Every random stream of the stochastic layer starts from a u64 derived here, so a draw is a pure
function of (base seed, iteration, scenario, stage/opening): no RNG state is ever carried over.
Each function accepts Python ints or NumPy integer arrays (broadcast together) and returns a
``np.uint64`` array (or a Python ``int`` when every argument is a scalar).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "siphash13",
    "siphash13_bytes",
    "derive_forward_seed",
    "derive_forward_seed_grouped",
    "derive_opening_seed",
    "derive_stage_seed",
]

_U64 = np.uint64
_MASK64 = (1 << 64) - 1


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << _U64(r)) | (x >> _U64(64 - r))


def _sipround(v0, v1, v2, v3):  # noqa: ANN001, ANN202 - internal hot helper on uint64 arrays
    v0 = v0 + v1
    v1 = _rotl(v1, 13) ^ v0
    v0 = _rotl(v0, 32)
    v2 = v2 + v3
    v3 = _rotl(v3, 16) ^ v2
    v0 = v0 + v3
    v3 = _rotl(v3, 21) ^ v0
    v2 = v2 + v1
    v1 = _rotl(v1, 17) ^ v2
    v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def siphash13(message: np.ndarray) -> np.ndarray:
    """SipHash-1-3 with key 0 of each row of a ``(n, L)`` uint8 array; returns ``(n,)`` uint64."""
    msg = np.ascontiguousarray(message, dtype=np.uint8)
    n, length = msg.shape
    n_blocks = length // 8 + 1
    padded = np.zeros((n, n_blocks * 8), dtype=np.uint8)
    padded[:, :length] = msg
    padded[:, -1] = length & 0xFF
    blocks = padded.view("<u8").astype(np.uint64)
    v0 = np.full(n, 0x736F6D6570736575, dtype=np.uint64)
    v1 = np.full(n, 0x646F72616E646F6D, dtype=np.uint64)
    v2 = np.full(n, 0x6C7967656E657261, dtype=np.uint64)
    v3 = np.full(n, 0x7465646279746573, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for b in range(n_blocks):
            m = blocks[:, b]
            v3 = v3 ^ m
            v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
            v0 = v0 ^ m
        v2 = v2 ^ _U64(0xFF)
        for _ in range(3):
            v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def _to_u64(value: object) -> np.ndarray:
    """Python ints (< 2**64, or negative i64 reinterpreted) and arrays to uint64, no overflow."""
    if isinstance(value, (int, np.integer)):
        return np.asarray(int(value) & _MASK64, dtype=np.uint64)
    arr = np.asarray(value)
    return arr.astype(np.int64).view(np.uint64) if arr.dtype.kind == "i" else arr.astype(np.uint64)


def _to_u32(value: object) -> np.ndarray:
    if isinstance(value, (int, np.integer)):
        return np.asarray(int(value) & 0xFFFFFFFF, dtype=np.uint32)
    return (np.asarray(value).astype(np.int64) & 0xFFFFFFFF).astype(np.uint32)


def _derive(prefix: bytes, base: object, *fields: object) -> np.ndarray | int:
    scalar = all(isinstance(v, (int, np.integer)) for v in (base, *fields))
    if scalar:
        msg = prefix + (int(base) & _MASK64).to_bytes(8, "little")
        msg += b"".join((int(f) & 0xFFFFFFFF).to_bytes(4, "little") for f in fields)
        return siphash13_bytes(msg)
    arrays = np.broadcast_arrays(_to_u64(base), *(_to_u32(f) for f in fields))
    shape = arrays[0].shape
    n = arrays[0].size
    parts = [np.tile(np.frombuffer(prefix, dtype=np.uint8), (n, 1))] if prefix else []
    for arr, dtype in zip(arrays, ["<u8"] + ["<u4"] * len(fields), strict=True):
        flat = np.ascontiguousarray(arr.reshape(-1).astype(dtype))
        parts.append(flat.view(np.uint8).reshape(n, -1))
    out = siphash13(np.concatenate(parts, axis=1))
    return out.reshape(shape)


def derive_forward_seed(base: object, iteration: object, scenario: object, stage: object):  # noqa: ANN201
    """SipHash of base u64 ‖ iteration u32 ‖ scenario u32 ‖ stage u32 (20 bytes)."""
    return _derive(b"", base, iteration, scenario, stage)


def derive_forward_seed_grouped(base: object, iteration: object, scenario: object, group: object):  # noqa: ANN201
    """SipHash of 0x01 ‖ base ‖ iteration ‖ scenario ‖ group (21 bytes, out-of-sample SAA)."""
    return _derive(b"\x01", base, iteration, scenario, group)


def derive_opening_seed(base: object, opening: object, stage: object):  # noqa: ANN201
    """SipHash of base ‖ opening u32 ‖ stage u32 (16 bytes)."""
    return _derive(b"", base, opening, stage)


def derive_stage_seed(base: object, stage: object):  # noqa: ANN201
    """SipHash of base ‖ stage u32 (12 bytes)."""
    return _derive(b"", base, stage)


def _rotl_int(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _MASK64


def siphash13_bytes(message: bytes) -> int:
    """Scalar SipHash-1-3 (key 0) on Python integers: cheaper than NumPy for one message."""
    m64 = _MASK64
    v0, v1, v2, v3 = 0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573
    length = len(message)
    tail = length & ~7
    blocks = [int.from_bytes(message[i : i + 8], "little") for i in range(0, tail, 8)]
    blocks.append(int.from_bytes(message[tail:], "little") | ((length & 0xFF) << 56))
    for m in blocks:  # SipHash-1-3: one compression round per block, rotations inlined
        v3 ^= m
        v0 = (v0 + v1) & m64
        v1 = (((v1 << 13) | (v1 >> 51)) & m64) ^ v0
        v0 = ((v0 << 32) | (v0 >> 32)) & m64
        v2 = (v2 + v3) & m64
        v3 = (((v3 << 16) | (v3 >> 48)) & m64) ^ v2
        v0 = (v0 + v3) & m64
        v3 = (((v3 << 21) | (v3 >> 43)) & m64) ^ v0
        v2 = (v2 + v1) & m64
        v1 = (((v1 << 17) | (v1 >> 47)) & m64) ^ v2
        v2 = ((v2 << 32) | (v2 >> 32)) & m64
        v0 ^= m
    v2 ^= 0xFF
    for _ in range(3):
        v0 = (v0 + v1) & m64
        v1 = (((v1 << 13) | (v1 >> 51)) & m64) ^ v0
        v0 = ((v0 << 32) | (v0 >> 32)) & m64
        v2 = (v2 + v3) & m64
        v3 = (((v3 << 16) | (v3 >> 48)) & m64) ^ v2
        v0 = (v0 + v3) & m64
        v3 = (((v3 << 21) | (v3 >> 43)) & m64) ^ v0
        v2 = (v2 + v1) & m64
        v1 = (((v1 << 17) | (v1 >> 47)) & m64) ^ v2
        v2 = ((v2 << 32) | (v2 >> 32)) & m64
    return v0 ^ v1 ^ v2 ^ v3
