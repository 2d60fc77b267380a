"""Write the small noise-dependent cases of this folder (Cobre case format).

    python tests/data/stochastic/make_cases.py

Each case is small enough to train in seconds and its bounds depend on the noise:

* ``s1-saa-correlated``: 3 hydros, SAA tree, two correlation profiles (one scheduled), inflow
  forward noise ``out_of_sample`` (spec 11 §16.7), white-noise PAR. The load is deterministic:
  Cobre 0.5.1 solves the lower-bound LPs without load noise (docs/dev/stochastic-vs-cobre.md).
* ``s2-par-history``: PAR(p) estimated from 30 years of history (``pacf``, estimated spatial
  correlation, estimation path 4), monthly seasons (plain lag shift).
* ``s3-weekly-groups``: four weekly January stages sharing one noise group (spec 11 §12.4) and
  frozen/averaged AR(1) lags (§13.1), then two monthly stages; ``out_of_sample`` inflow.
* ``s4-monthly-quarterly``: six monthly stages, then two quarterly ones (``custom`` cycle), the
  quarterly lag rebuilt from the Apr-Jun average (§13.3).

``s3``/``s4`` use one forward pass: with several, Cobre 0.5.1 shares one lag accumulator between
the trajectories of a worker (docs/dev/stochastic-vs-cobre.md); both need
``modeling.cobre_compat = true`` on the pycobre side (plain-shift cut map, spec 10 §11.1).

* ``s5-halton-out-of-sample``: ``s1`` with ``qmc_halton`` for the tree and for the training
  forward pass (``out_of_sample``), 4 openings, truncated negative inflows.

The history of ``s2`` is d12-par-annual's (copied, not regenerated). Everything else is written
from the constants below; rerunning the script reproduces the files exactly.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
D12 = HERE.parent / "deterministic" / "d12-par-annual"

PENALTIES = {
    "bus": {"deficit_segments": [{"depth_mw": None, "cost": 1000.0}], "excess_cost": 0.5},
    "line": {"exchange_cost": 0.1},
    "hydro": {
        "spillage_cost": 0.02,
        "fpha_turbined_cost": 0.05,
        "diversion_cost": 0.1,
        "storage_violation_below_cost": 10000.0,
        "filling_target_violation_cost": 50000.0,
        "turbined_violation_below_cost": 5000.0,
        "outflow_violation_below_cost": 5000.0,
        "outflow_violation_above_cost": 5000.0,
        "generation_violation_below_cost": 5000.0,
        "evaporation_violation_cost": 5000.0,
        "water_withdrawal_violation_cost": 5000.0,
    },
    "non_controllable_source": {"curtailment_cost": 0.005},
}
MONTHS = [date(2024, m, 1) for m in range(1, 13)] + [date(2025, 1, 1)]


def _hydro(hid: int, vmax: float, qmax: float, prod: float) -> dict:
    return {
        "id": hid,
        "name": f"H{hid}",
        "bus_id": 0,
        "downstream_id": None,
        "reservoir": {"min_storage_hm3": 0.0, "max_storage_hm3": vmax},
        "outflow": {"min_outflow_m3s": 0.0, "max_outflow_m3s": None},
        "generation": {
            "model": "constant_productivity",
            "productivity_mw_per_m3s": prod,
            "min_turbined_m3s": 0.0,
            "max_turbined_m3s": qmax,
            "min_generation_mw": 0.0,
            "max_generation_mw": qmax * prod,
        },
    }


def _system(case: Path, hydros: list[dict], thermals: list[tuple[float, float]]) -> None:
    sysdir = case / "system"
    sysdir.mkdir(parents=True)
    _json(
        sysdir / "buses.json",
        {
            "buses": [
                {"id": 0, "name": "B0", "deficit_segments": [{"depth_mw": None, "cost": 1000.0}]}
            ]
        },
    )
    _json(sysdir / "lines.json", {"lines": []})
    _json(sysdir / "hydros.json", {"hydros": hydros})
    _json(
        sysdir / "thermals.json",
        {
            "thermals": [
                {
                    "id": i,
                    "name": f"T{i}",
                    "bus_id": 0,
                    "generation": {"min_mw": 0.0, "max_mw": mw},
                    "cost_per_mwh": c,
                }
                for i, (mw, c) in enumerate(thermals)
            ]
        },
    )
    _json(case / "penalties.json", PENALTIES)


def _json(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, indent=1) + "\n")


def _stage(
    sid: int, start: date, end: date, n_open: int, season: int | None, **extra: object
) -> dict:
    hours = 24.0 * (end - start).days
    st = {
        "id": sid,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "blocks": [{"id": 0, "name": "SINGLE", "hours": hours}],
        "num_scenarios": n_open,
    }
    if season is not None:
        st["season_id"] = season
    st.update(extra)
    return st


def _config(
    case: Path, *, forward: int, iterations: int, scenario_source: dict, extra: dict | None = None
) -> None:
    cfg = {
        "training": {
            "forward_passes": forward,
            "tree_seed": 7,
            "stopping_rules": [{"type": "iteration_limit", "limit": iterations}],
            "scenario_source": scenario_source,
        },
        "simulation": {"enabled": False, "num_scenarios": 1},
        "modeling": {"inflow_non_negativity": {"method": "none"}},
        "exports": {"stochastic": True},
    }
    cfg.update(extra or {})
    _json(case / "config.json", cfg)


def _stats(
    path: Path, key: str, rows: list[tuple[int, int, float, float]], names: tuple[str, str]
) -> None:
    table = pa.table(
        {
            key: pa.array([r[0] for r in rows], pa.int32()),
            "stage_id": pa.array([r[1] for r in rows], pa.int32()),
            names[0]: pa.array([r[2] for r in rows], pa.float64()),
            names[1]: pa.array([r[3] for r in rows], pa.float64()),
        }
    )
    pq.write_table(table, path, compression="none")


def _ar(path: Path, rows: list[tuple[int, int, int, float, float]]) -> None:
    pq.write_table(
        pa.table(
            {
                "hydro_id": pa.array([r[0] for r in rows], pa.int32()),
                "stage_id": pa.array([r[1] for r in rows], pa.int32()),
                "lag": pa.array([r[2] for r in rows], pa.int32()),
                "coefficient": pa.array([r[3] for r in rows], pa.float64()),
                "residual_std_ratio": pa.array([r[4] for r in rows], pa.float64()),
            }
        ),
        path,
        compression="none",
    )


def _fresh(name: str) -> Path:
    case = HERE / name
    if case.exists():
        shutil.rmtree(case)
    (case / "scenarios").mkdir(parents=True)
    return case


def _monthly_seasons(cycle: str = "monthly") -> dict:
    names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return {
        "cycle_type": cycle,
        "seasons": [{"id": i, "month_start": i + 1, "label": n} for i, n in enumerate(names)],
    }


def s1_saa_correlated(
    name: str = "s1-saa-correlated", method: str | None = None, n_open: int = 5
) -> None:
    case = _fresh(name)
    _system(
        case,
        [_hydro(0, 400.0, 150.0, 1.0), _hydro(1, 250.0, 120.0, 0.9), _hydro(2, 150.0, 90.0, 0.8)],
        [(80.0, 30.0), (120.0, 90.0)],
    )
    extra = {} if method is None else {"sampling_method": method}
    stages = [_stage(t, MONTHS[t], MONTHS[t + 1], n_open, None, **extra) for t in range(6)]
    _json(
        case / "stages.json",
        {"policy_graph": {"type": "finite_horizon", "annual_discount_rate": 0.0}, "stages": stages},
    )
    _json(
        case / "initial_conditions.json",
        {
            "storage": [
                {"hydro_id": 0, "value_hm3": 200.0},
                {"hydro_id": 1, "value_hm3": 120.0},
                {"hydro_id": 2, "value_hm3": 60.0},
            ],
            "filling_storage": [],
        },
    )
    means = {0: 70.0, 1: 55.0, 2: 40.0}
    _stats(
        case / "scenarios" / "inflow_seasonal_stats.parquet",
        "hydro_id",
        [
            (h, t, means[h] * (1.0 + 0.15 * ((t % 3) - 1)), 0.35 * means[h])
            for h in range(3)
            for t in range(6)
        ],
        ("mean_m3s", "std_m3s"),
    )
    _stats(
        case / "scenarios" / "load_seasonal_stats.parquet",
        "bus_id",
        [(0, t, 260.0, 0.0) for t in range(6)],
        ("mean_mw", "std_mw"),
    )
    inflow = [{"type": "inflow", "id": i} for i in range(3)]
    _json(
        case / "scenarios" / "correlation.json",
        {
            "method": "spectral",
            "profiles": {
                "default": {
                    "correlation_groups": [
                        {
                            "name": "basin",
                            "entities": inflow,
                            "matrix": [[1.0, 0.7, 0.4], [0.7, 1.0, 0.55], [0.4, 0.55, 1.0]],
                        }
                    ]
                },
                "wet": {
                    "correlation_groups": [
                        {
                            "name": "basin",
                            "entities": inflow,
                            "matrix": [[1.0, 0.9, 0.8], [0.9, 1.0, 0.85], [0.8, 0.85, 1.0]],
                        }
                    ]
                },
            },
            "schedule": [
                {"stage_id": 0, "profile_name": "wet"},
                {"stage_id": 1, "profile_name": "wet"},
            ],
        },
    )
    # Halton points include norm_quantile(0) = -8.21 (spec 11 §16.10): truncate negative inflows
    method_extra = {"modeling": {"inflow_non_negativity": {"method": "truncation"}}}
    _config(
        case,
        forward=2,
        iterations=10,
        scenario_source={
            "seed": 99,
            "inflow": {"scheme": "out_of_sample"},
            "load": {"scheme": "in_sample"},
            "ncs": {"scheme": "in_sample"},
        },
        extra=method_extra if method == "qmc_halton" else None,
    )


def s5_halton_out_of_sample() -> None:
    s1_saa_correlated("s5-halton-out-of-sample", "qmc_halton", 4)


def s2_par_history() -> None:
    case = _fresh("s2-par-history")
    _system(
        case,
        [_hydro(0, 300.0, 250.0, 1.0), _hydro(1, 200.0, 150.0, 0.8)],
        [(100.0, 40.0), (150.0, 120.0)],
    )
    stages = [_stage(t, MONTHS[t], MONTHS[t + 1], 4, t) for t in range(12)]
    _json(
        case / "stages.json",
        {
            "season_definitions": _monthly_seasons(),
            "policy_graph": {"type": "finite_horizon", "annual_discount_rate": 0.0},
            "stages": stages,
        },
    )
    _json(
        case / "initial_conditions.json",
        {
            "storage": [{"hydro_id": 0, "value_hm3": 150.0}, {"hydro_id": 1, "value_hm3": 100.0}],
            "filling_storage": [],
            "past_inflows": [
                {"hydro_id": 0, "values_m3s": [190.0, 170.0]},
                {"hydro_id": 1, "values_m3s": [110.0, 100.0]},
            ],
        },
    )
    shutil.copy(
        D12 / "scenarios" / "inflow_history.parquet", case / "scenarios" / "inflow_history.parquet"
    )
    _stats(
        case / "scenarios" / "load_seasonal_stats.parquet",
        "bus_id",
        [(0, t, 330.0, 0.0) for t in range(12)],
        ("mean_mw", "std_mw"),
    )
    _config(
        case,
        forward=2,
        iterations=8,
        scenario_source={
            "seed": 5,
            "inflow": {"scheme": "in_sample"},
            "load": {"scheme": "in_sample"},
            "ncs": {"scheme": "in_sample"},
        },
        extra={"estimation": {"max_order": 2, "order_selection": "pacf"}},
    )


def s3_weekly_groups() -> None:
    case = _fresh("s3-weekly-groups")
    _system(
        case,
        [_hydro(0, 120.0, 150.0, 1.0), _hydro(1, 80.0, 100.0, 0.9)],
        [(60.0, 35.0), (100.0, 110.0)],
    )
    jan = [date(2024, 1, 1 + 7 * k) for k in range(5)]  # 01-01 .. 01-29
    stages = [_stage(k, jan[k], jan[k + 1], 4, 0) for k in range(4)]
    stages.append(_stage(4, date(2024, 1, 29), date(2024, 3, 1), 6, 1))
    stages.append(_stage(5, date(2024, 3, 1), date(2024, 4, 1), 6, 2))
    _json(
        case / "stages.json",
        {
            "season_definitions": _monthly_seasons(),
            "policy_graph": {"type": "finite_horizon", "annual_discount_rate": 0.0},
            "stages": stages,
        },
    )
    _json(
        case / "initial_conditions.json",
        {
            "storage": [{"hydro_id": 0, "value_hm3": 60.0}, {"hydro_id": 1, "value_hm3": 40.0}],
            "filling_storage": [],
            "past_inflows": [
                {"hydro_id": 0, "values_m3s": [85.0]},
                {"hydro_id": 1, "values_m3s": [50.0]},
            ],
        },
    )
    means = {0: 90.0, 1: 55.0}
    _stats(
        case / "scenarios" / "inflow_seasonal_stats.parquet",
        "hydro_id",
        [
            (h, t, means[h] * (1.1 if t >= 4 else 1.0), 0.3 * means[h])
            for h in range(2)
            for t in range(6)
        ],
        ("mean_m3s", "std_m3s"),
    )
    _ar(
        case / "scenarios" / "inflow_ar_coefficients.parquet",
        [(h, t, 1, 0.6 - 0.1 * h, 0.8) for h in range(2) for t in range(1, 6)],
    )
    _stats(
        case / "scenarios" / "load_seasonal_stats.parquet",
        "bus_id",
        [(0, t, 190.0, 0.0) for t in range(6)],
        ("mean_mw", "std_mw"),
    )
    _config(
        case,
        forward=1,
        iterations=10,
        scenario_source={
            "seed": 31337,
            "inflow": {"scheme": "out_of_sample"},
            "load": {"scheme": "in_sample"},
            "ncs": {"scheme": "in_sample"},
        },
    )


def s4_monthly_quarterly() -> None:
    case = _fresh("s4-monthly-quarterly")
    _system(case, [_hydro(0, 500.0, 160.0, 1.0)], [(50.0, 25.0), (100.0, 100.0)])
    seasons = [
        {
            "id": i,
            "month_start": i + 1,
            "day_start": 1,
            "month_end": i + 1,
            "day_end": 28 if i == 1 else 30,
            "label": f"M{i + 1}",
        }
        for i in range(12)
    ] + [
        {
            "id": 12 + q,
            "month_start": 3 * q + 1,
            "day_start": 1,
            "month_end": 3 * q + 3,
            "day_end": 30,
            "label": f"Q{q + 1}",
        }
        for q in range(4)
    ]
    stages = [_stage(t, MONTHS[t], MONTHS[t + 1], 4, t) for t in range(6)]
    stages.append(_stage(6, MONTHS[6], MONTHS[9], 5, 14))
    stages.append(_stage(7, MONTHS[9], MONTHS[12], 5, 15))
    _json(
        case / "stages.json",
        {
            "season_definitions": {"cycle_type": "custom", "seasons": seasons},
            "policy_graph": {"type": "finite_horizon", "annual_discount_rate": 0.0},
            "stages": stages,
        },
    )
    _json(
        case / "initial_conditions.json",
        {
            "storage": [{"hydro_id": 0, "value_hm3": 250.0}],
            "filling_storage": [],
            "past_inflows": [{"hydro_id": 0, "values_m3s": [200.0]}],
        },
    )
    _stats(
        case / "scenarios" / "inflow_seasonal_stats.parquet",
        "hydro_id",
        [(0, t, 100.0 + 10.0 * t, 30.0) for t in range(8)],
        ("mean_m3s", "std_m3s"),
    )
    _ar(
        case / "scenarios" / "inflow_ar_coefficients.parquet",
        [(0, t, 1, 0.5, 0.85) for t in range(1, 8)],
    )
    _stats(
        case / "scenarios" / "load_seasonal_stats.parquet",
        "bus_id",
        [(0, t, 150.0, 0.0) for t in range(8)],
        ("mean_mw", "std_mw"),
    )
    _config(
        case,
        forward=1,
        iterations=10,
        scenario_source={
            "seed": 11,
            "inflow": {"scheme": "in_sample"},
            "load": {"scheme": "in_sample"},
            "ncs": {"scheme": "in_sample"},
        },
    )


if __name__ == "__main__":
    s1_saa_correlated()
    s2_par_history()
    s3_weekly_groups()
    s4_monthly_quarterly()
    s5_halton_out_of_sample()
