"""Declaration of ``config.json`` (spec 03), for schema export and docs.

Defaults here mirror :data:`pycobre.io.config.CONFIG_DEFAULTS` (which applies them); the
cross-field rules (seed required for non in_sample schemes, cut-selection combinations) live in
:func:`pycobre.io.config.config_records`.
"""

from __future__ import annotations

from pycobre.io.fields.spec import Field as F
from pycobre.io.fields.spec import FileSpec

_SCHEMES = ("in_sample", "out_of_sample", "external", "historical")


def _source(p: str) -> tuple[F, ...]:
    return (
        F(f"{p}", "object", nullable=True),
        F(f"{p}.seed", "int", nullable=True, description="required unless all in_sample"),
        F(f"{p}.inflow.scheme", "string", default="in_sample", enum=_SCHEMES),
        F(f"{p}.load.scheme", "string", default="in_sample", enum=_SCHEMES[:3]),
        F(f"{p}.ncs.scheme", "string", default="in_sample", enum=_SCHEMES[:3]),
        F(f"{p}.historical_years", "any", nullable=True,
          description='int[] or {"from": y0, "to": y1}'),
    )


CONFIG = FileSpec(
    "config.json",
    "json",
    True,
    description="what to compute (spec 03); unknown keys ignored",
    fields=(
        F("modeling.inflow_non_negativity.method", "string", default="penalty",
          description="none | penalty | truncation | truncation_with_penalty"),
        F("modeling.inflow_non_negativity.penalty_cost", "number", default=1000.0, minimum=0.0),
        F("modeling.cobre_compat", "bool", default=False),
        F("training", "object", required=True),
        F("training.forward_passes", "int", required=True, minimum=1.0),
        F("training.stopping_rules", "array", required=True),
        F("training.stopping_rules[].type", "string", required=True,
          enum=("iteration_limit", "time_limit", "bound_stalling", "simulation")),
        F("training.stopping_mode", "string", default="any", enum=("any", "all")),
        F("training.enabled", "bool", default=True),
        F("training.tree_seed", "int", nullable=True),
        F("training.cut_formulation", "string", nullable=True, enum=("single", "multi")),
        F("training.forward_pass", "object", nullable=True),
        *_source("training.scenario_source"),
        F("training.cut_selection.enabled", "bool", nullable=True, default=False),
        F("training.cut_selection.method", "string", nullable=True,
          enum=("level1", "lml1", "domination")),
        F("training.cut_selection.threshold", "int", nullable=True, default=0, minimum=0.0),
        F("training.cut_selection.memory_window", "int", nullable=True, minimum=0.0),
        F("training.cut_selection.domination_epsilon", "number", nullable=True, minimum=0.0),
        F("training.cut_selection.check_frequency", "int", nullable=True, default=5,
          minimum=1.0),
        F("training.cut_selection.cut_activity_tolerance", "number", nullable=True, default=0.0,
          minimum=0.0),
        F("training.cut_selection.basis_activity_window", "int", nullable=True, default=5,
          minimum=1.0, maximum=31.0),
        F("training.cut_selection.max_active_per_stage", "int", nullable=True, minimum=0.0),
        F("training.solver.retry_max_attempts", "int", default=5),
        F("training.solver.retry_time_budget_seconds", "number", default=30.0),
        F("estimation.max_order", "int", default=6, minimum=0.0),
        F("estimation.order_selection", "string", default="pacf",
          enum=("pacf", "pacf_annual", "fixed")),
        F("estimation.min_observations_per_season", "int", default=30, minimum=0.0),
        F("estimation.max_coefficient_magnitude", "number", nullable=True, minimum=0.0),
        F("upper_bound_evaluation.enabled", "bool", nullable=True),
        F("upper_bound_evaluation.initial_iteration", "int", nullable=True),
        F("upper_bound_evaluation.interval_iterations", "int", nullable=True),
        F("upper_bound_evaluation.lipschitz.mode", "string", nullable=True),
        F("upper_bound_evaluation.lipschitz.fallback_value", "number", nullable=True),
        F("upper_bound_evaluation.lipschitz.scale_factor", "number", nullable=True),
        F("policy.path", "string", default="./policy",
          description="relative to the output directory"),
        F("policy.mode", "string", default="fresh", enum=("fresh", "warm_start", "resume")),
        F("policy.validate_compatibility", "bool", default=True),
        F("policy.boundary", "object", nullable=True),
        F("policy.boundary.path", "string", required=True),
        F("policy.boundary.source_stage", "int", required=True, minimum=0.0),
        F("policy.checkpointing.enabled", "bool", nullable=True),
        F("policy.checkpointing.initial_iteration", "int", nullable=True),
        F("policy.checkpointing.interval_iterations", "int", nullable=True),
        F("policy.checkpointing.store_basis", "bool", nullable=True),
        F("policy.checkpointing.compress", "bool", nullable=True),
        F("simulation.enabled", "bool", default=False),
        F("simulation.num_scenarios", "int", default=2000, minimum=0.0),
        F("simulation.policy_type", "string", default="outer", enum=("outer", "inner")),
        F("simulation.output_path", "string", nullable=True),
        F("simulation.output_mode", "string", nullable=True, enum=("streaming", "batched")),
        F("simulation.io_channel_capacity", "int", default=64, minimum=1.0),
        *_source("simulation.scenario_source"),
        F("exports.states", "bool", default=False),
        F("exports.stochastic", "bool", default=False),
    ),
)
