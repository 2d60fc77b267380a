"""Per-trajectory inflow-lag transition after each solved stage (spec 11 §13.2–13.3).

The stochastic layer precomputes one transition record per stage (weights and flags); the
forward pass owns the running accumulators of a trajectory and turns (incoming state, LP outgoing
storages, realised inflows) into the outgoing state that becomes the trial point. Without a record
(no ``season_definitions``) the lags stay frozen, as in the reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["TransitionRecord", "LagAccumulator", "ExtraStateLayout", "transition_records"]


@dataclass(frozen=True)
class TransitionRecord:
    aw: float = 0.0
    sw: float = 0.0
    fin: bool = False
    ds: bool = False
    daw: float = 0.0
    dsw: float = 0.0
    dfin: bool = False
    rebuild: bool = False

    @classmethod
    def plain_shift(cls) -> TransitionRecord:
        return cls(aw=1.0, sw=0.0, fin=True)

    @classmethod
    def from_object(cls, obj: Any) -> TransitionRecord:
        """Read a stochastic-layer record by its long (spec) or short field names."""
        if obj is None:
            return cls()
        if isinstance(obj, TransitionRecord):
            return obj

        def get(long: str, short: str, default: Any) -> Any:
            if isinstance(obj, dict):
                return obj.get(long, obj.get(short, default))
            return getattr(obj, long, getattr(obj, short, default))

        return cls(
            aw=float(get("accumulate_weight", "aw", 0.0)),
            sw=float(get("spillover_weight", "sw", 0.0)),
            fin=bool(get("finalize_period", "fin", False)),
            ds=bool(get("accumulate_downstream", "ds", False)),
            daw=float(get("downstream_accumulate_weight", "daw", 0.0)),
            dsw=float(get("downstream_spillover_weight", "dsw", 0.0)),
            dfin=bool(get("downstream_finalize", "dfin", False)),
            rebuild=bool(get("rebuild_from_downstream", "rebuild", False)),
        )


def transition_records(stochastic: Any, n_stages: int) -> list[TransitionRecord]:
    """One record per study stage; frozen (no-op) when the stochastic model has none."""
    fn = getattr(stochastic, "lag_transition", None)
    if fn is None:
        return [TransitionRecord() for _ in range(n_stages)]
    return [TransitionRecord.from_object(fn(t)) for t in range(n_stages)]


@dataclass(frozen=True)
class ExtraStateLayout:
    """Where the within-period accumulators sit in the state vector (default mode, spec 10 §16).

    Cobre's state has no room for them, so its cuts are wrong on stages that finalise a
    partial period; pycobre appends ``acc`` (H), ``dacc`` (H) and the quarter ring (L·H,
    lag-major) after the lags when the stage LPs carry them. The LP templates announce the
    positions as ``template.lag_state_extras = {"acc": (start, H), "dacc": ..., "ring": ...}``.
    The weights ``W``, ``DW`` and the ring count are the same for every trajectory, so they stay
    private to the accumulator.
    """

    acc: slice | None = None
    dacc: slice | None = None
    ring: slice | None = None

    @classmethod
    def from_template(cls, template: Any) -> ExtraStateLayout | None:
        spec = getattr(template, "lag_state_extras", None)
        if not spec:
            return None

        def sl(name: str) -> slice | None:
            if name not in spec or spec[name] is None:
                return None
            start, count = spec[name]
            return slice(int(start), int(start) + int(count))

        return cls(acc=sl("acc"), dacc=sl("dacc"), ring=sl("ring"))


class LagAccumulator:
    """Running accumulators of one trajectory (primary and quarterly/downstream)."""

    def __init__(
        self,
        n_hydros: int,
        n_lags: int,
        seed: tuple[np.ndarray, float] | None = None,
        layout: ExtraStateLayout | None = None,
    ):
        self.h = n_hydros
        self.lags = n_lags
        self.layout = layout
        self.reset(seed)

    def reset(self, seed: tuple[np.ndarray, float] | None = None) -> None:
        if seed is None:
            self.acc = np.zeros(self.h)
            self.weight = 0.0
        else:
            self.acc = np.array(seed[0], dtype=np.float64, copy=True)
            self.weight = float(seed[1])
        self.dacc = np.zeros(self.h)
        self.dweight = 0.0
        self.ring = np.zeros((max(self.lags, 1), self.h))
        self.n_completed = 0

    def apply(
        self, rec: TransitionRecord, x_in: np.ndarray, x_out: np.ndarray, z: np.ndarray
    ) -> None:
        """Write the outgoing lags (and accumulators, when in the state) of ``x_out`` in place."""
        if self.lags == 0 or self.h == 0:
            return
        lay = self.layout
        if lay is not None:  # the incoming state is authoritative for the accumulators
            if lay.acc is not None:
                self.acc = np.array(x_in[lay.acc], dtype=np.float64)
            if lay.dacc is not None:
                self.dacc = np.array(x_in[lay.dacc], dtype=np.float64)
            if lay.ring is not None:
                self.ring = np.array(x_in[lay.ring], dtype=np.float64).reshape(self.lags, self.h)
        self._transition(rec, x_in, x_out, np.asarray(z, dtype=np.float64))
        if lay is not None:
            if lay.acc is not None:
                x_out[lay.acc] = self.acc
            if lay.dacc is not None:
                x_out[lay.dacc] = self.dacc
            if lay.ring is not None:
                x_out[lay.ring] = self.ring.ravel()

    def _transition(
        self, rec: TransitionRecord, x_in: np.ndarray, x_out: np.ndarray, z: np.ndarray
    ) -> None:
        h, n_lags = self.h, self.lags
        lag_in = x_in[h : h + h * n_lags].reshape(n_lags, h)
        lag_out = x_out[h : h + h * n_lags].reshape(n_lags, h)
        lag_out[:] = lag_in  # frozen unless finalised/rebuilt below
        self.acc = self.acc + rec.aw * z
        self.weight += rec.aw
        if rec.ds:
            self.dacc = self.dacc + rec.daw * z
            self.dweight += rec.daw
            if rec.dfin and self.dweight > 0.0:
                self.ring[min(self.n_completed, n_lags - 1)] = self.dacc / self.dweight
                self.n_completed = min(self.n_completed + 1, n_lags)
                if rec.dsw > 0.0:
                    self.dacc = rec.dsw * z
                    self.dweight = rec.dsw
                else:
                    self.dacc = np.zeros(h)
                    self.dweight = 0.0
        if rec.rebuild and self.n_completed > 0:
            nc = self.n_completed
            for i in range(min(nc, n_lags)):
                lag_out[i] = self.ring[nc - 1 - i]
            self.ring[:] = 0.0
            self.n_completed = 0
            self.dacc = np.zeros(h)
            self.dweight = 0.0
            return
        if rec.fin and self.weight > 0.0:
            lag_out[0] = self.acc / self.weight
            if n_lags > 1:
                lag_out[1:] = lag_in[:-1]
            if rec.sw > 0.0:
                self.acc = rec.sw * z
                self.weight = rec.sw
            else:
                self.acc = np.zeros(h)
                self.weight = 0.0
