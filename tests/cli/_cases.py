"""Helpers for the validation and CLI tests: copy a shipped case into tmp_path and break it."""

from __future__ import annotations

import json
import pathlib
import shutil
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DETERMINISTIC = ROOT / "tests" / "data" / "deterministic"
ALL_CASES = [EXAMPLES / "1dtoy", EXAMPLES / "4ree"] + sorted(
    p for p in DETERMINISTIC.iterdir() if p.is_dir() and p.name.startswith("d")
)


def case_copy(tmp_path: pathlib.Path, name: str = "1dtoy") -> pathlib.Path:
    """Copy ``examples/<name>`` (or ``tests/data/deterministic/<name>``) into ``tmp_path``."""
    src = EXAMPLES / name if (EXAMPLES / name).is_dir() else DETERMINISTIC / name
    return pathlib.Path(shutil.copytree(src, tmp_path / name))


def edit_json(case: pathlib.Path, rel: str, fn: Callable[[Any], Any]) -> None:
    """Apply the in-place edit ``fn`` to the parsed document and write it back."""
    path = case / rel
    doc = json.loads(path.read_text(encoding="utf-8"))
    fn(doc)
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")


def read_table(case: pathlib.Path, rel: str) -> pa.Table:
    return pq.read_table(case / rel)


def write_table(case: pathlib.Path, rel: str, table: pa.Table) -> None:
    (case / rel).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, case / rel)


def only(records: list[Any], kind: str) -> Any:
    """The single record of ``kind`` (fails listing all records otherwise)."""
    hits = [r for r in records if r.kind == kind]
    assert len(hits) == 1, [str(r) for r in records]
    return hits[0]


