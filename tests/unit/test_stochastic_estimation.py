"""History-based estimation (spec 11 §5), historical residuals (§10.6) and the d12 case."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from pycobre.stochastic import build_stochastic_model, write_stochastic_exports
from pycobre.stochastic.case_view import read_case_dict
from pycobre.stochastic.estimation.annual_fit import select_annual_order
from pycobre.stochastic.estimation.periodic_yw import (
    SeasonSeries,
    fit_yw,
    periodic_acf,
    select_order,
    solve_gauss,
)
from pycobre.stochastic.estimation.seasonal_stats import season_stats
from pycobre.stochastic.estimation.stability import SeasonFit, contributions, reduce_unstable

ROOT = Path(__file__).resolve().parents[2]
D12 = ROOT / "tests" / "data" / "deterministic" / "d12-par-annual"


def test_order_selection_conformance():
    assert select_order([0.5, 0.1], 100) == 1
    assert select_order([0.05, 0.03], 100) == 0
    assert select_annual_order([0.5, 0.1], 100) == 1
    assert select_annual_order([0.05, 0.03], 100) == 1
    assert select_annual_order([0.0, 0.5], 100) == 0


def test_seasonal_stats_population_std_and_classes():
    mu, s, cls = season_stats([1.0, 2.0, 3.0, 6.0])
    assert (mu, cls) == (3.0, "Default") and s == pytest.approx(np.sqrt(3.5), abs=1e-15)
    assert season_stats([5.0, 5.0000001, 5.0]) == (5.0, 0.0, "Constant")
    assert season_stats([]) == (0.0, 0.0, "Constant")
    assert season_stats([7.2, 7.1, 6.9, 20.0, 7.0]) == (7.0, 0.0, "Saturated")
    assert season_stats([-1.0, -2.0, 3.5, 10.25])[2] == "ManyNegative"


def test_gauss_singular_and_solution():
    assert solve_gauss(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([1.0, 2.0])) is None
    x = solve_gauss(np.array([[0.0, 2.0], [1.0, 1.0]]), np.array([4.0, 3.0]))
    assert x.tolist() == [1.0, 2.0]


def test_periodic_acf_pairs_years():
    # two seasons; season 1 lags season 0 of the same year, season 0 lags season 1 of the year before
    series = SeasonSeries(
        {0: [1.0, 3.0, 2.0], 1: [2.0, 4.0, 3.0]}, [2.0, 3.0], [np.sqrt(2 / 3)] * 2
    )
    # rho_1(1): pairs (x1_i, x0_i), i = 0..2 -> products (-1)(-1) + (1)(1) + 0 = 2, /3 /(2/3) = 1
    assert periodic_acf(series, 1, 1) == pytest.approx(1.0)
    # rho_0(1): lagged season 1 >= 0 -> one year crossed: pairs (x0_{1+i}, x1_i), n = 2
    expected = ((3.0 - 2.0) * (2.0 - 3.0) + (2.0 - 2.0) * (4.0 - 3.0)) / 2 / (2 / 3)
    assert periodic_acf(series, 0, 1) == pytest.approx(expected)
    coefs, ratio = fit_yw(series, 1, 1)
    assert coefs == pytest.approx([1.0]) and ratio == 1.0  # sigma^2 = 0 -> ratio 1 (spec 5.4)


def test_contributions_and_reduction():
    std = [1.0, 2.0]
    fits = [SeasonFit([0.5], 0.9), SeasonFit([0.4, -0.3], 0.8)]
    contrib = contributions(fits, std)
    # season 1: f(1,0)=0.4*2/1=0.8, f(1,1)=-0.3*2/2=-0.3; lag 2 = 0.8*f(0,0) + (-0.3) = 0.8*0.25-0.3
    assert contrib[1] == pytest.approx([0.8, 0.8 * 0.25 - 0.3])
    assert contrib[0] == pytest.approx([0.25])
    calls = []

    def refit(m, ceiling):
        calls.append((m, ceiling))
        return SeasonFit([0.4], 0.85)

    report = reduce_unstable(fits, std, [30, 30], 2, refit)
    assert calls == [(1, 1)]
    assert fits[1].coefs == [0.4] and report[0]["reason"] == "NegativeContribution"
    phi1 = [SeasonFit([-0.2], 0.9), SeasonFit([], 1.0)]
    report = reduce_unstable(phi1, std, [30, 30], 2, refit)
    assert phi1[0].coefs == [] and report[0]["reason"] == "Phi1Negative"
    big = [SeasonFit([0.5, 2.5], 0.9), SeasonFit([], 1.0)]
    reduce_unstable(big, std, [30, 30], 2, refit, max_magnitude=2.0)
    assert big[0].coefs == []


@pytest.fixture(scope="module")
def d12_model():
    return build_stochastic_model(D12)


def test_d12_par_annual_estimation(d12_model):
    m = d12_model
    assert m.estimation_path == "full_estimation"
    assert m.n_lags == 12 and m.inflow_psi.shape == (24, 2, 12)
    assert len(m.inflow_models.annual) > 0
    assert m.initial_lags[:, :3].tolist() == [[50.0, 45.0, 0.0], [30.0, 28.0, 0.0]]
    assert np.all(m.inflow_sigma > 0)
    # stages sharing a season get identical parameters
    assert np.array_equal(m.inflow_base[0], m.inflow_base[12])
    assert np.array_equal(m.inflow_psi[5], m.inflow_psi[17])
    # monthly season definitions: plain shift
    assert all(r.is_plain_shift for r in m.lag_transitions)
    assert m.provenance["correlation_source"] == "estimated"
    assert set(m.fitting_report["hydros"]) == {"0", "1"}


def test_d12_exports_and_round_trip(d12_model, tmp_path):
    out = tmp_path / "stochastic"
    names = {p.name for p in write_stochastic_exports(d12_model, out)}
    assert {
        "noise_openings.parquet",
        "correlation.json",
        "inflow_seasonal_stats.parquet",
        "inflow_annual_component.parquet",
        "fitting_report.json",
    } <= names
    assert not list(out.glob("*.tmp*"))
    case = tmp_path / "case"
    shutil.copytree(D12, case)
    for p in out.iterdir():
        if p.name != "fitting_report.json":
            shutil.copy(p, case / "scenarios" / p.name)
    replay = build_stochastic_model(case)
    assert replay.estimation_path == "user_provided_all"
    assert replay.provenance["opening_tree_source"] == "user_file"
    assert np.array_equal(replay.inflow_base, d12_model.inflow_base)
    assert np.array_equal(replay.inflow_psi, d12_model.inflow_psi)
    assert np.array_equal(replay.inflow_sigma, d12_model.inflow_sigma)
    for t in range(24):
        assert np.array_equal(replay.openings(t), d12_model.openings(t))


def _hist_case(max_order=None, seed=42):
    case = read_case_dict(D12)
    for s in case["study_stages"]:
        s.update(sampling_method="historical_residuals", num_scenarios=10)
    case["config"]["training"]["tree_seed"] = seed
    if max_order is not None:
        case["config"]["estimation"]["max_order"] = max_order
    return case


def test_historical_residuals_white_noise_matches_cobre():
    m = build_stochastic_model(_hist_case(max_order=0))
    lib = m.historical_library
    assert lib.n_windows == 29 and lib.windows[0] == 1979 and lib.windows[-1] == 2007
    assert m.openings(0)[0].tolist() == [0.249977795264838, 0.8658732398915698]
    assert np.all(
        m.openings(0)[:, 0] == [lib.eta(w, 0)[0] for w in [1, 15, 2, 20, 16, 23, 24, 7, 25, 11]]
    )


def test_historical_residuals_windows_par_annual():
    m = build_stochastic_model(_hist_case())
    assert m.historical_library.n_windows == 28 and m.historical_library.windows[0] == 1980
    picks = [27, 3, 7, 20, 8, 20, 5, 10, 15, 0]
    expected = np.array([m.historical_library.eta(w, 0) for w in picks])
    assert np.array_equal(m.openings(0), expected)
    many = _hist_case()
    for s in many["study_stages"]:
        s["num_scenarios"] = 40
    assert build_stochastic_model(many).openings(0).shape == (28, 2)  # clamped to n_windows


@pytest.mark.parametrize(
    ("seed", "stage", "opening", "expected"),
    [
        (42, 0, 0, [-2.5453732656244674, -6.0706831864289335]),
        (7, 0, 0, [-1.7803251122595998, -5.048372566767454]),
        (7, 13, 2, [-2.359165468042599, -6.205311694687271]),
    ],
)
def test_historical_residuals_par_annual_values_match_cobre(seed, stage, opening, expected):
    # bit-identical only if the PAR(p)-A estimation (FACP, extended YW, reduction) matches Cobre
    m = build_stochastic_model(_hist_case(seed=seed))
    assert m.openings(stage)[opening].tolist() == expected


def test_d12_summary_matches_cobre(d12_model):
    s = d12_model.summary()
    assert s["n_seasons"] == 26 and s["correlation_dim"] == "2x2"
    assert s["ar_order"] == {
        "method": "PACF_ANNUAL",
        "min_order": 1,
        "max_order": 2,
        "n_hydros": 2,
        "order_counts": [0, 1, 1],
    }
    assert d12_model.provenance["ar_max_order"] == 2
    # estimated correlation: pooled profile plus season_01..season_11 (season 0 has < 30 pairs)
    profiles = d12_model.correlation.raw["profiles"]
    assert sorted(profiles) == ["default"] + [f"season_{m:02d}" for m in range(1, 12)]
    assert d12_model.correlation.raw["schedule"][0] == {"stage_id": -2, "profile_name": "season_10"}


def test_d12_estimated_coefficients_match_cobre(d12_model):
    # bit-identical values exported by Cobre 0.5.1 (stochastic/inflow_ar_coefficients.parquet,
    # inflow_annual_component.parquet) for this case
    ar = d12_model.inflow_models.ar
    assert ar[(0, 0)] == ([0.7755455596070223], 0.6645942535635602)
    assert ar[(0, 9)] == ([0.1887118315993302, 0.6222459958338163], 0.7529037390676572)
    assert ar[(1, 0)] == ([0.6767644461508606], 0.7958415962401804)
    assert ar[(1, 9)] == ([0.3511569720684953], 0.936763538869916)
    annual = d12_model.inflow_models.annual
    assert annual[(0, 0)] == (-0.1264034700452028, 175.6526255976618, 17.119938273920134)
    assert annual[(1, 0)] == (-0.2884813951077007, 88.48454969387147, 5.361706971024298)
    assert sum(len(c) for c, _ in ar.values()) == 54  # AR rows exported by Cobre


def test_d12_estimated_correlation_and_tree_match_cobre(d12_model):
    # Cobre 0.5.1 exports for this case: correlation.json and noise_openings.parquet
    default = d12_model.correlation.raw["profiles"]["default"]["correlation_groups"][0]["matrix"]
    assert default[0][1] == -0.020080589481727307
    season_09 = d12_model.correlation.raw["profiles"]["season_09"]["correlation_groups"][0]
    assert season_09["matrix"][0][1] == -0.226801375983006
    assert d12_model.openings(0)[0].tolist() == [0.3986805955957507, 0.22388784402805262]
    assert d12_model.openings(5)[0].tolist() == [-0.40335387968931813, 1.3107206891274505]


@pytest.mark.parametrize(
    ("copied", "path"),
    [
        ("inflow_ar_coefficients.parquet", "user_ar_history_stats"),
        ("inflow_seasonal_stats.parquet", "partial_estimation"),
    ],
)
def test_paths_five_and_six(d12_model, tmp_path, copied, path):
    # Both variants were compared with Cobre 0.5.1: every exported table bit-identical.
    out = tmp_path / "stochastic"
    write_stochastic_exports(d12_model, out)
    case = tmp_path / "case"
    shutil.copytree(D12, case)
    shutil.copy(out / copied, case / "scenarios" / copied)
    m = build_stochastic_model(case)
    assert m.estimation_path == path
    assert m.inflow_models.ar == d12_model.inflow_models.ar
    assert m.inflow_models.stats == d12_model.inflow_models.stats
    assert m.correlation.raw == d12_model.correlation.raw
    if path == "user_ar_history_stats":
        assert m.inflow_models.annual == {}  # the annual component is dropped on path 5
        assert m.provenance["ar_method"] == "user_provided" and m.fitting_report == {"hydros": {}}
    else:
        assert m.inflow_models.annual == d12_model.inflow_models.annual
        assert m.provenance["seasonal_stats_source"] == "user_file"
