"""Writes the hand-derived conformance cases h01–h12 (see EXPECTED.md in this folder).

The case folders are committed; this script documents how they were made and rewrites them
(`python tests/data/handmade/build_cases.py`). Every case is small enough that its optimum can
be derived by hand: hydros are run-of-river (storage fixed at 0 hm³) unless a reservoir is
the point of the case, so each stage's hydro generation is determined by its inflow.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent

PENALTIES = {
    "bus": {"deficit_segments": [{"depth_mw": None, "cost": 1000.0}], "excess_cost": 0.01},
    "line": {"exchange_cost": 0.01},
    "hydro": {
        "spillage_cost": 0.01,
        "fpha_turbined_cost": 0.01,
        "diversion_cost": 0.01,
        "storage_violation_below_cost": 10000.0,
        "filling_target_violation_cost": 10000.0,
        "turbined_violation_below_cost": 10000.0,
        "outflow_violation_below_cost": 10000.0,
        "outflow_violation_above_cost": 10000.0,
        "generation_violation_below_cost": 10000.0,
        "evaporation_violation_cost": 10000.0,
        "water_withdrawal_violation_cost": 10000.0,
    },
    "non_controllable_source": {"curtailment_cost": 0.005},
}

MONTHLY_SEASONS = {
    "cycle_type": "monthly",
    "seasons": [
        {"id": m, "month_start": m + 1, "label": dt.date(2024, m + 1, 1).strftime("%B")}
        for m in range(12)
    ],
}


def _dump(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2) + "\n")


def _table(path: Path, columns: dict[str, tuple[pa.DataType, list]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {k: pa.array(v, type=t) for k, (t, v) in columns.items()}
    pq.write_table(pa.table(arrays), path, compression="zstd")


def stage(
    sid: int, start: str, end: str, hours: list[float], season: int | None = None, n_open: int = 1
) -> dict:
    st = {
        "id": sid,
        "start_date": start,
        "end_date": end,
        "blocks": [{"id": k, "name": f"B{k}", "hours": h} for k, h in enumerate(hours)],
        "num_scenarios": n_open,
    }
    if season is not None:
        st["season_id"] = season
    return st


def month_stages(year: int, first_month: int, n: int, first_id: int = 0, seasons=True) -> list:
    out = []
    for i in range(n):
        m = first_month + i
        y, m0 = year + (m - 1) // 12, (m - 1) % 12 + 1
        start = dt.date(y, m0, 1)
        end = dt.date(y + m0 // 12, m0 % 12 + 1, 1)
        hours = 24.0 * (end - start).days
        out.append(
            stage(first_id + i, str(start), str(end), [hours], m0 - 1 if seasons else None)
        )
    return out


def hydro(
    hid: int,
    *,
    rho: float = 1.0,
    vmax: float = 0.0,
    qmax: float = 1000.0,
    min_outflow: float = 0.0,
    max_outflow: float | None = None,
    name: str | None = None,
    **extra,
) -> dict:
    h = {
        "id": hid,
        "name": name or f"H{hid}",
        "bus_id": 0,
        "downstream_id": None,
        "reservoir": {"min_storage_hm3": 0.0, "max_storage_hm3": vmax},
        "outflow": {"min_outflow_m3s": min_outflow, "max_outflow_m3s": max_outflow},
        "generation": {
            "model": "constant_productivity",
            "productivity_mw_per_m3s": rho,
            "min_turbined_m3s": 0.0,
            "max_turbined_m3s": qmax,
            "min_generation_mw": 0.0,
            "max_generation_mw": 10_000.0,
        },
    }
    h.update(extra)
    return h


def thermal(tid: int, cost: float, max_mw: float, min_mw: float = 0.0) -> dict:
    return {
        "id": tid,
        "name": f"T{tid}",
        "bus_id": 0,
        "generation": {"min_mw": min_mw, "max_mw": max_mw},
        "cost_per_mwh": cost,
    }


def write_case(
    name: str,
    *,
    stages: list[dict],
    hydros: list[dict],
    thermals: list[dict],
    load: list[float],
    inflow_stats: list[tuple[int, int, float, float]] | None = None,
    ar: list[tuple[int, int, int, float, float]] | None = None,
    zero_noise_tree: bool = False,
    stages_extra: dict | None = None,
    penalties: dict | None = None,
    initial: dict | None = None,
    config_extra: dict | None = None,
    iterations: int = 10,
    files: dict[str, object] | None = None,
) -> Path:
    """Write one case; `load[t]` is the bus-0 mean load of study stage t."""
    root = HERE / name
    if root.exists():
        shutil.rmtree(root)
    st = {"policy_graph": {"type": "finite_horizon", "annual_discount_rate": 0.0}}
    st.update(stages_extra or {})
    st["stages"] = stages
    _dump(root / "stages.json", st)
    _dump(root / "system/buses.json", {"buses": [{"id": 0, "name": "B0"}]})
    _dump(root / "system/lines.json", {"lines": []})
    _dump(root / "system/hydros.json", {"hydros": hydros})
    _dump(root / "system/thermals.json", {"thermals": thermals})
    _dump(root / "penalties.json", penalties or PENALTIES)
    ic = {"storage": [{"hydro_id": h["id"], "value_hm3": 0.0} for h in hydros]}
    ic["filling_storage"] = []
    ic.update(initial or {})
    _dump(root / "initial_conditions.json", ic)
    config = {
        "training": {
            "forward_passes": 1,
            "stopping_rules": [{"type": "iteration_limit", "limit": iterations}],
        },
        "simulation": {"enabled": False, "num_scenarios": 1},
        "modeling": {"inflow_non_negativity": {"method": "none"}},
    }
    for key, val in (config_extra or {}).items():
        config.setdefault(key, {}).update(val)
    _dump(root / "config.json", config)
    ids = [s["id"] for s in stages]
    _table(
        root / "scenarios/load_seasonal_stats.parquet",
        {
            "bus_id": (pa.int32(), [0] * len(ids)),
            "stage_id": (pa.int32(), ids),
            "mean_mw": (pa.float64(), [float(x) for x in load]),
            "std_mw": (pa.float64(), [0.0] * len(ids)),
        },
    )
    if inflow_stats is not None:
        rows = sorted(inflow_stats)
        _table(
            root / "scenarios/inflow_seasonal_stats.parquet",
            {
                "hydro_id": (pa.int32(), [r[0] for r in rows]),
                "stage_id": (pa.int32(), [r[1] for r in rows]),
                "mean_m3s": (pa.float64(), [float(r[2]) for r in rows]),
                "std_m3s": (pa.float64(), [float(r[3]) for r in rows]),
            },
        )
    if ar is not None:
        rows = sorted(ar)
        _table(
            root / "scenarios/inflow_ar_coefficients.parquet",
            {
                "hydro_id": (pa.int32(), [r[0] for r in rows]),
                "stage_id": (pa.int32(), [r[1] for r in rows]),
                "lag": (pa.int32(), [r[2] for r in rows]),
                "coefficient": (pa.float64(), [float(r[3]) for r in rows]),
                "residual_std_ratio": (pa.float64(), [float(r[4]) for r in rows]),
            },
        )
    if zero_noise_tree:
        # one opening per stage whose standard noise is 0 for every hydro: the forward pass
        # (in-sample) and the backward pass both see eta = 0, so inflows follow the PAR mean path
        n_h = len(hydros)
        t_idx = [t for t in range(len(stages)) for _ in range(n_h)]
        _table(
            root / "scenarios/noise_openings.parquet",
            {
                "stage_id": (pa.int32(), t_idx),
                "opening_index": (pa.uint32(), [0] * len(t_idx)),
                "entity_index": (pa.uint32(), [e for _ in stages for e in range(n_h)]),
                "value": (pa.float64(), [0.0] * len(t_idx)),
            },
        )
    for rel, content in (files or {}).items():
        if isinstance(content, dict) and all(isinstance(v, tuple) for v in content.values()):
            _table(root / rel, content)
        else:
            _dump(root / rel, content)
    return root


# ---------------------------------------------------------------------------------------------


def h01() -> None:
    """PAR(1) lag shift across seasons with an explicit pre-study stage."""
    stats = [(0, -1, 50, 10), (0, 0, 60, 20), (0, 1, 40, 10), (0, 2, 30, 5)]
    ar = [(0, 0, 1, 0.5, 0.5), (0, 1, 1, 0.6, 0.5), (0, 2, 1, 0.8, 0.5)]
    write_case(
        "h01-par-lag-shift",
        stages=[
            stage(0, "2024-01-01", "2024-02-01", [730.0], 0),
            stage(1, "2024-02-01", "2024-03-01", [730.0], 1),
            stage(2, "2024-03-01", "2024-04-01", [730.0], 2),
        ],
        stages_extra={
            "season_definitions": MONTHLY_SEASONS,
            "pre_study_stages": [
                {"id": -1, "start_date": "2023-12-01", "end_date": "2024-01-01", "season_id": 11}
            ],
        },
        hydros=[hydro(0)],
        thermals=[thermal(0, 50.0, 500.0)],
        load=[100.0] * 3,
        inflow_stats=stats,
        ar=ar,
        zero_noise_tree=True,
        initial={"past_inflows": [{"hydro_id": 0, "values_m3s": [70.0]}]},
    )


def h02() -> None:
    """Two hydros, PAR(2) and PAR(1), lag statistics of stage 0 by season fallback."""
    mu0 = [100, 80, 60, 50]
    s0 = [20, 10, 20, 10]
    mu1 = [30, 20, 25, 35]
    s1 = [6, 4, 5, 7]
    phi0 = [(0.5, 0.25), (0.4, 0.2), (0.5, 0.1), (0.6, 0.2)]
    phi1 = [0.5, 0.75, 0.4, 0.7]
    stats = [(0, t, mu0[t], s0[t]) for t in range(4)] + [(1, t, mu1[t], s1[t]) for t in range(4)]
    ar = [(0, t, j + 1, phi0[t][j], 0.5) for t in range(4) for j in range(2)]
    ar += [(1, t, 1, phi1[t], 0.5) for t in range(4)]
    write_case(
        "h02-multi-hydro-par",
        stages=[stage(t, *_month(2024, t + 1), [730.0], t) for t in range(4)],
        stages_extra={"season_definitions": MONTHLY_SEASONS},
        # declared in reverse id order on purpose
        hydros=[hydro(1, rho=2.0), hydro(0, rho=1.0)],
        thermals=[thermal(0, 50.0, 1000.0)],
        load=[300.0] * 4,
        inflow_stats=stats,
        ar=ar,
        zero_noise_tree=True,
        initial={
            "storage": [{"hydro_id": 0, "value_hm3": 0.0}, {"hydro_id": 1, "value_hm3": 0.0}],
            "past_inflows": [
                {"hydro_id": 1, "values_m3s": [28.0, 10.0]},
                {"hydro_id": 0, "values_m3s": [40.0, 60.0]},
            ],
        },
    )


def _month(year: int, month: int) -> tuple[str, str]:
    start = dt.date(year, month, 1)
    end = dt.date(year + month // 12, month % 12 + 1, 1)
    return str(start), str(end)


def h03() -> None:
    """Operational soft rows: each of the four slack families is forced in one stage."""
    pen = json.loads(json.dumps(PENALTIES))
    pen["hydro"].update(
        outflow_violation_below_cost=100.0,
        outflow_violation_above_cost=200.0,
        turbined_violation_below_cost=300.0,
        generation_violation_below_cost=400.0,
    )
    inflow = [10.0, 40.0, 10.0, 10.0]
    write_case(
        "h03-operational-slacks",
        stages=[stage(t, *_month(2024, t + 1), [730.0]) for t in range(4)],
        hydros=[hydro(0)],
        thermals=[thermal(0, 50.0, 500.0)],
        load=[100.0] * 4,
        inflow_stats=[(0, t, inflow[t], 0.0) for t in range(4)],
        penalties=pen,
        files={
            "constraints/hydro_bounds.parquet": {
                "hydro_id": (pa.int32(), [0, 0, 0, 0]),
                "stage_id": (pa.int32(), [0, 1, 2, 3]),
                "min_outflow_m3s": (pa.float64(), [15.0, None, None, None]),
                "max_outflow_m3s": (pa.float64(), [None, 30.0, None, None]),
                "min_turbined_m3s": (pa.float64(), [None, None, 20.0, None]),
                "min_generation_mw": (pa.float64(), [None, None, None, 30.0]),
            }
        },
    )


def h04() -> None:
    """Per-block minimum outflow: the row holds in every block, not on the stage average."""
    pen = json.loads(json.dumps(PENALTIES))
    pen["hydro"]["outflow_violation_below_cost"] = 5000.0
    write_case(
        "h04-per-block-min-outflow",
        stages=[stage(t, *_month(2024, t + 1), [300.0, 430.0]) for t in range(2)],
        hydros=[hydro(0, min_outflow=20.0)],
        thermals=[thermal(0, 50.0, 80.0)],
        load=[100.0, 100.0],
        inflow_stats=[(0, 0, 20.0, 0.0), (0, 1, 20.0, 0.0)],
        penalties=pen,
        files={
            "scenarios/load_factors.json": {
                "load_factors": [
                    {
                        "bus_id": 0,
                        "stage_id": t,
                        "block_factors": [
                            {"block_id": 0, "factor": 1.5},
                            {"block_id": 1, "factor": 0.4},
                        ],
                    }
                    for t in range(2)
                ]
            }
        },
    )


def h05() -> None:
    """Withdrawal positive (slacks enabled, directional costs) and negative (slacks pinned)."""
    pen = json.loads(json.dumps(PENALTIES))
    pen["hydro"]["water_withdrawal_violation_pos_cost"] = 0.002
    pen["hydro"]["water_withdrawal_violation_neg_cost"] = 20.0
    inflow = [50.0, 15.0, 10.0, 40.0]
    write_case(
        "h05-two-sided-withdrawal",
        stages=[stage(t, *_month(2024, t + 1), [730.0]) for t in range(4)],
        hydros=[hydro(0)],
        thermals=[thermal(0, 50.0, 500.0)],
        load=[30.0] * 4,
        inflow_stats=[(0, t, inflow[t], 0.0) for t in range(4)],
        penalties=pen,
        files={
            "constraints/hydro_bounds.parquet": {
                "hydro_id": (pa.int32(), [0, 0, 0, 0]),
                "stage_id": (pa.int32(), [0, 1, 2, 3]),
                "water_withdrawal_m3s": (pa.float64(), [10.0, 5.0, -10.0, -10.0]),
            }
        },
    )


def h06() -> None:
    """Productivity override per stage (stage_ranges), min-generation row on entity rho."""
    pen = json.loads(json.dumps(PENALTIES))
    pen["hydro"]["generation_violation_below_cost"] = 100.0
    write_case(
        "h06-productivity-override",
        stages=[stage(t, *_month(2024, t + 1), [730.0]) for t in range(3)],
        hydros=[hydro(0, rho=1.0)],
        thermals=[thermal(0, 50.0, 500.0)],
        load=[100.0] * 3,
        inflow_stats=[(0, t, 20.0, 0.0) for t in range(3)],
        penalties=pen,
        files={
            "system/hydro_production_models.json": {
                "production_models": [
                    {
                        "hydro_id": 0,
                        "selection_mode": "stage_ranges",
                        "stage_ranges": [
                            {
                                "start_stage_id": 0,
                                "end_stage_id": 0,
                                "model": "constant_productivity",
                                "productivity_override": 2.0,
                            },
                            {
                                "start_stage_id": 2,
                                "end_stage_id": None,
                                "model": "constant_productivity",
                                "productivity_override": 0.5,
                            },
                        ],
                    }
                ]
            },
            "constraints/hydro_bounds.parquet": {
                "hydro_id": (pa.int32(), [0]),
                "stage_id": (pa.int32(), [0]),
                "min_generation_mw": (pa.float64(), [30.0]),
            },
        },
    )


def h07() -> None:
    """Annual discount rate with a per-transition override; thermal only."""
    write_case(
        "h07-discount-rate",
        stages=[stage(t, *_month(2024, t + 1), [730.0]) for t in range(3)],
        stages_extra={
            "policy_graph": {
                "type": "finite_horizon",
                "annual_discount_rate": 0.12,
                "transitions": [
                    {"source_id": 0, "target_id": 1, "probability": 1.0},
                    {
                        "source_id": 1,
                        "target_id": 2,
                        "probability": 1.0,
                        "annual_discount_rate_override": 0.30,
                    },
                ],
            }
        },
        hydros=[],
        thermals=[thermal(0, 100.0, 100.0)],
        load=[10.0, 20.0, 30.0],
    )


# --- h08: estimated PAR(2) -------------------------------------------------------------------

H08_YEARS = (1980, 2023)


def h08_history() -> tuple[list[dt.date], np.ndarray]:
    """Monthly series of a periodic AR(2) process with a fixed seed (44 years)."""
    rng = np.random.default_rng(20261129)
    months = 12 * (H08_YEARS[1] - H08_YEARS[0] + 1)
    mu = 100.0 + 40.0 * np.sin(2 * np.pi * np.arange(12) / 12)
    sd = 15.0 + 5.0 * np.cos(2 * np.pi * np.arange(12) / 12)
    z = np.zeros(months + 24)
    for i in range(2, months + 24):
        z[i] = 0.4 * z[i - 1] + 0.5 * z[i - 2] + 0.5 * rng.standard_normal()
    z = z[24:]
    m = np.arange(months) % 12
    values = np.round(mu[m] + sd[m] * z, 3)
    dates = [dt.date(H08_YEARS[0] + i // 12, i % 12 + 1, 1) for i in range(months)]
    return dates, values


def h08() -> None:
    dates, values = h08_history()
    write_case(
        "h08-estimated-par2",
        stages=[stage(t, *_month(2024, t + 1), [730.0], t) for t in range(12)],
        stages_extra={"season_definitions": MONTHLY_SEASONS},
        hydros=[hydro(0)],
        thermals=[thermal(0, 50.0, 1000.0)],
        load=[400.0] * 12,
        zero_noise_tree=True,
        initial={"past_inflows": [{"hydro_id": 0, "values_m3s": [110.0, 90.0]}]},
        config_extra={"estimation": {"max_order": 2, "order_selection": "pacf"}},
        files={
            "scenarios/inflow_history.parquet": {
                "hydro_id": (pa.int32(), [0] * len(dates)),
                "date": (pa.date32(), dates),
                "value_m3s": (pa.float64(), [float(v) for v in values]),
            }
        },
    )


def h09() -> None:
    """Per-stage thermal cost and bounds (thermal_bounds.parquet); block rows are ignored."""
    write_case(
        "h09-stage-thermal-costs",
        stages=[stage(t, *_month(2024, t + 1), [730.0]) for t in range(4)],
        hydros=[],
        thermals=[thermal(0, 10.0, 50.0), thermal(1, 30.0, 100.0)],
        load=[80.0] * 4,
        files={
            "constraints/thermal_bounds.parquet": {
                "thermal_id": (pa.int32(), [0, 0, 1, 1, 0]),
                "stage_id": (pa.int32(), [0, 1, 2, 3, 2]),
                "block_id": (pa.int32(), [0, None, None, None, None]),
                "min_generation_mw": (pa.float64(), [None, None, None, 60.0, None]),
                "max_generation_mw": (pa.float64(), [None, None, 20.0, None, None]),
                "cost_per_mwh": (pa.float64(), [1000.0, 40.0, None, None, None]),
            }
        },
    )


def h10() -> None:
    """Weekly stages inside monthly seasons: lags frozen within the month, then averaged."""
    spans = [
        ("2024-01-01", "2024-01-08", 0),
        ("2024-01-08", "2024-01-15", 0),
        ("2024-01-15", "2024-01-22", 0),
        ("2024-01-22", "2024-02-01", 0),
        ("2024-02-01", "2024-02-08", 1),
        ("2024-02-08", "2024-02-15", 1),
        ("2024-02-15", "2024-02-22", 1),
        ("2024-02-22", "2024-03-01", 1),
    ]
    stages = []
    for i, (a, b, s) in enumerate(spans):
        days = (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days
        stages.append(stage(i, a, b, [24.0 * days], s))
    stats = [(0, i, 60 if s == 0 else 40, 20 if s == 0 else 10) for i, (_, _, s) in enumerate(spans)]
    ar = [(0, i, 1, 0.5 if s == 0 else 0.6, 0.5) for i, (_, _, s) in enumerate(spans)]
    write_case(
        "h10-weekly-in-monthly",
        stages=stages,
        # no pre-study stage: stage 0's lag statistics come from the season fallback
        stages_extra={"season_definitions": MONTHLY_SEASONS},
        hydros=[hydro(0)],
        thermals=[thermal(0, 50.0, 1000.0)],
        load=[200.0] * len(spans),
        inflow_stats=stats,
        ar=ar,
        zero_noise_tree=True,
        initial={"past_inflows": [{"hydro_id": 0, "values_m3s": [90.0]}]},
    )


def h11() -> None:
    """Monthly Jan–Jun then quarterly Q3, Q4 (spec 11 §13.3), custom cycle, PAR(1)."""
    stages = []
    for m in range(1, 7):
        a, b = _month(2024, m)
        days = (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days
        stages.append(stage(m - 1, a, b, [24.0 * days], m - 1))
    stages.append(stage(6, "2024-07-01", "2024-10-01", [24.0 * 92], 12))
    stages.append(stage(7, "2024-10-01", "2025-01-01", [24.0 * 92], 13))
    seasons = []
    for m in range(1, 7):
        last = (dt.date(2024 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
        seasons.append(
            {"id": m - 1, "label": f"M{m}", "month_start": m, "day_start": 1,
             "month_end": m, "day_end": last}
        )
    seasons.append({"id": 12, "label": "Q3", "month_start": 7, "day_start": 1,
                    "month_end": 9, "day_end": 30})
    seasons.append({"id": 13, "label": "Q4", "month_start": 10, "day_start": 1,
                    "month_end": 12, "day_end": 31})
    mu = [60, 60, 40, 40, 30, 30, 120, 80]
    sd = [20, 20, 10, 10, 5, 5, 30, 20]
    phi = [0.5, 0.5, 0.4, 0.5, 0.6, 0.4, 0.5, 0.6]
    stats = [(0, t, mu[t], sd[t]) for t in range(8)]
    # stage 0 is white noise (a_0 = mu_0); AR(1) from stage 1 on
    ar = [(0, t, 1, phi[t], 0.5) for t in range(1, 8)]
    write_case(
        "h11-monthly-to-quarterly",
        stages=stages,
        stages_extra={"season_definitions": {"cycle_type": "custom", "seasons": seasons}},
        hydros=[hydro(0)],
        thermals=[thermal(0, 50.0, 1000.0)],
        load=[400.0] * 8,
        inflow_stats=stats,
        ar=ar,
        zero_noise_tree=True,
        initial={"past_inflows": [{"hydro_id": 0, "values_m3s": [90.0]}]},
    )


def h12() -> None:
    """Weekly season cycle: lags are never shifted (spec 11 §13.1), PAR(1) on a frozen lag."""
    spans = [("2024-01-01", "2024-01-08"), ("2024-01-08", "2024-01-15"),
             ("2024-01-15", "2024-01-22"), ("2024-01-22", "2024-01-29")]
    mu, sd, phi = [50, 60, 40, 30], [10, 20, 10, 5], [0.5, 0.5, 0.6, 0.8]
    write_case(
        "h12-weekly-cycle",
        stages=[stage(i, a, b, [168.0], i) for i, (a, b) in enumerate(spans)],
        stages_extra={
            "season_definitions": {
                "cycle_type": "weekly",
                "seasons": [{"id": i, "label": f"W{i + 1}", "month_start": 1} for i in range(4)],
            }
        },
        hydros=[hydro(0)],
        thermals=[thermal(0, 50.0, 1000.0)],
        load=[120.0] * 4,
        inflow_stats=[(0, i, mu[i], sd[i]) for i in range(4)],
        ar=[(0, i, 1, phi[i], 0.5) for i in range(4)],
        zero_noise_tree=True,
        initial={"past_inflows": [{"hydro_id": 0, "values_m3s": [70.0]}]},
    )


ALL = [h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12]

if __name__ == "__main__":
    for make in ALL:
        make()
