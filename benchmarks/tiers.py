"""Synthetic cases for the scale tiers of spec 22 §4, in Cobre's case format.

Usage:
    python benchmarks/tiers.py OUT_DIR [--tier small|medium|large|xlarge|2xlarge|all]
                                       [--seed 7] [--iterations 50]
    python benchmarks/tiers.py --sizes [--built ROOT]   # §6.3 formulas (+ pycobre's real LPs)

Writes ``OUT_DIR/<tier>/`` (config.json, stages.json, penalties.json, initial_conditions.json,
system/*.json, scenarios/*.parquet — the files of ``examples/4ree`` plus AR coefficients for the
tiers with AR order > 0 and precomputed FPHA planes for 2XLarge). The same seed gives the same
files byte for byte. ``--sizes`` prints the §6.3 LP-size formulas for every tier and the paper
estimate for the Production tier (which is never generated: 160 hydros with 125 planes is far
beyond what this machine can train).

Why synthetic rather than a real system: the tiers fix counts (stages, hydros, thermals, AR
order, planes), and timing depends on those and on the LP's degeneracy, so the parameters are
drawn to look like a Brazilian-style hydro-dominated system (cascades with big upstream
reservoirs and run-of-river plants downstream, wet-season inflows, a thermal merit order from
cheap to very expensive, deficit cost above every resource) rather than uniform noise.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

#: hm³ per month of 1 m³/s (30.44 days)
HM3_PER_M3S_MONTH = 2.6298
SCHEMA = "https://raw.githubusercontent.com/cobre-rs/cobre/refs/heads/main/book/src/schemas/"


@dataclass(frozen=True)
class Tier:
    """One row of spec 22 §4.1 plus the counts the spec leaves open (buses, lines, blocks)."""

    name: str
    stages: int
    hydros: int
    thermals: int
    ar_order: int
    fpha_planes: int  # 0 = constant productivity
    forward_passes: int
    openings: int
    buses: int
    lines: int
    blocks: int


TIERS: dict[str, Tier] = {
    t.name: t
    for t in (
        Tier("unit", 4, 1, 2, 0, 0, 2, 10, 1, 0, 1),
        Tier("small", 12, 2, 4, 0, 0, 4, 10, 2, 1, 1),
        Tier("medium", 24, 4, 20, 0, 0, 12, 20, 4, 4, 1),
        Tier("large", 24, 4, 20, 6, 0, 16, 20, 4, 4, 1),
        Tier("xlarge", 36, 12, 130, 12, 0, 32, 20, 6, 10, 3),
        Tier("2xlarge", 36, 12, 130, 12, 125, 32, 20, 6, 10, 3),
    )
}
#: spec 22 §1 / §6.3 production parameters (paper estimate only)
PRODUCTION = dict(
    N_BUS=6, N_BLOCK=3, AVG_DEF_SEGMENTS=1, N_LINE=10, N_HYDRO=160, AR_ORDER=12,
    N_HYDRO_DIV=10, N_HYDRO_EVAP=160, N_HYDRO_WITHDRAWAL=160, N_SLACK_TYPES=6, N_THERMAL=130,
    AVG_COST_SEGMENTS=1, N_CONTRACT_IMP=3, N_CONTRACT_EXP=2, N_PUMP=5, N_HYDRO_FPHA=50,
    AVG_FPHA_PLANES=125, N_GENERIC=50, N_CUT_CAPACITY=15_000,
)


# ----------------------------------------------------------------------------- sizing (§6.3)
def lp_size(p: dict[str, int]) -> tuple[int, int, int]:
    """(N_VAR, N_CON, N_STATE) from the exact counting formulas of spec 22 §6.3."""
    nb, nh = p["N_BLOCK"], p["N_HYDRO"]
    n_var = (
        1
        + p["N_BUS"] * nb * (p["AVG_DEF_SEGMENTS"] + 1)
        + 2 * p["N_LINE"] * nb
        + nh
        + nh * p["AR_ORDER"]
        + nh * nb * 4
        + p["N_HYDRO_DIV"] * nb
        + p["N_HYDRO_EVAP"] * nb
        + p["N_HYDRO_WITHDRAWAL"] * nb
        + nh * nb * p["N_SLACK_TYPES"]
        + p["N_THERMAL"] * nb * p["AVG_COST_SEGMENTS"]
        + (p["N_CONTRACT_IMP"] + p["N_CONTRACT_EXP"]) * nb
        + p["N_PUMP"] * nb * 2
    )
    n_con = (
        p["N_BUS"] * nb
        + 2 * nh
        + nh * p["AR_ORDER"]
        + (nh - p["N_HYDRO_FPHA"]) * nb
        + p["N_HYDRO_FPHA"] * nb * p["AVG_FPHA_PLANES"]
        + nh * nb * 5
        + p["N_HYDRO_EVAP"] * nb
        + p["N_HYDRO_WITHDRAWAL"] * nb
        + p["N_GENERIC"]
        + p["N_CUT_CAPACITY"]
    )
    return n_var, n_con, nh + nh * p["AR_ORDER"]


def tier_params(t: Tier, iterations: int = 50) -> dict[str, int]:
    """§6.3 parameters of a generated tier (no evaporation/diversion/withdrawal/contracts)."""
    return dict(
        N_BUS=t.buses, N_BLOCK=t.blocks, AVG_DEF_SEGMENTS=1, N_LINE=t.lines, N_HYDRO=t.hydros,
        AR_ORDER=t.ar_order, N_HYDRO_DIV=0, N_HYDRO_EVAP=0, N_HYDRO_WITHDRAWAL=0,
        N_SLACK_TYPES=4, N_THERMAL=t.thermals, AVG_COST_SEGMENTS=1, N_CONTRACT_IMP=0,
        N_CONTRACT_EXP=0, N_PUMP=0, N_HYDRO_FPHA=t.hydros if t.fpha_planes else 0,
        AVG_FPHA_PLANES=t.fpha_planes, N_GENERIC=0,
        N_CUT_CAPACITY=iterations * t.forward_passes,
    )


def built_size(case: Path) -> tuple[int, int, int]:
    """(columns, structural rows, state size) of stage 0 as pycobre's LP builder makes it."""
    from pycobre.run import prepare

    tp = prepare(case).templates[0]
    return tp.num_cols, tp.num_rows, tp.n_state


