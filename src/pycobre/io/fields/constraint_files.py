"""Declarations of the ``constraints/`` files (spec 01 §8). Bounds and penalty-override files
are sparse: value columns may be absent or null (null leaves the lower tier in force)."""

from __future__ import annotations

from pycobre.io.fields.spec import Field as F
from pycobre.io.fields.spec import FileSpec

_STAGE = F("stage_id", "INT32", required=True, ref="study_stage")
_POS = {"minimum": 0.0, "minimum_exclusive": True}

GENERIC_VARIABLES = (
    "hydro_storage",
    "hydro_turbined",
    "hydro_spillage",
    "hydro_diversion",
    "hydro_outflow",
    "hydro_generation",
    "hydro_evaporation",
    "hydro_withdrawal",
    "thermal_generation",
    "line_direct",
    "line_reverse",
    "line_exchange",
    "bus_deficit",
    "bus_excess",
    "pumping_flow",
    "pumping_power",
    "contract_import",
    "contract_export",
    "non_controllable_generation",
    "non_controllable_curtailment",
)
#: Generic-constraint variables that take no block argument.
STAGE_LEVEL_VARIABLES = ("hydro_storage", "hydro_evaporation", "hydro_withdrawal")
#: Registry each generic-constraint variable's entity id refers to.
GENERIC_VARIABLE_TARGET = {
    name: (
        "hydro" if name.startswith("hydro_")
        else "thermal" if name.startswith("thermal_")
        else "line" if name.startswith("line_")
        else "bus" if name.startswith("bus_")
        else "pumping_station" if name.startswith("pumping_")
        else "contract" if name.startswith("contract_")
        else "ncs"
    )
    for name in GENERIC_VARIABLES
}


def _bounds(path: str, key: str, ref: str, *values: F, block: bool = False) -> FileSpec:
    keys = (key, "stage_id") + (("block_id",) if block else ())
    extra = (F("block_id", "INT32", nullable=True,
               description="rows with non-null block_id are ignored"),) if block else ()
    return FileSpec(path, "parquet", False, key_columns=keys,
                    fields=(F(key, "INT32", required=True, ref=ref), _STAGE, *extra, *values))


def _opt(name: str, unit: str | None = None, **kw) -> F:
    return F(name, "DOUBLE", nullable=True, unit=unit, **kw)


THERMAL_BOUNDS = _bounds(
    "constraints/thermal_bounds.parquet", "thermal_id", "thermal",
    _opt("min_generation_mw", "MW"), _opt("max_generation_mw", "MW"),
    _opt("cost_per_mwh", "$/MWh"), block=True,
)
HYDRO_BOUND_COLUMNS = (
    ("min_turbined_m3s", "m3/s"),
    ("max_turbined_m3s", "m3/s"),
    ("min_storage_hm3", "hm3"),
    ("max_storage_hm3", "hm3"),
    ("min_outflow_m3s", "m3/s"),
    ("max_outflow_m3s", "m3/s"),
    ("min_generation_mw", "MW"),
    ("max_generation_mw", "MW"),
    ("max_diversion_m3s", "m3/s"),
    ("filling_inflow_m3s", "m3/s"),
    ("water_withdrawal_m3s", "m3/s"),
)
HYDRO_BOUNDS = _bounds(
    "constraints/hydro_bounds.parquet", "hydro_id", "hydro",
    *(_opt(n, u) for n, u in HYDRO_BOUND_COLUMNS),
)
LINE_BOUNDS = _bounds(
    "constraints/line_bounds.parquet", "line_id", "line",
    _opt("direct_mw", "MW"), _opt("reverse_mw", "MW"),
)
PUMPING_BOUNDS = _bounds(
    "constraints/pumping_bounds.parquet", "station_id", "pumping_station",
    _opt("min_m3s", "m3/s"), _opt("max_m3s", "m3/s"),
)
CONTRACT_BOUNDS = _bounds(
    "constraints/contract_bounds.parquet", "contract_id", "contract",
    _opt("min_mw", "MW"), _opt("max_mw", "MW"), _opt("price_per_mwh", "$/MWh"),
)
NCS_BOUNDS = _bounds(
    "constraints/ncs_bounds.parquet", "ncs_id", "ncs",
    F("available_generation_mw", "DOUBLE", required=True, unit="MW", minimum=0.0),
)
HYDRO_OVERRIDE_COLUMNS = (
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
PENALTY_OVERRIDES_BUS = _bounds(
    "constraints/penalty_overrides_bus.parquet", "bus_id", "bus",
    _opt("excess_cost", "$/MWh", **_POS),
)
PENALTY_OVERRIDES_LINE = _bounds(
    "constraints/penalty_overrides_line.parquet", "line_id", "line",
    _opt("exchange_cost", "$/MWh", **_POS),
)
PENALTY_OVERRIDES_HYDRO = _bounds(
    "constraints/penalty_overrides_hydro.parquet", "hydro_id", "hydro",
    *(_opt(n, **_POS) for n in HYDRO_OVERRIDE_COLUMNS),
)
PENALTY_OVERRIDES_NCS = _bounds(
    "constraints/penalty_overrides_ncs.parquet", "source_id", "ncs",
    _opt("curtailment_cost", "$/MWh", **_POS),
)

EXCHANGE_FACTORS = FileSpec(
    "constraints/exchange_factors.json",
    "json",
    False,
    collection="exchange_factors",
    fields=(
        F("line_id", "int", required=True, ref="line"),
        F("stage_id", "int", required=True, ref="study_stage"),
        F("block_factors", "array", required=True),
        F("block_factors[].block_id", "int", required=True, ref="block"),
        F("block_factors[].direct_factor", "number", required=True, **_POS),
        F("block_factors[].reverse_factor", "number", required=True, **_POS),
    ),
)
GENERIC_CONSTRAINTS = FileSpec(
    "constraints/generic_constraints.json",
    "json",
    False,
    collection="constraints",
    entity="generic_constraint",
    fields=(
        F("id", "int", required=True),
        F("name", "string", required=True),
        F("description", "string", nullable=True),
        F("expression", "string", required=True, description="linear expression, spec 01 §8.2"),
        F("sense", "string", required=True, enum=(">=", "<=", "==")),
        F("slack", "object", required=True),
        F("slack.enabled", "bool", required=True),
        F("slack.penalty", "number", nullable=True, required_when=("slack.enabled", (True,)),
          **_POS),
    ),
)
GENERIC_CONSTRAINT_BOUNDS = FileSpec(
    "constraints/generic_constraint_bounds.parquet",
    "parquet",
    False,
    key_columns=("constraint_id", "stage_id", "block_id"),
    fields=(
        F("constraint_id", "INT32", required=True, ref="generic_constraint"),
        F("stage_id", "INT32", required=True, ref="study_stage"),
        F("block_id", "INT32", nullable=True, ref="block", description="null = all blocks"),
        F("bound", "DOUBLE", required=True),
    ),
)

CONSTRAINT_FILES = (
    THERMAL_BOUNDS,
    HYDRO_BOUNDS,
    LINE_BOUNDS,
    PUMPING_BOUNDS,
    CONTRACT_BOUNDS,
    NCS_BOUNDS,
    EXCHANGE_FACTORS,
    GENERIC_CONSTRAINTS,
    GENERIC_CONSTRAINT_BOUNDS,
    PENALTY_OVERRIDES_BUS,
    PENALTY_OVERRIDES_LINE,
    PENALTY_OVERRIDES_HYDRO,
    PENALTY_OVERRIDES_NCS,
)
