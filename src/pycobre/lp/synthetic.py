"""Build :class:`StageData` from short dict descriptions (tests, benchmarks, examples).

Every entity is a dict; missing keys take neutral defaults (no bounds, zero costs except the
standard penalty values of the deterministic test cases).  Entity ids are the list positions
unless given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pycobre.lp.stage_data import (
    BusData,
    FphaPlanes,
    GenericRow,
    GenericTerm,
    HydroData,
    InflowData,
    LineData,
    NcsData,
    StageData,
    ThermalData,
)

INF = float("inf")

HYDRO_DEFAULTS: dict[str, Any] = {
    "bus": 0, "downstream": -1, "diversion_target": -1, "diversion_max": 0.0,
    "vmin": 0.0, "vmax": 1e6, "qmin": 0.0, "qmax": 1e6, "omin": 0.0, "omax": INF,
    "gmin": 0.0, "gmax": 1e6, "withdrawal": 0.0, "productivity": 1.0,
    "productivity_entity": None, "is_fpha": False,
    "cost_spill": 0.01, "cost_diversion": 0.01, "cost_fpha": 0.01,
    "cost_outflow_below": 1e4, "cost_outflow_above": 1e4, "cost_turbined_below": 1e4,
    "cost_generation_below": 1e4, "cost_inflow": 1000.0,
    "cost_withdrawal_neg": 1e4, "cost_withdrawal_pos": 1e4,
    "cost_evaporation_neg": 1e4, "cost_evaporation_pos": 1e4,
    "has_evaporation": False, "evap_k0": 0.0, "evap_kv": 0.0,
    "inflow_mean": 0.0, "inflow_sigma": 0.0, "psi": (), "ar_order": 0,
    "planes": (),  # (gamma0*kappa, gamma_v, gamma_q, gamma_s) per plane
}


def _col(items: Sequence[dict], key: str, default: Any, dtype=np.float64) -> np.ndarray:
    return np.array([it.get(key, default) for it in items], dtype=dtype)


def make_stage(
    *,
    hours: Sequence[float] = (730.0,),
    buses: Sequence[dict] = ({},),
    thermals: Sequence[dict] = (),
    hydros: Sequence[dict] = (),
    lines: Sequence[dict] = (),
    ncs: Sequence[dict] = (),
    generic: Sequence[dict] = (),
    n_lags: int = 0,
    index: int = 0,
    discount: float = 1.0,
    is_last: bool = True,
    inflow_method: str = "none",
    cobre_compat: bool = False,
    lag_cut_map: str = "shift",
) -> StageData:
    """StageData from dict lists (see module docstring and ``HYDRO_DEFAULTS``).

    Bus keys: ``load`` (MW), ``load_std``, ``load_factor`` (K,), ``deficit`` [(depth|None, cost)],
    ``excess_cost``, ``noise`` (bool: owns a load-noise slot).  Thermal: ``bus, min, max, cost``.
    Line: ``source, target, direct, reverse, direct_factor, reverse_factor, cost``.  NCS: ``bus,
    available, max_generation, mean, std, stochastic, factor, curtailment_cost``.  Generic:
    ``id, block, sense, bound, slack_penalty (None: no slack), terms [(kind, pos, block, coef)]``.
    """
    hours_a = np.asarray(hours, dtype=np.float64)
    K = hours_a.shape[0]
    B = len(buses)
    seg_bus, seg_depth, seg_cost = [], [], []
    for b, bus in enumerate(buses):
        for depth, cost in bus.get("deficit", [(None, 1000.0)]):
            seg_bus.append(b)
            seg_depth.append(INF if depth is None else depth)
            seg_cost.append(cost)
    bus_data = BusData(
        ids=np.array([bu.get("id", i) for i, bu in enumerate(buses)], dtype=np.int64),
        excess_cost=_col(buses, "excess_cost", 0.01),
        load_mean=_col(buses, "load", 0.0),
        load_std=_col(buses, "load_std", 0.0),
        load_factor=np.array(
            [np.broadcast_to(np.asarray(bu.get("load_factor", 1.0), float), (K,)) for bu in buses]
        ).reshape(B, K),
        seg_bus=np.array(seg_bus, dtype=np.int64),
        seg_depth=np.array(seg_depth, dtype=np.float64),
        seg_cost=np.array(seg_cost, dtype=np.float64),
    )
    Lb = len(lines)

    def fac(items, key, n):
        return np.array(
            [np.broadcast_to(np.asarray(it.get(key, 1.0), float), (K,)) for it in items]
        ).reshape(n, K)

    line_data = LineData(
        ids=np.array([li.get("id", i) for i, li in enumerate(lines)], dtype=np.int64),
        source=_col(lines, "source", 0, np.int64),
        target=_col(lines, "target", 0, np.int64),
        direct_mw=_col(lines, "direct", 0.0),
        reverse_mw=_col(lines, "reverse", 0.0),
        direct_factor=fac(lines, "direct_factor", Lb),
        reverse_factor=fac(lines, "reverse_factor", Lb),
        exchange_cost=_col(lines, "cost", 0.01),
    )
    th_data = ThermalData(
        ids=np.array([t.get("id", i) for i, t in enumerate(thermals)], dtype=np.int64),
        bus=_col(thermals, "bus", 0, np.int64),
        min_mw=_col(thermals, "min", 0.0),
        max_mw=_col(thermals, "max", 0.0),
        cost=_col(thermals, "cost", 0.0),
    )
    hs = [{**HYDRO_DEFAULTS, **h} for h in hydros]
    N = len(hs)
    for h in hs:
        if h["productivity_entity"] is None:
            h["productivity_entity"] = h["productivity"]
    pl_h, pl = [], []
    for i, h in enumerate(hs):
        for plane in h["planes"]:
            pl_h.append(i)
            pl.append(plane)
    pla = np.array(pl, dtype=np.float64).reshape(len(pl), 4)
    planes = FphaPlanes(np.array(pl_h, dtype=np.int64), pla[:, 0], pla[:, 1], pla[:, 2], pla[:, 3])
    keys = [k for k in HYDRO_DEFAULTS if k not in ("inflow_mean", "inflow_sigma", "psi", "ar_order", "planes")]
    kw = {}
    for k in keys:
        dtype = bool if k in ("is_fpha", "has_evaporation") else (
            np.int64 if k in ("bus", "downstream", "diversion_target") else np.float64
        )
        kw[k] = np.array([h[k] for h in hs], dtype=dtype)
    hy_data = HydroData(ids=np.array([h.get("id", i) for i, h in enumerate(hs)], dtype=np.int64),
                        planes=planes, **kw)
    psi = np.zeros((N, n_lags))
    for i, h in enumerate(hs):
        p = np.asarray(h["psi"], dtype=np.float64)
        psi[i, : p.shape[0]] = p
    inflow = InflowData(
        base=np.array([h["inflow_mean"] for h in hs], dtype=np.float64),
        psi=psi,
        sigma=np.array([h["inflow_sigma"] for h in hs], dtype=np.float64),
        max_ar_order=np.array(
            [h["ar_order"] or len(h["psi"]) for h in hs], dtype=np.int64
        ),
    )
    load_noise_bus = np.array([b for b, bu in enumerate(buses) if bu.get("noise")], dtype=np.int64)
    R = len(ncs)
    stoch = _col(ncs, "stochastic", False, bool)
    slot = np.full(R, -1, dtype=np.int64)
    slot[stoch] = N + load_noise_bus.shape[0] + np.arange(int(stoch.sum()))
    ncs_data = NcsData(
        ids=np.array([r.get("id", i) for i, r in enumerate(ncs)], dtype=np.int64),
        bus=_col(ncs, "bus", 0, np.int64),
        available_mw=_col(ncs, "available", 0.0),
        max_generation_mw=_col(ncs, "max_generation", 0.0),
        mean=_col(ncs, "mean", 0.0),
        std=_col(ncs, "std", 0.0),
        stochastic=stoch,
        block_factor=fac(ncs, "factor", R),
        curtailment_cost=_col(ncs, "curtailment_cost", 0.005),
        noise_slot=slot,
    )
    rows = []
    for g in generic:
        pen = g.get("slack_penalty")
        blocks = range(K) if g.get("block") is None else [g["block"]]
        for k in blocks:
            rows.append(
                GenericRow(
                    constraint_id=g.get("id", 0), name=g.get("name", ""), block=k,
                    sense=g["sense"], bound=g["bound"], slack_enabled=pen is not None,
                    penalty=pen or 0.0,
                    terms=tuple(GenericTerm(*t) for t in g["terms"]),
                )
            )
    return StageData(
        index=index,
        stage_id=index,
        hours=hours_a,
        discount=discount,
        is_last=is_last,
        buses=bus_data,
        lines=line_data,
        thermals=th_data,
        hydros=hy_data,
        ncs=ncs_data,
        inflow=inflow,
        generic=tuple(rows),
        inflow_method=inflow_method,
        noise_dim=N + load_noise_bus.shape[0] + int(stoch.sum()),
        load_noise_bus=load_noise_bus,
        cobre_compat=cobre_compat,
        lag_cut_map=lag_cut_map,
    )
