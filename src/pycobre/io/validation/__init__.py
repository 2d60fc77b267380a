"""The five validation layers of spec 02 (structural, schema, referential, dimensional,
semantic). ``run_pipeline(raw)`` is the entry used by ``pycobre.io.validate`` and
``load_case``; records are ``pycobre.io.records.ValidationRecord``."""

from __future__ import annotations

from pycobre.io.validation.pipeline import LayerOutcome, run_pipeline
from pycobre.io.validation.result import ValidationResult

__all__ = ["LayerOutcome", "ValidationResult", "run_pipeline"]
