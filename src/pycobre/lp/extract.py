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


def extract_quantities(lp: StageLP, res: SolveResult) -> dict[str, np.ndarray]:
    tp = lp.template
    d = tp.data
    hy, K = d.hydros, d.n_blocks
    N, B, J, Lb, R = hy.n, d.buses.n, d.thermals.n, d.lines.n, d.ncs.n
    x, y = res.primal, res.row_duals
    hours = np.asarray(d.hours, dtype=np.float64)
    cost = tp.cost_dollars

    spans = tp.col_spans
    contrib = x * cost  # $ per column, one multiply for every cost term below
    fam_code = {n: i for i, n in enumerate(tp.col_family_names)}
    fam_total = np.bincount(tp.col_family, weights=contrib, minlength=len(fam_code))

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
    tgt = np.asarray(hy.diversion_target, dtype=np.int64)
    has = tgt >= 0
    if has.any():
        np.add.at(din, tgt[has], dv[has])
    out["hydro_diverted_inflow_m3s"] = din
    evap = np.zeros(N)
    ev_pos = np.flatnonzero(np.asarray(hy.has_evaporation, dtype=bool))
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
    gen = q * np.asarray(hy.productivity, dtype=np.float64)[:, None]
    fpha = np.flatnonzero(np.asarray(hy.is_fpha, dtype=bool))
    if fpha.size:
        gen[fpha] = col("generation", (fpha.size, K))
    out["hydro_generation_mw"] = gen
    prod = np.asarray(hy.productivity, dtype=np.float64).copy()
    prod[fpha] = np.nan
    out["hydro_productivity_mw_per_m3s"] = prod
    out["hydro_water_value_per_hm3"] = y[tp.rows("water_balance")] * COST_SCALE
    out["hydro_spillage_cost"] = term("spillage", (N, K))
    out["hydro_turbined_slack_m3s"] = col("slack_turbined_below", (N, K))
    out["hydro_outflow_slack_below_m3s"] = col("slack_outflow_below", (N, K))
    out["hydro_outflow_slack_above_m3s"] = col("slack_outflow_above", (N, K))
    out["hydro_generation_slack_mw"] = col("slack_generation_below", (N, K))
    out["hydro_inflow_nonnegativity_slack_m3s"] = (
        col("inflow_slack") if "inflow_slack" in tp.col_spans else np.zeros(N)
    )
    out["hydro_withdrawal_violation_neg_m3s"] = col("withdrawal_slack_neg")
    out["hydro_withdrawal_violation_pos_m3s"] = col("withdrawal_slack_pos")
    out["inflow_lags_m3s"] = x[tp.cols("lag")].reshape(tp.n_lags, N).T.copy()

    out["thermal_generation_mw"] = col("thermal", (J, K))
    out["thermal_generation_cost"] = term("thermal", (J, K))
    out["line_direct_flow_mw"] = col("line_direct", (Lb, K))
    out["line_reverse_flow_mw"] = col("line_reverse", (Lb, K))
    out["line_exchange_cost"] = term("line_direct", (Lb, K)) + term("line_reverse", (Lb, K))

    lb_rows = tp.rows("load_balance")
    lp_bounds = _row_lower(lp)
    out["bus_load_mw"] = lp_bounds[lb_rows].reshape(B, K)
    seg_bus = np.asarray(d.buses.seg_bus, dtype=np.int64)
    deficit = np.zeros((B, K))
    if seg_bus.size:
        np.add.at(deficit, seg_bus, col("deficit", (seg_bus.size, K)))
    out["bus_deficit_mw"] = deficit
    out["bus_excess_mw"] = col("excess", (B, K))
    out["bus_spot_price"] = y[lb_rows].reshape(B, K) * COST_SCALE / hours[None, :]

    ncs_gen = col("ncs_generation", (R, K))
    ncs_av = _col_upper(lp)[tp.cols("ncs_generation")].reshape(R, K)
    curt = np.maximum(ncs_av - ncs_gen, 0.0)
    out["ncs_generation_mw"] = ncs_gen
    out["ncs_available_mw"] = ncs_av
    out["ncs_curtailment_mw"] = curt
    out["ncs_curtailment_cost"] = (
        curt * np.asarray(d.ncs.curtailment_cost, dtype=np.float64)[:, None] * hours[None, :]
    )

    # generic constraint rows: slack value and cost
    gen_rows = [g for g in d.generic if 0 <= g.block < K]
    sp_val = np.zeros(len(gen_rows))
    sp_cost = np.zeros(len(gen_rows))
    ip = [i for i, g in enumerate(gen_rows) if g.slack_enabled]
    im = [i for i, g in enumerate(gen_rows) if g.slack_enabled and g.sense == "=="]
    if ip:
        sp_val[ip] += col("generic_slack_pos")
        sp_cost[ip] += term("generic_slack_pos")
    if im:
        sp_val[im] -= col("generic_slack_neg")
        sp_cost[im] += term("generic_slack_neg")
    out["generic_constraint_id"] = np.array([g.constraint_id for g in gen_rows], dtype=np.int64)
    out["generic_block_id"] = np.array([g.block for g in gen_rows], dtype=np.int64)
    out["generic_slack_value"] = sp_val
    out["generic_slack_cost"] = sp_cost

    # stage cost components (spec 13 §5.1), $
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
    out["future_cost"] = np.array(float(d.discount) * res.theta * COST_SCALE)
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


def _row_lower(lp: StageLP) -> np.ndarray:
    """Current row lower bounds of the structural rows (the realised RHS)."""
    tp = lp.template
    lo = tp.unscaled_model.row_lower.copy()
    lo[lp._patch_rows] = lp._patch_vals
    return lo


def _col_upper(lp: StageLP) -> np.ndarray:
    tp = lp.template
    hi = tp.unscaled_model.col_upper.copy()
    if tp.ncs_noise_pos.shape[0]:
        eta = lp._eta_at(lp._eta[None, :], tp.ncs_noise_pos)[0]
        av = tp.ncs_noise_gmax * np.clip(tp.ncs_noise_mean + tp.ncs_noise_std * eta, 0.0, 1.0)
        hi[tp.ncs_noise_cols.ravel()] = (av[:, None] * tp.ncs_noise_factor).ravel()
    return hi
