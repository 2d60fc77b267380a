"""The five layers in order (spec 02 §1): L1 structural, L2 schema, then — only when L1/L2
found no error — L3 referential, L4 dimensional, L5a/L5b semantic.

Every rule is guarded: an unexpected exception inside a rule becomes one ``InternalError``
record (a bug report) instead of escaping, so ``validate`` keeps its never-raise promise.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pycobre.io.fields import CONFIG_PATH, FILES
from pycobre.io.validation.collector import Collector
from pycobre.io.validation.dimensional import check_dimensions
from pycobre.io.validation.kinds import REGISTRY_TO_COBRE
from pycobre.io.validation.referential import check_references
from pycobre.io.validation.resource_limits import check_resource_limits
from pycobre.io.validation.schema_json import JsonChecker
from pycobre.io.validation.schema_parquet import ParquetChecker
from pycobre.io.validation.schema_rules import RULES
from pycobre.io.validation.semantic_hydro import check_hydro_thermal
from pycobre.io.validation.semantic_stages import check_stages_penalties_scenarios
from pycobre.io.validation.stochastic_rules import check_stochastic_inputs
from pycobre.io.validation.structural import check_required_files
from pycobre.io.validation.view import CaseView


@dataclass
class LayerOutcome:
    records: list[Any] = field(default_factory=list)
    layers_completed: int = 0

    @property
    def errors(self) -> list[Any]:
        return [r for r in self.records if r.severity == "error"]

    @property
    def warnings(self) -> list[Any]:
        return [r for r in self.records if r.severity != "error"]


def internal_record(sink: Collector, where: str, exc: BaseException) -> None:
    sink.add(
        "InternalError",
        f"internal error while {where}: {type(exc).__name__}: {exc} (this is a bug in pycobre)",
        file=None, cobre_kind="InternalError", exception_type=type(exc).__name__,
        traceback="".join(traceback.format_exception(exc)),
        suggestion="report this at the pycobre issue tracker with the case that triggers it",
    )


def _guard(sink: Collector, where: str, fn: Callable[..., None], *args: Any) -> None:
    try:
        fn(*args)
    except Exception as exc:  # noqa: BLE001 - a rule bug must not escape validate()
        internal_record(sink, where, exc)


def _tag(records: list[Any]) -> list[Any]:
    """Give records made outside this package (readers, config) their Cobre kind."""
    for r in records:
        if isinstance(r.context, dict) and "cobre_kind" not in r.context:
            r.context["cobre_kind"] = REGISTRY_TO_COBRE.get(r.kind, "InvalidValue")
    return records


def _schema(raw: Any, view: CaseView, sink: Collector) -> None:
    if CONFIG_PATH in raw.json:
        from pycobre.io.config import config_records

        sink.records.extend(_tag(config_records(raw.json[CONFIG_PATH])))
    for rel, spec in FILES.items():
        if spec.format == "json" and rel in raw.json:
            _guard(sink, f"checking {rel}", JsonChecker(spec, sink).check, raw.json[rel])
        elif spec.format == "parquet" and rel in raw.tables:
            _guard(sink, f"checking {rel}", ParquetChecker(spec, sink).check, raw.tables[rel])
    before = sink.error_count()
    for rule in RULES:
        try:
            rule(view, sink)
        except Exception as exc:  # noqa: BLE001
            # malformed input already reported by the type checks can trip a rule; only an
            # exception on otherwise well-typed input is a bug worth reporting
            if before == 0:
                internal_record(sink, f"running {rule.__name__}", exc)
    _guard(sink, "checking resource limits", check_resource_limits, view, sink)


def run_pipeline(raw: Any, *, assembly: bool = False) -> LayerOutcome:
    """Run L1–L5 over a ``pycobre.io.read.RawCase``; returns every record (read problems too)."""
    sink = Collector(records=_tag(list(raw.records)))
    out = LayerOutcome()
    view = CaseView(raw)
    _guard(sink, "checking required files", check_required_files, raw, sink)
    out.layers_completed = 1
    _schema(raw, view, sink)
    out.layers_completed = 2
    if sink.error_count() == 0:
        _guard(sink, "checking references", check_references, view, sink)
        out.layers_completed = 3
        _guard(sink, "checking coverage", check_dimensions, view, sink)
        out.layers_completed = 4
        _guard(sink, "checking hydro/thermal rules", check_hydro_thermal, view, sink)
        _guard(sink, "checking stage/penalty/scenario rules", check_stages_penalties_scenarios,
               view, sink)
        if assembly:  # validate() only: load_case callers build the stochastic model next
            _guard(sink, "checking stochastic inputs", check_stochastic_inputs, view, sink)
        out.layers_completed = 5
    out.records = sink.records
    return out
