"""PAR(p) / PAR(p)-A inflow models and their original-unit form (spec 11 §2-3, spec 10 §9.1).

``InflowModelSet`` is the standardized input (what the files hold or estimation produces):
seasonal (μ, s) per (hydro, stage id), ψ* and residual-std ratio per (hydro, stage id), and the
optional annual triple. ``precompute_par`` turns it into the per-study-stage arrays the LP uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from pycobre.stochastic.case_view import CaseView, StageInfo
from pycobre.stochastic.located_error import located_error

__all__ = [
    "InflowModelSet",
    "ParArrays",
    "precompute_par",
    "evaluate_inflow",
    "read_inflow_models",
    "initial_lags",
]


@dataclass
class InflowModelSet:
    """Standardized PAR inputs keyed by (hydro_id, stage_id)."""

    stats: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)
    ar: dict[tuple[int, int], tuple[list[float], float]] = field(default_factory=dict)
    annual: dict[tuple[int, int], tuple[float, float, float]] = field(default_factory=dict)

    def order(self, hydro_id: int, stage_id: int) -> int:
        return len(self.ar.get((hydro_id, stage_id), ((), 1.0))[0])

    def max_order(self) -> int:
        return max((len(c) for c, _ in self.ar.values()), default=0)


@dataclass
class ParArrays:
    base: np.ndarray  # (T, H)
    psi: np.ndarray  # (T, H, L)
    sigma: np.ndarray  # (T, H)
    max_ar_order: np.ndarray  # (H,)
    n_lags: int
    mean: np.ndarray  # (T, H) seasonal mean of each study stage
    std: np.ndarray  # (T, H)


def _rows(table: pa.Table | None, columns: list[str]) -> list[tuple]:
    if table is None:
        return []
    cols = [table.column(c).to_pylist() for c in columns]
    return list(zip(*cols, strict=True))


def read_inflow_models(
    view: CaseView, *, use_ar: bool = True, use_annual: bool = True
) -> InflowModelSet:
    """Read ``inflow_seasonal_stats`` / ``inflow_ar_coefficients`` / ``inflow_annual_component``."""
    models = InflowModelSet()
    for hid, sid, mean, std in _rows(
        view.table("inflow_seasonal_stats.parquet"), ["hydro_id", "stage_id", "mean_m3s", "std_m3s"]
    ):
        models.stats[(int(hid), int(sid))] = (float(mean), float(std))
    if use_ar:
        grouped: dict[tuple[int, int], dict[int, tuple[float, float]]] = {}
        for hid, sid, lag, coef, ratio in _rows(
            view.table("inflow_ar_coefficients.parquet"),
            ["hydro_id", "stage_id", "lag", "coefficient", "residual_std_ratio"],
        ):
            grouped.setdefault((int(hid), int(sid)), {})[int(lag)] = (float(coef), float(ratio))
        for key, lags in grouped.items():
            order = max(lags)
            if sorted(lags) != list(range(1, order + 1)):
                raise located_error(
                    "InvalidParParameters",
                    f"scenarios/inflow_ar_coefficients.parquet: hydro {key[0]} stage {key[1]} "
                    f"lags must be contiguous 1..p, got {sorted(lags)}",
                    file="scenarios/inflow_ar_coefficients.parquet",
                    entity=key[0],
                    field="lag",
                    stage_id=key[1],
                )
            models.ar[key] = ([lags[i][0] for i in range(1, order + 1)], lags[1][1])
    if use_annual:
        for hid, sid, coef, amean, astd in _rows(
            view.table("inflow_annual_component.parquet"),
            ["hydro_id", "stage_id", "annual_coefficient", "annual_mean_m3s", "annual_std_m3s"],
        ):
            models.annual[(int(hid), int(sid))] = (float(coef), float(amean), float(astd))
    return models


class _LagStats:
    """(μ, s) of the stage ``k - ℓ``: exact row first, then the season fallback (§2.3)."""

    def __init__(self, models: InflowModelSet, stages: list[StageInfo]) -> None:
        self.models = models
        seasons = [s.season_id for s in stages if s.season_id is not None]
        self.n_seasons = len(set(seasons))
        self.offset = seasons[0] if seasons else 0
        self.season_stage: dict[int, list[int]] = {}
        for s in stages:
            if s.season_id is not None:
                self.season_stage.setdefault(s.season_id, []).append(s.id)

    def get(self, hydro_id: int, stage_id: int) -> tuple[float, float]:
        row = self.models.stats.get((hydro_id, stage_id))
        if row is not None:
            return row
        if self.n_seasons > 0:
            season = (stage_id + self.offset) % self.n_seasons
            for sid in self.season_stage.get(season, []):
                row = self.models.stats.get((hydro_id, sid))
                if row is not None:
                    return row
        return (0.0, 0.0)


def precompute_par(
    models: InflowModelSet, hydro_ids: list[int], stages: list[StageInfo]
) -> ParArrays:
    """Original-unit base/ψ/σ per (study stage, hydro) with the global lag stride ``L``."""
    n_t, n_h = len(stages), len(hydro_ids)
    has_annual = bool(models.annual)
    n_lags = max(models.max_order(), 12 if has_annual else 0)
    base = np.zeros((n_t, n_h))
    psi = np.zeros((n_t, n_h, n_lags))
    sigma = np.zeros((n_t, n_h))
    mean = np.zeros((n_t, n_h))
    std = np.zeros((n_t, n_h))
    lag_stats = _LagStats(models, stages)
    for t, stage in enumerate(stages):
        for h, hid in enumerate(hydro_ids):
            row = models.stats.get((hid, stage.id))
            if row is None:
                continue
            mu, s = row
            coeffs, ratio = models.ar.get((hid, stage.id), ([], 1.0))
            annual = models.annual.get((hid, stage.id)) if has_annual else None
            if (coeffs or annual is not None) and stage.season_id is None:
                where = "stages" if stage.index >= 0 else "pre_study_stages"
                raise located_error(
                    "InvalidParParameters",
                    f"stage {stage.id} has an AR order > 0 or an annual component for hydro {hid} "
                    "(scenarios/inflow_ar_coefficients.parquet / inflow_annual_component.parquet) "
                    "but no season_id",
                    file="stages.json",
                    entity=stage.id,
                    field=f"{where}[{max(stage.index, 0)}].season_id",
                    stage_id=stage.id,
                    hydro_id=hid,
                )
            lags = [lag_stats.get(hid, stage.id - j) for j in range(1, n_lags + 1)]
            row_psi = [0.0] * n_lags
            for j, c in enumerate(coeffs):
                s_lag = lags[j][1]
                row_psi[j] = c * s / s_lag if s_lag != 0.0 else 0.0
            if annual is not None:
                a_coef, _a_mean, a_std = annual
                hat = a_coef * s / a_std if a_std != 0.0 else 0.0
                for j in range(12):
                    row_psi[j] = row_psi[j] + hat / 12.0
            b = mu
            for j in range(n_lags):
                b -= row_psi[j] * lags[j][0]
            base[t, h] = b
            psi[t, h] = row_psi
            sigma[t, h] = s * ratio
            mean[t, h] = mu
            std[t, h] = s
    max_order = np.array(
        [
            max((len(c) for (h, _), (c, _r) in models.ar.items() if h == hid), default=0)
            for hid in hydro_ids
        ],
        dtype=np.int64,
    )
    return ParArrays(base, psi, sigma, max_order, n_lags, mean, std)


def evaluate_inflow(
    base: float, psi: np.ndarray, lags: np.ndarray, sigma: float, eta: float
) -> float:
    """a = b + Σ ψ_ℓ a_{t-ℓ} + σ η (accumulated left to right from b)."""
    acc = base
    for p, lag in zip(psi, lags, strict=False):
        acc += p * lag
    return acc + sigma * eta


def initial_lags(
    past_inflows: dict[int, list[float]], hydro_ids: list[int], n_lags: int
) -> np.ndarray:
    """(H, L) lag seeds: ``past_inflows[h][j-1]`` for lag j, missing values 0 (spec 10 §9.3)."""
    out = np.zeros((len(hydro_ids), n_lags))
    for h, hid in enumerate(hydro_ids):
        vals = past_inflows.get(hid, [])[:n_lags]
        out[h, : len(vals)] = vals
    return out
