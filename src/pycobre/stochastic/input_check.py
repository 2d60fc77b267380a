"""The stochastic inputs as ``pycobre validate`` sees them (spec 02 §1 step A, spec 11 §14).

Some bad stochastic input shows only while the model is assembled: a season with one year of
history, a constant history (warning), a correlation matrix that is not positive semi-definite
(warning) or whose spectral decomposition fails, an external scenario file with missing stages,
entities or scenario numbers, a ``historical`` scheme without a complete window. This module
runs every input check of :func:`build_stochastic_model` — without generating the opening tree
or the samplers — on the raw case the validation layers read, and returns what it finds as
``ValidationRecord``s located by file, entity and field (stage/season where it applies).
"""

from __future__ import annotations

from typing import Any

from pycobre.errors import ValidationError
from pycobre.stochastic.located_error import collecting_warnings

__all__ = ["raw_case_as_system", "stochastic_input_records"]

_SCENARIO_JSON = ("correlation.json", "load_factors.json", "non_controllable_factors.json")


def raw_case_as_system(raw: Any) -> dict[str, Any]:
    """A ``System``-like dict (what :class:`CaseView.from_system` reads) of a ``RawCase``."""

    def doc(rel: str) -> dict[str, Any]:
        value = raw.json.get(rel)
        return value if isinstance(value, dict) else {}

    stages = doc("stages.json")
    study = sorted(stages.get("stages") or [], key=lambda s: s["id"])
    pre = list(stages.get("pre_study_stages") or [])
    return {
        "stages": sorted(study + pre, key=lambda s: s["id"]),
        "study_stages": study,
        "season_definitions": stages.get("season_definitions"),
        "hydros": doc("system/hydros.json").get("hydros") or [],
        "buses": doc("system/buses.json").get("buses") or [],
        "non_controllable_sources": doc("system/non_controllable_sources.json").get(
            "non_controllable_sources"
        )
        or [],
        "config": doc("config.json"),
        "initial_conditions": doc("initial_conditions.json"),
        "tables": {k: v for k, v in raw.tables.items() if k.startswith("scenarios/")},
        "json_extras": {
            f"scenarios/{n}": raw.json[f"scenarios/{n}"]
            for n in _SCENARIO_JSON
            if f"scenarios/{n}" in raw.json
        },
        "case_dir": raw.case_dir,
    }


def records_of(exc: ValidationError) -> list[Any]:
    """The located records of a build error (one made from its context when it has none)."""
    from pycobre.io.records import ValidationRecord

    if exc.records:
        out = []
        for r in exc.records:
            ctx = dict(r.context)
            if ctx.get("entity_id") is not None:
                ctx["entity_id"] = str(ctx["entity_id"])
            out.append(ValidationRecord(r.kind, r.message, ctx, r.suggestion, r.severity))
        return out
    ctx = dict(exc.context)
    ctx.setdefault("file", None)
    if ctx.get("entity_id") is not None:
        ctx["entity_id"] = str(ctx["entity_id"])
    return [ValidationRecord(exc.kind, exc.message, ctx, exc.suggestion)]


def stochastic_input_records(system: Any) -> list[Any]:
    """Errors (the first failing check, with every record it carries) then warnings.

    ``system`` is anything :func:`build_stochastic_model` accepts (a ``System``, a case
    directory, or :func:`raw_case_as_system`'s dict). Never raises for bad input.
    """
    from pycobre.stochastic.model import build_stochastic_model

    with collecting_warnings() as warnings:
        try:
            build_stochastic_model(system, _check_only=True)
            errors: list[Any] = []
        except ValidationError as exc:
            errors = records_of(exc)
    return errors + warnings
