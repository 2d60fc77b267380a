"""Declarations of the ``system/`` registry files (spec 01 §6)."""

from __future__ import annotations

from pycobre.io.fields.spec import Field as F
from pycobre.io.fields.spec import FileSpec

GENERATION_MODELS = ("constant_productivity", "linearized_head", "fpha")
_PRODUCTIVE = ("constant_productivity", "linearized_head")

_ID = F("id", "int", required=True, description="unique within the file")
_NAME = F("name", "string", required=True)
_ENTRY = F("entry_stage_id", "int", nullable=True, ref="stage", description="null = from start")
_EXIT = F("exit_stage_id", "int", nullable=True, ref="stage", description="null = never leaves")

BUSES = FileSpec(
    "system/buses.json",
    "json",
    True,
    collection="buses",
    entity="bus",
    fields=(
        _ID,
        _NAME,
        F("deficit_segments", "array", nullable=True, description="absent -> global tiers"),
        F("deficit_segments[].depth_mw", "number", required=True, nullable=True, unit="MW",
          minimum=0.0, minimum_exclusive=True, description="null only on the last tier"),
        F("deficit_segments[].cost", "number", required=True, unit="$/MWh", minimum=0.0,
          minimum_exclusive=True),
    ),
)

LINES = FileSpec(
    "system/lines.json",
    "json",
    True,
    collection="lines",
    entity="line",
    fields=(
        _ID,
        _NAME,
        F("source_bus_id", "int", required=True, ref="bus"),
        F("target_bus_id", "int", required=True, ref="bus"),
        _ENTRY,
        _EXIT,
        F("capacity", "object", required=True),
        F("capacity.direct_mw", "number", required=True, unit="MW", minimum=0.0),
        F("capacity.reverse_mw", "number", required=True, unit="MW", minimum=0.0),
        F("exchange_cost", "number", nullable=True, unit="$/MWh", minimum=0.0,
          minimum_exclusive=True, description="null -> global line.exchange_cost"),
        F("losses_percent", "number", default=0.0, unit="%", minimum=0.0, maximum=100.0),
    ),
)

HYDRO_PENALTY_KEYS = (
    "spillage_cost",
    "diversion_cost",
    "fpha_turbined_cost",
    "storage_violation_below_cost",
    "filling_target_violation_cost",
    "turbined_violation_below_cost",
    "outflow_violation_below_cost",
    "outflow_violation_above_cost",
    "generation_violation_below_cost",
    "evaporation_violation_cost",
    "water_withdrawal_violation_cost",
    "inflow_nonnegativity_cost",
)

HYDROS = FileSpec(
    "system/hydros.json",
    "json",
    True,
    collection="hydros",
    entity="hydro",
    fields=(
        _ID,
        _NAME,
        F("bus_id", "int", required=True, ref="bus"),
        F("downstream_id", "int", nullable=True, ref="hydro", description="null = tailwater"),
        _ENTRY,
        _EXIT,
        F("reservoir", "object", required=True),
        F("reservoir.min_storage_hm3", "number", required=True, unit="hm3", minimum=0.0),
        F("reservoir.max_storage_hm3", "number", required=True, unit="hm3", minimum=0.0),
        F("outflow", "object", required=True),
        F("outflow.min_outflow_m3s", "number", required=True, unit="m3/s", minimum=0.0),
        F("outflow.max_outflow_m3s", "number", nullable=True, unit="m3/s", minimum=0.0,
          description="null = unbounded"),
        F("generation", "object", required=True),
        F("generation.model", "string", required=True, enum=GENERATION_MODELS),
        F("generation.productivity_mw_per_m3s", "number", unit="MW/(m3/s)", minimum=0.0,
          required_when=("generation.model", _PRODUCTIVE)),
        F("generation.min_turbined_m3s", "number", required=True, unit="m3/s", minimum=0.0),
        F("generation.max_turbined_m3s", "number", required=True, unit="m3/s", minimum=0.0),
        F("generation.min_generation_mw", "number", required=True, unit="MW", minimum=0.0),
        F("generation.max_generation_mw", "number", required=True, unit="MW", minimum=0.0),
        F("tailrace", "object", nullable=True),
        F("tailrace.type", "string", required=True, enum=("polynomial", "piecewise")),
        F("tailrace.coefficients", "array", required_when=("tailrace.type", ("polynomial",)),
          description="ascending powers of outflow"),
        F("tailrace.points", "array", required_when=("tailrace.type", ("piecewise",))),
        F("tailrace.points[].outflow_m3s", "number", required=True, unit="m3/s"),
        F("tailrace.points[].height_m", "number", required=True, unit="m"),
        F("hydraulic_losses", "object", nullable=True),
        F("hydraulic_losses.type", "string", required=True, enum=("factor", "constant")),
        F("hydraulic_losses.value", "number", minimum=0.0,
          required_when=("hydraulic_losses.type", ("factor",)), description="fraction of head"),
        F("hydraulic_losses.value_m", "number", unit="m", minimum=0.0,
          required_when=("hydraulic_losses.type", ("constant",))),
        F("efficiency", "object", nullable=True),
        F("efficiency.type", "string", required=True, enum=("constant",)),
        F("efficiency.value", "number", required=True, minimum=0.0, minimum_exclusive=True,
          maximum=1.0),
        F("evaporation", "object", nullable=True),
        F("evaporation.coefficients_mm", "array", required=True, unit="mm/month",
          description="12 numbers, index 0 = January"),
        F("evaporation.reference_volumes_hm3", "array", nullable=True, unit="hm3",
          description="12 numbers or null"),
        F("diversion", "object", nullable=True),
        F("diversion.downstream_id", "int", required=True, ref="hydro"),
        F("diversion.max_flow_m3s", "number", required=True, unit="m3/s", minimum=0.0),
        F("filling", "object", nullable=True),
        F("filling.start_stage_id", "int", required=True, ref="study_stage"),
        F("filling.filling_inflow_m3s", "number", default=0.0, unit="m3/s", minimum=0.0),
        F("penalties", "object", nullable=True, description="entity penalty overrides"),
        *(
            F(f"penalties.{k}", "number", nullable=True, minimum=0.0,
              minimum_exclusive=k != "fpha_turbined_cost")
            for k in HYDRO_PENALTY_KEYS
        ),
    ),
)

