"""The five validation layers on copies of the shipped cases, each broken in one known way.

Every test asserts the record kind, file, entity id and field (spec 02, spec 20 §12.3).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from tests.cli._cases import (
    ALL_CASES,
    case_copy,
    edit_json,
    only,
    read_table,
    write_table,
)

from pycobre.io import load_case
from pycobre.io.fields import REQUIRED_FILES
from pycobre.io.validate import validate


def _where(rec):
    return rec.context.get("file"), rec.context.get("entity_id"), rec.context.get("field")


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.name)
def test_every_shipped_case_is_valid(case):
    result = validate(case)
    assert result.errors == [], [str(r) for r in result.errors]
    assert result.valid is True and result["valid"] is True
    assert result.layers_completed == 5


def test_result_is_the_cobre_dict(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/hydros.json", lambda d: d["hydros"][0].update(bus_id=7))
    result = validate(case)
    assert dict(result).keys() == {"valid", "errors", "warnings"}
    assert result["valid"] is False
    rec = result["errors"][0]
    assert rec["kind"] == "MissingReference" and "bus 7" in rec["message"]
    assert rec.loader_kind == "CrossReferenceError" and rec.severity == "error"


# -- L1 structural ------------------------------------------------------------------------

def test_missing_required_file(tmp_path):
    case = case_copy(tmp_path)
    (case / "system" / "thermals.json").unlink()
    result = validate(case)
    rec = only(result.errors, "MissingFile")
    assert _where(rec) == ("system/thermals.json", None, None)
    assert rec.message == "required file 'system/thermals.json' not found in case directory"
    assert rec.loader_kind == "IoError"
    assert rec.context["cobre_kind"] == "FileNotFound"
    assert result.layers_completed == 2  # L3+ do not run after an L1/L2 error


def test_empty_folder_reports_every_required_file(tmp_path):
    (tmp_path / "empty").mkdir()
    result = validate(tmp_path / "empty")
    assert {r.context["file"] for r in result.errors} == {*REQUIRED_FILES, None}
    assert {r.kind for r in result.errors} == {"MissingFile"}
    assert len(REQUIRED_FILES) == 8 and len(result.errors) == 9
    empty = [r for r in result.errors if r.context["file"] is None][0]
    assert empty.message.startswith("case directory is empty: ")
    assert "pycobre init" in empty.suggestion


def test_path_is_a_file(tmp_path):
    target = tmp_path / "case.json"
    target.write_text("{}")
    result = validate(target)
    rec = only(result.errors, "MissingFile")
    assert "not a directory" in rec.message and result.layers_completed == 0


def test_missing_directory_and_bad_argument_never_raise(tmp_path):
    result = validate(tmp_path / "nope")
    assert "case directory does not exist" in only(result.errors, "MissingFile").message
    assert validate(12345)["valid"] is False  # type: ignore[arg-type]


# -- L2 schema ----------------------------------------------------------------------------

def test_truncated_json(tmp_path):
    case = case_copy(tmp_path)
    path = case / "stages.json"
    path.write_text(path.read_text()[:200])
    rec = only(validate(case).errors, "ParseError")
    assert rec.context["file"] == "stages.json"
    assert rec.context["line"] >= 1 and rec.loader_kind == "ParseError"
    assert rec.message.startswith("parse error in stages.json: invalid JSON at line ")


def test_binary_json(tmp_path):
    case = case_copy(tmp_path)
    (case / "system" / "buses.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x00binary")
    rec = only(validate(case).errors, "ParseError")
    assert rec.context["file"] == "system/buses.json"


def test_wrong_json_type(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/hydros.json", lambda d: d["hydros"][0].update(bus_id="zero"))
    rec = only(validate(case).errors, "TypeMismatch")
    assert _where(rec) == ("system/hydros.json", "0", "hydros[0].bus_id")
    assert (rec.context["expected_type"], rec.context["actual_type"]) == ("int", "string")


def test_missing_required_field(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/thermals.json", lambda d: d["thermals"][1].pop("cost_per_mwh"))
    rec = only(validate(case).errors, "SchemaViolation")
    assert _where(rec) == ("system/thermals.json", "1", "thermals[1].cost_per_mwh")


def test_unknown_enum_value(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/hydros.json",
              lambda d: d["hydros"][0]["generation"].update(model="magic"))
    rec = only(validate(case).errors, "InvalidEnum")
    assert _where(rec) == ("system/hydros.json", "0", "hydros[0].generation.model")
    assert rec.context["value"] == "magic"
    assert "constant_productivity" in rec.context["allowed_values"]


def test_duplicate_id(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/thermals.json", lambda d: d["thermals"][1].update(id=0))
    rec = only(validate(case).errors, "DuplicateId")
    assert _where(rec) == ("system/thermals.json", "0", "thermals[1].id")
    assert rec.message == "duplicate id 0 in thermals array"


def test_negative_costs_are_out_of_range(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/thermals.json", lambda d: d["thermals"][0].update(cost_per_mwh=-5.0))
    edit_json(case, "penalties.json", lambda d: d["hydro"].update(spillage_cost=-1.0))
    errors = validate(case).errors
    assert {_where(r) for r in errors} == {
        ("system/thermals.json", "0", "thermals[0].cost_per_mwh"),
        ("penalties.json", None, "hydro.spillage_cost"),
    }
    assert {r.kind for r in errors} == {"OutOfRange"}
    by_field = {r.context["field"]: r.context for r in errors}
    assert by_field["thermals[0].cost_per_mwh"]["value"] == -5.0
    assert by_field["thermals[0].cost_per_mwh"]["min"] == 0.0


def test_zero_openings_and_unordered_blocks(tmp_path):
    case = case_copy(tmp_path)

    def edit(d):
        d["stages"][0]["num_scenarios"] = 0
        d["stages"][1]["blocks"] = [{"id": 1, "name": "X", "hours": 696}]

    edit_json(case, "stages.json", edit)
    errors = validate(case).errors
    assert _where(only(errors, "OutOfRange")) == ("stages.json", "0", "stages[0].num_scenarios")
    rec = only(errors, "SchemaViolation")
    assert _where(rec) == ("stages.json", "1", "stages[1].blocks")


def test_stage_end_before_start(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "stages.json", lambda d: d["stages"][2].update(end_date="2024-02-15"))
    rec = only(validate(case).errors, "OutOfRange")
    assert _where(rec) == ("stages.json", "2", "stages[2].end_date")


def test_deficit_tiers_must_increase_and_end_unbounded(tmp_path):
    case = case_copy(tmp_path)

    def edit(d):
        d["bus"]["deficit_segments"] = [{"depth_mw": 500.0, "cost": 1000.0},
                                        {"depth_mw": 100.0, "cost": 900.0}]

    edit_json(case, "penalties.json", edit)
    errors = validate(case).errors
    assert {r.context["field"] for r in errors} == {
        "bus.deficit_segments[1].depth_mw", "bus.deficit_segments[1].cost"}


def test_config_missing_forward_passes_and_unknown_stopping_rule(tmp_path):
    case = case_copy(tmp_path)

    def edit(d):
        del d["training"]["forward_passes"]
        d["training"]["stopping_rules"][0]["type"] = "forever"

    edit_json(case, "config.json", edit)
    errors = validate(case).errors
    assert {(r.kind, r.context["file"], r.context["field"]) for r in errors} == {
        ("SchemaViolation", "config.json", "training.forward_passes"),
        ("InvalidEnum", "config.json", "training.stopping_rules[0].type"),
    }


def test_generic_constraint_expression_syntax(tmp_path):
    case = case_copy(tmp_path, "d13-generic-constraint")
    edit_json(case, "constraints/generic_constraints.json",
              lambda d: d["constraints"][0].update(expression="thermal_generation(0"))
    rec = only(validate(case).errors, "SchemaViolation")
    assert _where(rec) == ("constraints/generic_constraints.json", "1",
                           "constraints[0].expression")


def test_initial_storage_hydro_in_both_arrays(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "initial_conditions.json",
              lambda d: d.update(filling_storage=[{"hydro_id": 0, "value_hm3": 1.0}]))
    rec = only(validate(case).errors, "DuplicateId")
    assert _where(rec) == ("initial_conditions.json", "0", "filling_storage[0].hydro_id")


def test_parquet_wrong_column_type(tmp_path):
    case = case_copy(tmp_path)
    rel = "scenarios/inflow_seasonal_stats.parquet"
    t = read_table(case, rel)
    idx = t.column_names.index("mean_m3s")
    t = t.set_column(idx, "mean_m3s", pc.cast(t.column("mean_m3s"), pa.string()))
    write_table(case, rel, t)
    rec = only(validate(case).errors, "TypeMismatch")
    assert (rec.context["file"], rec.context["field"]) == (rel, "mean_m3s")
    assert rec.context["actual_type"] == "string"


def test_parquet_missing_column_and_nan(tmp_path):
    case = case_copy(tmp_path)
    rel = "scenarios/load_seasonal_stats.parquet"
    t = read_table(case, rel).drop_columns(["std_mw"])
    write_table(case, rel, t)
    rel2 = "scenarios/inflow_seasonal_stats.parquet"
    t2 = read_table(case, rel2)
    std = t2.column("std_m3s").to_pylist()
    std[2] = float("nan")
    write_table(case, rel2, t2.set_column(t2.column_names.index("std_m3s"), "std_m3s",
                                          pa.array(std, pa.float64())))
    errors = validate(case).errors
    assert (only(errors, "SchemaViolation").context["file"],
            only(errors, "SchemaViolation").context["field"]) == (rel, "std_mw")
    nan = only(errors, "OutOfRange")
    assert _where(nan) == (rel2, "0", "std_m3s") and "not finite" in nan.message


def test_schema_errors_stop_before_references(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/hydros.json", lambda d: d["hydros"][0].update(bus_id=99))
    edit_json(case, "system/thermals.json", lambda d: d["thermals"][0].update(name=5))
    result = validate(case)
    assert [r.kind for r in result.errors] == ["TypeMismatch"]
    assert result.layers_completed == 2


# -- L3 referential -----------------------------------------------------------------------

def test_dangling_hydro_bus(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/hydros.json", lambda d: d["hydros"][0].update(bus_id=7))
    result = validate(case)
    rec = only(result.errors, "MissingReference")
    assert _where(rec) == ("system/hydros.json", "0", "hydros[0].bus_id")
    assert (rec.context["referenced_value"], rec.context["referenced_registry"]) == (7, "buses")
    assert rec.context["cobre_kind"] == "InvalidReference"
    assert rec.message == "Hydro 'UHE1' references non-existent bus 7 in buses"
    assert result.layers_completed == 5


def test_all_dangling_references_are_collected(tmp_path):
    case = case_copy(tmp_path, "4ree")

    def edit(d):
        d["lines"][0]["source_bus_id"] = 90
        d["lines"][3]["target_bus_id"] = 91

    edit_json(case, "system/lines.json", edit)
    edit_json(case, "system/thermals.json", lambda d: d["thermals"][5].update(bus_id=92))
    values = sorted(r.context["referenced_value"] for r in validate(case).errors)
    assert values == [90, 91, 92]


def test_parquet_row_references_unknown_stage(tmp_path):
    case = case_copy(tmp_path)
    rel = "scenarios/load_seasonal_stats.parquet"
    t = read_table(case, rel)
    stages = t.column("stage_id").to_pylist()
    stages[-1] = 42
    write_table(case, rel, t.set_column(t.column_names.index("stage_id"), "stage_id",
                                        pa.array(stages, pa.int32())))
    errors = validate(case).errors
    rec = only(errors, "MissingReference")
    assert _where(rec) == (rel, "0", "stage_id") and rec.context["referenced_value"] == 42


def _inflow_row_for_stage(case, stage_id):
    rel = "scenarios/inflow_seasonal_stats.parquet"
    t = read_table(case, rel)
    extra = pa.table({"hydro_id": pa.array([0], pa.int32()),
                      "stage_id": pa.array([stage_id], pa.int32()),
                      "mean_m3s": [50.0], "std_m3s": [10.0]})
    write_table(case, rel, pa.concat_tables([t, extra.cast(t.schema)]))


def test_inflow_model_rows_may_describe_pre_study_stages(tmp_path):
    """Spec 11 §2.3 step 1 reads lag statistics from explicit pre-study rows (h01)."""
    case = case_copy(tmp_path)
    edit_json(case, "stages.json", lambda d: d.update(pre_study_stages=[
        {"id": -1, "start_date": "2023-12-01", "end_date": "2024-01-01"}]))
    _inflow_row_for_stage(case, -1)
    assert validate(case).errors == []
    table = load_case(case).tables["scenarios/inflow_seasonal_stats.parquet"]
    assert table.column("stage_id").to_pylist()[0] == -1  # sorted by (hydro_id, stage_id)
    _inflow_row_for_stage(case, -2)  # not a declared stage
    rec = only(validate(case).errors, "MissingReference")
    assert _where(rec) == ("scenarios/inflow_seasonal_stats.parquet", "0", "stage_id")
    assert rec.context["referenced_value"] == -2


def test_load_rows_must_be_study_stages(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "stages.json", lambda d: d.update(pre_study_stages=[
        {"id": -1, "start_date": "2023-12-01", "end_date": "2024-01-01"}]))
    rel = "scenarios/load_seasonal_stats.parquet"
    t = read_table(case, rel)
    extra = pa.table({"bus_id": pa.array([0], pa.int32()), "stage_id": pa.array([-1], pa.int32()),
                      "mean_mw": [1.0], "std_mw": [0.0]})
    write_table(case, rel, pa.concat_tables([t, extra.cast(t.schema)]))
    rec = only(validate(case).errors, "MissingReference")
    assert _where(rec) == (rel, "0", "stage_id") and rec.context["referenced_value"] == -1


def test_expression_references_unknown_thermal(tmp_path):
    case = case_copy(tmp_path, "d13-generic-constraint")
    edit_json(case, "constraints/generic_constraints.json",
              lambda d: d["constraints"][0].update(expression="2 * thermal_generation(9)"))
    rec = only(validate(case).errors, "MissingReference")
    assert _where(rec) == ("constraints/generic_constraints.json", "1",
                           "constraints[0].expression")
    assert rec.context["referenced_value"] == 9


# -- L4 dimensional -----------------------------------------------------------------------

def test_missing_inflow_coverage_row(tmp_path):
    case = case_copy(tmp_path)
    rel = "scenarios/inflow_seasonal_stats.parquet"
    t = read_table(case, rel)
    write_table(case, rel, t.filter(pc.not_equal(t.column("stage_id"), 3)))
    rec = only(validate(case).errors, "CoverageMismatch")
    assert _where(rec) == (rel, "0", "stage_id")
    assert rec.context["missing_stages"] == [3]
    assert rec.context["cobre_kind"] == "DimensionMismatch"


def test_missing_load_coverage_rows_4ree(tmp_path):
    case = case_copy(tmp_path, "4ree")
    rel = "scenarios/load_seasonal_stats.parquet"
    t = read_table(case, rel)
    keep = pc.invert(pc.and_(pc.equal(t.column("bus_id"), 2), pc.less(t.column("stage_id"), 2)))
    write_table(case, rel, t.filter(keep))
    rec = only(validate(case).errors, "CoverageMismatch")
    assert _where(rec) == (rel, "2", "stage_id") and rec.context["missing_stages"] == [0, 1]


# -- L5 semantic --------------------------------------------------------------------------

def test_min_storage_above_max(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/hydros.json",
              lambda d: d["hydros"][0]["reservoir"].update(min_storage_hm3=2000.0))
    rec = only(validate(case).errors, "CapacityViolation")
    assert _where(rec) == ("system/hydros.json", "0", "hydros[0].reservoir.min_storage_hm3")
    assert (rec.context["value_min"], rec.context["value_max"]) == (2000.0, 1000.0)
    assert rec.context["cobre_kind"] == "InvalidValue"


def test_thermal_min_above_max(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/thermals.json",
              lambda d: d["thermals"][1]["generation"].update(min_mw=20.0))
    rec = only(validate(case).errors, "CapacityViolation")
    assert _where(rec) == ("system/thermals.json", "1", "thermals[1].generation.min_mw")


def test_stage_dates_out_of_order(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "stages.json",
              lambda d: d["stages"][2].update(start_date="2024-01-15", end_date="2024-02-10"))
    rec = only(validate(case).errors, "StageMismatch")
    assert _where(rec) == ("stages.json", "2", "stages.start_date")
    assert rec.context["stage_id"] == 2


def test_cascade_cycle(tmp_path):
    case = case_copy(tmp_path, "d03-two-hydro-cascade")
    edit_json(case, "system/hydros.json", lambda d: d["hydros"][1].update(downstream_id=0))
    rec = only(validate(case).errors, "PhysicalConstraint")
    assert rec.context["cobre_kind"] == "CycleDetected"
    assert _where(rec) == ("system/hydros.json", "0", "hydros[0].downstream_id")
    assert rec.context["cycle"] == [0, 1]


def test_transition_probabilities_and_cyclic_discount(tmp_path):
    case = case_copy(tmp_path)

    def edit(d):
        d["policy_graph"] = {"type": "cyclic", "annual_discount_rate": 0.0, "transitions": [
            {"source_id": 0, "target_id": 1, "probability": 0.5},
            {"source_id": 1, "target_id": 7, "probability": 1.0}]}

    edit_json(case, "stages.json", edit)
    errors = validate(case).errors
    assert sorted((r.kind, r.context["field"]) for r in errors) == [
        ("IncompatibleSettings", "policy_graph.annual_discount_rate"),
        ("StageMismatch", "policy_graph.transitions"),
        ("StageMismatch", "policy_graph.transitions[1].target_id"),
    ]


def test_penalty_ordering_is_a_warning_only(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "penalties.json",
              lambda d: d["hydro"].update(filling_target_violation_cost=5.0))
    result = validate(case)
    assert result.valid
    rec = only(result.warnings, "PhysicalConstraint")
    assert rec.severity == "warning" and rec.context["cobre_kind"] == "ModelQuality"
    assert _where(rec) == ("penalties.json", None, "hydro.filling_target_violation_cost")


def test_errors_from_different_files_are_all_reported(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "system/hydros.json",
              lambda d: d["hydros"][0]["reservoir"].update(min_storage_hm3=2000.0))
    edit_json(case, "system/thermals.json",
              lambda d: d["thermals"][0]["generation"].update(min_mw=99.0))
    edit_json(case, "stages.json",
              lambda d: d["stages"][3].update(start_date="2024-03-20"))
    kinds = sorted(r.kind for r in validate(case).errors)
    assert kinds == ["CapacityViolation", "CapacityViolation", "StageMismatch"]


def test_a_crashing_rule_becomes_an_internal_error_record(monkeypatch):
    import pycobre.io.validation.pipeline as pipeline

    def broken(view, sink):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline, "check_dimensions", broken)
    result = validate(ALL_CASES[0])
    rec = only(result.errors, "InternalError")
    assert "ZeroDivisionError: boom" in rec.message and "bug" in rec.message
    assert rec.context["exception_type"] == "ZeroDivisionError"
    assert result.layers_completed == 5  # the other layers still ran


def test_bytes_and_pathlike_paths(tmp_path):
    import os

    assert validate(os.fsencode(str(ALL_CASES[0]))).valid
    assert validate(ALL_CASES[0]).valid and validate(str(ALL_CASES[0])).valid


# -- scenario sources (spec 03 §4) and stage blocks ---------------------------------------

def _scheme(case, section, cls, scheme):
    def edit(d):
        src = d.setdefault(section, {}).setdefault("scenario_source", {"seed": 7})
        src[cls] = {"scheme": scheme}
    edit_json(case, "config.json", edit)


@pytest.mark.parametrize(("section", "cls", "scheme", "needed"), [
    ("training", "inflow", "historical", "scenarios/inflow_history.parquet"),
    ("training", "inflow", "external", "scenarios/external_inflow_scenarios.parquet"),
    ("simulation", "inflow", "external", "scenarios/external_inflow_scenarios.parquet"),
])
def test_file_based_scheme_needs_its_file(tmp_path, section, cls, scheme, needed):
    case = case_copy(tmp_path)
    _scheme(case, section, cls, scheme)
    rec = only(validate(case).errors, "IncompatibleSettings")
    field = f"{section}.scenario_source.{cls}.scheme"
    assert _where(rec) == ("config.json", None, field)
    assert rec.context["cobre_kind"] == "BusinessRuleViolation"
    assert rec.message == f"{field} is '{scheme}' but {needed} is missing"


def test_external_load_without_stochastic_buses_needs_no_file(tmp_path):
    case = case_copy(tmp_path)  # 1dtoy: every std_mw is 0, so load has no noise slot
    _scheme(case, "training", "load", "external")
    assert validate(case).errors == []


def test_stage_without_blocks(tmp_path):
    case = case_copy(tmp_path)
    edit_json(case, "stages.json", lambda d: d["stages"][2].update(blocks=[]))
    rec = only(validate(case).errors, "SchemaViolation")
    assert _where(rec) == ("stages.json", "2", "stages[2].blocks")
    assert rec.message.endswith("a stage needs at least one block")
