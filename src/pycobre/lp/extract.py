"""Simulation quantities of spec 13 §4/§5 read off a solved stage LP.

Everything is sliced out of the primal/dual vectors by the template's column/row spans; values
are in physical units, costs in $ (LP units x 1000).  Arrays are per entity position (ascending
id) and, where the quantity is per block, shaped ``(n_entities, K)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pycobre.lp.template import COST_SCALE

if TYPE_CHECKING:
    from pycobre.lp.stage_lp import SolveResult, StageLP


class ExtractPlan:
    """Everything ``extract_quantities`` needs that depends on the stage template only.

    Why: a simulation extracts every stage of every scenario (24,000 times for 2,000 scenarios
    of 4ree); rebuilding index arrays, family maps and constant columns each time cost about
    half of the extraction. Built once per ``StageLP``; the per-solve work is then slicing and
    the same arithmetic, in the same order, as before (identical values).
    """

    def __init__(self, lp: StageLP) -> None:
        tp = lp.template
        d = tp.data
        hy = d.hydros
        self.N, self.K = hy.n, d.n_blocks
        self.B, self.J, self.Lb, self.R = d.buses.n, d.thermals.n, d.lines.n, d.ncs.n
        self.hours = np.asarray(d.hours, dtype=np.float64)
        self.hours_row = self.hours[None, :]
        self.cost = tp.cost_dollars
        self.spans = dict(tp.col_spans)
        self.col_family = tp.col_family
        self.n_families = len(tp.col_family_names)
        self.family = {n: i for i, n in enumerate(tp.col_family_names)}
        self.tgt = np.asarray(hy.diversion_target, dtype=np.int64)
        self.has = self.tgt >= 0
        self.any_diversion = bool(self.has.any())
        self.ev_pos = np.flatnonzero(np.asarray(hy.has_evaporation, dtype=bool))
        self.productivity = np.asarray(hy.productivity, dtype=np.float64)
        self.prod_column = self.productivity[:, None]
        self.fpha = np.flatnonzero(np.asarray(hy.is_fpha, dtype=bool))
        prod = self.productivity.copy()
        prod[self.fpha] = np.nan
        self.prod_nan = prod
        self.has_inflow_slack = "inflow_slack" in tp.col_spans
        self.lag = tp.cols("lag")
        self.n_lags = tp.n_lags
        self.wb_rows = tp.rows("water_balance")
        self.lb_rows = tp.rows("load_balance")
        # load-balance RHS as the solver holds it: template value, or the row's patch value
        # (the last patch of a row wins, as in ``lo[patch_rows] = patch_vals``)
        lower = tp.unscaled_model.row_lower
        owner = np.full(lower.shape[0], -1, dtype=np.int64)
        owner[lp._patch_rows] = np.arange(lp._patch_rows.shape[0])
        lb_owner = owner[self.lb_rows]
        self.lb_base = lower[self.lb_rows].copy()
        self.lb_patched = np.flatnonzero(lb_owner >= 0)
        self.lb_patch_src = lb_owner[self.lb_patched]
        self.seg_bus = np.asarray(d.buses.seg_bus, dtype=np.int64)
        self.ncs_cols = tp.cols("ncs_generation")
        self.ncs_upper = tp.unscaled_model.col_upper[self.ncs_cols].copy()
        self.ncs_noise = tp.ncs_noise_pos.shape[0] > 0
        if self.ncs_noise:
            # positions of the noise-driven columns inside the NCS generation span
            at = tp.ncs_noise_cols.ravel() - self.ncs_cols.start
            span = self.ncs_cols.stop - self.ncs_cols.start
            if at.size and (at.min() < 0 or at.max() >= span):
                raise ValueError("NCS noise columns outside the NCS generation span")
            self.ncs_noise_at = at
        self.curtailment_cost = np.asarray(d.ncs.curtailment_cost, dtype=np.float64)[:, None]
        gen_rows = [g for g in d.generic if 0 <= g.block < self.K]
        self.n_generic = len(gen_rows)
        self.generic_ip = [i for i, g in enumerate(gen_rows) if g.slack_enabled]
        self.generic_im = [
            i for i, g in enumerate(gen_rows) if g.slack_enabled and g.sense == "=="
        ]
        self.generic_ids = np.array([g.constraint_id for g in gen_rows], dtype=np.int64)
        self.generic_blocks = np.array([g.block for g in gen_rows], dtype=np.int64)


def extract_quantities(lp: StageLP, res: SolveResult) -> dict[str, np.ndarray]:
    pl = lp.extract_plan()
    N, K, B, J, Lb, R = pl.N, pl.K, pl.B, pl.J, pl.Lb, pl.R
    x, y = res.primal, res.row_duals
    spans = pl.spans
    contrib = x * pl.cost  # $ per column, one multiply for every cost term below
    fam_total = np.bincount(pl.col_family, weights=contrib, minlength=pl.n_families)

    def col(name: str, shape=None) -> np.ndarray:
        a, n = spans[name]
        v = x[a : a + n]
        return v.reshape(shape) if shape is not None else v.copy()

    def term(name: str, shape=None) -> np.ndarray:
        a, n = spans[name]
        v = contrib[a : a + n]
        return v.reshape(shape) if shape is not None else v

    out: dict[str, np.ndarray] = {}
    q = col("turbined", (N, K))
    s = col("spillage", (N, K))
    dv = col("diversion", (N, K))
    out["hydro_turbined_m3s"] = q
    out["hydro_spillage_m3s"] = s
    out["hydro_diverted_outflow_m3s"] = dv
    din = np.zeros((N, K))
    if pl.any_diversion:
        np.add.at(din, pl.tgt[pl.has], dv[pl.has])
    out["hydro_diverted_inflow_m3s"] = din
    evap = np.zeros(N)
    ev_pos = pl.ev_pos
    ev = col("evaporation", (-1, 3)) if ev_pos.size else np.zeros((0, 3))
    evap[ev_pos] = ev[:, 0]
    out["hydro_evaporation_m3s"] = evap
    ev_neg = np.zeros(N)
    ev_pos_s = np.zeros(N)
    ev_neg[ev_pos] = ev[:, 1]  # sigma ev+ : under-evaporation
    ev_pos_s[ev_pos] = ev[:, 2]  # sigma ev- : over-evaporation
    out["hydro_evaporation_violation_neg_m3s"] = ev_neg
    out["hydro_evaporation_violation_pos_m3s"] = ev_pos_s
    out["hydro_inflow_m3s"] = res.inflow_realised.copy()
    out["hydro_storage_initial_hm3"] = col("storage_in")
    out["hydro_storage_final_hm3"] = col("storage")
    gen = q * pl.prod_column
    fpha = pl.fpha
    if fpha.size:
        gen[fpha] = col("generation", (fpha.size, K))
    out["hydro_generation_mw"] = gen
    out["hydro_productivity_mw_per_m3s"] = pl.prod_nan.copy()
    out["hydro_water_value_per_hm3"] = y[pl.wb_rows] * COST_SCALE
    out["hydro_spillage_cost"] = term("spillage", (N, K))
    out["hydro_turbined_slack_m3s"] = col("slack_turbined_below", (N, K))
    out["hydro_outflow_slack_below_m3s"] = col("slack_outflow_below", (N, K))
    out["hydro_outflow_slack_above_m3s"] = col("slack_outflow_above", (N, K))
    out["hydro_generation_slack_mw"] = col("slack_generation_below", (N, K))
    out["hydro_inflow_nonnegativity_slack_m3s"] = (
        col("inflow_slack") if pl.has_inflow_slack else np.zeros(N)
    )
    out["hydro_withdrawal_violation_neg_m3s"] = col("withdrawal_slack_neg")
    out["hydro_withdrawal_violation_pos_m3s"] = col("withdrawal_slack_pos")
    out["inflow_lags_m3s"] = x[pl.lag].reshape(pl.n_lags, N).T.copy()

    out["thermal_generation_mw"] = col("thermal", (J, K))
    out["thermal_generation_cost"] = term("thermal", (J, K))
    out["line_direct_flow_mw"] = col("line_direct", (Lb, K))
    out["line_reverse_flow_mw"] = col("line_reverse", (Lb, K))
    out["line_exchange_cost"] = term("line_direct", (Lb, K)) + term("line_reverse", (Lb, K))

    load = pl.lb_base.copy()
    if pl.lb_patched.size:
        load[pl.lb_patched] = lp._patch_vals[pl.lb_patch_src]
    out["bus_load_mw"] = load.reshape(B, K)
    deficit = np.zeros((B, K))
    if pl.seg_bus.size:
        np.add.at(deficit, pl.seg_bus, col("deficit", (pl.seg_bus.size, K)))
    out["bus_deficit_mw"] = deficit
    out["bus_excess_mw"] = col("excess", (B, K))
    out["bus_spot_price"] = y[pl.lb_rows].reshape(B, K) * COST_SCALE / pl.hours_row

    ncs_gen = col("ncs_generation", (R, K))
    ncs_av = _ncs_available(lp, pl).reshape(R, K)
    curt = np.maximum(ncs_av - ncs_gen, 0.0)
    out["ncs_generation_mw"] = ncs_gen
    out["ncs_available_mw"] = ncs_av
    out["ncs_curtailment_mw"] = curt
    out["ncs_curtailment_cost"] = curt * pl.curtailment_cost * pl.hours_row

    # generic constraint rows: slack value and cost
    sp_val = np.zeros(pl.n_generic)
    sp_cost = np.zeros(pl.n_generic)
    ip, im = pl.generic_ip, pl.generic_im
    if ip:
        sp_val[ip] += col("generic_slack_pos")
        sp_cost[ip] += term("generic_slack_pos")
    if im:
        sp_val[im] -= col("generic_slack_neg")
        sp_cost[im] += term("generic_slack_neg")
    out["generic_constraint_id"] = pl.generic_ids.copy()
    out["generic_block_id"] = pl.generic_blocks.copy()
    out["generic_slack_value"] = sp_val
    out["generic_slack_cost"] = sp_cost

    # stage cost components (spec 13 §5.1), $
    fam_code = pl.family

    def total(name: str) -> float:
        return float(fam_total[fam_code[name]]) if name in fam_code else 0.0

    hv = sum(
        total(f"slack_{f}")
        for f in ("outflow_below", "outflow_above", "turbined_below", "generation_below")
    )
    hv += total("evaporation") + total("withdrawal_slack_neg") + total("withdrawal_slack_pos")
    fpha_cost = total("turbined")
    out["cost_components"] = np.array(
        [
            total("thermal"),
            0.0,  # contract
            total("deficit"),
            total("excess"),
            0.0,  # storage violation
            0.0,  # filling target
            hv,
            total("inflow_slack"),
            float(sp_cost.sum()),
            total("spillage") + total("diversion"),
            fpha_cost,
            float(out["ncs_curtailment_cost"].sum()),
            total("line_direct") + total("line_reverse"),
            0.0,  # pumping
        ]
    )
    out["immediate_cost"] = np.array(res.stage_cost * COST_SCALE)
    out["future_cost"] = np.array(float(lp.template.data.discount) * res.theta * COST_SCALE)
    out["total_cost"] = np.array(res.objective * COST_SCALE)
    return out


#: Order of ``cost_components`` (spec 13 §5.1 column names).
COST_COMPONENTS = (
    "thermal_cost",
    "contract_cost",
    "deficit_cost",
    "excess_cost",
    "storage_violation_cost",
    "filling_target_cost",
    "hydro_violation_cost",
    "inflow_penalty_cost",
    "generic_violation_cost",
    "spillage_cost",
    "fpha_turbined_cost",
    "curtailment_cost",
    "exchange_cost",
    "pumping_cost",
)


def _ncs_available(lp: StageLP, pl: ExtractPlan) -> np.ndarray:
    """Upper bounds of the NCS generation columns as the solver holds them (available MW)."""
    hi = pl.ncs_upper.copy()
    if pl.ncs_noise:
        tp = lp.template
        eta = lp._eta_at(lp._eta[None, :], tp.ncs_noise_pos)[0]
        av = tp.ncs_noise_gmax * np.clip(tp.ncs_noise_mean + tp.ncs_noise_std * eta, 0.0, 1.0)
        hi[pl.ncs_noise_at] = (av[:, None] * tp.ncs_noise_factor).ravel()
    return hi
