"""PAR(p) / PAR(p)-A in original units (spec 10 §9.1, spec 11 §2-3) and initial lags (§9.3)."""

import datetime as dt

import numpy as np
import pytest

from pycobre.errors import ValidationError
from pycobre.stochastic.case_view import StageInfo
from pycobre.stochastic.par_model import (
    InflowModelSet,
    evaluate_inflow,
    initial_lags,
    precompute_par,
)


def _stages(n, season_start=0, seasons=True, first_id=0):
    out = []
    for t in range(n):
        month = (season_start + t) % 12 + 1
        year = 2024 + (season_start + t) // 12
        start = dt.date(year, month, 1)
        end = dt.date(year + (month == 12), month % 12 + 1, 1)
        out.append(
            StageInfo(
                t, first_id + t, start, end, (season_start + t) % 12 if seasons else None, 5, "saa"
            )
        )
    return out


def test_evaluate_conformance():
    assert evaluate_inflow(70.0, np.array([0.48]), np.array([90.0]), 28.62, 0.5) == pytest.approx(
        127.51, abs=1e-12
    )


def test_order_one_with_pre_study_stage_matches_worked_example():
    models = InflowModelSet(
        stats={(7, -1): (80.0, 20.0), (7, 0): (100.0, 30.0)}, ar={(7, 0): ([0.6], 0.8)}
    )
    par = precompute_par(models, [7], _stages(1))
    assert par.n_lags == 1
    assert par.psi[0, 0, 0] == pytest.approx(0.9, abs=1e-10)
    assert par.base[0, 0] == pytest.approx(28.0, abs=1e-10)
    assert par.sigma[0, 0] == pytest.approx(24.0, abs=1e-10)
    assert par.max_ar_order.tolist() == [1]
    a = evaluate_inflow(par.base[0, 0], par.psi[0, 0], np.array([90.0]), par.sigma[0, 0], 0.0)
    assert a == pytest.approx(109.0, abs=1e-10)


def test_order_zero_gives_base_mean_and_deterministic_std_zero():
    models = InflowModelSet(stats={(0, 0): (40.0, 10.0), (0, 1): (-5.0, 0.0)})
    par = precompute_par(models, [0, 1], _stages(2, seasons=False))
    assert par.n_lags == 0
    assert par.base[:, 0].tolist() == [40.0, -5.0]
    assert par.sigma[:, 0].tolist() == [10.0, 0.0]
    # hydro 1 has no rows: deterministic zero inflow
    assert par.base[:, 1].tolist() == [0.0, 0.0] and par.sigma[:, 1].tolist() == [0.0, 0.0]


def test_season_fallback_uses_offset_of_first_season():
    stages = _stages(12, season_start=2)  # March start: offset 2; ids 0..11
    stats = {(0, s.id): (10.0 * (s.season_id + 1), 1.0 + s.season_id) for s in stages}
    models = InflowModelSet(stats=stats, ar={(0, 0): ([0.5, 0.25], 0.9)})
    par = precompute_par(models, [0], stages)
    # lag 1 of stage id 0 -> id -1 -> season (−1+2) mod 12 = 1 (February): stage with season 1 is id 11
    s_feb, mu_feb = stats[(0, 11)][1], stats[(0, 11)][0]
    s_jan, mu_jan = stats[(0, 10)][1], stats[(0, 10)][0]
    assert par.psi[0, 0, 0] == pytest.approx(0.5 * 3.0 / s_feb, abs=1e-12)
    assert par.psi[0, 0, 1] == pytest.approx(0.25 * 3.0 / s_jan, abs=1e-12)
    assert par.base[0, 0] == pytest.approx(
        30.0 - par.psi[0, 0, 0] * mu_feb - par.psi[0, 0, 1] * mu_jan
    )
    assert par.sigma[0, 0] == pytest.approx(2.7)
    # stages without AR rows are padded with zeros up to L = 2
    assert par.psi[1:, 0].tolist() == [[0.0, 0.0]] * 11


def test_missing_lag_stats_contribute_nothing():
    stages = _stages(1, seasons=True)
    models = InflowModelSet(stats={(0, 0): (50.0, 5.0)}, ar={(0, 0): ([0.7], 0.5)})
    # single season: lag id −1 maps to season 0 -> stage 0 itself (fallback)
    par = precompute_par(models, [0], stages)
    assert par.psi[0, 0, 0] == pytest.approx(0.7)
    models2 = InflowModelSet(
        stats={(0, 0): (50.0, 5.0), (0, -1): (20.0, 0.0)}, ar={(0, 0): ([0.7], 0.5)}
    )
    par2 = precompute_par(models2, [0], stages)
    assert par2.psi[0, 0, 0] == 0.0 and par2.base[0, 0] == 50.0


def test_ar_order_without_season_is_an_error():
    models = InflowModelSet(
        stats={(0, 0): (50.0, 5.0), (0, -1): (40.0, 4.0)}, ar={(0, 0): ([0.3], 0.9)}
    )
    with pytest.raises(ValidationError) as err:
        precompute_par(models, [0], _stages(1, seasons=False))
    assert err.value.kind == "InvalidParParameters"
    assert err.value.context["stage_id"] == 0


def test_annual_component_widens_lags_to_twelve():
    stages = _stages(12)
    stats = {(0, s.id): (100.0 + s.season_id, 10.0 + s.season_id) for s in stages}
    models = InflowModelSet(
        stats=stats, ar={(0, 5): ([0.4], 0.8)}, annual={(0, 5): (0.6, 90.0, 4.0)}
    )
    par = precompute_par(models, [0], stages)
    assert par.n_lags == 12 and par.max_ar_order.tolist() == [1]
    s5 = 15.0
    hat = 0.6 * s5 / 4.0
    expected = [0.4 * s5 / 14.0 + hat / 12.0] + [hat / 12.0] * 11
    assert par.psi[5, 0] == pytest.approx(expected, abs=1e-12)
    lag_means = [stats[(0, (5 - j) % 12)][0] for j in range(1, 13)]
    assert par.base[5, 0] == pytest.approx(105.0 - float(np.dot(expected, lag_means)), abs=1e-9)
    assert par.psi[4, 0].tolist() == [0.0] * 12


def test_initial_lags():
    lags = initial_lags({3: [50.0, 45.0, 40.0], 1: [7.0]}, [1, 2, 3], 2)
    assert lags.tolist() == [[7.0, 0.0], [0.0, 0.0], [50.0, 45.0]]
