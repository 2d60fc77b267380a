"""``config.json``: defaults of spec 03, deep-merged overrides (spec 20 §10), validation.

``load_config(path, overrides=None)`` returns a plain nested dict in ``config.json`` layout with
every default applied; ``resolve_config(doc)`` does the same for an already parsed document and
``config_records(doc)`` lists the problems as :class:`ValidationRecord` (used by the validation
layers and by ``load_case``).
"""

from __future__ import annotations

import copy
import os
import pathlib
from typing import Any

from pycobre.errors import ValidationError
from pycobre.io.read.json_reader import read_json
from pycobre.io.records import ValidationRecord, make_record

__all__ = [
    "CONFIG_DEFAULTS",
    "apply_overrides",
    "config_records",
    "expand_dotted",
    "load_config",
    "resolve_config",
]

_FILE = "config.json"
SCHEMES = ("in_sample", "out_of_sample", "external", "historical")
STOPPING_RULE_FIELDS: dict[str, dict[str, str]] = {
    "iteration_limit": {"limit": "int"},
    "time_limit": {"seconds": "number"},
    "bound_stalling": {"iterations": "int", "tolerance": "number"},
    "simulation": {
        "replications": "int",
        "period": "int",
        "bound_window": "int",
        "distance_tol": "number",
        "bound_tol": "number",
    },
}
CUT_SELECTION_METHODS = ("level1", "lml1", "domination")

_SCENARIO_SOURCE_DEFAULT: dict[str, Any] = {
    "seed": None,
    "inflow": {"scheme": "in_sample"},
    "load": {"scheme": "in_sample"},
    "ncs": {"scheme": "in_sample"},
    "historical_years": None,
}

#: Every section with its defaults (``training.forward_passes``/``stopping_rules`` required).
CONFIG_DEFAULTS: dict[str, Any] = {
    "modeling": {
        "inflow_non_negativity": {"method": "penalty", "penalty_cost": 1000.0},
        "cobre_compat": False,
    },
    "training": {
        "stopping_mode": "any",
        "enabled": True,
        "tree_seed": None,
        "cut_formulation": None,
        "forward_pass": None,
        "scenario_source": None,
        "cut_selection": {
            "enabled": None,
            "method": None,
            "threshold": None,
            "memory_window": None,
            "domination_epsilon": None,
            "check_frequency": None,
            "cut_activity_tolerance": None,
            "basis_activity_window": None,
            "max_active_per_stage": None,
        },
        "solver": {"retry_max_attempts": 5, "retry_time_budget_seconds": 30.0},
    },
    "estimation": {
        "max_order": 6,
        "order_selection": "pacf",
        "min_observations_per_season": 30,
        "max_coefficient_magnitude": None,
    },
    "upper_bound_evaluation": {
        "enabled": None,
        "initial_iteration": None,
        "interval_iterations": None,
        "lipschitz": {"mode": None, "fallback_value": None, "scale_factor": None},
    },
    "policy": {
        "path": "./policy",
        "mode": "fresh",
        "validate_compatibility": True,
        "boundary": None,
        "checkpointing": {
            "enabled": None,
            "initial_iteration": None,
            "interval_iterations": None,
            "store_basis": None,
            "compress": None,
        },
    },
    "simulation": {
        "enabled": False,
        "num_scenarios": 2000,
        "policy_type": "outer",
        "output_path": None,
        "output_mode": None,
        "io_channel_capacity": 64,
        "scenario_source": None,
    },
    "exports": {"states": False, "stochastic": False},
}
SECTIONS = ("$schema", *CONFIG_DEFAULTS)


def expand_dotted(overrides: dict[str, Any]) -> dict[str, Any]:
    """``{"training.forward_passes": 8}`` -> ``{"training": {"forward_passes": 8}}`` (recursive)."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        if isinstance(value, dict):
            value = expand_dotted(value)
        parts = str(key).split(".")
        node = out
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = node[part] = {}
            node = nxt
        leaf = parts[-1]
        if isinstance(value, dict) and isinstance(node.get(leaf), dict):
            node[leaf] = deep_merge(node[leaf], value)
        else:
            node[leaf] = value
    return out


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Dicts merge key by key; any other value (lists included) replaces wholesale."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def apply_overrides(doc: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Deep-merge ``overrides`` (dotted keys allowed); unknown top-level sections are errors."""
    if not overrides:
        return doc
    expanded = expand_dotted(overrides)
    unknown = [k for k in expanded if k not in SECTIONS]
    if unknown:
        rec = make_record(
            "SchemaViolation",
            f"unknown configuration section(s) in overrides: {', '.join(map(str, unknown))}",
            file=_FILE, field=str(unknown[0]), expected=list(CONFIG_DEFAULTS),
        )
        raise ValidationError(rec.message, kind=rec.kind, context=rec.context, records=[rec])
    return deep_merge(doc, expanded)