THERMALS = FileSpec(
    "system/thermals.json",
    "json",
    True,
    collection="thermals",
    entity="thermal",
    fields=(
        _ID,
        _NAME,
        F("bus_id", "int", required=True, ref="bus"),
        F("cost_per_mwh", "number", required=True, unit="$/MWh", minimum=0.0),
        F("generation", "object", required=True),
        F("generation.min_mw", "number", required=True, unit="MW", minimum=0.0),
        F("generation.max_mw", "number", required=True, unit="MW", minimum=0.0),
        _ENTRY,
        _EXIT,
        F("gnl_config", "object", nullable=True),
        F("gnl_config.lag_stages", "int", required=True, minimum=0.0),
    ),
)

NON_CONTROLLABLE_SOURCES = FileSpec(
    "system/non_controllable_sources.json",
    "json",
    False,
    collection="non_controllable_sources",
    entity="ncs",
    fields=(
        _ID,
        _NAME,
        F("bus_id", "int", required=True, ref="bus"),
        F("max_generation_mw", "number", required=True, unit="MW", minimum=0.0),
        F("curtailment_cost", "number", nullable=True, unit="$/MWh", minimum=0.0,
          minimum_exclusive=True, description="null -> global"),
        _ENTRY,
        _EXIT,
    ),
)

PUMPING_STATIONS = FileSpec(
    "system/pumping_stations.json",
    "json",
    False,
    collection="pumping_stations",
    entity="pumping_station",
    fields=(
        _ID,
        _NAME,
        F("bus_id", "int", required=True, ref="bus"),
        F("source_hydro_id", "int", required=True, ref="hydro"),
        F("destination_hydro_id", "int", required=True, ref="hydro"),
        F("consumption_mw_per_m3s", "number", required=True, unit="MW/(m3/s)", minimum=0.0),
        F("flow", "object", required=True),
        F("flow.min_m3s", "number", required=True, unit="m3/s", minimum=0.0),
        F("flow.max_m3s", "number", required=True, unit="m3/s", minimum=0.0),
        _ENTRY,
        _EXIT,
    ),
)

ENERGY_CONTRACTS = FileSpec(
    "system/energy_contracts.json",
    "json",
    False,
    collection="contracts",
    entity="contract",
    fields=(
        _ID,
        _NAME,
        F("bus_id", "int", required=True, ref="bus"),
        F("type", "string", required=True, enum=("import", "export")),
        F("price_per_mwh", "number", required=True, unit="$/MWh", description="may be negative"),
        F("limits", "object", required=True),
        F("limits.min_mw", "number", required=True, unit="MW", minimum=0.0),
        F("limits.max_mw", "number", required=True, unit="MW", minimum=0.0),
        _ENTRY,
        _EXIT,
    ),
)

