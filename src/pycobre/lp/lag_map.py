"""Outgoing-state map of the inflow lags with the lag accumulators as state (spec 10 §16).

Spec 11 §13 moves the lags with per-trajectory accumulators: a finalising stage whose period
already holds weight writes lag 1 = (acc_in + aw·z)/W', and the first quarterly stage rebuilds
its lags from a ring of quarter averages. Those quantities are not in Cobre's state, so a cut
row that maps lag 1 to z is evaluated at the wrong point (invalid cuts). In default mode pycobre
carries them as extra state components ``[acc (N) | dacc (N) | ring (L·N)]`` after the lags,
and every outgoing component becomes a linear combination of this stage's columns.

The weights W, DW and the ring count are the same for every trajectory (they only depend on the
transition records and the §13.4 seed), so they are replayed here once, stage by stage.
The map is symbolic per hydro: ``rules[target] = ((source, coefficient), ...)`` with targets
``('lag', i)``, ``'acc'``, ``'dacc'``, ``('ring', i)`` and sources ``'z'``, ``('lag', i)``,
``'acc'``, ``'dacc'``, ``('ring', i)`` (0-based lag/slot index), identical for all hydros.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Source = str | tuple[str, int]
Rules = dict[Source, tuple[tuple[Source, float], ...]]


@dataclass(frozen=True)
class LagStateMap:
    """Per-stage outgoing map of the lag part of the state plus the accumulator blocks."""

    n_lags: int
    has_acc: bool  # primary accumulator block present in the state
    has_ring: bool  # downstream accumulator and quarter ring present
    rules: Rules  # outgoing component -> linear combination of sources

    @property
    def n_aux_per_hydro(self) -> int:
        return int(self.has_acc) + (1 + self.n_lags if self.has_ring else 0)


@dataclass(frozen=True)
class _Record:
    aw: float
    sw: float
    fin: bool
    ds: bool
    daw: float
    dsw: float
    dfin: bool
    rebuild: bool


def _record(obj: Any) -> _Record:
    def get(long: str, short: str, default: Any) -> Any:
        return getattr(obj, long, getattr(obj, short, default))

    return _Record(
        aw=float(get("accumulate_weight", "aw", 0.0)),
        sw=float(get("spillover_weight", "sw", 0.0)),
        fin=bool(get("finalize_period", "fin", False)),
        ds=bool(get("accumulate_downstream", "ds", False)),
        daw=float(get("downstream_accumulate_weight", "daw", 0.0)),
        dsw=float(get("downstream_spillover_weight", "dsw", 0.0)),
        dfin=bool(get("downstream_finalize", "dfin", False)),
        rebuild=bool(get("rebuild_from_downstream", "rebuild", False)),
    )


def _combo(*terms: tuple[Source, float]) -> tuple[tuple[Source, float], ...]:
    return tuple((s, c) for s, c in terms if c != 0.0)


def lag_state_maps(stochastic: Any, n_stages: int, n_lags: int) -> list[LagStateMap] | None:
    """Per-stage maps, or None when plain shift / frozen lags already give exact cuts."""
    getter = getattr(stochastic, "lag_transition", None)
    if getter is None or n_lags == 0 or n_stages == 0:
        return None
    recs = [_record(getter(t)) for t in range(n_stages)]
    seed = getattr(stochastic, "initial_accumulator", None)
    seed = seed() if callable(seed) else seed
    w_seed = float(seed[1]) if seed is not None else 0.0
    L = n_lags

    # pass 1: replay the deterministic weights to see which blocks the state needs
    need_acc = need_ring = False
    w, dw, nc = w_seed, 0.0, 0
    for r in recs:
        w1 = w + r.aw
        if r.ds:
            dw += r.daw
            if r.dfin and dw > 0.0:
                nc = min(nc + 1, L)
                dw = r.dsw if r.dsw > 0.0 else 0.0
        if r.rebuild and nc > 0:
            need_ring = True
            nc, dw, w = 0, 0.0, w1
        elif r.fin and w1 > 0.0:
            need_acc = need_acc or w > 0.0
            w = r.sw if r.sw > 0.0 else 0.0
        else:
            w = w1
    if not (need_acc or need_ring):
        return None

    # pass 2: symbolic rules per stage
    maps = []
    w, dw, nc = w_seed, 0.0, 0
    for r in recs:
        rules: Rules = {}
        lag = {("lag", i): _combo((("lag", i), 1.0)) for i in range(L)}
        ring = {("ring", i): _combo((("ring", i), 1.0)) for i in range(L)}
        dacc = _combo(("dacc", 1.0))
        w1 = w + r.aw
        acc1 = _combo(("acc", 1.0 if need_acc else 0.0), ("z", r.aw))
        if r.ds:
            dw1 = dw + r.daw
            dacc = _combo(("dacc", 1.0), ("z", r.daw))
            if r.dfin and dw1 > 0.0:
                slot = min(nc, L - 1)
                ring[("ring", slot)] = tuple((s, c / dw1) for s, c in dacc)
                nc = min(nc + 1, L)
                dacc = _combo(("z", r.dsw))
                dw = r.dsw if r.dsw > 0.0 else 0.0
            else:
                dw = dw1
        if r.rebuild and nc > 0:
            for i in range(min(nc, L)):
                lag[("lag", i)] = ring[("ring", nc - 1 - i)]
            ring = {k: () for k in ring}
            dacc = ()
            nc, dw = 0, 0.0
            acc_out, w = acc1, w1
        elif r.fin and w1 > 0.0:
            lag[("lag", 0)] = tuple((s, c / w1) for s, c in acc1)
            for i in range(1, L):
                lag[("lag", i)] = _combo((("lag", i - 1), 1.0))
            acc_out = _combo(("z", r.sw))
            w = r.sw if r.sw > 0.0 else 0.0
        else:
            acc_out, w = acc1, w1
        rules.update(lag)
        if need_acc:
            rules["acc"] = acc_out
        if need_ring:
            rules["dacc"] = dacc
            rules.update(ring)
        maps.append(LagStateMap(L, need_acc, need_ring, rules))
    return maps


def initial_aux(stochastic: Any, state_map: LagStateMap, n_hydros: int) -> list[float]:
    """Stage-0 values of the accumulator blocks: the §13.4 seed, empty downstream buffers."""
    out: list[float] = []
    if state_map.has_acc:
        seed = getattr(stochastic, "initial_accumulator", None)
        seed = seed() if callable(seed) else seed
        acc = [0.0] * n_hydros if seed is None else [float(v) for v in seed[0]]
        out += acc
    if state_map.has_ring:
        out += [0.0] * (n_hydros * (1 + state_map.n_lags))
    return out