def _fill(defaults: dict[str, Any], given: Any) -> Any:
    if not isinstance(given, dict):
        return copy.deepcopy(defaults) if given is None else given
    out = copy.deepcopy(given)
    for key, dval in defaults.items():
        if isinstance(dval, dict):
            out[key] = _fill(dval, out.get(key))
        elif key not in out:
            out[key] = copy.deepcopy(dval)
    return out


def _scenario_source(given: Any, fallback: dict[str, Any] | None) -> Any:
    if given is None:
        return copy.deepcopy(fallback if fallback is not None else _SCENARIO_SOURCE_DEFAULT)
    if not isinstance(given, dict):
        return given
    out = copy.deepcopy(given)
    out.setdefault("seed", None)
    out.setdefault("historical_years", None)
    for cls in ("inflow", "load", "ncs"):
        if out.get(cls) is None:
            out[cls] = {"scheme": "in_sample"}
        elif isinstance(out[cls], dict):
            out[cls] = {"scheme": "in_sample", **out[cls]}
    return out


def resolve_config(doc: dict[str, Any]) -> dict[str, Any]:
    """Apply every default of spec 03 to a parsed (and valid) ``config.json`` document."""
    cfg = _fill(CONFIG_DEFAULTS, doc if isinstance(doc, dict) else {})
    tr = cfg["training"]
    if isinstance(tr, dict):
        mode = tr.get("stopping_mode")
        tr["stopping_mode"] = "all" if isinstance(mode, str) and mode.lower() == "all" else "any"
        cs = tr.get("cut_selection")
        if isinstance(cs, dict):
            thr = cs.get("threshold")
            eff = {
                "enabled": False if cs.get("enabled") is None else cs["enabled"],
                "threshold": 0 if thr is None else thr,
                "memory_window": (0 if thr is None else thr)
                if cs.get("memory_window") is None else cs["memory_window"],
                "domination_epsilon": (0 if thr is None else thr)
                if cs.get("domination_epsilon") is None else cs["domination_epsilon"],
                "check_frequency": 5 if cs.get("check_frequency") is None
                else cs["check_frequency"],
                "cut_activity_tolerance": 0.0 if cs.get("cut_activity_tolerance") is None
                else cs["cut_activity_tolerance"],
                "basis_activity_window": 5 if cs.get("basis_activity_window") is None
                else cs["basis_activity_window"],
            }
            cs.update(eff)
        tr["scenario_source"] = _scenario_source(tr.get("scenario_source"), None)
        sim = cfg["simulation"]
        if isinstance(sim, dict):
            base = tr["scenario_source"] if isinstance(tr["scenario_source"], dict) else None
            sim["scenario_source"] = _scenario_source(sim.get("scenario_source"), base)
    return cfg


# -- validation ------------------------------------------------------------------------------

def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_CHECK = {"int": _is_int, "number": _is_num, "bool": lambda v: isinstance(v, bool),
          "string": lambda v: isinstance(v, str), "object": lambda v: isinstance(v, dict),
          "array": lambda v: isinstance(v, list)}


class _Collector:
    def __init__(self) -> None:
        self.records: list[ValidationRecord] = []

    def add(self, kind: str, field: str, message: str, **ctx: Any) -> None:
        text = f"schema error in config.json, field {field}: {message}"
        self.records.append(make_record(kind, text, file=_FILE, field=field, **ctx))

    def typed(self, obj: dict[str, Any], key: str, path: str, typ: str, *, nullable: bool = True,
              required: bool = False, minimum: float | None = None,
              enum: tuple[str, ...] | None = None) -> Any:
        field = f"{path}.{key}" if path else key
        if key not in obj:
            if required:
                self.add("SchemaViolation", field, "required field is missing")
            return None
        value = obj[key]
        if value is None:
            if not nullable:
                self.add("SchemaViolation", field, "must not be null")
            return None
        if not _CHECK[typ](value):
            self.add("TypeMismatch", field, f"expected {typ}, got {type(value).__name__}",
                     expected_type=typ, actual_type=type(value).__name__)
            return None
        if minimum is not None and value < minimum:
            self.add("OutOfRange", field, f"must be >= {minimum}, got {value}", value=value,
                     min=minimum, max=None)
        if enum is not None and value not in enum:
            self.add("InvalidEnum", field, f"{value!r} is not one of {', '.join(enum)}",
                     value=value, allowed_values=list(enum))
        return value


