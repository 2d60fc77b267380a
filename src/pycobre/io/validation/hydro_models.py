"""Which production model each hydro uses, read from ``hydros.json`` and the optional
``hydro_production_models.json`` (needed by the L4 coverage and L5a FPHA rules)."""

from __future__ import annotations

from typing import Any

from pycobre.io.validation.view import CaseView


def _entries(pm: dict[str, Any]) -> list[dict[str, Any]]:
    items = list(pm.get("stage_ranges") or []) + list(pm.get("seasons") or [])
    return [i for i in items if isinstance(i, dict)]


def models_by_hydro(view: CaseView) -> dict[int, set[tuple[str, str | None]]]:
    """hydro id -> set of (model, fpha source) pairs it may use over the horizon."""
    out: dict[int, set[tuple[str, str | None]]] = {}
    for hydro in view.entities("hydros"):
        gen = hydro.get("generation") or {}
        model = gen.get("model")
        out[hydro["id"]] = {(model, "precomputed" if model == "fpha" else None)}
    doc = view.doc("system/hydro_production_models.json")
    for pm in doc.get("production_models") or []:
        hid = pm.get("hydro_id")
        if hid not in out:
            continue
        used: set[tuple[str, str | None]] = set()
        for entry in _entries(pm):
            model = entry.get("model")
            source = None
            if model == "fpha":
                source = ((entry.get("fpha_config") or {}).get("source")) or "precomputed"
            used.add((model, source))
        default = pm.get("default_model")
        if default:
            used.add((default, "precomputed" if default == "fpha" else None))
        if used:
            out[hid] = used
    return out


def uses_fpha(models: set[tuple[str, str | None]], source: str | None = None) -> bool:
    return any(m == "fpha" and (source is None or s == source) for m, s in models)


def uses_model(models: set[tuple[str, str | None]], name: str) -> bool:
    return any(m == name for m, _ in models)
