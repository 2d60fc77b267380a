"""Estimation paths 4-6 (spec 11 §4-5): history → ``InflowModelSet`` + report + correlation."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from pycobre.stochastic.case_view import CaseView
from pycobre.stochastic.estimation.annual_fit import annual_data, fit_annual
from pycobre.stochastic.estimation.observations import History, read_history
from pycobre.stochastic.estimation.periodic_yw import SeasonSeries, fit_yw, pacf, select_order
from pycobre.stochastic.estimation.seasonal_stats import season_stats
from pycobre.stochastic.estimation.spatial import estimate_correlation
from pycobre.stochastic.estimation.stability import SeasonFit, reduce_unstable
from pycobre.stochastic.located_error import located_error, located_warning
from pycobre.stochastic.par_model import InflowModelSet, read_inflow_models

__all__ = ["EstimationResult", "estimate_inflow_models"]

_FILE = "scenarios/inflow_history.parquet"
_REASONS = {
    "MagnitudeBound": "magnitude_bound",
    "Phi1Negative": "phi1_negative",
    "NegativeContribution": "negative_contribution",
}


@dataclass
class EstimationResult:
    models: InflowModelSet
    report: dict
    stats_table: pa.Table | None
    history: History
    correlation: dict | None
    reductions: dict[int, list[dict]]


def _classical_fit(series: SeasonSeries, m: int, ceiling: int) -> SeasonFit:
    n = series.count(m)
    if series.std[m] == 0.0 or n < 2 or ceiling == 0:
        return SeasonFit([], 1.0)
    order = select_order(pacf(series, m, ceiling), n)
    coefs, ratio = fit_yw(series, m, order)
    return SeasonFit(coefs, ratio)


def estimate_inflow_models(view: CaseView, path: str) -> EstimationResult:
    history = read_history(view)
    n_seasons = history.n_seasons
    est = view.config_section("estimation") or {}
    max_order = int(est.get("max_order", 6) if est.get("max_order") is not None else 6)
    selection = est.get("order_selection") or "pacf"
    magnitude = est.get("max_coefficient_magnitude")
    use_annual = (
        selection == "pacf_annual"
        and max_order > 0
        and path in ("full_estimation", "partial_estimation")
    )
    user = read_inflow_models(view, use_ar=path == "user_ar_history_stats", use_annual=False)
    all_stages = list(view.pre_study_stages) + list(view.study_stages)

    models = InflowModelSet()
    report_hydros: dict[str, dict] = {}
    reductions: dict[int, list[dict]] = {}
    residuals: dict[int, dict[tuple[int, int], float]] = {}
    stats_rows: list[tuple[int, int, float, float]] = []
    for hid in view.hydro_ids:
        by_season = history.by_season(hid)
        mean, std = [0.0] * n_seasons, [0.0] * n_seasons
        for m in range(n_seasons):
            vals = [v for _, v in by_season.get(m, [])]
            if len(vals) == 1:
                raise located_error(
                    "InsufficientData",
                    f"{_FILE}: hydro {hid} has a single observation for season {m} (need at "
                    "least 2 to estimate its seasonal std; give at least two years of history)",
                    file=_FILE,
                    entity=hid,
                    field="value_m3s",
                    season_id=m,
                )
            mean[m], std[m], cls = season_stats(vals)
            if cls in ("Constant", "Saturated") and vals:
                # not an error in Cobre 0.5.1 (s = 0 -> deterministic order-0 inflow), but say where
                located_warning(
                    "PhysicalConstraint",
                    f"{_FILE}: hydro {hid}, season {m}: history is {cls.lower()} ({len(vals)} "
                    "observations); std set to 0, the inflow of this season is deterministic "
                    "(value_m3s)",
                    file=_FILE,
                    entity=hid,
                    field="value_m3s",
                    season_id=m,
                    rule=f"history_{cls.lower()}",
                )
        series = SeasonSeries(
            {m: [v for _, v in by_season.get(m, [])] for m in range(n_seasons)}, mean, std
        )
        counts = [series.count(m) for m in range(n_seasons)]
        adata = None
        if path == "user_ar_history_stats":
            fits = []
            for m in range(n_seasons):
                sid = next(
                    (s.id for s in all_stages if s.season_id == m and (hid, s.id) in user.ar), None
                )
                coefs, ratio = user.ar[(hid, sid)] if sid is not None else ([], 1.0)
                fits.append(SeasonFit(list(coefs), ratio))
            reductions[hid] = []
        else:
            adata = annual_data(hid, history.series.get(hid, []), mean, std) if use_annual else None

            def refit(m: int, ceiling: int, series=series, adata=adata) -> SeasonFit:
                if adata is not None:
                    fit = fit_annual(series, adata, m, ceiling)
                    if fit is not None:
                        return fit
                return _classical_fit(series, m, ceiling)

            fits = [refit(m, max_order) for m in range(n_seasons)]
            reductions[hid] = reduce_unstable(fits, std, counts, max_order, refit, magnitude)
        residuals[hid] = _residuals(history, hid, fits, mean, std)
        entry = {
            "selected_order": max((len(f.coefs) for f in fits), default=0),
            "coefficients": [list(f.coefs) for f in fits],
        }
        if reductions[hid]:
            entry["contribution_reductions"] = [
                {
                    "season_id": r["season"],
                    "original_order": r["original_order"],
                    "reduced_order": r["reduced_order"],
                    "contributions": r["contributions"],
                    "reason": _REASONS[r["reason"]],
                }
                for r in reductions[hid]
            ]
        if path != "user_ar_history_stats":  # Cobre reports nothing when ψ comes from a file
            report_hydros[str(hid)] = entry
        for s in all_stages:
            if s.season_id is None or s.season_id >= n_seasons:
                continue
            m = s.season_id
            models.stats[(hid, s.id)] = (mean[m], std[m])
            stats_rows.append((hid, s.id, mean[m], std[m]))
            fit = fits[m]
            if fit.coefs:
                models.ar[(hid, s.id)] = (list(fit.coefs), fit.ratio)
            if fit.has_annual and fit.annual_std > 0.0 and adata is not None:
                models.annual[(hid, s.id)] = (fit.annual, adata.a_mean[m], fit.annual_std)
    if path == "partial_estimation":
        models.stats = dict(user.stats)
    correlation = None
    if view.extra("correlation.json") is None and view.hydro_ids:
        correlation = estimate_correlation(residuals, view.hydro_ids, n_seasons, all_stages)
    stats_table = None
    if stats_rows and path != "partial_estimation":
        cols = list(zip(*stats_rows, strict=True))
        stats_table = pa.table(
            {
                "hydro_id": pa.array(cols[0], pa.int32()),
                "stage_id": pa.array(cols[1], pa.int32()),
                "mean_m3s": pa.array(cols[2], pa.float64()),
                "std_m3s": pa.array(cols[3], pa.float64()),
            }
        )
    return EstimationResult(
        models, {"hydros": report_hydros}, stats_table, history, correlation, reductions
    )


def _residuals(
    history: History, hid: int, fits: list[SeasonFit], mean: list[float], std: list[float]
) -> dict[tuple[int, int], float]:
    """ε_t = z_t − Σ ψ*_ℓ z_{t-ℓ} when every lag exists in the observation list (§5.8)."""
    series = history.series.get(hid, [])
    z = [(v - mean[m]) / std[m] if std[m] > 0.0 else 0.0 for _, m, v in series]
    out = {}
    for t, (year, m, _v) in enumerate(series):
        coefs = fits[m].coefs
        if t - len(coefs) < 0:
            continue
        pred = 0.0
        for ell, c in enumerate(coefs, start=1):
            pred += c * z[t - ell]
        out[(year, m)] = z[t] - pred
    return out
