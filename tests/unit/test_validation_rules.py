"""Rules that need optional files (correlation, factors, AR, geometry, bounds, pumping ...),
exercised on ``rich_case``: 1dtoy plus most optional files."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pytest
from tests.cli._cases import edit_json, only, read_table, rich_case, write_table

from pycobre.io.validate import validate


@pytest.fixture()
def case(tmp_path):
    return rich_case(tmp_path)


def _where(rec):
    return rec.context.get("file"), rec.context.get("entity_id"), rec.context.get("field")


def _set(case, rel, column, row, value):
    t = read_table(case, rel)
    values = t.column(column).to_pylist()
    values[row] = value
    write_table(case, rel, t.set_column(t.column_names.index(column), column,
                                        pa.array(values, t.schema.field(column).type)))


def test_rich_case_is_clean(case):
    result = validate(case)
    assert (result.errors, result.warnings, result.layers_completed) == ([], [], 5)
    assert result.entity_counts["hydros"] == 2 and result.entity_counts["buses"] == 2


def test_correlation_not_symmetric(case):
    edit_json(case, "scenarios/correlation.json", lambda d: d["profiles"]["base"][
        "correlation_groups"][0].update(matrix=[[1.0, 0.3], [0.2, 1.0]]))
    rec = only(validate(case).errors, "PhysicalConstraint")
    assert _where(rec) == ("scenarios/correlation.json", "G",
                           "profiles.base.correlation_groups[0].matrix")
    assert rec.context["rule"] == "correlation_symmetric"


def test_correlation_shape_and_unknown_entity(case):
    def edit(d):
        group = d["profiles"]["base"]["correlation_groups"][0]
        group["matrix"] = [[1.0, 0.3]]
        group["entities"][1]["id"] = 9

    edit_json(case, "scenarios/correlation.json", edit)
    errors = validate(case).errors
    ref = only(errors, "MissingReference")
    assert _where(ref) == ("scenarios/correlation.json", "9",
                           "profiles.base.correlation_groups[0].entities[1].id")
    shape = only(errors, "CoverageMismatch")
    assert shape.context["field"] == "profiles.base.correlation_groups[0].matrix"


def test_factor_block_must_exist_in_stage(case):
    edit_json(case, "scenarios/non_controllable_factors.json",
              lambda d: d["non_controllable_factors"][0]["block_factors"][0].update(block_id=3))
    rec = only(validate(case).errors, "StageMismatch")
    assert _where(rec) == ("scenarios/non_controllable_factors.json", "3",
                           "non_controllable_factors[0].block_factors[0].block_id")
    assert rec.context["stage_id"] == 1


def test_residual_std_ratio_must_match_across_lags(case):
    _set(case, "scenarios/inflow_ar_coefficients.parquet", "residual_std_ratio", 1, 0.7)
    rec = only(validate(case).errors, "PhysicalConstraint")
    assert _where(rec) == ("scenarios/inflow_ar_coefficients.parquet", "0", "residual_std_ratio")
    assert rec.context["rule"] == "residual_std_ratio_constant"


def test_past_inflows_shorter_than_par_order(case):
    edit_json(case, "initial_conditions.json",
              lambda d: d["past_inflows"][0].update(values_m3s=[10.0]))
    rec = only(validate(case).errors, "PhysicalConstraint")
    assert _where(rec) == ("initial_conditions.json", "0", "past_inflows[0].values_m3s")


def test_geometry_must_be_monotonic_and_long_enough(case):
    _set(case, "system/hydro_geometry.parquet", "height_m", 2, 5.0)
    rec = only(validate(case).errors, "PhysicalConstraint")
    assert _where(rec) == ("system/hydro_geometry.parquet", "1", "height_m")
    t = read_table(case, "system/hydro_geometry.parquet")
    write_table(case, "system/hydro_geometry.parquet", t.slice(0, 1))
    rec = only(validate(case).errors, "CoverageMismatch")
    assert _where(rec) == ("system/hydro_geometry.parquet", "1", "hydro_id")


def test_pumping_station_unknown_hydro(case):
    edit_json(case, "system/pumping_stations.json",
              lambda d: d["pumping_stations"][0].update(destination_hydro_id=5))
    rec = only(validate(case).errors, "MissingReference")
    assert _where(rec) == ("system/pumping_stations.json", "0",
                           "pumping_stations[0].destination_hydro_id")
    assert rec.message == "Pumping station 'P0' references non-existent hydro 5 in hydros"


def test_bounds_row_unknown_thermal_and_stage(case):
    rel = "constraints/thermal_bounds.parquet"
    _set(case, rel, "thermal_id", 0, 9)
    _set(case, rel, "stage_id", 0, 11)
    errors = validate(case).errors
    assert sorted((r.context["field"], r.context["referenced_value"]) for r in errors) == [
        ("stage_id", 11), ("thermal_id", 9)]
    assert {r.context["file"] for r in errors} == {rel}


def test_filling_start_stage_must_be_a_study_stage(case):
    edit_json(case, "system/hydros.json",
              lambda d: d["hydros"][1]["filling"].update(start_stage_id=9))
    rec = only(validate(case).errors, "StageMismatch")
    assert _where(rec) == ("system/hydros.json", "1", "hydros[1].filling.start_stage_id")


def test_recent_observations_must_not_overlap(case):
    edit_json(case, "initial_conditions.json",
              lambda d: d["recent_observations"][1].update(start_date="2023-12-10"))
    rec = only(validate(case).errors, "OutOfRange")
    assert _where(rec) == ("initial_conditions.json", "0",
                           "recent_observations[1].start_date")


def test_contract_limits_and_lifecycle(case):
    def edit(d):
        d["contracts"][0]["limits"]["min_mw"] = 9.0
        d["contracts"][0]["entry_stage_id"] = 3
        d["contracts"][0]["exit_stage_id"] = 1

    edit_json(case, "system/energy_contracts.json", edit)
    errors = validate(case).errors
    assert sorted((r.kind, r.context["field"]) for r in errors) == [
        ("CapacityViolation", "contracts[0].limits.min_mw"),
        ("StageMismatch", "contracts[0].entry_stage_id"),
    ]
    assert {r.context["entity_id"] for r in errors} == {"0"}


def test_penalty_override_and_ncs_bound_ranges(case):
    _set(case, "constraints/penalty_overrides_hydro.parquet", "spillage_cost", 0, 0.0)
    _set(case, "constraints/ncs_bounds.parquet", "available_generation_mw", 0, -1.0)
    errors = validate(case).errors
    assert sorted(_where(r) for r in errors) == [
        ("constraints/ncs_bounds.parquet", "3", "available_generation_mw"),
        ("constraints/penalty_overrides_hydro.parquet", "0", "spillage_cost"),
    ]
    assert {r.kind for r in errors} == {"OutOfRange"}


def test_schedule_names_unknown_profile(case):
    edit_json(case, "scenarios/correlation.json",
              lambda d: d["schedule"][0].update(profile_name="wet"))
    rec = only(validate(case).errors, "CoverageMismatch")
    assert _where(rec) == ("scenarios/correlation.json", "wet", "schedule[0].profile_name")


def test_parquet_duplicate_key(case):
    rel = "constraints/thermal_bounds.parquet"
    t = read_table(case, rel)
    write_table(case, rel, pa.concat_tables([t, t]))
    rec = only(validate(case).errors, "DuplicateId")
    assert _where(rec) == (rel, "1", "thermal_id")
    assert rec.context["key"] == {"thermal_id": 1, "stage_id": 2}


def test_pumping_flow_min_above_max_is_reported_with_other_semantics(case):
    edit_json(case, "system/pumping_stations.json",
              lambda d: d["pumping_stations"][0]["flow"].update(min_m3s=6.0))
    edit_json(case, "system/hydros.json",
              lambda d: d["hydros"][0]["outflow"].update(min_outflow_m3s=60.0))
    fields = sorted(r.context["field"] for r in validate(case).errors)
    assert fields == ["hydros[0].outflow.min_outflow_m3s", "pumping_stations[0].flow.min_m3s"]


def test_linearized_head_without_geometry_file(case):
    (case / "system" / "hydro_geometry.parquet").unlink()
    rec = only(validate(case).errors, "PhysicalConstraint")
    assert _where(rec) == ("system/hydro_geometry.parquet", "1", "hydro_id")
    assert rec.context["rule"] == "geometry_required"


def test_precomputed_fpha_without_hyperplanes(tmp_path):
    from tests.cli._cases import case_copy

    case = case_copy(tmp_path, "d05-fpha-constant-head")
    (case / "system" / "fpha_hyperplanes.parquet").unlink()
    rec = only(validate(case).errors, "PhysicalConstraint")
    assert _where(rec) == ("system/fpha_hyperplanes.parquet", "0", "hydro_id")
    assert rec.context["cobre_kind"] == "BusinessRuleViolation"


def test_hyperplane_signs(tmp_path):
    from tests.cli._cases import case_copy

    case = case_copy(tmp_path, "d05-fpha-constant-head")
    _set(case, "system/fpha_hyperplanes.parquet", "gamma_s", 0, 0.5)
    errors = validate(case).errors
    # the declared maximum (gamma_s <= 0) catches it in L2 already
    assert [(r.kind, _where(r)) for r in errors] == [
        ("OutOfRange", ("system/fpha_hyperplanes.parquet", "0", "gamma_s"))]


# -- estimation from history (d12) ---------------------------------------------------------

HISTORY = "scenarios/inflow_history.parquet"


def test_estimation_needs_seasons_and_history_per_hydro(tmp_path):
    import pyarrow.compute as pc
    from tests.cli._cases import case_copy

    case = case_copy(tmp_path, "d12-par-annual")
    edit_json(case, "stages.json", lambda d: d.pop("season_definitions"))
    t = read_table(case, HISTORY)
    write_table(case, HISTORY, t.filter(pc.equal(t.column("hydro_id"), 0)))
    errors = validate(case).errors
    assert sorted((r.kind, _where(r)) for r in errors) == [
        ("IncompatibleSettings", ("scenarios/inflow_history.parquet", "1", "hydro_id")),
        ("IncompatibleSettings", ("stages.json", None, "season_definitions")),
    ]


def test_estimation_observation_counts_are_warnings(tmp_path):
    import datetime as dt

    import pyarrow.compute as pc
    from tests.cli._cases import case_copy

    case = case_copy(tmp_path, "d12-par-annual")
    t = read_table(case, HISTORY)
    dates = t.column("date")
    recent = pc.greater_equal(dates, pa.scalar(dt.date(2006, 1, 1), pa.date32()))
    not_january = pc.not_equal(pc.month(dates), 1)
    write_table(case, HISTORY, t.filter(pc.and_(recent, not_january)))
    result = validate(case)
    assert result.valid
    rules = Counter((w.context.get("rule"), w.context["entity_id"]) for w in result.warnings
                    if w.context.get("file") == HISTORY)
    # 2006-2008 = 3 observations per month < min_observations_per_season 4; January has none
    assert rules == {("season_without_observations", "0"): 1,
                     ("season_without_observations", "1"): 1,
                     ("min_observations_per_season", "0"): 11,
                     ("min_observations_per_season", "1"): 11}


def test_unknown_season_references(tmp_path):
    from tests.cli._cases import case_copy

    case = case_copy(tmp_path, "d12-par-annual")
    edit_json(case, "stages.json", lambda d: d["stages"][3].update(season_id=40))
    edit_json(case, "initial_conditions.json", lambda d: d.update(past_inflows=[
        {"hydro_id": 1, "values_m3s": [1.0, 2.0], "season_ids": [11, 99]}]))
    errors = validate(case).errors
    assert sorted((r.kind, _where(r), r.context["season_id"]) for r in errors) == [
        ("StageMismatch", ("initial_conditions.json", "1", "past_inflows[0].season_ids"), 99),
        ("StageMismatch", ("stages.json", "3", "stages[3].season_id"), 40),
    ]
