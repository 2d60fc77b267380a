"""Stage LP template: the LP of spec 10 for one study stage, as CSC arrays plus index maps.

Built once per stage from a :class:`~pycobre.lp.stage_data.StageData`.  Column and row order
follow spec 10 §12.1 (Cobre's order), so that the simplex path resembles Cobre's.  Objective
coefficients are in LP units ($/1000) except theta's (the discount factor).

The index maps computed here are what keeps the per-solve work vectorised: which rows the
state fixes, which rows/columns the noise patches, which columns produce each outgoing state
component (cut rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pycobre.lp.csc import coo_to_csc
from pycobre.lp.layout import INF, Ranges, Triplets, block_grid
from pycobre.lp.scaling import apply_scales, geometric_scales
from pycobre.lp.solver import LpModel
from pycobre.lp.stage_data import StageData

if TYPE_CHECKING:
    import scipy.sparse as sp

COST_SCALE = 1000.0
C_VOL = 0.0036  # hm3 per (m3/s . h)

PENALTY_METHODS = ("penalty", "truncation_with_penalty")
TRUNCATION_METHODS = ("truncation", "truncation_with_penalty")


@dataclass(frozen=True)
class StageTemplate:
    """Immutable stage LP (CSC) plus the maps used by :class:`~pycobre.lp.stage_lp.StageLP`."""

    data: StageData
    model: LpModel  # what the solver gets (prescaled when col_scale/row_scale are not 1)
    unscaled_model: LpModel
    col_scale: np.ndarray  # x = col_scale * x_solver
    row_scale: np.ndarray  # structural row i of the solver = row_scale[i] * original row i
    cost_dollars: np.ndarray  # objective coefficients in $ (theta: 0), for cost breakdowns
    col_spans: dict[str, tuple[int, int]]
    row_spans: dict[str, tuple[int, int]]
    col_family: np.ndarray
    col_entity: np.ndarray
    col_block: np.ndarray
    row_family: np.ndarray
    row_entity: np.ndarray
    row_block: np.ndarray
    col_family_names: tuple[str, ...]
    row_family_names: tuple[str, ...]
    n_state: int
    theta_col: int
    state_rows: np.ndarray  # (n_state,) rows R1 then R2 (storage, lags lag-major)
    state_out_cols: np.ndarray  # (n_state,) column producing each outgoing state component
    cut_mask: np.ndarray  # (n_state,) False where compat mode drops the component
    zeta: float
    # noise patch maps
    wb_rows: np.ndarray
    inflow_rows: np.ndarray
    wb_rhs_base: np.ndarray  # zeta * (b - W)
    inflow_base: np.ndarray  # b
    inflow_sigma: np.ndarray
    psi_trunc: np.ndarray  # (N, L) psi with lags beyond P_h zeroed (truncation test)
    truncation: bool
    load_rows: np.ndarray  # (B*K,) bus-major
    load_rhs: np.ndarray  # (B*K,) deterministic RHS mean * factor
    load_noise_pos: np.ndarray  # (n_ls,) position in eta of each stochastic load slot
    load_noise_rows: np.ndarray  # (n_ls, K) rows patched by each slot
    load_noise_mean: np.ndarray
    load_noise_std: np.ndarray
    load_noise_factor: np.ndarray  # (n_ls, K)
    ncs_noise_pos: np.ndarray  # (n_ns,)
    ncs_noise_cols: np.ndarray  # (n_ns, K)
    ncs_noise_gmax: np.ndarray
    ncs_noise_mean: np.ndarray
    ncs_noise_std: np.ndarray
    ncs_noise_factor: np.ndarray  # (n_ns, K)
    noise_dim: int
    # accumulator state (spec 10 §16, lag_map.py): None when one column per component suffices
    state_out_map: sp.csr_matrix | None = None  # (n_state, ncol) outgoing state = map @ x
    n_base_state: int = 0  # storages + lags; components beyond are accumulator blocks

    @property
    def n_hydros(self) -> int:
        return self.data.hydros.n

    @property
    def n_lags(self) -> int:
        return self.data.inflow.n_lags

    @property
    def n_blocks(self) -> int:
        return self.data.n_blocks

    @property
    def num_rows(self) -> int:
        return self.model.num_rows

    @property
    def num_cols(self) -> int:
        return self.model.num_cols

    def cols(self, name: str) -> slice:
        s, n = self.col_spans[name]
        return slice(s, s + n)

    def rows(self, name: str) -> slice:
        s, n = self.row_spans[name]
        return slice(s, s + n)

    def row_label(self, row: int) -> str:
        """Human-readable name of a row: family, entity id and block (or lag)."""
        if row >= self.num_rows:
            return f"cut row {row - self.num_rows}"
        fam = self.row_family_names[self.row_family[row]]
        return _label(fam, _ROW_ENTITY_KIND, int(self.row_entity[row]), int(self.row_block[row]))

    def col_label(self, col: int) -> str:
        """Human-readable name of a column: family, entity id and block (or lag)."""
        fam = self.col_family_names[self.col_family[col]]
        return _label(fam, _COL_ENTITY_KIND, int(self.col_entity[col]), int(self.col_block[col]))


def _label(fam: str, kinds: dict[str, str], ent: int, blk: int) -> str:
    parts = []
    if ent >= 0:
        parts.append(f"{kinds.get(fam, 'hydro')} {ent}")
    if blk >= 0:
        parts.append(f"lag {blk + 1}" if fam in ("lag_fixing", "lag") else f"block {blk}")
    return f"{fam}[{', '.join(parts)}]" if parts else fam


_ROW_ENTITY_KIND = {
    "storage_fixing": "hydro",
    "lag_fixing": "hydro",
    "inflow_definition": "hydro",
    "water_balance": "hydro",
    "load_balance": "bus",
    "fpha": "hydro",
    "evaporation": "hydro",
    "min_outflow": "hydro",
    "max_outflow": "hydro",
    "min_turbined": "hydro",
    "min_generation": "hydro",
    "generic": "constraint",
}
_COL_ENTITY_KIND = {
    "thermal": "thermal",
    "line_direct": "line",
    "line_reverse": "line",
    "deficit": "bus",
    "excess": "bus",
    "ncs_generation": "ncs",
    "generic_slack_pos": "constraint",
    "generic_slack_neg": "constraint",
}


def discount_factor(annual_rate: float, days: float) -> float:
    """One-step discount factor d_t of spec 10 §11.3."""
    if annual_rate == 0.0:
        return 1.0
    return float((1.0 + annual_rate) ** (-days / 365.25))


def build_template(data: StageData, *, prescale: bool = True) -> StageTemplate:
    """Assemble the stage LP of spec 10 §§2-11 for one stage.

    ``prescale`` applies Cobre's geometric column/row scaling (spec 10 §12.1); the StageLP
    hides it (patches are scaled, solutions unscaled).
    """
    hy, bu, li, th, nc, inf_ = data.hydros, data.buses, data.lines, data.thermals, data.ncs, data.inflow
    N, L, K = hy.n, inf_.n_lags, data.n_blocks
    B, J, Lb, R = bu.n, th.n, li.n, nc.n
    hours = np.asarray(data.hours, dtype=np.float64)
    tau = C_VOL * hours
    T = float(hours.sum())
    zeta = C_VOL * T
    hk = np.tile(hours, max(N, 1))[: N * K]  # per (hydro, block) hours, entity-major

    def per_block(x: np.ndarray, n: int) -> np.ndarray:
        return np.repeat(np.asarray(x, dtype=np.float64), K) if n else np.zeros(0)

    def hrs(n: int) -> np.ndarray:
        return np.tile(hours, n)

    cols = Ranges()
    cost: list[np.ndarray] = []

    def addc(name, n, lo, hi, c=0.0, entity=None, block=None) -> int:
        start = cols.add(name, n, lo, hi, entity, block)
        cost.append(np.broadcast_to(np.asarray(c, dtype=np.float64), (n,)).copy())
        return start

    hid = hy.ids
    eh, kh = block_grid(N, K)
    is_fpha = np.asarray(hy.is_fpha, dtype=bool)
    fpha_pos = np.flatnonzero(is_fpha)
    F_ = fpha_pos.shape[0]
    ev_pos = np.flatnonzero(np.asarray(hy.has_evaporation, dtype=bool))
    E = ev_pos.shape[0]
    penalty = data.inflow_method in PENALTY_METHODS

    # --- columns (spec 10 §12.1 order) ---------------------------------------------------
    c_v = addc("storage", N, hy.vmin, hy.vmax, 0.0, hid)
    lag_e = np.tile(np.arange(N), L)
    lag_j = np.repeat(np.arange(L), N)
    c_lag = addc("lag", N * L, -INF, INF, 0.0, hid[lag_e] if N else None, lag_j)
    c_z = addc("inflow", N, -INF, INF, 0.0, hid)
    c_vin = addc("storage_in", N, -INF, INF, 0.0, hid)
    c_theta = addc("theta", 1, 0.0, 0.0 if data.is_last else INF, 0.0)
    rho = np.asarray(hy.productivity, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        gcap = np.where(rho > 0, hy.gmax / np.where(rho > 0, rho, 1.0), INF)
    qcap = np.where(~is_fpha & (rho > 0), np.minimum(hy.qmax, gcap), hy.qmax)
    c_q = addc(
        "turbined", N * K, 0.0, per_block(qcap, N),
        per_block(np.where(is_fpha, hy.cost_fpha, 0.0), N) * hk, hid[eh] if N else None, kh,
    )
    c_s = addc("spillage", N * K, 0.0, INF, per_block(hy.cost_spill, N) * hk, hid[eh] if N else None, kh)
    umax = np.asarray(hy.diversion_max, dtype=np.float64)
    c_d = addc(
        "diversion", N * K, 0.0, per_block(umax, N),
        per_block(np.where(umax > 0, hy.cost_diversion, 0.0), N) * hk, hid[eh] if N else None, kh,
    )
    et, kt = block_grid(J, K)
    c_th = addc(
        "thermal", J * K, per_block(th.min_mw, J), per_block(th.max_mw, J),
        per_block(th.cost, J) * hrs(J), th.ids[et] if J else None, kt,
    )
    el, kl = block_grid(Lb, K)
    lcost = per_block(li.exchange_cost, Lb) * hrs(Lb)
    c_fp = addc(
        "line_direct", Lb * K, 0.0,
        (np.asarray(li.direct_mw)[:, None] * li.direct_factor).ravel() if Lb else 0.0,
        lcost, li.ids[el] if Lb else None, kl,
    )
    c_fm = addc(
        "line_reverse", Lb * K, 0.0,
        (np.asarray(li.reverse_mw)[:, None] * li.reverse_factor).ravel() if Lb else 0.0,
        lcost, li.ids[el] if Lb else None, kl,
    )
    S = bu.seg_bus.shape[0]
    es, ks = block_grid(S, K)
    c_def = addc(
        "deficit", S * K, 0.0, per_block(bu.seg_depth, S), per_block(bu.seg_cost, S) * hrs(S),
        bu.ids[bu.seg_bus[es]] if S else None, ks,
    )
    eb, kb = block_grid(B, K)
    c_exc = addc(
        "excess", B * K, 0.0, INF, per_block(bu.excess_cost, B) * hrs(B),
        bu.ids[eb] if B else None, kb,
    )
    if penalty:
        c_sinf = addc("inflow_slack", N, 0.0, INF, np.asarray(hy.cost_inflow) * T, hid)
    else:
        c_sinf = -1
    ef, kf = block_grid(F_, K)
    c_g = addc(
        "generation", F_ * K, 0.0, per_block(hy.gmax[fpha_pos], F_), 0.0,
        hid[fpha_pos][ef] if F_ else None, kf,
    )
    ev_hi = 2.0 * np.maximum(0.0, hy.evap_k0[ev_pos] + hy.evap_kv[ev_pos] * hy.vmax[ev_pos])
    ev_lo3 = np.zeros(3 * E)
    ev_hi3 = np.column_stack([ev_hi, np.full(E, INF), np.full(E, INF)]).ravel()
    ev_c3 = np.column_stack(
        [np.zeros(E), hy.cost_evaporation_neg[ev_pos] * T, hy.cost_evaporation_pos[ev_pos] * T]
    ).ravel()
    c_ev = addc("evaporation", 3 * E, ev_lo3, ev_hi3, ev_c3, np.repeat(hid[ev_pos], 3))
    wd_on = np.where(np.asarray(hy.withdrawal) > 0, INF, 0.0)
    c_wn = addc("withdrawal_slack_neg", N, 0.0, wd_on, np.asarray(hy.cost_withdrawal_neg) * T, hid)
    c_wp = addc("withdrawal_slack_pos", N, 0.0, wd_on, np.asarray(hy.cost_withdrawal_pos) * T, hid)
    omax = np.asarray(hy.omax, dtype=np.float64)
    on = {
        "outflow_below": np.asarray(hy.omin) > 0,
        "outflow_above": np.isfinite(omax),
        "turbined_below": np.asarray(hy.qmin) > 0,
        "generation_below": np.asarray(hy.gmin) > 0,
    }
    slack_cost = {
        "outflow_below": hy.cost_outflow_below,
        "outflow_above": hy.cost_outflow_above,
        "turbined_below": hy.cost_turbined_below,
        "generation_below": hy.cost_generation_below,
    }
    c_op = {}
    for fam in ("outflow_below", "outflow_above", "turbined_below", "generation_below"):
        c_op[fam] = addc(
            f"slack_{fam}", N * K, 0.0, per_block(np.where(on[fam], INF, 0.0), N),
            per_block(slack_cost[fam], N) * hk, hid[eh] if N else None, kh,
        )
    er, kr = block_grid(R, K)
    ncs_cap = (np.asarray(nc.available_mw)[:, None] * nc.block_factor) if R else np.zeros((0, K))
    stoch_ncs = np.asarray(nc.stochastic, dtype=bool) if R else np.zeros(0, dtype=bool)
    if R and stoch_ncs.any():
        avail0 = nc.max_generation_mw * np.clip(nc.mean, 0.0, 1.0)
        ncs_cap = np.where(stoch_ncs[:, None], avail0[:, None] * nc.block_factor, ncs_cap)
    c_nc = addc(
        "ncs_generation", R * K, 0.0, ncs_cap.ravel(),
        -per_block(nc.curtailment_cost, R) * hrs(R), nc.ids[er] if R else None, kr,
    )
    gen_rows = [g for g in data.generic if 0 <= g.block < K]
    slack_p = [i for i, g in enumerate(gen_rows) if g.slack_enabled]
    slack_m = [i for i, g in enumerate(gen_rows) if g.slack_enabled and g.sense == "=="]
    c_gsp = addc(
        "generic_slack_pos", len(slack_p), 0.0, INF,
        np.array([gen_rows[i].penalty * hours[gen_rows[i].block] for i in slack_p]),
        [gen_rows[i].constraint_id for i in slack_p], [gen_rows[i].block for i in slack_p],
    )
    c_gsm = addc(
        "generic_slack_neg", len(slack_m), 0.0, INF,
        np.array([gen_rows[i].penalty * hours[gen_rows[i].block] for i in slack_m]),
        [gen_rows[i].constraint_id for i in slack_m], [gen_rows[i].block for i in slack_m],
    )

    smap = data.lag_state_map
    n_aux = N * smap.n_aux_per_hydro if smap is not None else 0
    aux_entity = np.tile(hid, n_aux // N) if n_aux else None
    c_aux = addc("accumulator_in", n_aux, -INF, INF, 0.0, aux_entity) if n_aux else -1

    def qcol(h, k):
        return c_q + h * K + k

    def scol(h, k):
        return c_s + h * K + k

    def dcol(h, k):
        return c_d + h * K + k

    # --- rows ----------------------------------------------------------------------------
    rows = Ranges()
    A = Triplets()
    hN = np.arange(N)
    b = np.asarray(inf_.base, dtype=np.float64)
    W = np.asarray(hy.withdrawal, dtype=np.float64)
    psi = np.asarray(inf_.psi, dtype=np.float64).reshape(N, L)

    r_sf = rows.add("storage_fixing", N, 0.0, 0.0, hid)
    A.add(r_sf + hN, c_vin + hN, 1.0)
    r_lf = rows.add("lag_fixing", N * L, 0.0, 0.0, hid[lag_e] if N else None, lag_j)
    A.add(r_lf + np.arange(N * L), c_lag + np.arange(N * L), 1.0)
    r_id = rows.add("inflow_definition", N, b, b, hid)
    A.add(r_id + hN, c_z + hN, 1.0)
    # psi[h, j] on lag column j*N + h
    A.add(r_id + lag_e, c_lag + np.arange(N * L), -psi[lag_e, lag_j] if N else 0.0)
    wb_base = zeta * (b - W)
    r_wb = rows.add("water_balance", N, wb_base, wb_base, hid)
    A.add(r_wb + hN, c_v + hN, 1.0)
    A.add(r_wb + hN, c_vin + hN, -1.0)
    tk = np.tile(tau, N)
    A.add(r_wb + eh, qcol(eh, kh), tk)
    A.add(r_wb + eh, scol(eh, kh), tk)
    A.add(r_wb + eh, dcol(eh, kh), tk)
    down = np.asarray(hy.downstream, dtype=np.int64)
    has_down = down[eh] >= 0 if N else np.zeros(0, dtype=bool)
    A.add(r_wb + down[eh][has_down], qcol(eh, kh)[has_down], -tk[has_down])
    A.add(r_wb + down[eh][has_down], scol(eh, kh)[has_down], -tk[has_down])
    dvt = np.asarray(hy.diversion_target, dtype=np.int64)
    has_dv = dvt[eh] >= 0 if N else np.zeros(0, dtype=bool)
    A.add(r_wb + dvt[eh][has_dv], dcol(eh, kh)[has_dv], -tk[has_dv])
    A.add(r_wb + lag_e, c_lag + np.arange(N * L), -zeta * psi[lag_e, lag_j] if N else 0.0)
    if penalty:
        A.add(r_wb + hN, c_sinf + hN, -zeta)
    A.add(r_wb + ev_pos, c_ev + 3 * np.arange(E), zeta)
    A.add(r_wb + hN, c_wn + hN, -zeta)
    A.add(r_wb + hN, c_wp + hN, zeta)

    # load balance (bus-major, block-minor)
    lam = np.asarray(bu.load_factor, dtype=np.float64).reshape(B, K)
    load_rhs = (np.asarray(bu.load_mean, dtype=np.float64)[:, None] * lam).ravel()
    r_lb = rows.add("load_balance", B * K, load_rhs, load_rhs, bu.ids[eb] if B else None, kb)

    def lrow(bus, k):
        return r_lb + np.asarray(bus, dtype=np.int64) * K + k

    cp = ~is_fpha
    sel = cp[eh] if N else np.zeros(0, dtype=bool)
    A.add(lrow(hy.bus[eh][sel], kh[sel]), qcol(eh, kh)[sel], rho[eh][sel])
    A.add(lrow(hy.bus[fpha_pos][ef], kf), c_g + np.arange(F_ * K), 1.0)
    A.add(lrow(th.bus[et], kt), c_th + np.arange(J * K), 1.0)
    if Lb:
        A.add(lrow(li.target[el], kl), c_fp + np.arange(Lb * K), 1.0)
        A.add(lrow(li.target[el], kl), c_fm + np.arange(Lb * K), -1.0)
        A.add(lrow(li.source[el], kl), c_fp + np.arange(Lb * K), -1.0)
        A.add(lrow(li.source[el], kl), c_fm + np.arange(Lb * K), 1.0)
    if S:
        A.add(lrow(bu.seg_bus[es], ks), c_def + np.arange(S * K), 1.0)
    A.add(lrow(eb, kb), c_exc + np.arange(B * K), -1.0)
    if R:
        A.add(lrow(nc.bus[er], kr), c_nc + np.arange(R * K), 1.0)

    # FPHA hyperplanes: one row per (plane, block); planes are listed hydro by hydro
    pl = hy.planes
    M = pl.hydro.shape[0]
    fpha_index = np.full(N, -1, dtype=np.int64)
    fpha_index[fpha_pos] = np.arange(F_)
    em, km = block_grid(M, K)
    ph = np.asarray(pl.hydro, dtype=np.int64)
    r_fp = rows.add(
        "fpha", M * K, -INF, per_block(pl.intercept, M), hid[ph[em]] if M else None, km
    )
    if M:
        rr = r_fp + np.arange(M * K)
        hh = ph[em]
        A.add(rr, c_g + fpha_index[hh] * K + km, 1.0)
        A.add(rr, c_v + hh, -0.5 * pl.gamma_v[em])
        A.add(rr, c_vin + hh, -0.5 * pl.gamma_v[em])
        A.add(rr, qcol(hh, km), -pl.gamma_q[em])
        A.add(rr, scol(hh, km), -pl.gamma_s[em])

    # evaporation
    r_ev = rows.add("evaporation", E, hy.evap_k0[ev_pos], hy.evap_k0[ev_pos], hid[ev_pos])
    if E:
        re_ = r_ev + np.arange(E)
        A.add(re_, c_ev + 3 * np.arange(E), 1.0)
        A.add(re_, c_v + ev_pos, -0.5 * hy.evap_kv[ev_pos])
        A.add(re_, c_vin + ev_pos, -0.5 * hy.evap_kv[ev_pos])
        A.add(re_, c_ev + 3 * np.arange(E) + 1, 1.0)
        A.add(re_, c_ev + 3 * np.arange(E) + 2, -1.0)

    # operational soft rows
    nk = np.arange(N * K)
    r_omin = rows.add("min_outflow", N * K, per_block(hy.omin, N), INF, hid[eh] if N else None, kh)
    r_omax = rows.add("max_outflow", N * K, -INF, per_block(omax, N), hid[eh] if N else None, kh)
    r_qmin = rows.add("min_turbined", N * K, per_block(hy.qmin, N), INF, hid[eh] if N else None, kh)
    r_gmin = rows.add(
        "min_generation", N * K, per_block(hy.gmin, N), INF, hid[eh] if N else None, kh
    )
    for r0, sign, fam in ((r_omin, 1.0, "outflow_below"), (r_omax, -1.0, "outflow_above")):
        A.add(r0 + nk, c_q + nk, 1.0)
        A.add(r0 + nk, c_s + nk, 1.0)
        A.add(r0 + nk, c_d + nk, 1.0)
        A.add(r0 + nk, c_op[fam] + nk, sign)
    A.add(r_qmin + nk, c_q + nk, 1.0)
    A.add(r_qmin + nk, c_op["turbined_below"] + nk, 1.0)
    rho_ent = np.asarray(hy.productivity_entity, dtype=np.float64)
    A.add((r_gmin + nk)[sel], (c_q + nk)[sel], rho_ent[eh][sel])
    A.add(r_gmin + fpha_pos[ef] * K + kf, c_g + np.arange(F_ * K), 1.0)
    A.add(r_gmin + nk, c_op["generation_below"] + nk, 1.0)

    # generic constraints
    G = len(gen_rows)
    glo = np.array([g.bound if g.sense in (">=", "==") else -INF for g in gen_rows])
    ghi = np.array([g.bound if g.sense in ("<=", "==") else INF for g in gen_rows])
    r_gc = rows.add(
        "generic", G, glo, ghi, [g.constraint_id for g in gen_rows], [g.block for g in gen_rows]
    )
    spans = {
        "q": c_q, "s": c_s, "d": c_d, "th": c_th, "fp": c_fp, "fm": c_fm, "exc": c_exc,
    }
    for i, g in enumerate(gen_rows):
        rr_, cc_, vv_ = _generic_terms(g, data, spans, c_v, c_g, c_ev, c_def, fpha_index, ev_pos)
        A.add(np.full(len(cc_), r_gc + i), cc_, vv_)
    for n_, i in enumerate(slack_p):
        sign = -1.0 if gen_rows[i].sense == "<=" else 1.0
        A.add([r_gc + i], [c_gsp + n_], sign)
    for n_, i in enumerate(slack_m):
        A.add([r_gc + i], [c_gsm + n_], -1.0)

    r_aux = rows.add("accumulator_fixing", n_aux, 0.0, 0.0, aux_entity) if n_aux else 0
    A.add(r_aux + np.arange(n_aux), c_aux + np.arange(n_aux), 1.0)

    # --- assemble ------------------------------------------------------------------------
    ri, ci, vi = A.arrays()
    ncol, nrow = cols.size, rows.size
    a_start, a_index, a_value = coo_to_csc(ri, ci, vi, nrow, ncol)
    cost_d = cols.concat(cost, np.float64)
    col_cost = cost_d / COST_SCALE
    col_cost[c_theta] = float(data.discount)
    model = LpModel(
        col_cost=col_cost,
        col_lower=cols.concat(cols.lower, np.float64),
        col_upper=cols.concat(cols.upper, np.float64),
        row_lower=rows.concat(rows.lower, np.float64),
        row_upper=rows.concat(rows.upper, np.float64),
        a_start=a_start,
        a_index=a_index,
        a_value=a_value.astype(np.float64),
    )

    # --- state maps ----------------------------------------------------------------------
    n_base = N * (1 + L)
    n_state = n_base + n_aux
    state_rows = np.concatenate(
        [r_sf + hN, r_lf + np.arange(N * L), r_aux + np.arange(n_aux)]
    ).astype(np.int32)
    out_cols = np.empty(n_state, dtype=np.int32)
    out_cols[:N] = c_v + hN
    if L:
        if data.lag_cut_map == "frozen":
            out_cols[N:n_base] = c_lag + np.arange(N * L)
        else:
            out_cols[N : 2 * N] = c_z + hN
            out_cols[2 * N : n_base] = c_lag + np.arange(N * (L - 1))
    out_map = None
    if smap is not None:
        out_cols[N:] = -1  # no single column: see state_out_map
        out_map = _accumulator_out_map(smap, N, L, n_state, ncol, c_v, c_z, c_lag, c_aux)
    cut_mask = np.ones(n_state, dtype=bool)
    P = np.asarray(inf_.max_ar_order, dtype=np.int64).reshape(N)
    if data.cobre_compat and L:
        cut_mask[N:] = (lag_j + 1) <= P[lag_e]
    jl = np.arange(L)[None, :]
    psi_trunc = np.where(jl < P[:, None], psi, 0.0) if N else np.zeros((0, L))

    # --- noise maps ----------------------------------------------------------------------
    lnb = np.asarray(data.load_noise_bus, dtype=np.int64)
    std_b = np.asarray(bu.load_std, dtype=np.float64)
    slot = np.arange(lnb.shape[0])
    live = std_b[lnb] > 0 if lnb.shape[0] else np.zeros(0, dtype=bool)
    lslot, lbus = slot[live], lnb[live]
    ncs_slot = np.asarray(nc.noise_slot, dtype=np.int64) if R else np.zeros(0, dtype=np.int64)
    nsel = np.flatnonzero(stoch_ncs & (ncs_slot >= 0)) if R else np.zeros(0, dtype=np.int64)

    if prescale:
        col_scale, row_scale = geometric_scales(model)
        solver_model = apply_scales(model, col_scale, row_scale)
    else:
        col_scale, row_scale, solver_model = np.ones(ncol), np.ones(nrow), model

    for m in {id(model): model, id(solver_model): solver_model}.values():
        for arr in vars(m).values():
            arr.setflags(write=False)  # templates are shared between threads

    return StageTemplate(
        data=data,
        model=solver_model,
        unscaled_model=model,
        col_scale=col_scale,
        row_scale=row_scale,
        cost_dollars=np.where(np.arange(ncol) == c_theta, 0.0, cost_d),
        col_spans=dict(cols.spans),
        row_spans=dict(rows.spans),
        col_family=cols.concat(cols.family, np.int32),
        col_entity=cols.concat(cols.entity, np.int64),
        col_block=cols.concat(cols.block, np.int32),
        row_family=rows.concat(rows.family, np.int32),
        row_entity=rows.concat(rows.entity, np.int64),
        row_block=rows.concat(rows.block, np.int32),
        col_family_names=tuple(cols.names),
        row_family_names=tuple(rows.names),
        n_state=n_state,
        theta_col=c_theta,
        state_rows=state_rows,
        state_out_cols=out_cols,
        cut_mask=cut_mask,
        zeta=zeta,
        wb_rows=(r_wb + hN).astype(np.int32),
        inflow_rows=(r_id + hN).astype(np.int32),
        wb_rhs_base=wb_base,
        inflow_base=b.copy(),
        inflow_sigma=np.asarray(inf_.sigma, dtype=np.float64).copy(),
        psi_trunc=psi_trunc,
        truncation=data.inflow_method in TRUNCATION_METHODS,
        load_rows=(r_lb + np.arange(B * K)).astype(np.int32),
        load_rhs=load_rhs,
        load_noise_pos=(N + lslot).astype(np.int64),
        load_noise_rows=(r_lb + lbus[:, None] * K + np.arange(K)[None, :]).astype(np.int32),
        load_noise_mean=np.asarray(bu.load_mean, dtype=np.float64)[lbus],
        load_noise_std=std_b[lbus],
        load_noise_factor=lam[lbus],
        ncs_noise_pos=ncs_slot[nsel],
        ncs_noise_cols=(c_nc + nsel[:, None] * K + np.arange(K)[None, :]).astype(np.int32),
        ncs_noise_gmax=np.asarray(nc.max_generation_mw, dtype=np.float64)[nsel] if R else np.zeros(0),
        ncs_noise_mean=np.asarray(nc.mean, dtype=np.float64)[nsel] if R else np.zeros(0),
        ncs_noise_std=np.asarray(nc.std, dtype=np.float64)[nsel] if R else np.zeros(0),
        ncs_noise_factor=np.asarray(nc.block_factor, dtype=np.float64)[nsel] if R else np.zeros((0, K)),
        noise_dim=max(int(data.noise_dim), N + int(lnb.shape[0])),
        state_out_map=out_map,
        n_base_state=n_base,
    )


def _accumulator_out_map(smap, N, L, n_state, ncol, c_v, c_z, c_lag, c_aux):
    """Sparse (n_state, ncol) map: outgoing state = map @ columns (spec 10 §16, lag_map.py).

    SciPy is imported here only: cases with accumulator state are the rare ones.
    """
    import scipy.sparse as sp

    hN = np.arange(N)
    base = N * (1 + L)
    offsets = {}
    pos = 0
    if smap.has_acc:
        offsets["acc"] = pos
        pos += N
    if smap.has_ring:
        offsets["dacc"] = pos
        pos += N
        for i in range(L):
            offsets[("ring", i)] = pos + i * N
    col_of = {"z": c_z}
    for i in range(L):
        col_of[("lag", i)] = c_lag + i * N
    for key, off in offsets.items():
        col_of[key] = c_aux + off
    state_of = {("lag", i): N + i * N for i in range(L)}
    for key, off in offsets.items():
        state_of[key] = base + off
    ri, ci, vi = [hN], [c_v + hN], [np.ones(N)]
    for target, terms in smap.rules.items():
        for source, coef in terms:
            ri.append(state_of[target] + hN)
            ci.append(col_of[source] + hN)
            vi.append(np.full(N, coef))
    m = sp.csr_matrix(
        (np.concatenate(vi), (np.concatenate(ri), np.concatenate(ci))), shape=(n_state, ncol)
    )
    m.sum_duplicates()
    return m


def _generic_terms(g, data: StageData, spans, c_v, c_g, c_ev, c_def, fpha_index, ev_pos):
    """Columns and coefficients of one generic-constraint row (spec 10 §10)."""
    hy, bu, K = data.hydros, data.buses, data.n_blocks
    cols: list[int] = []
    vals: list[float] = []
    ev_index = {int(h): i for i, h in enumerate(ev_pos)}
    for term in g.terms:
        e, c = term.entity, term.coefficient
        if e < 0:
            continue
        k = g.block if term.block is None else term.block
        if not 0 <= k < K:
            continue
        kind = term.kind
        if kind == "hydro_storage":
            cols.append(c_v + e)
            vals.append(c)
        elif kind == "hydro_evaporation":
            if e in ev_index:
                cols.append(c_ev + 3 * ev_index[e])
                vals.append(c)
        elif kind in ("hydro_turbined", "hydro_spillage", "hydro_diversion", "hydro_outflow"):
            keys = {"hydro_turbined": "q", "hydro_spillage": "s", "hydro_diversion": "d"}
            for key in (keys[kind],) if kind in keys else ("q", "s"):
                cols.append(spans[key] + e * K + k)
                vals.append(c)
        elif kind == "hydro_generation":
            if hy.is_fpha[e]:
                cols.append(c_g + fpha_index[e] * K + k)
                vals.append(c)
            else:
                cols.append(spans["q"] + e * K + k)
                vals.append(c * float(hy.productivity[e]))
        elif kind == "thermal_generation":
            cols.append(spans["th"] + e * K + k)
            vals.append(c)
        elif kind in ("line_direct", "line_reverse", "line_exchange"):
            if kind != "line_reverse":
                cols.append(spans["fp"] + e * K + k)
                vals.append(c)
            if kind != "line_direct":
                cols.append(spans["fm"] + e * K + k)
                vals.append(c if kind == "line_reverse" else -c)
        elif kind == "bus_deficit":
            for s in np.flatnonzero(np.asarray(bu.seg_bus) == e):
                cols.append(c_def + int(s) * K + k)
                vals.append(c)
        elif kind == "bus_excess":
            cols.append(spans["exc"] + e * K + k)
            vals.append(c)
        # other kinds (withdrawal, pumping, contracts, NCS) have no columns
    return None, np.asarray(cols, dtype=np.int64), np.asarray(vals, dtype=np.float64)