_MODEL_FIELDS = lambda p: (  # noqa: E731 - shared by stage_ranges[] and seasons[]
    F(f"{p}.model", "string", required=True, enum=GENERATION_MODELS),
    F(f"{p}.fpha_config", "object", nullable=True, required_when=(f"{p}.model", ("fpha",))),
    F(f"{p}.fpha_config.source", "string", required=True, enum=("precomputed", "computed")),
    F(f"{p}.fpha_config.volume_discretization_points", "int", default=5, minimum=2.0),
    F(f"{p}.fpha_config.turbine_discretization_points", "int", default=5, minimum=2.0),
    F(f"{p}.fpha_config.spillage_discretization_points", "int", default=5, minimum=1.0),
    F(f"{p}.fpha_config.max_planes_per_hydro", "int", default=10, minimum=1.0),
    F(f"{p}.fpha_config.fitting_window", "object", nullable=True),
    F(f"{p}.fpha_config.fitting_window.volume_min_hm3", "number", nullable=True, unit="hm3"),
    F(f"{p}.fpha_config.fitting_window.volume_max_hm3", "number", nullable=True, unit="hm3"),
    F(f"{p}.fpha_config.fitting_window.volume_min_percentile", "number", nullable=True,
      minimum=0.0, maximum=1.0),
    F(f"{p}.fpha_config.fitting_window.volume_max_percentile", "number", nullable=True,
      minimum=0.0, maximum=1.0),
    F(f"{p}.productivity_override", "number", nullable=True, unit="MW/(m3/s)", minimum=0.0,
      minimum_exclusive=True, description="rejected with fpha"),
)

HYDRO_PRODUCTION_MODELS = FileSpec(
    "system/hydro_production_models.json",
    "json",
    False,
    collection="production_models",
    entity="production_model",
    fields=(
        F("hydro_id", "int", required=True, ref="hydro", description="unique"),
        F("selection_mode", "string", required=True, enum=("stage_ranges", "seasonal")),
        F("stage_ranges", "array", required_when=("selection_mode", ("stage_ranges",))),
        F("stage_ranges[].start_stage_id", "int", required=True, ref="stage"),
        F("stage_ranges[].end_stage_id", "int", required=True, nullable=True, ref="stage",
          description="inclusive; null = horizon end"),
        *_MODEL_FIELDS("stage_ranges[]"),
        F("default_model", "string", enum=GENERATION_MODELS,
          required_when=("selection_mode", ("seasonal",))),
        F("seasons", "array", required_when=("selection_mode", ("seasonal",))),
        F("seasons[].season_id", "int", required=True, ref="season"),
        *_MODEL_FIELDS("seasons[]"),
    ),
)

HYDRO_GEOMETRY = FileSpec(
    "system/hydro_geometry.parquet",
    "parquet",
    False,
    key_columns=("hydro_id", "volume_hm3"),
    fields=(
        F("hydro_id", "INT32", required=True, ref="hydro"),
        F("volume_hm3", "DOUBLE", required=True, unit="hm3", minimum=0.0,
          description="strictly increasing per hydro"),
        F("height_m", "DOUBLE", required=True, unit="m", minimum=0.0),
        F("area_km2", "DOUBLE", required=True, unit="km2", minimum=0.0),
    ),
)

FPHA_HYPERPLANES = FileSpec(
    "system/fpha_hyperplanes.parquet",
    "parquet",
    False,
    key_columns=("hydro_id", "stage_id", "plane_id"),
    description="null stage_id sorts first and means all stages",
    fields=(
        F("hydro_id", "INT32", required=True, ref="hydro"),
        F("stage_id", "INT32", nullable=True, ref="study_stage"),
        F("plane_id", "INT32", required=True),
        F("gamma_0", "DOUBLE", required=True, unit="MW"),
        F("gamma_v", "DOUBLE", required=True, unit="MW/hm3", minimum=0.0),
        F("gamma_q", "DOUBLE", required=True, unit="MW/(m3/s)"),
        F("gamma_s", "DOUBLE", required=True, unit="MW/(m3/s)", maximum=0.0),
        F("kappa", "DOUBLE", nullable=True, default=1.0),
        F("valid_v_min_hm3", "DOUBLE", nullable=True, unit="hm3"),
        F("valid_v_max_hm3", "DOUBLE", nullable=True, unit="hm3"),
        F("valid_q_max_m3s", "DOUBLE", nullable=True, unit="m3/s"),
    ),
)

SYSTEM_FILES = (
    BUSES,
    LINES,
    HYDROS,
    THERMALS,
    NON_CONTROLLABLE_SOURCES,
    PUMPING_STATIONS,
    ENERGY_CONTRACTS,
    HYDRO_GEOMETRY,
    HYDRO_PRODUCTION_MODELS,
    FPHA_HYPERPLANES,
)
