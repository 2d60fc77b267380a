"""Scenario assembly checks (spec 02 §1 step A; spec 11 §5.2, §9, §11, §14).

Runs in ``validate()`` (``run_pipeline(raw, assembly=True)``) after L1–L5 found no error: the stochastic layer's own input checks
(:mod:`pycobre.stochastic.input_check`) on the raw case, so ``pycobre validate`` reports what
``pycobre run`` would stop on while fitting the inflow model — too little history
(``InsufficientData``), correlation matrices that are not symmetric within 1e-10 or whose
spectral decomposition fails, external scenario files with missing stages/entities/scenario
numbers, duplicate history observations — and the warnings of a constant history season or a
clipped (not PSD) correlation matrix. The stochastic package is imported only here, lazily, so
reading and the structural layers stay independent of it.
"""

from __future__ import annotations

from pycobre.io.validation.collector import Collector
from pycobre.io.validation.kinds import REGISTRY_TO_COBRE
from pycobre.io.validation.view import CaseView

__all__ = ["check_stochastic_inputs"]


def check_stochastic_inputs(view: CaseView, sink: Collector) -> None:
    if sink.error_count():
        return  # like Cobre's loader: assembly runs only on a case the layers accepted
    from pycobre.stochastic.input_check import raw_case_as_system, stochastic_input_records

    for record in stochastic_input_records(raw_case_as_system(view.raw)):
        record.context.setdefault("cobre_kind", REGISTRY_TO_COBRE.get(record.kind, record.kind))
        sink.records.append(record)
