"""Declarations of the root files: ``stages.json``, ``penalties.json``,
``initial_conditions.json`` (spec 01 §3–5). ``config.json`` lives in ``pycobre.io.config``."""

from __future__ import annotations

from pycobre.io.fields.spec import Field as F
from pycobre.io.fields.spec import FileSpec

SAMPLING_METHODS = ("saa", "lhs", "qmc_sobol", "qmc_halton", "selective", "historical_residuals")
_POS = {"minimum": 0.0, "minimum_exclusive": True}

STAGES = FileSpec(
    "stages.json",
    "json",
    True,
    description="stages, blocks, seasons, policy graph",
    fields=(
        F("policy_graph", "object", required=True),
        F("policy_graph.type", "string", required=True, enum=("finite_horizon", "cyclic")),
        F("policy_graph.annual_discount_rate", "number", required=True, minimum=0.0,
          description="> 0 when cyclic"),
        F("policy_graph.transitions", "array", default=()),
        F("policy_graph.transitions[].source_id", "int", required=True, ref="stage"),
        F("policy_graph.transitions[].target_id", "int", required=True, ref="stage"),
        F("policy_graph.transitions[].probability", "number", required=True, minimum=0.0,
          maximum=1.0, description="outgoing probabilities sum to 1 (+-1e-6)"),
        F("policy_graph.transitions[].annual_discount_rate_override", "number", nullable=True,
          minimum=0.0),
        F("stages", "array", required=True),
        F("stages[].id", "int", required=True, minimum=0.0),
        F("stages[].start_date", "date", required=True, description="inclusive"),
        F("stages[].end_date", "date", required=True, description="exclusive"),
        F("stages[].season_id", "int", nullable=True, minimum=0.0, ref="season"),
        F("stages[].blocks", "array", required=True),
        F("stages[].blocks[].id", "int", required=True, minimum=0.0,
          description="exactly 0..n-1"),
        F("stages[].blocks[].name", "string", required=True),
        F("stages[].blocks[].hours", "number", required=True, unit="h", **_POS),
        F("stages[].block_mode", "string", default="parallel",
          enum=("parallel", "chronological")),
        F("stages[].state_variables", "object", nullable=True),
        F("stages[].state_variables.storage", "bool", default=True),
        F("stages[].state_variables.inflow_lags", "bool", default=False),
        F("stages[].risk_measure", "any", default="expectation",
          description='"expectation" or {"cvar": {"alpha", "lambda"}}'),
        F("stages[].risk_measure.cvar.alpha", "number", required=True, maximum=1.0, **_POS),
        F("stages[].risk_measure.cvar.lambda", "number", required=True, minimum=0.0,
          maximum=1.0),
        F("stages[].num_scenarios", "int", required=True, **_POS),
        F("stages[].sampling_method", "string", default="saa", enum=SAMPLING_METHODS),
        F("season_definitions", "object", nullable=True),
        F("season_definitions.cycle_type", "string", required=True,
          enum=("monthly", "weekly", "custom")),
        F("season_definitions.seasons", "array", required=True),
        F("season_definitions.seasons[].id", "int", required=True, minimum=0.0),
        F("season_definitions.seasons[].label", "string", required=True),
        F("season_definitions.seasons[].month_start", "int", required=True, minimum=1.0,
          maximum=12.0),
        F("season_definitions.seasons[].day_start", "int", nullable=True, minimum=1.0,
          maximum=31.0),
        F("season_definitions.seasons[].month_end", "int", nullable=True, minimum=1.0,
          maximum=12.0),
        F("season_definitions.seasons[].day_end", "int", nullable=True, minimum=1.0,
          maximum=31.0),
        F("pre_study_stages", "array", nullable=True, default=()),
        F("pre_study_stages[].id", "int", required=True, maximum=0.0, maximum_exclusive=True),
        F("pre_study_stages[].start_date", "date", required=True),
        F("pre_study_stages[].end_date", "date", required=True),
        F("pre_study_stages[].season_id", "int", nullable=True, minimum=0.0, ref="season"),
        F("scenario_source", "any", description="forbidden: moved to config.json"),
    ),
)

