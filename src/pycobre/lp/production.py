"""Hydro production model per (hydro, stage) and the FPHA planes it needs (spec 10 §7).

Resolution (§7.1), precomputed planes (§7.2) and planes fitted from geometry (§7.3, once per
hydro with the first study stage's configuration) — build time only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pycobre.errors import ValidationError
from pycobre.lp.fpha_fit import HydroHead, fit_planes, fitting_window

MODELS_FILE = "system/hydro_production_models.json"
PLANES_FILE = "system/fpha_hyperplanes.parquet"
GEOMETRY_FILE = "system/hydro_geometry.parquet"


@dataclass(frozen=True)
class Production:
    fpha: bool
    productivity: float  # resolved rho (0 for FPHA)
    config: dict | None  # fpha_config when fpha


def _entries(system: Any) -> dict[int, dict]:
    extras = getattr(system, "json_extras", {}) or {}
    raw = extras.get(MODELS_FILE)
    if not raw:
        return {}
    items = raw.get("production_models", []) if isinstance(raw, dict) else raw
    return {int(e["hydro_id"]): e for e in items}


def _entity_rho(hydro: Any) -> float:
    gen = hydro.generation
    if gen.model == "fpha" or gen.productivity_mw_per_m3s is None:
        return 0.0
    return float(gen.productivity_mw_per_m3s)


def _choice(entry: dict, stage: Any) -> dict | None:
    """The model dict of ``entry`` that applies to ``stage`` (None: no matching range)."""
    mode = entry.get("selection_mode")
    if mode == "stage_ranges":
        for r in entry.get("stage_ranges", []):
            end = r.get("end_stage_id")
            if r["start_stage_id"] <= stage.id and (end is None or stage.id <= end):
                return r
        return None
    if mode == "seasonal":
        for s in entry.get("seasons", []):
            if stage.season_id is not None and s.get("season_id") == stage.season_id:
                return s
        default = entry.get("default_model")
        if isinstance(default, dict):
            return default
        if default is None:
            return None
        cfg = next(
            (s.get("fpha_config") for s in entry.get("seasons", []) if s.get("fpha_config")), None
        )
        return {"model": default, "fpha_config": entry.get("fpha_config", cfg)}
    return None


def resolve_production(system: Any, hydro: Any, stage: Any, entries=None) -> Production:
    """Model of ``hydro`` at ``stage`` (spec 10 §7.1)."""
    entries = _entries(system) if entries is None else entries
    entry = entries.get(int(hydro.id))
    rho_ent = _entity_rho(hydro)
    if entry is None:
        if hydro.generation.model == "fpha":
            raise ValidationError(
                f"hydro {hydro.id} is declared 'fpha' but has no entry in {MODELS_FILE}",
                kind="MissingReference",
                context={"file": MODELS_FILE, "entity_id": str(hydro.id), "field": "hydro_id"},
            )
        return Production(False, rho_ent, None)
    ch = _choice(entry, stage)
    if ch is None:
        return Production(False, rho_ent, None)
    if ch.get("model") == "fpha":
        return Production(True, 0.0, ch.get("fpha_config") or {"source": "precomputed"})
    override = ch.get("productivity_override")
    return Production(False, float(override) if override is not None else rho_ent, None)


class PlaneSource:
    """Hands out (intercept=kappa*gamma_0, gamma_v, gamma_q, gamma_s) per (hydro, stage)."""

    def __init__(self, system: Any) -> None:
        self.system = system
        tables = getattr(system, "tables", {}) or {}
        self._planes = tables.get(PLANES_FILE)
        self._geometry = tables.get(GEOMETRY_FILE)
        self._fitted: dict[int, np.ndarray] = {}
        self._pre: dict[int, list[tuple]] | None = None
        self.fitted_report: dict[int, dict] = {}

    def _precomputed_rows(self) -> dict[int, list[tuple]]:
        if self._pre is None:
            self._pre = {}
            t = self._planes
            if t is not None:
                cols = {c: t.column(c).to_pylist() for c in t.column_names}
                n = t.num_rows
                kap = cols.get("kappa", [None] * n)
                sid = cols.get("stage_id", [None] * n)
                for i in range(n):
                    self._pre.setdefault(int(cols["hydro_id"][i]), []).append(
                        (sid[i], cols["plane_id"][i], cols["gamma_0"][i], cols["gamma_v"][i],
                         cols["gamma_q"][i], cols["gamma_s"][i], 1.0 if kap[i] is None else kap[i])
                    )
        return self._pre

    def planes(self, hydro: Any, stage: Any, config: dict, first_config: dict) -> np.ndarray:
        """(n_planes, 4) array: kappa*gamma_0, gamma_v, gamma_q, gamma_s."""
        source = (first_config or config or {}).get("source", "precomputed")
        if source == "computed":
            return self._computed(hydro, first_config or config)
        rows = self._precomputed_rows().get(int(hydro.id), [])
        own = [r for r in rows if r[0] is not None and int(r[0]) == int(stage.id)]
        if not own:
            own = [r for r in rows if r[0] is None]
        if not own:
            raise ValidationError(
                f"hydro {hydro.id} uses precomputed FPHA at stage {stage.id} but {PLANES_FILE} "
                "has no plane for that stage (nor for all stages)",
                kind="MissingReference",
                context={"file": PLANES_FILE, "entity_id": str(hydro.id), "stage_id": stage.id},
            )
        own.sort(key=lambda r: r[1])
        a = np.array([(r[2] * r[6], r[3], r[4], r[5]) for r in own], dtype=np.float64)
        return a

    def _computed(self, hydro: Any, config: dict) -> np.ndarray:
        hid = int(hydro.id)
        if hid in self._fitted:
            return self._fitted[hid]
        ctx = {"file": GEOMETRY_FILE, "entity_id": str(hid)}
        g = self._geometry
        if g is None:
            raise ValidationError(
                f"hydro {hid} needs {GEOMETRY_FILE} for computed FPHA planes",
                kind="MissingReference", context=ctx,
            )
        ids = np.asarray(g.column("hydro_id").to_pylist())
        sel = ids == hid
        vol = np.asarray(g.column("volume_hm3").to_pylist(), dtype=np.float64)[sel]
        hgt = np.asarray(g.column("height_m").to_pylist(), dtype=np.float64)[sel]
        order = np.argsort(vol, kind="stable")
        vol, hgt = vol[order], hgt[order]
        missing = [
            n for n in ("tailrace", "hydraulic_losses", "efficiency")
            if getattr(hydro, n, None) is None
        ]
        if vol.shape[0] < 2 or missing:
            why = f"missing {', '.join(missing)}" if missing else "fewer than 2 geometry rows"
            raise ValidationError(
                f"hydro {hid}: computed FPHA planes need tailrace, hydraulic_losses, efficiency "
                f"and >= 2 geometry rows ({why})",
                kind="PhysicalConstraint", context=ctx,
            )
        tr = hydro.tailrace
        pts = None
        if tr.type == "piecewise":
            pts = (
                np.array([p.outflow_m3s for p in tr.points], dtype=np.float64),
                np.array([p.height_m for p in tr.points], dtype=np.float64),
            )
        hl = hydro.hydraulic_losses
        loss_val = hl.value if hl.type == "factor" else hl.value_m
        head = HydroHead(
            vol, hgt, tuple(tr.coefficients) if tr.type == "polynomial" else None, pts,
            hl.type, float(loss_val or 0.0),
            float(hydro.efficiency.value) if hydro.efficiency is not None else 1.0,
        )
        cfg = config or {}
        try:
            lo, hi = fitting_window(
                vol, hydro.min_storage_hm3, hydro.max_storage_hm3, cfg.get("fitting_window")
            )
        except ValueError as exc:
            raise ValidationError(
                f"hydro {hid}: {exc}", kind="PhysicalConstraint",
                context={"file": MODELS_FILE, "entity_id": str(hid), "field": "fitting_window"},
            ) from exc
        fit = fit_planes(
            head, lo, hi, float(hydro.max_turbined_m3s),
            int(cfg.get("volume_discretization_points") or 5),
            int(cfg.get("turbine_discretization_points") or 5),
            int(cfg.get("spillage_discretization_points") or 5),
            int(cfg.get("max_planes_per_hydro") or 10),
        )
        if fit.n == 0 or not (0 < fit.kappa <= 1):
            raise ValidationError(
                f"hydro {hid}: FPHA fitting produced no valid plane set (kappa={fit.kappa})",
                kind="PhysicalConstraint", context=ctx,
            )
        arr = np.column_stack([fit.kappa * fit.gamma_0, fit.gamma_v, fit.gamma_q, fit.gamma_s])
        self._fitted[hid] = arr
        self.fitted_report[hid] = {
            "kappa": fit.kappa, "gamma_0": fit.gamma_0, "gamma_v": fit.gamma_v,
            "gamma_q": fit.gamma_q, "gamma_s": fit.gamma_s,
        }
        return arr
