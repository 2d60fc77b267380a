"""External scenario libraries standardized to η (spec 11 §11.2).

Inflow values are inverted through the PAR model with the preceding external values of the same
scenario as lags (initial lags from the initial conditions); load and NCS use (v − μ)/σ. Stages
with fewer raw scenarios than the maximum are padded by wrap-around (k mod raw).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pycobre.stochastic.located_error import error_from_records

__all__ = ["ExternalLibrary", "build_external", "external_problems"]

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


_LABEL = {"inflow": "hydro", "load": "bus", "ncs": "NCS"}
_MAX_RECORDS = 20  # per file: enough to locate the pattern without flooding the report


def _ids(values: list[int]) -> str:
    shown = ", ".join(map(str, values[:10]))
    return shown + (f" ... ({len(values)} in all)" if len(values) > 10 else "")


def external_problems(
    cls: str, table: pa.Table, stage_ids: list[int], entity_ids: list[int]
) -> list:
    """Every located problem of an external scenario file, as error ``ValidationRecord``s.

    Each study stage needs scenarios numbered ``0..n-1`` (``n`` may differ between stages: a
    shorter stage is wrapped around, spec 11 §11.2) and, for each of them, exactly one finite
    value per entity of the class's noise slots (spec 11 §1.2). Rows of other stages/entities
    are the referential layer's business and are ignored here.
    """
    from pycobre.io.records import ValidationRecord

    fname, key, col = _SPEC[cls]
    rel = f"scenarios/{fname}"
    label = _LABEL[cls]
    out: list = []

    def add(kind: str, message: str, field: str, entity: object = None, **ctx: object) -> None:
        context = {"file": rel, "entity_id": None if entity is None else str(entity),
                   "field": field, **ctx}
        out.append(ValidationRecord(kind, message, context))

    sid = np.asarray(table.column("stage_id").to_numpy(zero_copy_only=False), dtype=np.int64)
    scen = np.asarray(table.column("scenario_id").to_numpy(zero_copy_only=False), dtype=np.int64)
    ent = np.asarray(table.column(key).to_numpy(zero_copy_only=False), dtype=np.int64)
    val = np.asarray(table.column(col).to_numpy(zero_copy_only=False), dtype=np.float64)
    eids = np.asarray(entity_ids, dtype=np.int64)
    keep = np.isin(ent, eids) & (scen >= 0)
    bad = keep & ~np.isfinite(val)
    for k in np.flatnonzero(bad)[:_MAX_RECORDS]:
        add("SchemaViolation", f"{col} of {label} {ent[k]} at stage {sid[k]}, scenario "
            f"{scen[k]} is not finite ({val[k]})", col, ent[k], stage_id=int(sid[k]),
            scenario_id=int(scen[k]))
    for s in stage_ids:
        sel = keep & (sid == s)
        if not sel.any():
            add("DimensionMismatch", f"stage {s} has no scenarios (every study stage needs "
                "at least scenario 0)", "stage_id", stage_id=int(s))
            continue
        ks, es = scen[sel], np.searchsorted(eids, ent[sel])
        n = int(ks.max()) + 1
        absent = sorted(set(range(n)) - set(ks.tolist()))
        if absent:
            add("DimensionMismatch", f"stage {s}: scenario_id {_ids(absent)} missing; scenarios "
                f"of a stage must be numbered 0..{n - 1} without gaps", "scenario_id",
                stage_id=int(s), missing_scenarios=absent)
        count = np.zeros((n, len(eids)), dtype=np.int64)
        np.add.at(count, (ks, es), 1)
        present = np.isin(np.arange(n), ks)
        for e in range(len(eids)):
            missing = np.flatnonzero(present & (count[:, e] == 0)).tolist()
            dup = np.flatnonzero(count[:, e] > 1).tolist()
            if missing:
                add("DimensionMismatch", f"{label} {eids[e]} has no row for stage {s}, "
                    f"scenario(s) {_ids(missing)}", key, eids[e], stage_id=int(s),
                    missing_scenarios=missing)
            if dup:
                add("DimensionMismatch", f"{label} {eids[e]} has more than one row for stage "
                    f"{s}, scenario(s) {_ids(dup)}", key, eids[e], stage_id=int(s),
                    duplicated_scenarios=dup)
        if len(out) >= _MAX_RECORDS:
            break
    return out[:_MAX_RECORDS]


def _values(
    table: pa.Table, cls: str, stage_ids: list[int], entity_ids: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    problems = external_problems(cls, table, stage_ids, entity_ids)
    if problems:
        raise error_from_records(problems)
    _fname, key, col = _SPEC[cls]
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
