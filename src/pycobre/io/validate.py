"""``pycobre.io.validate(path)``: run every validation layer and return all findings as data.

Never raises for any input (spec 20 §4.2): a missing path, a file instead of a folder, broken
JSON or Parquet and even a bug inside a rule all come back as records. ``run_layers(raw)`` is the
entry ``load_case`` uses on a ``RawCase`` it has already read (see docs/dev/contracts.md §6).
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path
from typing import Any

from pycobre.io.validation.collector import Collector
from pycobre.io.validation.pipeline import LayerOutcome, internal_record, run_pipeline
from pycobre.io.validation.result import ValidationResult
from pycobre.io.validation.structural import check_case_dir
from pycobre.io.validation.view import REGISTRIES

__all__ = ["ValidationResult", "run_layers", "run_layers_outcome", "validate"]


def run_layers(raw: Any) -> list[Any]:
    """Every record of L1–L5 for ``raw`` (a ``pycobre.io.read.RawCase``), read problems included.

    The list *contains* ``raw.records`` (missing files, parse errors) followed by what the
    layers found, so callers need no other list.
    """
    return run_pipeline(raw).records


def run_layers_outcome(raw: Any) -> LayerOutcome:
    """Like :func:`run_layers` but also says how many layers ran to completion."""
    return run_pipeline(raw)


def _counts(raw: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, reg in REGISTRIES.items():
        doc = raw.json.get(reg.file)
        items = doc.get(reg.key) if isinstance(doc, dict) else None
        if isinstance(items, list):
            out[name] = len(items)
    return out


def validate(path: str | os.PathLike[str]) -> ValidationResult:
    """Validate the case directory at ``path``; returns a :class:`ValidationResult`."""
    sink = Collector()
    shown = str(path)
    try:
        try:
            case_dir = Path(os.fsdecode(os.fspath(path)))
        except TypeError:
            sink.add("MissingFile", f"invalid case path {path!r}: expected a str or os.PathLike",
                     file=None, path=shown)
            return ValidationResult(sink.records, 0, case_dir=shown)
        if not check_case_dir(case_dir, sink):
            return ValidationResult(sink.records, 0, case_dir=shown)
        from pycobre.io.read import read_raw

        raw = read_raw(case_dir)
        outcome = run_pipeline(raw, assembly=True)
        return ValidationResult(outcome.records, outcome.layers_completed, case_dir=shown,
                                entity_counts=_counts(raw))
    except Exception as exc:  # noqa: BLE001 - validate() never raises (spec 20 §4.2)
        internal_record(sink, f"validating {shown}", exc)
        return ValidationResult(sink.records, 0, case_dir=shown)


class _CallableModule(types.ModuleType):
    """Importing this submodule makes the import system bind ``pycobre.io.validate`` (and so
    ``pycobre.validate``) to the *module*, shadowing the function of spec 20 §4.2 whenever
    ``load_case`` ran first. A callable module keeps ``pycobre.io.validate(path)`` working
    whatever the import order."""

    def __call__(self, path: str | os.PathLike[str]) -> ValidationResult:
        return validate(path)


sys.modules[__name__].__class__ = _CallableModule
