"""PCG64 (128-bit LCG, XSL-RR 128/64 output) seeded as Cobre's ``seed_from_u64`` (spec 11 §16.3-5).

Two forms with identical streams:

* :class:`Pcg64` — one generator on Python integers (used where draws are few or sequential);
* :class:`Pcg64Lanes` — many independent generators advanced in lock-step on ``uint64`` arrays
  (the 128-bit state as high/low words), so a whole opening tree is drawn with a handful of
  NumPy operations per draw instead of a Python loop per stream.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Pcg64", "Pcg64Lanes", "seed_bytes_from_u64", "PCG_MULTIPLIER"]

PCG_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645
_M128 = (1 << 128) - 1
_M64 = (1 << 64) - 1
_M32 = 0xFFFFFFFF
_MUL_HI = np.uint64(PCG_MULTIPLIER >> 64)
_MUL_LO = np.uint64(PCG_MULTIPLIER & _M64)
_PCG32_MUL = 6364136223846793005
_PCG32_INC = 11634580027462260723


def seed_bytes_from_u64(seed: int) -> bytes:
    """Expand a u64 into the 32-byte seed with eight PCG32 steps (rand_core ``seed_from_u64``)."""
    s = seed & _M64
    out = bytearray()
    for _ in range(8):
        s = (s * _PCG32_MUL + _PCG32_INC) & _M64
        xs = (((s >> 18) ^ s) >> 27) & _M32
        r = s >> 59
        word = ((xs >> r) | (xs << ((32 - r) & 31))) & _M32
        out += word.to_bytes(4, "little")
    return bytes(out)


class Pcg64:
    """A single PCG64 stream on Python integers."""

    __slots__ = ("state", "inc")

    def __init__(self, state: int, inc: int) -> None:
        self.state = state
        self.inc = inc

    @classmethod
    def from_u64(cls, seed: int) -> Pcg64:
        raw = seed_bytes_from_u64(int(seed))
        state = int.from_bytes(raw[0:16], "little")
        inc = int.from_bytes(raw[16:32], "little") | 1
        state = (state + inc) & _M128
        state = (state * PCG_MULTIPLIER + inc) & _M128
        return cls(state, inc)

    def next_u64(self) -> int:
        state = (self.state * PCG_MULTIPLIER + self.inc) & _M128
        self.state = state
        rot = state >> 122
        x = ((state >> 64) ^ state) & _M64
        return ((x >> rot) | (x << ((64 - rot) & 63))) & _M64

    def next_u32(self) -> int:
        return self.next_u64() & _M32

    def random_f64(self) -> float:
        """53-bit uniform in [0, 1) (rand's ``random::<f64>()``)."""
        return (self.next_u64() >> 11) * (2.0**-53)

    def uniform01_52(self) -> float:
        """52-bit uniform in [0, 1) (rand's ``Uniform(0, 1)`` sample, used by LHS)."""
        return (self.next_u64() >> 12) * (2.0**-52)

    def open01(self) -> float:
        """Uniform in (0, 1) (rand's ``Open01``)."""
        m = self.next_u64() >> 12
        return float.fromhex(f"0x1.{m:013x}p+0") - (1.0 - 2.0**-53)

    def bounded(self, n: int) -> int:
        """Integer in [0, n), Canon's nearly-divisionless 32-bit method (``random_range``)."""
        p = self.next_u32() * n
        result = p >> 32
        lo = p & _M32
        if lo > ((-n) & _M32):
            h = (self.next_u32() * n) >> 32
            if lo + h > _M32:
                result += 1
        return result

    def shuffle(self, values: list) -> None:
        """Fisher–Yates from the top with ``random_range(0..=i)`` draws, in place."""
        for i in range(len(values) - 1, 0, -1):
            j = self.bounded(i + 1)
            values[i], values[j] = values[j], values[i]


def _mulhi64(a: np.ndarray, b: np.ndarray | np.uint64) -> np.ndarray:
    """High 64 bits of the 128-bit product of uint64 arrays (32-bit limbs)."""
    m32 = np.uint64(_M32)
    s32 = np.uint64(32)
    a0, a1 = a & m32, a >> s32
    b0, b1 = b & m32, b >> s32
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> s32) + (p01 & m32) + (p10 & m32)
    return p11 + (p01 >> s32) + (p10 >> s32) + (mid >> s32)


