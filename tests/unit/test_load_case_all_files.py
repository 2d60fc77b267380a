"""A case holding all 40 recognised paths loads, and every optional file reaches the System."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from tests.unit._case_copies import DETERMINISTIC, copy_case, edit_json, write_json, write_parquet

from pycobre.io import load_case
from pycobre.io.fields import ALL_PATHS

I32 = pa.int32()


def _i(values):
    return pa.array(values, I32)


def _full_case(tmp_path):
    """d04 (2 buses, 1 line, 2 hydros, 2 one-block stages) plus every optional file."""
    case = copy_case(DETERMINISTIC / "d04-transmission", tmp_path / "full")
    w, p = write_json, write_parquet
    w(case, "system/non_controllable_sources.json", {"non_controllable_sources": [
        {"id": 5, "name": "Wind ☁", "bus_id": 1, "max_generation_mw": 40.0,
         "curtailment_cost": 0.002, "entry_stage_id": 1}]})
    w(case, "system/pumping_stations.json", {"pumping_stations": [
        {"id": 2, "name": "P", "bus_id": 0, "source_hydro_id": 1, "destination_hydro_id": 0,
         "consumption_mw_per_m3s": 0.5, "flow": {"min_m3s": 0.0, "max_m3s": 10.0}}]})
    w(case, "system/energy_contracts.json", {"contracts": [
        {"id": 3, "name": "C", "bus_id": 0, "type": "import", "price_per_mwh": -4.0,
         "limits": {"min_mw": 0.0, "max_mw": 5.0}}]})
    p(case, "system/hydro_geometry.parquet", pa.table({
        "hydro_id": _i([1, 0, 1, 0]), "volume_hm3": [200.0, 0.0, 0.0, 200.0],
        "height_m": [20.0, 10.0, 10.0, 20.0], "area_km2": [2.0, 1.0, 1.0, 2.0]}))
    w(case, "system/hydro_production_models.json", {"production_models": [
        {"hydro_id": 1, "selection_mode": "stage_ranges", "stage_ranges": [
            {"start_stage_id": 0, "end_stage_id": None, "model": "constant_productivity",
             "productivity_override": 1.0}]}]})
    p(case, "system/fpha_hyperplanes.parquet", pa.table({
        "hydro_id": _i([0]), "stage_id": pa.array([None], I32), "plane_id": _i([0]),
        "gamma_0": [0.0], "gamma_v": [0.0], "gamma_q": [1.0], "gamma_s": [0.0]}))
    days = [dt.date(2000, 1, 1) + dt.timedelta(days=31 * k) for k in range(2)]
    p(case, "scenarios/inflow_history.parquet", pa.table({
        "hydro_id": _i([0, 0, 1, 1]), "date": pa.array(days * 2, pa.date32()),
        "value_m3s": [1.0, 2.0, 3.0, 4.0]}))
    p(case, "scenarios/inflow_ar_coefficients.parquet", pa.table({
        "hydro_id": _i([0, 0, 1, 1]), "stage_id": _i([0, 1, 0, 1]), "lag": _i([1, 1, 1, 1]),
        "coefficient": [0.0] * 4, "residual_std_ratio": [1.0] * 4}))
    p(case, "scenarios/inflow_annual_component.parquet", pa.table({
        "hydro_id": _i([0, 0, 1, 1]), "stage_id": _i([0, 1, 0, 1]),
        "annual_coefficient": [0.0] * 4, "annual_mean_m3s": [10.0] * 4,
        "annual_std_m3s": [1.0] * 4}))
    edit_json(case, "initial_conditions.json", lambda d: d.update(past_inflows=[
        {"hydro_id": h, "values_m3s": [10.0] * 12} for h in (0, 1)]))
    for rel, col, ent in (("external_inflow_scenarios", "value_m3s", "hydro_id"),
                          ("external_load_scenarios", "value_mw", "bus_id"),
                          ("external_ncs_scenarios", "value", "ncs_id")):
        ids = [5, 5] if ent == "ncs_id" else [0, 1]
        p(case, f"scenarios/{rel}.parquet", pa.table({
            "stage_id": _i([1, 0]), "scenario_id": _i([0, 0]), ent: _i(ids),
            col: [0.5, 0.5]}))
    w(case, "scenarios/load_factors.json", {"load_factors": [
        {"bus_id": 1, "stage_id": 1, "block_factors": [{"block_id": 0, "factor": 1.1}]}]})
    w(case, "scenarios/non_controllable_factors.json", {"non_controllable_factors": [
        {"ncs_id": 5, "stage_id": 1, "block_factors": [{"block_id": 0, "factor": 0.9}]}]})
    w(case, "scenarios/correlation.json", {"method": "spectral", "profiles": {"default": {
        "correlation_groups": [{"name": "g", "entities": [{"type": "inflow", "id": 0},
                                                          {"type": "inflow", "id": 1}],
                                "matrix": [[1.0, 0.3], [0.3, 1.0]]}]}}})
    p(case, "scenarios/noise_openings.parquet", pa.table({
        "stage_id": _i([0, 0, 1, 1]), "opening_index": pa.array([0] * 4, pa.uint32()),
        "entity_index": pa.array([0, 1] * 2, pa.uint32()), "value": [0.0] * 4}))
    p(case, "scenarios/non_controllable_stats.parquet", pa.table({
        "ncs_id": _i([5, 5]), "stage_id": _i([0, 1]), "mean": [0.5, 0.5], "std": [0.0, 0.0]}))
    p(case, "constraints/thermal_bounds.parquet", pa.table({
        "thermal_id": _i([0]), "stage_id": _i([1]), "max_generation_mw": [7.0]}))
    p(case, "constraints/hydro_bounds.parquet", pa.table({
        "hydro_id": _i([1]), "stage_id": _i([0]), "min_outflow_m3s": [2.0]}))
    p(case, "constraints/line_bounds.parquet", pa.table({
        "line_id": _i([0]), "stage_id": _i([0]), "reverse_mw": [4.0]}))
    p(case, "constraints/pumping_bounds.parquet", pa.table({
        "station_id": _i([2]), "stage_id": _i([1]), "max_m3s": [6.0]}))
    p(case, "constraints/contract_bounds.parquet", pa.table({
        "contract_id": _i([3]), "stage_id": _i([0]), "price_per_mwh": [8.0]}))
    p(case, "constraints/ncs_bounds.parquet", pa.table({
        "ncs_id": _i([5]), "stage_id": _i([1]), "available_generation_mw": [30.0]}))
    w(case, "constraints/exchange_factors.json", {"exchange_factors": [
        {"line_id": 0, "stage_id": 0,
         "block_factors": [{"block_id": 0, "direct_factor": 0.5, "reverse_factor": 2.0}]}]})
    w(case, "constraints/generic_constraints.json", {"constraints": [
        {"id": 9, "name": "g9", "expression": "hydro_turbined(0) + 2*hydro_turbined(1)",
         "sense": ">=", "slack": {"enabled": False}}]})
    p(case, "constraints/generic_constraint_bounds.parquet", pa.table({
        "constraint_id": _i([9, 9]), "stage_id": _i([1, 0]), "block_id": pa.array([0, None], I32),
        "bound": [1.0, 2.0]}))
    p(case, "constraints/penalty_overrides_bus.parquet", pa.table({
        "bus_id": _i([1]), "stage_id": _i([1]), "excess_cost": [3.0]}))
    p(case, "constraints/penalty_overrides_line.parquet", pa.table({
        "line_id": _i([0]), "stage_id": _i([1]), "exchange_cost": [0.7]}))
    p(case, "constraints/penalty_overrides_hydro.parquet", pa.table({
        "hydro_id": _i([0]), "stage_id": _i([1]), "diversion_cost": [0.3]}))
    p(case, "constraints/penalty_overrides_ncs.parquet", pa.table({
        "source_id": _i([5]), "stage_id": _i([0]), "curtailment_cost": [0.009]}))
    return case


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    case = _full_case(tmp_path_factory.mktemp("all"))
    return case, load_case(case)


def test_case_has_every_path(full):
    case, _ = full
    assert all((case / rel).is_file() for rel in ALL_PATHS)


def test_every_parquet_and_extra_json_kept(full):
    _, s = full
    assert len(s.tables) == 23
    assert set(s.json_extras) == {
        "scenarios/load_factors.json", "scenarios/correlation.json",
        "scenarios/non_controllable_factors.json", "constraints/exchange_factors.json",
        "system/hydro_production_models.json"}
    geo = s.tables["system/hydro_geometry.parquet"]
    assert geo.column("hydro_id").to_pylist() == [0, 0, 1, 1]
    assert geo.column("volume_hm3").to_pylist() == [0.0, 200.0, 0.0, 200.0]


def test_optional_entities(full):
    _, s = full
    (ncs,) = s.non_controllable_sources
    assert (ncs.id, ncs.name, ncs.bus_id, ncs.curtailment_cost) == (5, "Wind ☁", 1, 0.002)
    (ps,) = s.pumping_stations
    assert (ps.source_hydro_id, ps.destination_hydro_id, ps.flow.max_m3s) == (1, 0, 10.0)
    (c,) = s.contracts
    assert (c.type, c.price_per_mwh, c.limits.max_mw) == ("import", -4.0, 5.0)


def test_lags_from_annual_component(full):
    _, s = full
    assert s.n_lags == 12 and s.state_dimension == 2 * 13


def test_resolved_from_every_constraints_file(full):
    _, s = full
    r = s.resolved
    np.testing.assert_array_equal(r.thermal_max_generation_mw[:, 0],
                                  [s.thermals[0].max_generation_mw, 7.0])
    np.testing.assert_array_equal(r.hydro_min_outflow_m3s[:, 1],
                                  [2.0, s.hydros[1].min_outflow_m3s])
    np.testing.assert_array_equal(r.line_reverse_mw[:, 0], [4.0, 15.0])
    np.testing.assert_array_equal(r.line_direct_factor[:, 0, 0], [0.5, 1.0])
    np.testing.assert_array_equal(r.line_reverse_factor[:, 0, 0], [2.0, 1.0])
    np.testing.assert_array_equal(r.pumping_max_m3s[:, 0], [10.0, 6.0])
    np.testing.assert_array_equal(r.contract_price_per_mwh[:, 0], [8.0, -4.0])
    np.testing.assert_array_equal(r.ncs_available_generation_mw[:, 0], [40.0, 30.0])
    np.testing.assert_array_equal(r.ncs_block_factor[:, 0, 0], [1.0, 0.9])
    np.testing.assert_array_equal(r.ncs_active[:, 0], [False, True])  # entry_stage_id 1
    np.testing.assert_array_equal(r.ncs_curtailment_cost[:, 0], [0.009, 0.002])
    np.testing.assert_array_equal(r.load_block_factor[:, :, 0], [[1.0, 1.0], [1.0, 1.1]])
    np.testing.assert_array_equal(r.bus_excess_cost[:, 1],
                                  [s.penalties.excess_cost, 3.0])
    np.testing.assert_array_equal(r.line_exchange_cost[:, 0], [0.01, 0.7])
    np.testing.assert_array_equal(r.hydro_diversion_cost[:, 0],
                                  [s.penalties.hydro.diversion_cost, 0.3])
    # generic rows sorted by (stage, constraint, block); null block -> -1
    np.testing.assert_array_equal(r.generic_row_stage, [0, 1])
    np.testing.assert_array_equal(r.generic_row_block, [-1, 0])
    np.testing.assert_array_equal(r.generic_row_bound, [2.0, 1.0])
    (gc,) = s.generic_constraints
    assert [t.as_tuple() for t in gc.terms] == [("hydro_turbined", 0, None, 1.0),
                                                ("hydro_turbined", 1, None, 2.0)]


def test_reversed_full_case_is_equal(full, tmp_path):
    from tests.unit._case_copies import reverse_case

    case, s = full
    rev = copy_case(case, tmp_path / "rev")
    reverse_case(rev)
    r = load_case(rev)
    assert r == s
    assert r.json_extras == s.json_extras