def print_sizes(iterations: int, built_root: Path | None = None) -> None:
    print(f"LP size per stage from spec 22 §6.3 (cut capacity = {iterations} iterations x M)")
    head = (f"{'tier':<11}{'N_VAR':>8}{'N_CON':>9}{'(w/o cuts)':>11}{'N_STATE':>9}"
            f"{'LPs/iter (T*M + (T-1)*M*K)':>30}")
    print(head + ("   built: cols, rows w/o cuts, state" if built_root else ""))
    for t in TIERS.values():
        p = tier_params(t, iterations)
        v, c, s = lp_size(p)
        solves = t.stages * t.forward_passes + (t.stages - 1) * t.forward_passes * t.openings
        extra = ""
        if built_root is not None and (built_root / t.name).is_dir():
            extra = "   " + ", ".join(map(str, built_size(built_root / t.name)))
        print(f"{t.name:<11}{v:>8}{c:>9}{c - p['N_CUT_CAPACITY']:>11}{s:>9}{solves:>30}{extra}")
    v, c, s = lp_size(PRODUCTION)
    print(f"{'production':<11}{v:>8}{c:>9}{c - PRODUCTION['N_CUT_CAPACITY']:>11}{s:>9}"
          f"{60 * 192 + 59 * 192 * 10:>30}  (paper only)")
    crit = 60 + 59 * 10
    print(f"production critical path: {crit} LP solves/iteration; at 25 ms -> {crit * 0.025:.2f} s"
          f" + 2 % barrier; 50 iterations ~ {50 * (60 * 0.025 + 59 * 10 * 0.025 * 1.02):.0f} s")


# ----------------------------------------------------------------------------- case content
def _stage_dates(n: int) -> list[tuple[date, date]]:
    out, y, m = [], 2025, 1
    for _ in range(n):
        ny, nm = (y, m + 1) if m < 12 else (y + 1, 1)
        out.append((date(y, m, 1), date(ny, nm, 1)))
        y, m = ny, nm
    return out


def _block_split(hours: int, k: int) -> list[tuple[str, int]]:
    if k == 1:
        return [("SINGLE", hours)]
    names, shares = ["PESADA", "MEDIA", "LEVE"], [0.12, 0.48, 0.40]
    hrs = [round(hours * s) for s in shares[:k]]
    hrs[-1] = hours - sum(hrs[:-1])
    return list(zip(names[:k], hrs, strict=True))