def _check_scenario_source(c: _Collector, src: Any, path: str) -> None:
    if src is None:
        return
    if not isinstance(src, dict):
        c.add("TypeMismatch", path, "expected object", expected_type="object",
              actual_type=type(src).__name__)
        return
    c.typed(src, "seed", path, "int")
    schemes = {}
    for cls in ("inflow", "load", "ncs"):
        entry = src.get(cls)
        if entry is None:
            schemes[cls] = "in_sample"
            continue
        if not isinstance(entry, dict):
            c.add("TypeMismatch", f"{path}.{cls}", "expected object", expected_type="object",
                  actual_type=type(entry).__name__)
            continue
        for key in entry:
            if key != "scheme":
                c.add("SchemaViolation", f"{path}.{cls}.{key}", "unknown key")
        allowed = SCHEMES if cls == "inflow" else SCHEMES[:3]
        schemes[cls] = c.typed(entry, "scheme", f"{path}.{cls}", "string", nullable=False,
                               enum=allowed) or "in_sample"
    if any(s != "in_sample" for s in schemes.values()) and src.get("seed") is None:
        c.add("SchemaViolation", f"{path}.seed",
              "required when a class does not use the in_sample scheme")
    years = src.get("historical_years")
    if years is not None:
        if "historical" not in schemes.values():
            c.add("IncompatibleSettings", f"{path}.historical_years",
                  "only allowed when some class uses the historical scheme")
        if isinstance(years, dict):
            y0, y1 = years.get("from"), years.get("to")
            if not (_is_int(y0) and _is_int(y1)):
                c.add("SchemaViolation", f"{path}.historical_years",
                      'expects integers "from" and "to"')
            elif y0 > y1:
                c.add("OutOfRange", f"{path}.historical_years", f"from {y0} > to {y1}")
        elif not (isinstance(years, list) and all(_is_int(y) for y in years)):
            c.add("TypeMismatch", f"{path}.historical_years",
                  'expected a list of years or {"from", "to"}')


