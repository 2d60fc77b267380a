"""Declarations of the ``scenarios/`` files (spec 01 §7)."""

from __future__ import annotations

from pycobre.io.fields.spec import Field as F
from pycobre.io.fields.spec import FileSpec

_HYDRO = F("hydro_id", "INT32", required=True, ref="hydro")
_BUS = F("bus_id", "INT32", required=True, ref="bus")
_NCS = F("ncs_id", "INT32", required=True, ref="ncs")
_STAGE = F("stage_id", "INT32", required=True, ref="study_stage")
#: Inflow model rows may also describe a declared pre-study stage (negative id): spec 11 §2.3
#: step 1 reads them for lag statistics and §6 counts them in the AR order.
_MODEL_STAGE = F("stage_id", "INT32", required=True, ref="stage")
_SCEN = F("scenario_id", "INT32", required=True, minimum=0.0)
_POS = {"minimum": 0.0, "minimum_exclusive": True}


def _pq(path: str, keys: tuple[str, ...], *fields: F, description: str = "") -> FileSpec:
    return FileSpec(path, "parquet", False, fields=fields, key_columns=keys,
                    description=description)


INFLOW_HISTORY = _pq(
    "scenarios/inflow_history.parquet",
    ("hydro_id", "date"),
    _HYDRO,
    F("date", "DATE", required=True),
    F("value_m3s", "DOUBLE", required=True, unit="m3/s"),
)
INFLOW_SEASONAL_STATS = _pq(
    "scenarios/inflow_seasonal_stats.parquet",
    ("hydro_id", "stage_id"),
    _HYDRO,
    _MODEL_STAGE,
    F("mean_m3s", "DOUBLE", required=True, unit="m3/s"),
    F("std_m3s", "DOUBLE", required=True, unit="m3/s", minimum=0.0),
)
INFLOW_AR_COEFFICIENTS = _pq(
    "scenarios/inflow_ar_coefficients.parquet",
    ("hydro_id", "stage_id", "lag"),
    _HYDRO,
    _MODEL_STAGE,
    F("lag", "INT32", required=True, minimum=1.0),
    F("coefficient", "DOUBLE", required=True),
    F("residual_std_ratio", "DOUBLE", required=True, maximum=1.0, **_POS),
)
INFLOW_ANNUAL_COMPONENT = _pq(
    "scenarios/inflow_annual_component.parquet",
    ("hydro_id", "stage_id"),
    _HYDRO,
    _MODEL_STAGE,
    F("annual_coefficient", "DOUBLE", required=True),
    F("annual_mean_m3s", "DOUBLE", required=True, unit="m3/s"),
    F("annual_std_m3s", "DOUBLE", required=True, unit="m3/s", **_POS),
)
EXTERNAL_INFLOW_SCENARIOS = _pq(
    "scenarios/external_inflow_scenarios.parquet",
    ("stage_id", "scenario_id", "hydro_id"),
    _STAGE, _SCEN, _HYDRO,
    F("value_m3s", "DOUBLE", required=True, unit="m3/s"),
)
EXTERNAL_LOAD_SCENARIOS = _pq(
    "scenarios/external_load_scenarios.parquet",
    ("stage_id", "scenario_id", "bus_id"),
    _STAGE, _SCEN, _BUS,
    F("value_mw", "DOUBLE", required=True, unit="MW"),
)
EXTERNAL_NCS_SCENARIOS = _pq(
    "scenarios/external_ncs_scenarios.parquet",
    ("stage_id", "scenario_id", "ncs_id"),
    _STAGE, _SCEN, _NCS,
    F("value", "DOUBLE", required=True, description="availability factor"),
)
LOAD_SEASONAL_STATS = _pq(
    "scenarios/load_seasonal_stats.parquet",
    ("bus_id", "stage_id"),
    _BUS,
    _STAGE,
    F("mean_mw", "DOUBLE", required=True, unit="MW"),
    F("std_mw", "DOUBLE", required=True, unit="MW", minimum=0.0),
)
NON_CONTROLLABLE_STATS = _pq(
    "scenarios/non_controllable_stats.parquet",
    ("ncs_id", "stage_id"),
    _NCS,
    _STAGE,
    F("mean", "DOUBLE", required=True, minimum=0.0, maximum=1.0),
    F("std", "DOUBLE", required=True, minimum=0.0),
)
NOISE_OPENINGS = _pq(
    "scenarios/noise_openings.parquet",
    ("stage_id", "opening_index", "entity_index"),
    F("stage_id", "INT32", required=True, minimum=0.0, description="0-based study stage index"),
    F("opening_index", "UINT32", required=True),
    F("entity_index", "UINT32", required=True,
      description="hydros (ascending id) then load buses (ascending id)"),
    F("value", "DOUBLE", required=True),
)

LOAD_FACTORS = FileSpec(
    "scenarios/load_factors.json",
    "json",
    False,
    collection="load_factors",
    fields=(
        F("bus_id", "int", required=True, ref="bus"),
        F("stage_id", "int", required=True, ref="study_stage"),
        F("block_factors", "array", required=True),
        F("block_factors[].block_id", "int", required=True, ref="block"),
        F("block_factors[].factor", "number", required=True, **_POS),
    ),
)
NON_CONTROLLABLE_FACTORS = FileSpec(
    "scenarios/non_controllable_factors.json",
    "json",
    False,
    collection="non_controllable_factors",
    fields=(
        F("ncs_id", "int", required=True, ref="ncs"),
        F("stage_id", "int", required=True, ref="study_stage"),
        F("block_factors", "array", required=True),
        F("block_factors[].block_id", "int", required=True, ref="block"),
        F("block_factors[].factor", "number", required=True, **_POS),
    ),
)
CORRELATION = FileSpec(
    "scenarios/correlation.json",
    "json",
    False,
    fields=(
        F("method", "string", required=True, enum=("spectral", "cholesky")),
        F("profiles", "object", required=True, description="profile name -> groups"),
        F("profiles.*.correlation_groups", "array", required=True),
        F("profiles.*.correlation_groups[].name", "string", required=True),
        F("profiles.*.correlation_groups[].entities", "array", required=True),
        F("profiles.*.correlation_groups[].entities[].type", "string", required=True,
          enum=("inflow", "load", "ncs")),
        F("profiles.*.correlation_groups[].entities[].id", "int", required=True,
          description="hydro / bus / ncs id by type"),
        F("profiles.*.correlation_groups[].matrix", "array", required=True,
          description="square, symmetric, unit diagonal, entries in [-1, 1]"),
        F("schedule", "array", nullable=True),
        F("schedule[].stage_id", "int", required=True, ref="study_stage"),
        F("schedule[].profile_name", "string", required=True),
    ),
)

SCENARIO_FILES = (
    INFLOW_HISTORY,
    INFLOW_SEASONAL_STATS,
    INFLOW_AR_COEFFICIENTS,
    INFLOW_ANNUAL_COMPONENT,
    EXTERNAL_INFLOW_SCENARIOS,
    EXTERNAL_LOAD_SCENARIOS,
    EXTERNAL_NCS_SCENARIOS,
    LOAD_SEASONAL_STATS,
    LOAD_FACTORS,
    CORRELATION,
    NOISE_OPENINGS,
    NON_CONTROLLABLE_FACTORS,
    NON_CONTROLLABLE_STATS,
)
