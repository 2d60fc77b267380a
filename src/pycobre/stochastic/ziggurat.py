"""Standard normal draws by the 256-layer ziggurat of rand_distr (spec 11 §16.6).

The tables are regenerated at import from Doornik's ZIGNOR parameters, rounded through 18
decimals as the published tables are, and checked against the spec's SHA-256 checksums so a
platform libm difference cannot silently change every opening tree.
"""

from __future__ import annotations

import hashlib
import math
import struct

import numpy as np

from pycobre.stochastic.pcg64 import Pcg64, Pcg64Lanes

__all__ = ["ZIG_X", "ZIG_F", "normal_scalar", "normals_lanes"]

_R = 3.6541528853610088
_V = 0.00492867323399
_X_SHA = "7bc388aa829fd6869fb9b705f4b6d2879d0b220b3bc1cb7e7c1a4d1bfb0dfbb2"
_F_SHA = "cbce58dfa577bcd3c28186b603071fcf3bdbea24c32db14811133312ce7697f9"


def _build_tables() -> tuple[list[float], list[float]]:
    def f(x: float) -> float:
        return math.exp(-x * x / 2.0)

    x = [0.0] * 257
    x[0] = _V / f(_R)
    x[1] = _R
    for i in range(2, 256):
        x[i] = math.sqrt(-2.0 * math.log(_V / x[i - 1] + f(x[i - 1])))
    x[256] = 0.0
    fv = [f(v) for v in x]
    x = [float(f"{v:.18f}") for v in x]
    fv = [float(f"{v:.18f}") for v in fv]
    fv[94] = float.fromhex("0x1.a6b7e0b1996dfp-3")
    return x, fv


def _sha(values: list[float]) -> str:
    return hashlib.sha256(struct.pack("<257d", *values)).hexdigest()


_XL, _FL = _build_tables()
if _sha(_XL) != _X_SHA or _sha(_FL) != _F_SHA:  # pragma: no cover - platform libm guard
    raise ImportError("ziggurat tables do not match Cobre's (libm differs); see spec 11 §16.6")
ZIG_X = np.array(_XL)
ZIG_F = np.array(_FL)
_SCALE = 2.0**-51


def _finish(gen: Pcg64, bits: int) -> float:
    """Sequential algorithm from an already-drawn word that missed the fast path."""
    while True:
        i = bits & 0xFF
        u = (bits >> 12) * _SCALE - 1.0
        x = u * _XL[i]
        if abs(x) < _XL[i + 1]:
            return x
        if i == 0:
            while True:
                xt = math.log(gen.open01()) / _R
                yt = math.log(gen.open01())
                if not (-2.0 * yt < xt * xt):
                    break
            return _R - xt if u >= 0.0 else xt - _R
        if _FL[i + 1] + (_FL[i] - _FL[i + 1]) * gen.random_f64() < math.exp(-x * x / 2.0):
            return x
        bits = gen.next_u64()


def normal_scalar(gen: Pcg64) -> float:
    """One standard normal from a scalar stream."""
    return _finish(gen, gen.next_u64())


def normals_lanes(lanes: Pcg64Lanes, count: int) -> np.ndarray:
    """``count`` consecutive normals from every lane: array ``(len(lanes), count)``.

    Vectorised over lanes with the exact per-lane word order of the sequential sampler: the
    fast path and the wedge test run on NumPy arrays (the wedge's ``exp`` through scalar libm,
    as Cobre), rejected lanes redraw fresh bits, and the rare tail lanes finish one by one.
    """
    n = len(lanes)
    out = np.empty((n, count))
    all_lanes = np.arange(n)
    for k in range(count):
        pending = all_lanes
        bits = lanes.next_u64()
        while pending.size:
            layer = (bits & np.uint64(0xFF)).astype(np.intp)
            u = (bits >> np.uint64(12)).astype(np.float64) * _SCALE - 1.0
            x = u * ZIG_X[layer]
            ok = np.abs(x) < ZIG_X[layer + 1]
            out[pending[ok], k] = x[ok]
            tail = ~ok & (layer == 0)
            for j in np.flatnonzero(tail):
                i = int(pending[j])
                gen = lanes.lane(i)
                out[i, k] = _finish(gen, int(bits[j]))
                lanes.set_lane(i, gen)
            wedge = ~ok & (layer != 0)
            if not wedge.any():
                break
            idx = pending[wedge]
            xw, lw = x[wedge], layer[wedge]
            w = (lanes.next_u64_at(idx) >> np.uint64(11)).astype(np.float64) * 2.0**-53
            lhs = ZIG_F[lw + 1] + (ZIG_F[lw] - ZIG_F[lw + 1]) * w
            rhs = np.array([math.exp(-v * v / 2.0) for v in xw.tolist()])
            accept = lhs < rhs
            out[idx[accept], k] = xw[accept]
            pending = idx[~accept]
            if pending.size:
                bits = lanes.next_u64_at(pending)
    return out