#: Required scalar cost keys of ``penalties.json`` → ``hydro``.
HYDRO_GLOBAL_COSTS = (
    "spillage_cost",
    "fpha_turbined_cost",
    "diversion_cost",
    "storage_violation_below_cost",
    "filling_target_violation_cost",
    "turbined_violation_below_cost",
    "outflow_violation_below_cost",
    "outflow_violation_above_cost",
    "generation_violation_below_cost",
    "evaporation_violation_cost",
    "water_withdrawal_violation_cost",
)
#: Optional ``hydro`` keys and the key their default comes from (a number = literal default).
HYDRO_OPTIONAL_COSTS = {
    "evaporation_violation_pos_cost": "evaporation_violation_cost",
    "evaporation_violation_neg_cost": "evaporation_violation_cost",
    "water_withdrawal_violation_pos_cost": "water_withdrawal_violation_cost",
    "water_withdrawal_violation_neg_cost": "water_withdrawal_violation_cost",
    "inflow_nonnegativity_cost": 1000.0,
}

PENALTIES = FileSpec(
    "penalties.json",
    "json",
    True,
    description="global penalty defaults; every scalar cost > 0",
    fields=(
        F("version", "string", nullable=True),
        F("bus", "object", required=True),
        F("bus.deficit_segments", "array", required=True),
        F("bus.deficit_segments[].depth_mw", "number", required=True, nullable=True, unit="MW",
          description="null only (and mandatory) on the last tier", **_POS),
        F("bus.deficit_segments[].cost", "number", required=True, unit="$/MWh", **_POS),
        F("bus.excess_cost", "number", required=True, unit="$/MWh", **_POS),
        F("line", "object", required=True),
        F("line.exchange_cost", "number", required=True, unit="$/MWh", **_POS),
        F("hydro", "object", required=True),
        *(
            F(f"hydro.{k}", "number", required=True, minimum=0.0,
              minimum_exclusive=k != "fpha_turbined_cost")
            for k in HYDRO_GLOBAL_COSTS
        ),
        *(
            F(f"hydro.{k}", "number", nullable=True,
              default=d if isinstance(d, float) else None, **_POS)
            for k, d in HYDRO_OPTIONAL_COSTS.items()
        ),
        F("non_controllable_source", "object", required=True),
        F("non_controllable_source.curtailment_cost", "number", required=True, unit="$/MWh",
          **_POS),
    ),
)

INITIAL_CONDITIONS = FileSpec(
    "initial_conditions.json",
    "json",
    True,
    fields=(
        F("storage", "array", required=True, description="missing hydro -> 0 hm3"),
        F("storage[].hydro_id", "int", required=True, ref="hydro"),
        F("storage[].value_hm3", "number", required=True, unit="hm3", minimum=0.0),
        F("filling_storage", "array", required=True),
        F("filling_storage[].hydro_id", "int", required=True, ref="hydro"),
        F("filling_storage[].value_hm3", "number", required=True, unit="hm3", minimum=0.0),
        F("past_inflows", "array", default=()),
        F("past_inflows[].hydro_id", "int", required=True, ref="hydro"),
        F("past_inflows[].values_m3s", "array", required=True, unit="m3/s",
          description="index 0 = lag 1"),
        F("past_inflows[].season_ids", "array", nullable=True, ref="season"),
        F("recent_observations", "array", default=()),
        F("recent_observations[].hydro_id", "int", required=True, ref="hydro"),
        F("recent_observations[].start_date", "date", required=True),
        F("recent_observations[].end_date", "date", required=True),
        F("recent_observations[].value_m3s", "number", required=True, unit="m3/s", minimum=0.0),
    ),
)

ROOT_FILES = (STAGES, PENALTIES, INITIAL_CONDITIONS)