def _cascades(rng: np.random.Generator, n: int) -> list[int | None]:
    """downstream_id per hydro: rivers of 2–4 plants, upstream first."""
    down: list[int | None] = [None] * n
    i = 0
    while i < n:
        length = min(int(rng.integers(2, 5)), n - i)
        for j in range(i, i + length - 1):
            down[j] = j + 1
        i += length
    return down


def _hydros(
    rng: np.random.Generator, t: Tier
) -> tuple[list[dict], np.ndarray, np.ndarray, np.ndarray]:
    """Hydro entities, mean incremental and natural inflow (m³/s), initial storage (hm³)."""
    down = _cascades(rng, t.hydros)
    head_pos = [i == 0 or down[i - 1] != i for i in range(t.hydros)]  # first of its river
    incr = rng.lognormal(math.log(800.0), 0.7, t.hydros)  # incremental inflow, m³/s
    total = np.zeros(t.hydros)  # natural (accumulated) inflow at each plant
    for i in range(t.hydros):
        total[i] = incr[i] + (total[i - 1] if not head_pos[i] else 0.0)
    hydros, v0 = [], np.zeros(t.hydros)
    for i in range(t.hydros):
        reservoir = head_pos[i] or rng.random() < 0.4
        months = rng.uniform(4.0, 14.0) if reservoir else rng.uniform(0.05, 0.3)
        vmax = round(total[i] * HM3_PER_M3S_MONTH * months, 1)
        vmin = round(vmax * (rng.uniform(0.1, 0.35) if reservoir else 0.9), 1)
        head = rng.uniform(40.0, 130.0) if reservoir else rng.uniform(15.0, 60.0)
        rho = round(0.0088 * head, 4)  # MW per m³/s: 9.81 kN/m³ x efficiency 0.9
        qmax = round(total[i] * rng.uniform(1.1, 1.8), 1)
        v0[i] = round(vmin + (vmax - vmin) * rng.uniform(0.4, 0.75), 1)
        hydro = {
            "id": i,
            "name": f"UHE_{i:03d}",
            "bus_id": int(rng.integers(0, t.buses)),
            "downstream_id": down[i],
            "reservoir": {"min_storage_hm3": vmin, "max_storage_hm3": vmax},
            "outflow": {"min_outflow_m3s": round(0.1 * total[i], 1), "max_outflow_m3s": None},
            "generation": {
                "model": "constant_productivity",
                "productivity_mw_per_m3s": rho,
                "min_turbined_m3s": 0.0,
                "max_turbined_m3s": qmax,
                "min_generation_mw": 0.0,
                "max_generation_mw": round(rho * qmax, 1),
            },
        }
        hydros.append(hydro)
    return hydros, incr, total, v0


