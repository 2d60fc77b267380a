"""JSON registries -> frozen entities (tiers 1+2 of the penalty cascade resolved here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pycobre.io.fields.root_files import HYDRO_GLOBAL_COSTS, HYDRO_OPTIONAL_COSTS
from pycobre.io.fields.system_files import HYDRO_PENALTY_KEYS
from pycobre.io.read.access import Access, Skip
from pycobre.io.records import ValidationRecord
from pycobre.model import (
    Bus,
    ContractLimits,
    DeficitSegment,
    Diversion,
    Efficiency,
    EnergyContract,
    Evaporation,
    Filling,
    GlobalPenalties,
    GnlConfig,
    HydraulicLosses,
    Hydro,
    HydroGeneration,
    HydroGlobalPenalties,
    HydroPenalties,
    Line,
    LineCapacity,
    NonControllableSource,
    Outflow,
    PumpingFlow,
    PumpingStation,
    Reservoir,
    Tailrace,
    TailracePoint,
    Thermal,
    ThermalGeneration,
)


def _segments(a: Access, items: Any, prefix: str) -> tuple[DeficitSegment, ...]:
    if not isinstance(items, list):
        raise a.fail("TypeMismatch", prefix.rstrip("."), "expected an array of tiers")
    out = []
    for i, seg in enumerate(items):
        p = f"{prefix}[{i}]."
        depth = a.get(seg, "depth_mw", "number", required=True, prefix=p)
        cost = a.get(seg, "cost", "number", required=True, nullable=False, prefix=p)
        out.append(DeficitSegment(depth, cost))
    return tuple(out)


def build_penalties(doc: Any, records: list[ValidationRecord]) -> GlobalPenalties | None:
    a = Access("penalties.json", records)
    try:
        g = a.get
        sym = {k: g(doc, f"hydro.{k}", "number", required=True, nullable=False)
               for k in HYDRO_GLOBAL_COSTS}
        opt = {}
        for key, dflt in HYDRO_OPTIONAL_COSTS.items():
            value = g(doc, f"hydro.{key}", "number")
            opt[key] = value if value is not None else (
                dflt if isinstance(dflt, float) else sym[dflt]
            )
        return GlobalPenalties(
            deficit_segments=_segments(
                a, g(doc, "bus.deficit_segments", "array", required=True), "bus.deficit_segments"
            ),
            excess_cost=g(doc, "bus.excess_cost", "number", required=True, nullable=False),
            exchange_cost=g(doc, "line.exchange_cost", "number", required=True, nullable=False),
            hydro=HydroGlobalPenalties(**sym, **opt),
            curtailment_cost=g(doc, "non_controllable_source.curtailment_cost", "number",
                               required=True, nullable=False),
            version=g(doc, "version", "string"),
        )
    except Skip:
        return None


def _collect(file: str, doc: Any, key: str, records: list[ValidationRecord],
             one: Callable[[Access, dict[str, Any]], Any]) -> tuple[Any, ...]:
    """Build every entity of a registry, skip broken ones (recorded), sort by id."""
    a = Access(file, records)
    try:
        items = a.items(doc, key)
    except Skip:
        return ()
    out = []
    for i, item in enumerate(items):
        a.entity_id = item.get("id", f"#{i}") if isinstance(item, dict) else f"#{i}"
        try:
            if not isinstance(item, dict):
                raise a.fail("TypeMismatch", f"{key}[{i}]", "expected an object")
            a.get(item, "id", "int", required=True, nullable=False)
            out.append(one(a, item))
        except Skip:
            continue
    return tuple(sorted(out, key=lambda e: e.id))


def _common(a: Access, e: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": e["id"],
        "name": a.get(e, "name", "string", required=True, nullable=False),
        "entry_stage_id": a.get(e, "entry_stage_id", "int"),
        "exit_stage_id": a.get(e, "exit_stage_id", "int"),
    }


def build_buses(doc: Any, pen: GlobalPenalties, records: list) -> tuple[Bus, ...]:
    def one(a: Access, e: dict[str, Any]) -> Bus:
        raw = e.get("deficit_segments")
        own = _segments(a, raw, "deficit_segments") if raw is not None else None
        return Bus(
            id=e["id"],
            name=a.get(e, "name", "string", required=True, nullable=False),
            deficit_segments=own if own else pen.deficit_segments,
            excess_cost=pen.excess_cost,
            entity_deficit_segments=own,
        )

    return _collect("system/buses.json", doc, "buses", records, one)


def build_lines(doc: Any, pen: GlobalPenalties, records: list) -> tuple[Line, ...]:
    def one(a: Access, e: dict[str, Any]) -> Line:
        c = _common(a, e)
        del c["entry_stage_id"], c["exit_stage_id"]
        own = a.get(e, "exchange_cost", "number")
        return Line(
            **c,
            source_bus_id=a.get(e, "source_bus_id", "int", required=True, nullable=False),
            target_bus_id=a.get(e, "target_bus_id", "int", required=True, nullable=False),
            capacity=LineCapacity(
                a.get(e, "capacity.direct_mw", "number", required=True, nullable=False),
                a.get(e, "capacity.reverse_mw", "number", required=True, nullable=False),
            ),
            exchange_cost=pen.exchange_cost if own is None else own,
            losses_percent=a.get(e, "losses_percent", "number", default=0.0),
            entry_stage_id=a.get(e, "entry_stage_id", "int"),
            exit_stage_id=a.get(e, "exit_stage_id", "int"),
            entity_exchange_cost=own,
        )

    return _collect("system/lines.json", doc, "lines", records, one)


def build_thermals(doc: Any, records: list) -> tuple[Thermal, ...]:
    def one(a: Access, e: dict[str, Any]) -> Thermal:
        gnl = a.get(e, "gnl_config", "object")
        return Thermal(
            **_common(a, e),
            bus_id=a.get(e, "bus_id", "int", required=True, nullable=False),
            cost_per_mwh=a.get(e, "cost_per_mwh", "number", required=True, nullable=False),
            generation=ThermalGeneration(
                a.get(e, "generation.min_mw", "number", required=True, nullable=False),
                a.get(e, "generation.max_mw", "number", required=True, nullable=False),
            ),
            gnl_config=None if gnl is None else GnlConfig(
                a.get(gnl, "lag_stages", "int", required=True, nullable=False,
                      prefix="gnl_config.")
            ),
        )

    return _collect("system/thermals.json", doc, "thermals", records, one)


def _hydro_parts(a: Access, e: dict[str, Any]) -> dict[str, Any]:
    g = a.get
    out: dict[str, Any] = {}
    tr = g(e, "tailrace", "object")
    if tr is not None:
        ttype = g(tr, "type", "string", required=True, nullable=False, prefix="tailrace.")
        points = ()
        if ttype == "piecewise":
            pts = g(tr, "points", "array", required=True, prefix="tailrace.") or []
            points = tuple(
                TailracePoint(
                    g(p, "outflow_m3s", "number", required=True, prefix=f"tailrace.points[{i}]."),
                    g(p, "height_m", "number", required=True, prefix=f"tailrace.points[{i}]."),
                )
                for i, p in enumerate(pts)
            )
        coefs = a.numbers(tr, "coefficients", required=ttype == "polynomial",
                          prefix="tailrace.") or ()
        out["tailrace"] = Tailrace(ttype, coefs, points)
    hl = g(e, "hydraulic_losses", "object")
    if hl is not None:
        p = "hydraulic_losses."
        out["hydraulic_losses"] = HydraulicLosses(
            g(hl, "type", "string", required=True, nullable=False, prefix=p),
            g(hl, "value", "number", prefix=p),
            g(hl, "value_m", "number", prefix=p),
        )
    ef = g(e, "efficiency", "object")
    if ef is not None:
        out["efficiency"] = Efficiency(
            g(ef, "type", "string", required=True, nullable=False, prefix="efficiency."),
            g(ef, "value", "number", required=True, nullable=False, prefix="efficiency."),
        )
    ev = g(e, "evaporation", "object")
    if ev is not None:
        out["evaporation"] = Evaporation(
            a.numbers(ev, "coefficients_mm", required=True, prefix="evaporation.") or (),
            a.numbers(ev, "reference_volumes_hm3", prefix="evaporation."),
        )
    dv = g(e, "diversion", "object")
    if dv is not None:
        out["diversion"] = Diversion(
            g(dv, "downstream_id", "int", required=True, nullable=False, prefix="diversion."),
            g(dv, "max_flow_m3s", "number", required=True, nullable=False, prefix="diversion."),
        )
    fl = g(e, "filling", "object")
    if fl is not None:
        out["filling"] = Filling(
            g(fl, "start_stage_id", "int", required=True, nullable=False, prefix="filling."),
            g(fl, "filling_inflow_m3s", "number", default=0.0, prefix="filling."),
        )
    pe = g(e, "penalties", "object")
    if pe is not None:
        out["penalties"] = HydroPenalties(
            **{k: g(pe, k, "number", prefix="penalties.") for k in HYDRO_PENALTY_KEYS}
        )
    return out


def build_hydros(doc: Any, records: list) -> tuple[Hydro, ...]:
    def one(a: Access, e: dict[str, Any]) -> Hydro:
        g = a.get
        model = g(e, "generation.model", "string", required=True, nullable=False)
        prod = g(e, "generation.productivity_mw_per_m3s", "number",
                 required=model in ("constant_productivity", "linearized_head"))
        return Hydro(
            **_common(a, e),
            bus_id=g(e, "bus_id", "int", required=True, nullable=False),
            downstream_id=g(e, "downstream_id", "int"),
            reservoir=Reservoir(
                g(e, "reservoir.min_storage_hm3", "number", required=True, nullable=False),
                g(e, "reservoir.max_storage_hm3", "number", required=True, nullable=False),
            ),
            outflow=Outflow(
                g(e, "outflow.min_outflow_m3s", "number", required=True, nullable=False),
                g(e, "outflow.max_outflow_m3s", "number"),
            ),
            generation=HydroGeneration(
                model=model,
                min_turbined_m3s=g(e, "generation.min_turbined_m3s", "number", required=True,
                                   nullable=False),
                max_turbined_m3s=g(e, "generation.max_turbined_m3s", "number", required=True,
                                   nullable=False),
                min_generation_mw=g(e, "generation.min_generation_mw", "number", required=True,
                                    nullable=False),
                max_generation_mw=g(e, "generation.max_generation_mw", "number", required=True,
                                    nullable=False),
                productivity_mw_per_m3s=None if model == "fpha" else prod,
            ),
            **_hydro_parts(a, e),
        )

    return _collect("system/hydros.json", doc, "hydros", records, one)


def build_ncs(doc: Any, pen: GlobalPenalties, records: list) -> tuple[NonControllableSource, ...]:
    def one(a: Access, e: dict[str, Any]) -> NonControllableSource:
        own = a.get(e, "curtailment_cost", "number")
        return NonControllableSource(
            **_common(a, e),
            bus_id=a.get(e, "bus_id", "int", required=True, nullable=False),
            max_generation_mw=a.get(e, "max_generation_mw", "number", required=True,
                                    nullable=False),
            curtailment_cost=pen.curtailment_cost if own is None else own,
            entity_curtailment_cost=own,
        )

    return _collect("system/non_controllable_sources.json", doc, "non_controllable_sources",
                    records, one)


def build_pumping(doc: Any, records: list) -> tuple[PumpingStation, ...]:
    def one(a: Access, e: dict[str, Any]) -> PumpingStation:
        g = a.get
        return PumpingStation(
            **_common(a, e),
            bus_id=g(e, "bus_id", "int", required=True, nullable=False),
            source_hydro_id=g(e, "source_hydro_id", "int", required=True, nullable=False),
            destination_hydro_id=g(e, "destination_hydro_id", "int", required=True,
                                   nullable=False),
            consumption_mw_per_m3s=g(e, "consumption_mw_per_m3s", "number", required=True,
                                     nullable=False),
            flow=PumpingFlow(
                g(e, "flow.min_m3s", "number", required=True, nullable=False),
                g(e, "flow.max_m3s", "number", required=True, nullable=False),
            ),
        )

    return _collect("system/pumping_stations.json", doc, "pumping_stations", records, one)


def build_contracts(doc: Any, records: list) -> tuple[EnergyContract, ...]:
    def one(a: Access, e: dict[str, Any]) -> EnergyContract:
        g = a.get
        return EnergyContract(
            **_common(a, e),
            bus_id=g(e, "bus_id", "int", required=True, nullable=False),
            type=g(e, "type", "string", required=True, nullable=False),
            price_per_mwh=g(e, "price_per_mwh", "number", required=True, nullable=False),
            limits=ContractLimits(
                g(e, "limits.min_mw", "number", required=True, nullable=False),
                g(e, "limits.max_mw", "number", required=True, nullable=False),
            ),
        )

    return _collect("system/energy_contracts.json", doc, "contracts", records, one)
