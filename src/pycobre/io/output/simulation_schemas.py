"""Arrow schemas of the simulation output tables (spec 04 §4.2), identical to Cobre 0.5.1.

Column names, order, types and nullability were checked against files written by Cobre.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = [
    "COSTS_COMPONENT_COLUMNS",
    "ENTITY_DIRS",
    "SIMULATION_SCHEMAS",
    "SOLVER_ITERATIONS_SCHEMA",
    "RETRY_HISTOGRAM_SCHEMA",
]

_I8, _I32, _F64, _BOOL = pa.int8(), pa.int32(), pa.float64(), pa.bool_()


def _f(name: str, typ: pa.DataType, nullable: bool = False) -> pa.Field:
    return pa.field(name, typ, nullable=nullable)


def _floats(*names: str, nullable: bool = False) -> list[pa.Field]:
    return [_f(n, _F64, nullable) for n in names]


_KEY = [_f("stage_id", _I32), _f("block_id", _I32, True)]

#: Stage cost components of spec 13 §5.1 in column order (after the 4 leading cost columns).
COSTS_COMPONENT_COLUMNS = (
    "thermal_cost",
    "contract_cost",
    "deficit_cost",
    "excess_cost",
    "storage_violation_cost",
    "filling_target_cost",
    "hydro_violation_cost",
    "outflow_violation_below_cost",
    "outflow_violation_above_cost",
    "turbined_violation_cost",
    "generation_violation_cost",
    "evaporation_violation_cost",
    "withdrawal_violation_cost",
    "inflow_penalty_cost",
    "generic_violation_cost",
    "spillage_cost",
    "fpha_turbined_cost",
    "curtailment_cost",
    "exchange_cost",
    "pumping_cost",
)

SIMULATION_SCHEMAS: dict[str, pa.Schema] = {
    "costs": pa.schema(
        _KEY
        + _floats("total_cost", "immediate_cost", "future_cost", "discount_factor")
        + _floats(*COSTS_COMPONENT_COLUMNS)
    ),
    "hydros": pa.schema(
        _KEY
        + [_f("hydro_id", _I32)]
        + _floats("turbined_m3s", "spillage_m3s", "outflow_m3s")
        + _floats("evaporation_m3s", "diverted_inflow_m3s", "diverted_outflow_m3s", nullable=True)
        + _floats(
            "incremental_inflow_m3s",
            "inflow_m3s",
            "storage_initial_hm3",
            "storage_final_hm3",
            "generation_mw",
            "generation_mwh",
        )
        + _floats("productivity_mw_per_m3s", nullable=True)
        + _floats("spillage_cost", "water_value_per_hm3")
        + [_f("storage_binding_code", _I8), _f("operative_state_code", _I8)]
        + _floats(
            "turbined_slack_m3s",
            "outflow_slack_below_m3s",
            "outflow_slack_above_m3s",
            "generation_slack_mw",
            "storage_violation_below_hm3",
            "filling_target_violation_hm3",
            "evaporation_violation_pos_m3s",
            "evaporation_violation_neg_m3s",
            "inflow_nonnegativity_slack_m3s",
            "water_withdrawal_violation_pos_m3s",
            "water_withdrawal_violation_neg_m3s",
        )
    ),
    "thermals": pa.schema(
        _KEY
        + [_f("thermal_id", _I32)]
        + _floats("generation_mw", "generation_mwh", "generation_cost")
        + [_f("is_gnl", _BOOL)]
        + _floats("gnl_committed_mw", "gnl_decision_mw", nullable=True)
        + [_f("operative_state_code", _I8)]
    ),
    "exchanges": pa.schema(
        _KEY
        + [_f("line_id", _I32)]
        + _floats(
            "direct_flow_mw",
            "reverse_flow_mw",
            "net_flow_mw",
            "net_flow_mwh",
            "losses_mw",
            "losses_mwh",
            "exchange_cost",
        )
        + [_f("operative_state_code", _I8)]
    ),
    "buses": pa.schema(
        _KEY
        + [_f("bus_id", _I32)]
        + _floats(
            "load_mw",
            "load_mwh",
            "deficit_mw",
            "deficit_mwh",
            "excess_mw",
            "excess_mwh",
            "spot_price",
        )
    ),
    "pumping_stations": pa.schema(
        _KEY
        + [_f("pumping_station_id", _I32)]
        + _floats(
            "pumped_flow_m3s",
            "pumped_volume_hm3",
            "power_consumption_mw",
            "energy_consumption_mwh",
            "pumping_cost",
        )
        + [_f("operative_state_code", _I8)]
    ),
    "contracts": pa.schema(
        _KEY
        + [_f("contract_id", _I32)]
        + _floats("power_mw", "energy_mwh", "price_per_mwh", "total_cost")
        + [_f("operative_state_code", _I8)]
    ),
    "non_controllables": pa.schema(
        _KEY
        + [_f("non_controllable_id", _I32)]
        + _floats(
            "generation_mw",
            "generation_mwh",
            "available_mw",
            "curtailment_mw",
            "curtailment_mwh",
            "curtailment_cost",
        )
        + [_f("operative_state_code", _I8)]
    ),
    "inflow_lags": pa.schema(
        [
            _f("stage_id", _I32),
            _f("hydro_id", _I32),
            _f("lag_index", _I32),
            _f("inflow_m3s", _F64),
        ]
    ),
    "violations/generic": pa.schema(
        _KEY + [_f("constraint_id", _I32)] + _floats("slack_value", "slack_cost")
    ),
}

#: Entity directories under ``simulation/`` in Cobre's order.
ENTITY_DIRS = tuple(SIMULATION_SCHEMAS)

_U32, _U64 = pa.uint32(), pa.uint64()
SOLVER_ITERATIONS_SCHEMA = pa.schema(
    [
        _f("iteration", _U32),
        _f("phase", pa.string()),
        _f("stage", _I32),
        _f("opening", _I32, True),
        _f("rank", _I32, True),
        _f("worker_id", _I32, True),
    ]
    + [
        _f(n, _U32)
        for n in (
            "lp_solves",
            "lp_successes",
            "lp_retries",
            "lp_failures",
            "retry_attempts",
            "basis_offered",
            "basis_consistency_failures",
        )
    ]
    + [_f("simplex_iterations", _U64)]
    + _floats("solve_time_ms", "load_model_time_ms", "set_bounds_time_ms", "basis_set_time_ms")
    + [_f("basis_reconstructions", _U64)]
)

RETRY_HISTOGRAM_SCHEMA = pa.schema(
    [
        _f("iteration", _U32),
        _f("phase", pa.string()),
        _f("stage", _I32),
        _f("retry_level", _U32),
        _f("count", _U64),
    ]
)