def rich_case(tmp_path: pathlib.Path) -> pathlib.Path:
    """1dtoy plus most optional files (valid), to exercise the rules that need them."""
    case = case_copy(tmp_path, "1dtoy")
    write = lambda rel, doc: (case / rel).parent.mkdir(parents=True, exist_ok=True) or (  # noqa: E731
        case / rel).write_text(json.dumps(doc, indent=1))
    edit_json(case, "system/hydros.json", lambda d: d["hydros"].append({
        "id": 1, "name": "UHE2", "bus_id": 0, "downstream_id": None,
        "reservoir": {"min_storage_hm3": 0.0, "max_storage_hm3": 500.0},
        "outflow": {"min_outflow_m3s": 0.0, "max_outflow_m3s": None},
        "generation": {"model": "linearized_head", "productivity_mw_per_m3s": 0.9,
                       "min_turbined_m3s": 0.0, "max_turbined_m3s": 40.0,
                       "min_generation_mw": 0.0, "max_generation_mw": 36.0},
        "diversion": {"downstream_id": 0, "max_flow_m3s": 5.0},
        "filling": {"start_stage_id": 1, "filling_inflow_m3s": 2.0},
    }))
    edit_json(case, "system/buses.json", lambda d: d["buses"].append({"id": 1, "name": "B2"}))

    def monthly_seasons(doc: dict) -> None:
        # AR coefficients below need a season per stage (spec 11 §2.3).
        doc["season_definitions"] = {"cycle_type": "monthly", "seasons": [
            {"id": m, "month_start": m + 1, "label": f"M{m + 1}"} for m in range(4)]}
        for stage in doc["stages"]:
            stage["season_id"] = int(stage["start_date"][5:7]) - 1

    edit_json(case, "stages.json", monthly_seasons)
    write("system/lines.json", {"lines": [{
        "id": 0, "name": "L0", "source_bus_id": 0, "target_bus_id": 1,
        "capacity": {"direct_mw": 10.0, "reverse_mw": 10.0}}]})
    write("system/non_controllable_sources.json", {"non_controllable_sources": [
        {"id": 3, "name": "WIND", "bus_id": 1, "max_generation_mw": 20.0}]})
    write("system/pumping_stations.json", {"pumping_stations": [{
        "id": 0, "name": "P0", "bus_id": 0, "source_hydro_id": 0, "destination_hydro_id": 1,
        "consumption_mw_per_m3s": 0.2, "flow": {"min_m3s": 0.0, "max_m3s": 5.0}}]})
    write("system/energy_contracts.json", {"contracts": [{
        "id": 0, "name": "C0", "bus_id": 1, "type": "import", "price_per_mwh": -3.0,
        "limits": {"min_mw": 0.0, "max_mw": 4.0}}]})
    write("scenarios/correlation.json", {"method": "spectral", "profiles": {"base": {
        "correlation_groups": [{"name": "G", "entities": [{"type": "inflow", "id": 0},
                                                          {"type": "inflow", "id": 1}],
                                "matrix": [[1.0, 0.3], [0.3, 1.0]]}]}},
        "schedule": [{"stage_id": 0, "profile_name": "base"}]})
    write("scenarios/non_controllable_factors.json", {"non_controllable_factors": [
        {"ncs_id": 3, "stage_id": 1, "block_factors": [{"block_id": 0, "factor": 0.5}]}]})
    write("constraints/exchange_factors.json", {"exchange_factors": [
        {"line_id": 0, "stage_id": 2, "block_factors": [
            {"block_id": 0, "direct_factor": 0.9, "reverse_factor": 1.1}]}]})
    write("initial_conditions.json", {
        "storage": [{"hydro_id": 0, "value_hm3": 83.2}],
        "filling_storage": [{"hydro_id": 1, "value_hm3": 10.0}],
        "past_inflows": [{"hydro_id": 0, "values_m3s": [10.0, 12.0]},
                         {"hydro_id": 1, "values_m3s": [3.0]}],
        "recent_observations": [
            {"hydro_id": 0, "start_date": "2023-12-01", "end_date": "2023-12-15",
             "value_m3s": 9.0},
            {"hydro_id": 0, "start_date": "2023-12-15", "end_date": "2024-01-01",
             "value_m3s": 8.0}]})
    i32 = pa.int32()
    stages = [0, 1, 2, 3]
    write_table(case, "scenarios/inflow_seasonal_stats.parquet", pa.table({
        "hydro_id": pa.array([0] * 4 + [1] * 4, i32), "stage_id": pa.array(stages * 2, i32),
        "mean_m3s": [20.0] * 8, "std_m3s": [4.0] * 8}))
    write_table(case, "scenarios/load_seasonal_stats.parquet", pa.table({
        "bus_id": pa.array([0] * 4 + [1] * 4, i32), "stage_id": pa.array(stages * 2, i32),
        "mean_mw": [30.0] * 8, "std_mw": [1.0] * 8}))
    write_table(case, "scenarios/inflow_ar_coefficients.parquet", pa.table({
        "hydro_id": pa.array([0, 0, 1], i32), "stage_id": pa.array([0, 0, 0], i32),
        "lag": pa.array([1, 2, 1], i32), "coefficient": [0.5, 0.1, 0.3],
        "residual_std_ratio": [0.8, 0.8, 0.9]}))
    write_table(case, "system/hydro_geometry.parquet", pa.table({
        "hydro_id": pa.array([1, 1, 1], i32), "volume_hm3": [0.0, 250.0, 500.0],
        "height_m": [10.0, 20.0, 25.0], "area_km2": [1.0, 3.0, 4.0]}))
    write_table(case, "constraints/thermal_bounds.parquet", pa.table({
        "thermal_id": pa.array([1], i32), "stage_id": pa.array([2], i32),
        "max_generation_mw": pa.array([10.0])}))
    write_table(case, "constraints/penalty_overrides_hydro.parquet", pa.table({
        "hydro_id": pa.array([0], i32), "stage_id": pa.array([1], i32),
        "spillage_cost": pa.array([0.5])}))
    write_table(case, "constraints/ncs_bounds.parquet", pa.table({
        "ncs_id": pa.array([3], i32), "stage_id": pa.array([0], i32),
        "available_generation_mw": pa.array([15.0])}))
    return case