def _thermals(rng: np.random.Generator, t: Tier) -> list[dict]:
    """Merit order: a few cheap base plants, many mid-merit gas/oil plants, expensive peakers."""
    cost = np.sort(rng.lognormal(math.log(180.0), 0.9, t.thermals))
    cost[: max(1, t.thermals // 10)] *= 0.15  # nuclear / coal base load
    cap = rng.lognormal(math.log(300.0), 0.8, t.thermals)
    out = []
    for i in range(t.thermals):
        cmax = round(float(cap[i]), 1)
        must_run = 0.3 * cmax if cost[i] < 40 else 0.0
        out.append({
            "id": i,
            "name": f"UTE_{i:03d}",
            "bus_id": int(rng.integers(0, t.buses)),
            "generation": {"min_mw": round(must_run, 1), "max_mw": cmax},
            "cost_per_mwh": round(float(cost[i]), 2),
        })
    return out


def _lines(rng: np.random.Generator, t: Tier, load_mw: np.ndarray) -> list[dict]:
    pairs = [(i, i + 1) for i in range(t.buses - 1)]
    extra = [(i, j) for i in range(t.buses) for j in range(i + 2, t.buses)]
    rng.shuffle(extra)
    pairs = (pairs + [tuple(p) for p in extra])[: t.lines]
    out = []
    for k, (a, b) in enumerate(pairs):
        cap = 0.3 * min(load_mw[a], load_mw[b]) * rng.uniform(0.6, 1.4)
        out.append({
            "id": k,
            "name": f"LT_{a}_{b}",
            "source_bus_id": int(a),
            "target_bus_id": int(b),
            "capacity": {"direct_mw": round(cap, 1), "reverse_mw": round(0.8 * cap, 1)},
            "exchange_cost": 0.1,
        })
    return out


def _seasonal_shape(n_stages: int, amplitude: float, peak_month: int) -> np.ndarray:
    m = np.arange(n_stages) % 12
    return 1.0 + amplitude * np.cos(2.0 * math.pi * (m - peak_month) / 12.0)


def _ar_table(rng: np.random.Generator, t: Tier) -> pa.Table:
    """Standardised PAR(p) coefficients: a dominant lag 1 and geometrically fading higher lags.

    sum |phi| < 0.9 keeps every season's recursion stable; the residual ratio is the usual
    sqrt(1 - sum phi_l^2) approximation, floored so noise never vanishes.
    """
    rows: dict[str, list] = {k: [] for k in
                             ("hydro_id", "stage_id", "lag", "coefficient", "residual_std_ratio")}
    for h in range(t.hydros):
        for s in range(t.stages):
            phi1 = rng.uniform(0.45, 0.75)
            phi = [phi1] + [phi1 * 0.35 ** lag * rng.choice([-1.0, 1.0])
                            for lag in range(1, t.ar_order)]
            scale = min(1.0, 0.9 / sum(abs(x) for x in phi))
            phi = [x * scale for x in phi]
            ratio = max(0.3, math.sqrt(max(0.0, 1.0 - sum(x * x for x in phi))))
            for lag, c in enumerate(phi, start=1):
                rows["hydro_id"].append(h)
                rows["stage_id"].append(s)
                rows["lag"].append(lag)
                rows["coefficient"].append(round(c, 6))
                rows["residual_std_ratio"].append(round(ratio, 6))
    return pa.table({
        "hydro_id": pa.array(rows["hydro_id"], pa.int32()),
        "stage_id": pa.array(rows["stage_id"], pa.int32()),
        "lag": pa.array(rows["lag"], pa.int32()),
        "coefficient": pa.array(rows["coefficient"], pa.float64()),
        "residual_std_ratio": pa.array(rows["residual_std_ratio"], pa.float64()),
    })


def _fpha_table(hydros: list[dict], planes: int) -> pa.Table:
    """``planes`` tangent planes per hydro of g = rho q (1 + a v/vmax - b q/qmax - c s/qmax).

    Tangent points on a (volume, turbined, spillage) grid, as a computed FPHA would place them;
    every plane has gamma_v >= 0, gamma_q > 0, gamma_s <= 0 and valid for all stages.
    """
    side = round(planes ** (1.0 / 3.0))
    grid = [(i, j, k) for i in range(side) for j in range(side) for k in range(side)][:planes]
    a, b, c = 0.25, 0.12, 0.04
    cols: dict[str, list] = {k: [] for k in
                             ("hydro_id", "plane_id", "gamma_0", "gamma_v", "gamma_q", "gamma_s")}
    for h in hydros:
        gen = h["generation"]
        rho, qmax = gen["productivity_mw_per_m3s"], gen["max_turbined_m3s"]
        vmin, vmax = h["reservoir"]["min_storage_hm3"], h["reservoir"]["max_storage_hm3"]
        for p, (i, j, k) in enumerate(grid):
            v = vmin + (vmax - vmin) * (i + 0.5) / side
            q = qmax * (j + 1) / side
            s = 0.5 * qmax * k / max(1, side - 1)
            g = rho * q * (1 + a * v / vmax - b * q / qmax - c * s / qmax)
            gv = rho * q * a / vmax
            gq = rho * (1 + a * v / vmax - 2 * b * q / qmax - c * s / qmax)
            gs = -rho * q * c / qmax
            cols["hydro_id"].append(h["id"])
            cols["plane_id"].append(p)
            cols["gamma_0"].append(g - gv * v - gq * q - gs * s)
            cols["gamma_v"].append(gv)
            cols["gamma_q"].append(gq)
            cols["gamma_s"].append(gs)
    n = len(cols["hydro_id"])
    return pa.table({
        "hydro_id": pa.array(cols["hydro_id"], pa.int32()),
        "stage_id": pa.array([None] * n, pa.int32()),
        "plane_id": pa.array(cols["plane_id"], pa.int32()),
        "gamma_0": pa.array(cols["gamma_0"], pa.float64()),
        "gamma_v": pa.array(cols["gamma_v"], pa.float64()),
        "gamma_q": pa.array(cols["gamma_q"], pa.float64()),
        "gamma_s": pa.array(cols["gamma_s"], pa.float64()),
        "kappa": pa.array([1.0] * n, pa.float64()),
    })


def _write_json(path: Path, schema: str | None, body: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = ({"$schema": SCHEMA + schema} if schema else {}) | body
    path.write_text(json.dumps(doc, indent=2) + "\n")


def generate(tier: Tier, out: Path, seed: int = 7, iterations: int = 50) -> Path:
    """Write the case of ``tier`` into ``out`` (replaced if it exists); returns ``out``."""
    rng = np.random.default_rng([seed, sum(map(ord, tier.name))])
    if out.exists():
        shutil.rmtree(out)
    (out / "system").mkdir(parents=True)
    (out / "scenarios").mkdir()

    hydros, incr, natural, v0 = _hydros(rng, tier)
    thermals = _thermals(rng, tier)
    # size the load so hydro covers ~65 % of it on average; thermal and deficit cover the rest
    hydro_mw = sum(h["generation"]["productivity_mw_per_m3s"] * natural[i]
                   for i, h in enumerate(hydros))
    thermal_mw = sum(th["generation"]["max_mw"] for th in thermals)
    total_load = max(hydro_mw / 0.65, 0.5 * thermal_mw) if hydro_mw else 0.8 * thermal_mw
    share = rng.dirichlet(np.full(tier.buses, 4.0))
    bus_load = total_load * share
    deficit_cost = round(float(rng.uniform(3500.0, 4500.0)), 2)

    buses = [{"id": b, "name": f"BUS_{b}",
              "deficit_segments": [{"depth_mw": None, "cost": deficit_cost}]}
             for b in range(tier.buses)]
    _write_json(out / "system/buses.json", "buses.schema.json", {"buses": buses})
    _write_json(out / "system/lines.json", "lines.schema.json",
                {"lines": _lines(rng, tier, bus_load)})
    _write_json(out / "system/thermals.json", "thermals.schema.json", {"thermals": thermals})
    if tier.fpha_planes:
        for h in hydros:
            h["generation"]["model"] = "fpha"
        pq.write_table(_fpha_table(hydros, tier.fpha_planes),
                       out / "system/fpha_hyperplanes.parquet", compression="zstd")
        models = [{"hydro_id": h["id"], "selection_mode": "stage_ranges",
                   "stage_ranges": [{"start_stage_id": 0, "end_stage_id": None, "model": "fpha",
                                     "fpha_config": {"source": "precomputed"}}]}
                  for h in hydros]
        _write_json(out / "system/hydro_production_models.json",
                    "production_models.schema.json", {"production_models": models})
    _write_json(out / "system/hydros.json", "hydros.schema.json", {"hydros": hydros})

    stages = []
    for s, (d0, d1) in enumerate(_stage_dates(tier.stages)):
        hours = (d1 - d0).days * 24
        stages.append({
            "id": s, "start_date": d0.isoformat(), "end_date": d1.isoformat(),
            "blocks": [{"id": k, "name": nm, "hours": hr}
                       for k, (nm, hr) in enumerate(_block_split(hours, tier.blocks))],
            "season_id": d0.month - 1,
            "num_scenarios": tier.openings,
        })
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    temporal: dict = {
        "season_definitions": {
            "cycle_type": "monthly",
            "seasons": [{"id": m, "month_start": m + 1, "label": months[m]} for m in range(12)],
        },
        "policy_graph": {"type": "finite_horizon", "annual_discount_rate": 0.12},
    }
    if tier.ar_order:  # the p months before the study, for lag alignment (oldest first)
        pre = []
        for k in range(tier.ar_order, 0, -1):
            y, m = 2025 - (k + 11) // 12, (12 - k) % 12  # m = 0-based month k months back
            y1, m1 = (y, m + 2) if m < 11 else (y + 1, 1)
            pre.append({"id": -k, "start_date": date(y, m + 1, 1).isoformat(),
                        "end_date": date(y1, m1, 1).isoformat(), "season_id": m})
        temporal["pre_study_stages"] = pre
    temporal["stages"] = stages
    _write_json(out / "stages.json", "stages.schema.json", temporal)

    # wet season peaks in February (month index 1), dry season in August
    n_h = tier.hydros
    shape = _seasonal_shape(tier.stages, 0.55, 1)
    mean = incr[:, None] * shape[None, :] * rng.uniform(0.9, 1.1, (n_h, tier.stages))
    cv = rng.uniform(0.2, 0.35, (n_h, 1))
    pq.write_table(pa.table({
        "hydro_id": pa.array(np.repeat(np.arange(n_h), tier.stages), pa.int32()),
        "stage_id": pa.array(np.tile(np.arange(tier.stages), n_h), pa.int32()),
        "mean_m3s": pa.array(np.round(mean, 3).ravel(), pa.float64()),
        "std_m3s": pa.array(np.round(mean * cv, 3).ravel(), pa.float64()),
    }), out / "scenarios/inflow_seasonal_stats.parquet", compression="zstd")
    load_shape = _seasonal_shape(tier.stages, 0.06, 2)
    load = bus_load[:, None] * load_shape[None, :]
    pq.write_table(pa.table({
        "bus_id": pa.array(np.repeat(np.arange(tier.buses), tier.stages), pa.int32()),
        "stage_id": pa.array(np.tile(np.arange(tier.stages), tier.buses), pa.int32()),
        "mean_mw": pa.array(np.round(load, 1).ravel(), pa.float64()),
        "std_mw": pa.array(np.zeros(tier.buses * tier.stages), pa.float64()),
    }), out / "scenarios/load_seasonal_stats.parquet", compression="zstd")

    initial: dict = {"storage": [{"hydro_id": i, "value_hm3": float(v0[i])} for i in range(n_h)],
                     "filling_storage": []}
    if tier.ar_order:
        pq.write_table(_ar_table(rng, tier), out / "scenarios/inflow_ar_coefficients.parquet",
                       compression="zstd")
        # last `p` months before January, most recent first (December, November, ...)
        past_months = (-1 - np.arange(tier.ar_order)) % 12
        initial["past_inflows"] = [
            {"hydro_id": i, "values_m3s": [round(float(incr[i] * _seasonal_shape(12, 0.55, 1)[m]),
                                                 3) for m in past_months]}
            for i in range(n_h)
        ]
    _write_json(out / "initial_conditions.json", "initial_conditions.schema.json", initial)

    _write_json(out / "penalties.json", "penalties.schema.json", {
        "bus": {"deficit_segments": [{"depth_mw": None, "cost": deficit_cost}],
                "excess_cost": 100.0},
        "line": {"exchange_cost": 0.1},
        "hydro": {
            "spillage_cost": 0.01, "fpha_turbined_cost": 0.05, "diversion_cost": 0.1,
            "storage_violation_below_cost": 10000.0, "filling_target_violation_cost": 50000.0,
            "turbined_violation_below_cost": 500.0, "outflow_violation_below_cost": 500.0,
            "outflow_violation_above_cost": 500.0, "generation_violation_below_cost": 1000.0,
            "evaporation_violation_cost": 5000.0, "water_withdrawal_violation_cost": 1000.0,
        },
        "non_controllable_source": {"curtailment_cost": 0.005},
    })
    _write_json(out / "config.json", "config.schema.json", {
        "training": {
            "forward_passes": tier.forward_passes,
            "tree_seed": seed,
            "stopping_rules": [{"type": "iteration_limit", "limit": iterations}],
            "scenario_source": {"seed": seed, "inflow": {"scheme": "in_sample"},
                                "load": {"scheme": "in_sample"}, "ncs": {"scheme": "in_sample"}},
        },
        "simulation": {"enabled": True, "num_scenarios": 100},
        "modeling": {"inflow_non_negativity": {"method": "penalty"}},
    })
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", type=Path)
    ap.add_argument("--tier", default="all", choices=[*TIERS, "all"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--sizes", action="store_true", help="print §6.3 sizes (and Production)")
    ap.add_argument("--built", type=Path, default=None,
                    help="with --sizes: also build stage 0 of each tier found under this root")
    args = ap.parse_args(argv)
    if args.sizes:
        print_sizes(args.iterations, args.built)
    if args.out is None:
        if not args.sizes:
            ap.error("OUT_DIR is required unless --sizes")
        return
    names = list(TIERS) if args.tier == "all" else [args.tier]
    for name in names:
        path = generate(TIERS[name], args.out / name, args.seed, args.iterations)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