class Pcg64Lanes:
    """``n`` independent PCG64 streams stepped together; state/inc held as (hi, lo) uint64."""

    __slots__ = ("hi", "lo", "inc_hi", "inc_lo")

    def __init__(self, hi: np.ndarray, lo: np.ndarray, inc_hi: np.ndarray, inc_lo: np.ndarray):
        self.hi, self.lo, self.inc_hi, self.inc_lo = hi, lo, inc_hi, inc_lo

    def __len__(self) -> int:
        return self.hi.shape[0]

    @classmethod
    def from_u64(cls, seeds: np.ndarray) -> Pcg64Lanes:
        s = np.asarray(seeds, dtype=np.uint64).reshape(-1).copy()
        words = np.empty((s.shape[0], 8), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(8):
                s = s * np.uint64(_PCG32_MUL) + np.uint64(_PCG32_INC)
                xs = (((s >> np.uint64(18)) ^ s) >> np.uint64(27)) & np.uint64(_M32)
                r = s >> np.uint64(59)
                words[:, k] = (
                    (xs >> r) | (xs << ((np.uint64(32) - r) & np.uint64(31)))
                ) & np.uint64(_M32)
            w = words[:, 0::2] | (words[:, 1::2] << np.uint64(32))
            lanes = cls(w[:, 1].copy(), w[:, 0].copy(), w[:, 3].copy(), w[:, 2] | np.uint64(1))
            lanes._add_inc()
            lanes._step()
        return lanes

    def _add_inc(self) -> None:
        lo = self.lo + self.inc_lo
        carry = (lo < self.lo).astype(np.uint64)
        self.hi = self.hi + self.inc_hi + carry
        self.lo = lo

    def _step(self) -> None:
        hi = _mulhi64(self.lo, _MUL_LO) + self.lo * _MUL_HI + self.hi * _MUL_LO
        self.lo = self.lo * _MUL_LO
        self.hi = hi
        self._add_inc()

    def next_u64(self) -> np.ndarray:
        """Advance every lane once and return the XSL-RR outputs."""
        with np.errstate(over="ignore"):
            self._step()
            rot = self.hi >> np.uint64(58)
            x = self.hi ^ self.lo
            return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))

    def next_u32(self) -> np.ndarray:
        return self.next_u64() & np.uint64(_M32)

    def next_u64_at(self, idx: np.ndarray) -> np.ndarray:
        """Advance only the lanes ``idx`` (gather, step, scatter) and return their outputs."""
        sub = self.subset(idx)
        out = sub.next_u64()
        self.hi[idx] = sub.hi
        self.lo[idx] = sub.lo
        return out

    def bounded(self, n: int | np.ndarray) -> np.ndarray:
        """Integers in [0, n) per lane (Canon's method; rare second words handled per lane)."""
        nn = np.broadcast_to(np.asarray(n, dtype=np.uint64), self.hi.shape)
        with np.errstate(over="ignore"):
            p = self.next_u32() * nn
            result = p >> np.uint64(32)
            lo = p & np.uint64(_M32)
            need = lo > ((np.uint64(1 << 32) - nn) & np.uint64(_M32))
            for i in np.flatnonzero(need):
                g = self.lane(int(i))
                h = (g.next_u32() * int(nn[i])) >> 32
                if int(lo[i]) + h > _M32:
                    result[i] += np.uint64(1)
                self.set_lane(int(i), g)
        return result.astype(np.int64)

    def lane(self, i: int) -> Pcg64:
        """A scalar copy of lane ``i`` (to finish a rare branch with Python integers)."""
        state = (int(self.hi[i]) << 64) | int(self.lo[i])
        inc = (int(self.inc_hi[i]) << 64) | int(self.inc_lo[i])
        return Pcg64(state, inc)

    def set_lane(self, i: int, gen: Pcg64) -> None:
        self.hi[i] = np.uint64(gen.state >> 64)
        self.lo[i] = np.uint64(gen.state & _M64)

    def subset(self, idx: np.ndarray) -> Pcg64Lanes:
        return Pcg64Lanes(self.hi[idx], self.lo[idx], self.inc_hi[idx], self.inc_lo[idx])
