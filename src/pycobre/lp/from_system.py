"""Fill :class:`StageData` for every study stage from a ``System`` and a ``StochasticModel``.

All cascade resolution has already happened in ``system.resolved`` (model-io) and the PAR
precomputation in ``stochastic`` (stochastic); this module only picks the stage's slice,
maps ids to positions and adds the LP-specific derived data (production models, FPHA planes,
evaporation coefficients, generic-constraint rows).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pycobre.errors import ValidationError
from pycobre.lp.evaporation import evaporation_coefficients
from pycobre.lp.lag_map import initial_aux, lag_state_maps
from pycobre.lp.production import GEOMETRY_FILE, PlaneSource, _entries, resolve_production
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

_TERM_COLLECTION = {
    "hydro_storage": "hydros", "hydro_evaporation": "hydros", "hydro_withdrawal": "hydros",
    "hydro_turbined": "hydros", "hydro_spillage": "hydros", "hydro_diversion": "hydros",
    "hydro_outflow": "hydros", "hydro_generation": "hydros", "thermal_generation": "thermals",
    "line_direct": "lines", "line_reverse": "lines", "line_exchange": "lines",
    "bus_deficit": "buses", "bus_excess": "buses",
}


def _cfg(system: Any, *keys: str, default: Any = None) -> Any:
    node = getattr(system, "config", None) or {}
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            return default
        node = node[k]
    return default if node is None else node


def cobre_compat_enabled(system: Any) -> bool:
    return bool(_cfg(system, "modeling", "cobre_compat", default=False))


def inflow_method(system: Any) -> str:
    return str(_cfg(system, "modeling", "inflow_non_negativity", "method", default="penalty"))


def initial_state(system: Any, stochastic: Any, templates: Any = None) -> np.ndarray:
    """Stage-0 incoming state: storages (0 when not listed), then lags lag-major (spec 10 §9.3),
    then the accumulator blocks when ``templates`` carry them (spec 10 §16)."""
    hydros = system.hydros
    ic = system.initial_conditions
    v0 = np.array([float(ic.storage_hm3(h.id)) for h in hydros], dtype=np.float64)
    lags = np.asarray(getattr(stochastic, "initial_lags", np.zeros((len(hydros), 0))), dtype=float)
    smap = templates[0].data.lag_state_map if templates else None
    aux = initial_aux(stochastic, smap, len(hydros)) if smap is not None else []
    return np.concatenate([v0, lags.T.ravel(), np.asarray(aux, dtype=np.float64)])


def _geometry(system: Any) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    t = (getattr(system, "tables", {}) or {}).get(GEOMETRY_FILE)
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if t is None:
        return out
    ids = np.asarray(t.column("hydro_id").to_pylist())
    vol = np.asarray(t.column("volume_hm3").to_pylist(), dtype=np.float64)
    area = np.asarray(t.column("area_km2").to_pylist(), dtype=np.float64)
    for hid in np.unique(ids):
        sel = ids == hid
        o = np.argsort(vol[sel], kind="stable")
        out[int(hid)] = (vol[sel][o], area[sel][o])
    return out


def _evaporation(system, hydros, stage, stage_hours, geometry):
    n = len(hydros)
    has = np.zeros(n, dtype=bool)
    k0 = np.zeros(n)
    kv = np.zeros(n)
    for i, h in enumerate(hydros):
        ev = h.evaporation
        if ev is None:
            continue
        ctx = {"file": "system/hydros.json", "entity_id": str(h.id), "field": "evaporation"}
        if stage.season_id is None:
            raise ValidationError(
                f"hydro {h.id} has evaporation but stage {stage.id} has no season_id",
                kind="PhysicalConstraint", context=ctx,
            )
        geo = geometry.get(int(h.id))
        if geo is None or geo[0].shape[0] == 0 or not np.any(geo[1] > 0):
            raise ValidationError(
                f"hydro {h.id} has evaporation data but no usable area-volume rows in "
                f"{GEOMETRY_FILE}",
                kind="PhysicalConstraint", context={**ctx, "file": GEOMETRY_FILE},
            )
        m = int(stage.season_id) % 12
        refs = ev.reference_volumes_hm3
        v_ref = (
            float(refs[m]) if refs is not None
            else 0.5 * (h.min_storage_hm3 + h.max_storage_hm3)
        )
        k0[i], kv[i] = evaporation_coefficients(
            float(ev.coefficients_mm[m]), geo[0], geo[1], v_ref, stage_hours
        )
        has[i] = True
    return has, k0, kv


def stage_inputs(
    system: Any, stochastic: Any, *, lag_cut_map: str | None = None,
    accumulator_state: bool = False,
) -> list[StageData]:
    """One StageData per study stage.

    ``accumulator_state`` (default mode only, no forced ``lag_cut_map``) adds the lag
    accumulators to the state where the transition rules need them (spec 10 §16, lag_map.py).
    """
    r = system.resolved
    stages = system.study_stages
    T = len(stages)
    hydros, buses, lines = system.hydros, system.buses, system.lines
    thermals, ncs_all = system.thermals, system.non_controllable_sources
    N, B = len(hydros), len(buses)
    bus_pos = {b.id: i for i, b in enumerate(buses)}
    hyd_pos = {h.id: i for i, h in enumerate(hydros)}
    pos_of = {
        "hydros": hyd_pos,
        "buses": bus_pos,
        "thermals": {t.id: i for i, t in enumerate(thermals)},
        "lines": {ln.id: i for i, ln in enumerate(lines)},
    }
    compat = cobre_compat_enabled(system)
    method = inflow_method(system)
    entries = _entries(system)
    planes_src = PlaneSource(system)
    geometry = _geometry(system)
    L = int(getattr(stochastic, "n_lags", 0))
    n_load_slots = int(np.asarray(stochastic.load_bus_positions).shape[0])
    ncs_slot = {
        int(p): N + n_load_slots + j for j, p in enumerate(np.asarray(stochastic.ncs_positions))
    }
    # deficit segments (never stage-varying)
    nseg = np.asarray(r.bus_n_deficit_segments, dtype=np.int64)
    seg_bus = np.repeat(np.arange(B), nseg)
    seg_idx = np.concatenate([np.arange(n) for n in nseg]) if B else np.zeros(0, dtype=np.int64)
    seg_depth = np.asarray(r.bus_deficit_depth_mw, dtype=float)[seg_bus, seg_idx]
    seg_cost = np.asarray(r.bus_deficit_cost, dtype=float)[seg_bus, seg_idx]
    # first study stage's FPHA configuration per hydro (spec 10 §7.3)
    first_cfg: dict[int, dict] = {}
    gen_cons = system.generic_constraints
    g_stage = np.asarray(getattr(r, "generic_row_stage", np.zeros(0)), dtype=np.int64)
    g_con = np.asarray(getattr(r, "generic_row_constraint", np.zeros(0)), dtype=np.int64)
    g_blk = np.asarray(getattr(r, "generic_row_block", np.zeros(0)), dtype=np.int64)
    g_bnd = np.asarray(getattr(r, "generic_row_bound", np.zeros(0)), dtype=float)

    state_maps = (
        lag_state_maps(stochastic, T, L)
        if accumulator_state and not compat and lag_cut_map is None and N
        else None
    )

    out: list[StageData] = []
    for t, st in enumerate(stages):
        K = int(r.n_blocks[t])
        hours = np.asarray(r.block_hours[t, :K], dtype=float)
        T_h = float(hours.sum())
        # --- hydros
        prods = [resolve_production(system, h, st, entries) for h in hydros]
        if t == 0:
            for h, p in zip(hydros, prods, strict=True):
                if p.fpha:
                    first_cfg[int(h.id)] = p.config or {}
        pl_h, pl = [], []
        for i, (h, p) in enumerate(zip(hydros, prods, strict=True)):
            if p.fpha:
                arr = planes_src.planes(h, st, p.config or {}, first_cfg.get(int(h.id)) or {})
                pl_h.extend([i] * arr.shape[0])
                pl.append(arr)
        pla = np.concatenate(pl) if pl else np.zeros((0, 4))
        is_fpha = np.array([p.fpha for p in prods], dtype=bool)
        rho = np.array([p.productivity for p in prods], dtype=float)
        rho_ent = np.array(
            [
                p.productivity if h.generation.model == "fpha"
                else float(h.generation.productivity_mw_per_m3s or 0.0)
                for h, p in zip(hydros, prods, strict=True)
            ],
            dtype=float,
        )
        has_ev, k0, kv = _evaporation(system, hydros, st, T_h, geometry)
        hyd = HydroData(
            ids=np.array([h.id for h in hydros], dtype=np.int64),
            bus=np.array([bus_pos[h.bus_id] for h in hydros], dtype=np.int64),
            downstream=np.array(
                [hyd_pos.get(h.downstream_id, -1) if h.downstream_id is not None else -1
                 for h in hydros], dtype=np.int64),
            diversion_target=np.array(
                [hyd_pos.get(h.diversion.downstream_id, -1) if h.diversion else -1
                 for h in hydros], dtype=np.int64),
            diversion_max=np.array(
                [float(h.diversion.max_flow_m3s) if h.diversion else 0.0 for h in hydros]),
            vmin=r.hydro_min_storage_hm3[t], vmax=r.hydro_max_storage_hm3[t],
            qmin=r.hydro_min_turbined_m3s[t], qmax=r.hydro_max_turbined_m3s[t],
            omin=r.hydro_min_outflow_m3s[t], omax=r.hydro_max_outflow_m3s[t],
            gmin=r.hydro_min_generation_mw[t], gmax=r.hydro_max_generation_mw[t],
            withdrawal=r.hydro_water_withdrawal_m3s[t],
            productivity=rho, productivity_entity=rho_ent, is_fpha=is_fpha,
            cost_spill=r.hydro_spillage_cost[t], cost_diversion=r.hydro_diversion_cost[t],
            cost_fpha=r.hydro_fpha_turbined_cost[t],
            cost_outflow_below=r.hydro_outflow_violation_below_cost[t],
            cost_outflow_above=r.hydro_outflow_violation_above_cost[t],
            cost_turbined_below=r.hydro_turbined_violation_below_cost[t],
            cost_generation_below=r.hydro_generation_violation_below_cost[t],
            cost_inflow=r.hydro_inflow_nonnegativity_cost[t],
            cost_withdrawal_neg=r.hydro_water_withdrawal_violation_neg_cost[t],
            cost_withdrawal_pos=r.hydro_water_withdrawal_violation_pos_cost[t],
            cost_evaporation_neg=r.hydro_evaporation_violation_neg_cost[t],
            cost_evaporation_pos=r.hydro_evaporation_violation_pos_cost[t],
            has_evaporation=has_ev, evap_k0=k0, evap_kv=kv,
            planes=FphaPlanes(
                np.array(pl_h, dtype=np.int64), pla[:, 0], pla[:, 1], pla[:, 2], pla[:, 3]
            ),
        )
        hyd = _as_float(hyd)
        # --- buses / lines / thermals
        bus = BusData(
            ids=np.array([b.id for b in buses], dtype=np.int64),
            excess_cost=np.asarray(r.bus_excess_cost[t], dtype=float),
            load_mean=np.asarray(stochastic.load_mean[t], dtype=float),
            load_std=np.asarray(stochastic.load_std[t], dtype=float),
            load_factor=np.asarray(r.load_block_factor[t, :, :K], dtype=float).reshape(B, K),
            seg_bus=seg_bus, seg_depth=seg_depth, seg_cost=seg_cost,
        )
        nl = len(lines)
        line = LineData(
            ids=np.array([ln.id for ln in lines], dtype=np.int64),
            source=np.array([bus_pos[ln.source_bus_id] for ln in lines], dtype=np.int64),
            target=np.array([bus_pos[ln.target_bus_id] for ln in lines], dtype=np.int64),
            direct_mw=np.asarray(r.line_direct_mw[t], dtype=float),
            reverse_mw=np.asarray(r.line_reverse_mw[t], dtype=float),
            direct_factor=np.asarray(r.line_direct_factor[t, :, :K], dtype=float).reshape(nl, K),
            reverse_factor=np.asarray(r.line_reverse_factor[t, :, :K], dtype=float).reshape(nl, K),
            exchange_cost=np.asarray(r.line_exchange_cost[t], dtype=float),
        )
        th = ThermalData(
            ids=np.array([x.id for x in thermals], dtype=np.int64),
            bus=np.array([bus_pos[x.bus_id] for x in thermals], dtype=np.int64),
            min_mw=np.asarray(r.thermal_min_generation_mw[t], dtype=float),
            max_mw=np.asarray(r.thermal_max_generation_mw[t], dtype=float),
            cost=np.asarray(r.thermal_cost_per_mwh[t], dtype=float),
        )
        # --- NCS active at this stage
        act = np.flatnonzero(np.asarray(r.ncs_active[t], dtype=bool)) if ncs_all else np.zeros(0, int)
        slots = np.array([ncs_slot.get(int(i), -1) for i in act], dtype=np.int64)
        nc = NcsData(
            ids=np.array([ncs_all[i].id for i in act], dtype=np.int64),
            bus=np.array([bus_pos[ncs_all[i].bus_id] for i in act], dtype=np.int64),
            available_mw=np.asarray(r.ncs_available_generation_mw[t], dtype=float)[act],
            max_generation_mw=np.array([ncs_all[i].max_generation_mw for i in act], dtype=float),
            mean=np.asarray(stochastic.ncs_mean[t], dtype=float)[act] if act.size else np.zeros(0),
            std=np.asarray(stochastic.ncs_std[t], dtype=float)[act] if act.size else np.zeros(0),
            stochastic=slots >= 0,
            block_factor=np.asarray(r.ncs_block_factor[t], dtype=float)[act, :K].reshape(act.size, K),
            curtailment_cost=np.array([ncs_all[i].curtailment_cost for i in act], dtype=float),
            noise_slot=slots,
        )
        # --- inflow
        P = np.asarray(stochastic.max_ar_order, dtype=np.int64).reshape(N)
        inflow = InflowData(
            base=np.asarray(stochastic.inflow_base[t], dtype=float).reshape(N),
            psi=np.asarray(stochastic.inflow_psi[t], dtype=float).reshape(N, L),
            sigma=np.asarray(stochastic.inflow_sigma[t], dtype=float).reshape(N),
            max_ar_order=P,
        )
        # --- generic rows of this stage
        rows: list[GenericRow] = []
        for gi in np.flatnonzero(g_stage == t):
            con = gen_cons[int(g_con[gi])]
            blocks = range(K) if g_blk[gi] < 0 else [int(g_blk[gi])]
            terms = tuple(
                GenericTerm(
                    tm.variable,
                    pos_of.get(_TERM_COLLECTION.get(tm.variable, ""), {}).get(tm.entity_id, -1),
                    tm.block_id,
                    float(tm.coefficient),
                )
                for tm in con.terms
            )
            for k in blocks:
                rows.append(
                    GenericRow(
                        constraint_id=int(con.id), name=con.name, block=k, sense=con.sense,
                        bound=float(g_bnd[gi]), slack_enabled=bool(con.slack_enabled),
                        penalty=float(con.slack_penalty or 0.0), terms=terms,
                    )
                )
        # --- cut column map for the lags (spec 10 §16 item 12)
        cut_map = lag_cut_map or _lag_cut_map(stochastic, t, L, compat)
        smap = state_maps[t] if state_maps is not None else None
        out.append(
            StageData(
                index=t, stage_id=int(st.id), hours=hours,
                discount=float(r.discount_factor[t]), is_last=t == T - 1,
                buses=bus, lines=line, thermals=th, hydros=hyd, ncs=nc, inflow=inflow,
                generic=tuple(rows), inflow_method=method,
                noise_dim=int(stochastic.noise_dim),
                load_noise_bus=np.asarray(stochastic.load_bus_positions, dtype=np.int64),
                cobre_compat=compat, lag_cut_map=cut_map, lag_state_map=smap,
            )
        )
    return out


def _lag_cut_map(stochastic: Any, t: int, L: int, compat: bool) -> str:
    """'frozen' on a stage whose lags do not move (default mode only), else 'shift'."""
    if compat or L == 0:
        return "shift"
    getter = getattr(stochastic, "lag_transition", None)
    if getter is None:
        return "shift"
    tr = getter(t)
    fin = getattr(tr, "finalize_period", getattr(tr, "fin", True))
    rebuild = getattr(tr, "rebuild_from_downstream", False)
    return "shift" if (fin or rebuild) else "frozen"


def _as_float(h: HydroData) -> HydroData:
    """Copy every float array of ``h`` into a writable float64 array."""
    for name, val in list(vars(h).items()):
        if isinstance(val, np.ndarray) and val.dtype.kind == "f":
            setattr(h, name, np.array(val, dtype=np.float64))
    return h
