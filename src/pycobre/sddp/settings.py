"""Training settings resolved from ``config.json`` (spec 03 §3, spec 12 §15)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pycobre.errors import ValidationError
from pycobre.sddp.cut_selection import CutSelectionConfig
from pycobre.sddp.stopping import DEFAULT_MAX_ITERATIONS, StoppingRuleSet, build_stopping_rules

__all__ = ["TrainingSettings", "DEFAULT_SEED"]

DEFAULT_SEED = 42


@dataclass
class TrainingSettings:
    enabled: bool
    forward_passes: int
    stopping: StoppingRuleSet
    seed: int
    seed_configured: bool
    cut_selection: CutSelectionConfig
    policy_mode: str = "fresh"

    @property
    def max_iterations(self) -> int:
        """Largest iteration limit, or the default 100 used for pool capacity (spec 12 §5.1)."""
        cap = self.stopping.max_iterations
        return DEFAULT_MAX_ITERATIONS if cap is None else cap

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TrainingSettings:
        training = dict(config.get("training") or {})
        fp = training.get("forward_passes")
        if fp is None or int(fp) < 1:
            raise ValidationError(
                "config.json: training.forward_passes is required and must be >= 1",
                kind="SchemaViolation" if fp is None else "OutOfRange",
                context={"file": "config.json", "field": "training.forward_passes"},
            )
        seed = training.get("tree_seed")
        policy = config.get("policy") or {}
        return cls(
            enabled=bool(training.get("enabled", True)),
            forward_passes=int(fp),
            stopping=build_stopping_rules(
                training.get("stopping_rules"), training.get("stopping_mode")
            ),
            seed=DEFAULT_SEED if seed is None else abs(int(seed)),
            seed_configured=seed is not None,
            cut_selection=CutSelectionConfig.from_config(training.get("cut_selection")),
            policy_mode=str(policy.get("mode", "fresh") or "fresh"),
        )
