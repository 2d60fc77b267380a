"""External scenario libraries standardized to η (spec 11 §11.2).

Inflow values are inverted through the PAR model with the preceding external values of the same
scenario as lags (initial lags from the initial conditions); load and NCS use (v − μ)/σ. Stages
with fewer raw scenarios than the maximum are padded by wrap-around (k mod raw).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pycobre.errors import ValidationError

__all__ = ["ExternalLibrary", "build_external"]

_SPEC = {
    "inflow": ("external_inflow_scenarios.parquet", "hydro_id", "value_m3s"),
    "load": ("external_load_scenarios.parquet", "bus_id", "value_mw"),
    "ncs": ("external_ncs_scenarios.parquet", "ncs_id", "value"),
}


class ExternalLibrary:
    def __init__(self, eta: np.ndarray, raw_counts: np.ndarray) -> None:
        self._eta = eta  # (T, n_scen, n_entities)
        self.raw_counts = raw_counts  # (T,)

    @property
    def n_scenarios(self) -> int:
        return self._eta.shape[1]

    def eta(self, t: int, k: int) -> np.ndarray:
        return self._eta[t, k]


def _values(
    table: pa.Table, cls: str, stage_ids: list[int], entity_ids: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    fname, key, col = _SPEC[cls]
    sid = table.column("stage_id").to_pylist()
    scen = table.column("scenario_id").to_pylist()
    ent = table.column(key).to_pylist()
    val = table.column(col).to_pylist()
    tpos = {s: t for t, s in enumerate(stage_ids)}
    epos = {e: i for i, e in enumerate(entity_ids)}
    counts = np.zeros(len(stage_ids), dtype=np.int64)
    for s, k in zip(sid, scen, strict=True):
        if s in tpos:
            counts[tpos[s]] = max(counts[tpos[s]], k + 1)
    n_max = int(counts.max(initial=0))
    raw = np.full((len(stage_ids), n_max, len(entity_ids)), np.nan)
    for s, k, e, v in zip(sid, scen, ent, val, strict=True):
        if s in tpos and e in epos:
            raw[tpos[s], k, epos[e]] = v
    for t in range(len(stage_ids)):
        if counts[t] == 0:
            raise ValidationError(
                f"scenarios/{fname}: no scenarios for stage {stage_ids[t]}",
                kind="DimensionMismatch",
                context={"file": f"scenarios/{fname}", "stage_id": stage_ids[t]},
            )
        block = raw[t, : counts[t]]
        if np.isnan(block).any():
            raise ValidationError(
                f"scenarios/{fname}: stage {stage_ids[t]} misses (scenario, {key}) rows",
                kind="DimensionMismatch",
                context={"file": f"scenarios/{fname}", "stage_id": stage_ids[t]},
            )
        for k in range(counts[t], n_max):
            raw[t, k] = raw[t, k % counts[t]]
    return raw, counts


def build_external(
    cls: str,
    table: pa.Table,
    stage_ids: list[int],
    entity_ids: list[int],
    *,
    mean: np.ndarray,
    std: np.ndarray,
    psi: np.ndarray | None = None,
    initial_lags: np.ndarray | None = None,
) -> ExternalLibrary:
    """``mean``/``std`` are (T, n) (for inflow: PAR base and σ); ``psi`` (T, n, L) for inflow."""
    raw, counts = _values(table, cls, stage_ids, entity_ids)
    n_t, n_s, n_e = raw.shape
    eta = np.zeros_like(raw)
    if cls != "inflow":
        with np.errstate(divide="ignore", invalid="ignore"):
            eta = np.where(std[:, None, :] > 0, (raw - mean[:, None, :]) / std[:, None, :], 0.0)
        return ExternalLibrary(eta, counts)
    n_lags = psi.shape[2]
    for k in range(n_s):
        lags = initial_lags.copy()  # (H, L), lag 1 first
        for t in range(n_t):
            det = mean[t] + np.einsum("hl,hl->h", psi[t], lags) if n_lags else mean[t].copy()
            sigma = std[t]
            with np.errstate(divide="ignore", invalid="ignore"):
                eta[t, k] = np.where(sigma > 0, (raw[t, k] - det) / sigma, -np.inf)
            if n_lags:
                lags = np.concatenate([raw[t, k][:, None], lags[:, :-1]], axis=1)
    return ExternalLibrary(eta, counts)