def config_records(doc: Any) -> list[ValidationRecord]:
    """Schema problems of a parsed ``config.json`` document (before defaults)."""
    c = _Collector()
    if not isinstance(doc, dict):
        c.add("TypeMismatch", "$", "the document must be a JSON object")
        return c.records
    for section in CONFIG_DEFAULTS:
        if section in doc and doc[section] is not None and not isinstance(doc[section], dict):
            c.add("TypeMismatch", section, "expected object", expected_type="object",
                  actual_type=type(doc[section]).__name__)
    tr = doc.get("training")
    if not isinstance(tr, dict):
        if tr is None:
            c.add("SchemaViolation", "training", "required section is missing")
        return c.records
    c.typed(tr, "forward_passes", "training", "int", nullable=False, required=True, minimum=1)
    rules = c.typed(tr, "stopping_rules", "training", "array", nullable=False, required=True)
    for i, rule in enumerate(rules or []):
        path = f"training.stopping_rules[{i}]"
        if not isinstance(rule, dict):
            c.add("TypeMismatch", path, "expected object")
            continue
        rtype = c.typed(rule, "type", path, "string", nullable=False, required=True,
                        enum=tuple(STOPPING_RULE_FIELDS))
        for key, typ in STOPPING_RULE_FIELDS.get(rtype, {}).items():
            c.typed(rule, key, path, typ, nullable=False, required=True, minimum=0)
    c.typed(tr, "stopping_mode", "training", "string")
    c.typed(tr, "enabled", "training", "bool")
    c.typed(tr, "tree_seed", "training", "int")
    c.typed(tr, "cut_formulation", "training", "string", enum=("single", "multi"))
    _check_scenario_source(c, tr.get("scenario_source"), "training.scenario_source")
    cs = tr.get("cut_selection")
    if isinstance(cs, dict):
        p = "training.cut_selection"
        enabled = c.typed(cs, "enabled", p, "bool")
        method = c.typed(cs, "method", p, "string", enum=CUT_SELECTION_METHODS)
        if enabled and cs.get("method") is None:
            c.add("IncompatibleSettings", f"{p}.method", "required when cut selection is enabled")
        del method
        for key in ("threshold", "memory_window", "max_active_per_stage"):
            c.typed(cs, key, p, "int", minimum=0)
        freq = c.typed(cs, "check_frequency", p, "int")
        if freq is not None and freq <= 0:
            c.add("OutOfRange", f"{p}.check_frequency", "must be >= 1", value=freq, min=1)
        win = c.typed(cs, "basis_activity_window", p, "int")
        if win is not None and not 1 <= win <= 31:
            c.add("OutOfRange", f"{p}.basis_activity_window", "must be within 1..31", value=win,
                  min=1, max=31)
        c.typed(cs, "domination_epsilon", p, "number", minimum=0)
        c.typed(cs, "cut_activity_tolerance", p, "number", minimum=0)
    sim = doc.get("simulation")
    if isinstance(sim, dict):
        c.typed(sim, "enabled", "simulation", "bool")
        c.typed(sim, "num_scenarios", "simulation", "int", minimum=0)
        c.typed(sim, "policy_type", "simulation", "string", enum=("outer", "inner"))
        c.typed(sim, "io_channel_capacity", "simulation", "int", minimum=1)
        c.typed(sim, "output_mode", "simulation", "string", enum=("streaming", "batched"))
        _check_scenario_source(c, sim.get("scenario_source"), "simulation.scenario_source")
    est = doc.get("estimation")
    if isinstance(est, dict):
        c.typed(est, "max_order", "estimation", "int", minimum=0)
        c.typed(est, "order_selection", "estimation", "string",
                enum=("pacf", "pacf_annual", "fixed"))
        c.typed(est, "min_observations_per_season", "estimation", "int", minimum=0)
        c.typed(est, "max_coefficient_magnitude", "estimation", "number", minimum=0)
    pol = doc.get("policy")
    if isinstance(pol, dict):
        c.typed(pol, "path", "policy", "string")
        c.typed(pol, "mode", "policy", "string", enum=("fresh", "warm_start", "resume"))
        c.typed(pol, "validate_compatibility", "policy", "bool")
        bnd = pol.get("boundary")
        if isinstance(bnd, dict):
            c.typed(bnd, "path", "policy.boundary", "string", nullable=False, required=True)
            c.typed(bnd, "source_stage", "policy.boundary", "int", nullable=False,
                    required=True, minimum=0)
    mod = doc.get("modeling")
    if isinstance(mod, dict):
        c.typed(mod, "cobre_compat", "modeling", "bool")
        inn = mod.get("inflow_non_negativity")
        if isinstance(inn, dict):
            c.typed(inn, "method", "modeling.inflow_non_negativity", "string")
            c.typed(inn, "penalty_cost", "modeling.inflow_non_negativity", "number", minimum=0)
    exp = doc.get("exports")
    if isinstance(exp, dict):
        c.typed(exp, "states", "exports", "bool")
        c.typed(exp, "stochastic", "exports", "bool")
    return c.records


def load_config(
    path: str | os.PathLike[str], overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Parse ``config.json`` (file or case directory), merge ``overrides``, validate, default.

    Raises ``ValidationError`` (all records attached) on an invalid configuration and
    ``CobreIOError``/``CaseNotFoundError`` when the file cannot be found.
    """
    from pycobre.errors import CaseNotFoundError, CobreIOError

    p = pathlib.Path(path)
    if p.is_dir():
        p = p / _FILE
    if not p.exists():
        if not p.parent.exists():
            raise CaseNotFoundError(f"case directory does not exist: {p.parent}",
                                    context={"path": str(p.parent)})
        raise CobreIOError(f"required file '{_FILE}' not found in {p.parent}", kind="MissingFile",
                           context={"file": str(p)})
    doc, rec = read_json(p, _FILE)
    if rec is not None:
        raise ValidationError(rec.message, kind=rec.kind, context=rec.context, records=[rec])
    return config_from_document(doc, overrides)


def config_from_document(doc: Any, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validate + default an already parsed document (with optional overrides)."""
    if isinstance(doc, dict):
        doc = apply_overrides(doc, overrides)
    records = [r for r in config_records(doc) if r.severity == "error"]
    if records:
        first = records[0]
        raise ValidationError(first.message, kind=first.kind, context=first.context,
                              suggestion=first.suggestion, records=records)
    return resolve_config(doc)
