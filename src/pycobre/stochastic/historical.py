"""Historical library (spec 11 §11.3, §10.6): windows of history and their standardized η.

A window is a start year; stage t of the study maps to the observation of its season in year
``window + (stage year offset)``, and the L lag seasons step back from the first study season.
"""

from __future__ import annotations

import numpy as np

from pycobre.stochastic.case_view import CaseView
from pycobre.stochastic.estimation.observations import History
from pycobre.stochastic.par_model import ParArrays

__all__ = ["HistoricalLibrary"]


class HistoricalLibrary:
    def __init__(self, windows: list[int], eta: np.ndarray, lag_values: np.ndarray) -> None:
        self.windows = windows  # start years, ascending
        self._eta = eta  # (n_windows, T, H)
        self.lag_values = lag_values  # (n_windows, H, L): pre-study observations, lag 1 first

    @property
    def n_windows(self) -> int:
        return len(self.windows)

    def eta(self, window: int, t: int) -> np.ndarray:
        return self._eta[window, t]

    @classmethod
    def build(
        cls,
        history: History,
        view: CaseView,
        par: ParArrays,
        hydro_ids: list[int],
        years: tuple[int, ...] | None = None,
    ) -> HistoricalLibrary:
        stages = view.study_stages
        n_seasons = max(history.n_seasons, 1)
        n_lags = par.n_lags
        if not stages or any(s.season_id is None for s in stages):
            return cls(
                [],
                np.zeros((0, len(stages), len(hydro_ids))),
                np.zeros((0, len(hydro_ids), n_lags)),
            )
        first_year = stages[0].start_date.year
        offsets = [(s.season_id, s.start_date.year - first_year) for s in stages]
        m0 = stages[0].season_id
        lag_keys = []
        for ell in range(1, n_lags + 1):
            season = m0 - ell
            back = 0
            while season < 0:
                season += n_seasons
                back += 1
            lag_keys.append((season, -back if n_seasons > 1 else -ell))
        lookups = [history.lookup(h) for h in hydro_ids]
        all_years = sorted({y for lk in lookups for (y, _m) in lk})
        candidates = [y for y in all_years if years is None or y in years]
        windows = []
        for y in candidates:
            keys = [(y + dy, m) for m, dy in offsets] + [(y + dy, m) for m, dy in lag_keys]
            if all(all(k in lk for k in keys) for lk in lookups):
                windows.append(y)
        n_t, n_h = len(stages), len(hydro_ids)
        eta = np.zeros((len(windows), n_t, n_h))
        lag_values = np.zeros((len(windows), n_h, n_lags))
        orders = par.max_ar_order
        for w, y in enumerate(windows):
            for h, lk in enumerate(lookups):
                lags = [lk[(y + dy, m)] for m, dy in lag_keys]
                lag_values[w, h] = lags
                chron = list(reversed(lags))  # oldest first
                for t, (m, dy) in enumerate(offsets):
                    obs = lk[(y + dy, m)]
                    det = par.base[t, h]
                    for ell in range(1, int(orders[h]) + 1):
                        det += par.psi[t, h, ell - 1] * chron[-ell]
                    sigma = par.sigma[t, h]
                    if sigma == 0.0:
                        eta[w, t, h] = 0.0 if abs(obs - det) < 1e-10 else -np.inf
                    else:
                        eta[w, t, h] = (obs - det) / sigma
                    chron.append(obs)
        return cls(windows, eta, lag_values)
