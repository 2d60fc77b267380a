"""Case preparation shared by ``train`` and ``simulate``: overrides, stochastic model, LPs.

A ``System`` is immutable; applying ``config_overrides`` to one makes a shallow copy that
carries the merged and validated configuration (every other part is shared, since the
configuration does not enter the entity data or the resolved penalty/bound arrays).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from pycobre.errors import CobreError

__all__ = ["CaseContext", "with_config", "load_system", "prepare_case", "context_for"]


class CaseContext:
    """A case with its effective configuration, stochastic model and stage templates."""

    def __init__(self, system: Any, stochastic: Any, templates: list[Any], seed: int) -> None:
        self.system = system
        self.stochastic = stochastic
        self.templates = templates
        self.seed = seed

    @property
    def n_state(self) -> int:
        return int(self.templates[0].n_state) if self.templates else 0

    @property
    def n_stages(self) -> int:
        return len(self.templates)


def with_config(system: Any, config: dict) -> Any:
    """A copy of ``system`` whose ``config`` is ``config``."""
    if config == system.config:
        return system
    cls = type(system)
    clone = object.__new__(cls)
    for slot in getattr(cls, "__slots__", ()):
        object.__setattr__(clone, slot, getattr(system, slot))
    object.__setattr__(clone, "_config", copy.deepcopy(config))
    return clone


def load_system(case: Any, config_overrides: dict | None) -> Any:
    """``case`` (a ``System`` or a case directory) with the overrides applied and validated."""
    from pycobre.io import load_case

    if isinstance(case, (str, os.PathLike)):
        return load_case(Path(case), config_overrides=config_overrides or None)
    if not hasattr(case, "config") or not hasattr(case, "hydros"):
        raise TypeError(
            f"case must be a pycobre.model.System or a case directory, not {type(case).__name__}"
        )
    if not config_overrides:
        return case
    from pycobre.io.config import config_from_document

    return with_config(case, config_from_document(copy.deepcopy(case.config), config_overrides))


def prepare_case(case: Any, config_overrides: dict | None) -> CaseContext:
    """Load/override the case, then build its stochastic model and stage LP templates."""
    from pycobre.lp import build_stage_templates
    from pycobre.sddp.settings import TrainingSettings
    from pycobre.stochastic import build_stochastic_model

    system = load_system(case, config_overrides)
    seed = TrainingSettings.from_config(system.config).seed
    try:
        stochastic = build_stochastic_model(system, seed=seed)
        templates = list(build_stage_templates(system, stochastic))
    except CobreError:
        raise
    except Exception as exc:  # a bug, not bad input: say where it happened (spec 20 §12.3)
        raise CobreError(
            f"unexpected error while building the models of {system.case_dir}: "
            f"{type(exc).__name__}: {exc}",
            kind="InternalError",
            context={"exception_type": type(exc).__name__, "case": str(system.case_dir)},
        ) from exc
    return CaseContext(system, stochastic, templates, seed)


def context_for(case: Any, config_overrides: dict | None) -> CaseContext:
    """Like :func:`prepare_case`, but reuses the models of a ``TrainingResult`` given as ``case``
    (when there are no overrides; with overrides its case is re-prepared)."""
    ctx = getattr(case, "_context", None)
    if isinstance(ctx, CaseContext):
        if not config_overrides:
            return ctx
        case = ctx.system
    return prepare_case(case, config_overrides)
