"""``load_case``: every shipped case loads, real values, order invariance, errors at the edge."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest
from tests.unit._case_copies import (
    ALL_CASES,
    DETERMINISTIC,
    EXAMPLES,
    copy_case,
    edit_json,
    reverse_case,
    write_json,
    write_parquet,
)

from pycobre.errors import CaseNotFoundError, CobreIOError, ValidationError
from pycobre.io import load_case


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.name)
def test_every_shipped_case_loads(case):
    s = load_case(case)
    assert s.n_buses >= 1
    assert s.n_study_stages >= 2
    assert s.case_dir == case.resolve()
    assert s.resolved.block_hours.shape[0] == s.n_study_stages
    assert s.config["training"]["forward_passes"] >= 1


def test_4ree_counts_and_values():
    s = load_case(EXAMPLES / "4ree")
    assert (s.n_buses, s.n_hydros, s.n_thermals, s.n_lines, s.n_study_stages) == (5, 4, 126, 5, 12)
    assert s.buses[0].name == "SUDESTE"
    assert s.buses[0].deficit_segments[0]["cost_per_mwh"] == 1420.34
    assert s.buses[0].deficit_segments[0]["depth_mw"] is None
    load = s.tables["scenarios/load_seasonal_stats.parquet"]
    assert load.column("mean_mw")[0].as_py() == 50650.8
    assert s.resolved.thermal_cost_per_mwh.shape == (12, 126)
    np.testing.assert_array_equal(
        s.resolved.thermal_cost_per_mwh[5], [t.cost_per_mwh for t in s.thermals]
    )


def test_d14_block_hours_and_load_factors():
    s = load_case(DETERMINISTIC / "d14-block-factors")
    np.testing.assert_array_equal(s.resolved.block_hours, [[400.0, 330.0], [400.0, 330.0]])
    np.testing.assert_array_equal(s.resolved.load_block_factor[:, 0, :], [[0.8, 1.2], [0.8, 1.2]])
    np.testing.assert_array_equal(s.resolved.stage_hours, [730.0, 730.0])


def test_d11_withdrawal_from_hydro_bounds():
    s = load_case(DETERMINISTIC / "d11-water-withdrawal")
    np.testing.assert_array_equal(s.resolved.hydro_water_withdrawal_m3s, [[10.0], [10.0]])
    # columns absent from the bounds file keep the entity values
    h = s.hydros[0]
    np.testing.assert_array_equal(s.resolved.hydro_max_storage_hm3[:, 0], h.max_storage_hm3)


def test_d13_generic_constraint_parsed_with_bounds():
    s = load_case(DETERMINISTIC / "d13-generic-constraint")
    (gc,) = s.generic_constraints
    assert (gc.id, gc.name, gc.sense, gc.slack_enabled, gc.slack_penalty) == (
        1, "cap_T0", "<=", True, 5000.0)
    assert [t.as_tuple() for t in gc.terms] == [("thermal_generation", 0, None, 1.0)]
    r = s.resolved
    np.testing.assert_array_equal(r.generic_row_stage, [0, 1])
    np.testing.assert_array_equal(r.generic_row_constraint, [0, 0])
    np.testing.assert_array_equal(r.generic_row_block, [-1, -1])
    np.testing.assert_array_equal(r.generic_row_bound, [10.0, 10.0])


def test_d15_ncs_values():
    s = load_case(DETERMINISTIC / "d15-non-controllable-source")
    (ncs,) = s.non_controllable_sources
    assert ncs.max_generation_mw == 100.0
    np.testing.assert_array_equal(s.resolved.ncs_available_generation_mw, [[100.0], [100.0]])
    np.testing.assert_array_equal(s.resolved.ncs_block_factor, np.ones((2, 1, 1)))
    assert s.resolved.ncs_active.all()


def test_resolved_penalties_match_penalties_file():
    case = DETERMINISTIC / "d02-single-hydro"
    doc = json.loads((case / "penalties.json").read_text())
    s = load_case(case)
    r = s.resolved
    for key, value in doc["hydro"].items():
        np.testing.assert_array_equal(getattr(r, f"hydro_{key}"), np.full((2, 1), value))
    np.testing.assert_array_equal(r.hydro_evaporation_violation_pos_cost,
                                  doc["hydro"]["evaporation_violation_cost"])
    np.testing.assert_array_equal(r.hydro_inflow_nonnegativity_cost, 1000.0)
    np.testing.assert_array_equal(r.bus_excess_cost, doc["bus"]["excess_cost"])


def test_discount_factor_1dtoy():
    s = load_case(EXAMPLES / "1dtoy")
    days = np.array([31, 29, 31, 30])
    np.testing.assert_allclose(s.resolved.discount_factor, 1.12 ** (-days / 365.25), rtol=1e-15)


def test_penalty_cascade_three_tiers(tmp_path):
    """Spec 10 §13 example: global 0.01, entity 0.05, stage-1 override 0.2."""
    case = copy_case(DETERMINISTIC / "d03-two-hydro-cascade", tmp_path / "c")
    edit_json(case, "penalties.json", lambda d: d["hydro"].update(spillage_cost=0.01))

    def entity(d):
        d["hydros"][1]["penalties"] = {"spillage_cost": 0.05, "evaporation_violation_cost": 7.0}

    edit_json(case, "system/hydros.json", entity)
    hid = json.loads((case / "system/hydros.json").read_text())["hydros"][1]["id"]
    write_parquet(case, "constraints/penalty_overrides_hydro.parquet", pa.table({
        "hydro_id": pa.array([hid, hid], pa.int32()),
        "stage_id": pa.array([1, 2], pa.int32()),
        "spillage_cost": pa.array([0.2, None], pa.float64()),
        "evaporation_violation_cost": pa.array([None, 9.0], pa.float64()),
    }))
    s = load_case(case)
    h = s.position("hydros", hid)
    other = 1 - h
    r = s.resolved
    np.testing.assert_array_equal(r.hydro_spillage_cost[:, h], [0.05, 0.2, 0.05])
    np.testing.assert_array_equal(r.hydro_spillage_cost[:, other], [0.01, 0.01, 0.01])
    # entity symmetric cost sets both directions; stage override of symmetric does not
    np.testing.assert_array_equal(r.hydro_evaporation_violation_cost[:, h], [7.0, 7.0, 9.0])
    np.testing.assert_array_equal(r.hydro_evaporation_violation_pos_cost[:, h], 7.0)
    np.testing.assert_array_equal(r.hydro_evaporation_violation_neg_cost[:, h], 7.0)


def test_bounds_files_override_entity_values(tmp_path):
    case = copy_case(DETERMINISTIC / "d04-transmission", tmp_path / "c")
    s0 = load_case(case)
    line, thermal = s0.lines[0], s0.thermals[0]
    write_parquet(case, "constraints/line_bounds.parquet", pa.table({
        "line_id": pa.array([line.id], pa.int32()), "stage_id": pa.array([1], pa.int32()),
        "direct_mw": pa.array([3.5]), "reverse_mw": pa.array([None], pa.float64())}))
    write_parquet(case, "constraints/thermal_bounds.parquet", pa.table({
        "thermal_id": pa.array([thermal.id, thermal.id], pa.int32()),
        "stage_id": pa.array([0, 0], pa.int32()),
        "block_id": pa.array([None, 0], pa.int32()),
        "max_generation_mw": pa.array([11.0, 99.0]),
        "cost_per_mwh": pa.array([None, 1.0], pa.float64())}))
    write_parquet(case, "constraints/penalty_overrides_line.parquet", pa.table({
        "line_id": pa.array([line.id], pa.int32()), "stage_id": pa.array([0], pa.int32()),
        "exchange_cost": pa.array([0.5])}))
    write_json(case, "constraints/exchange_factors.json", {"exchange_factors": [
        {"line_id": line.id, "stage_id": 1,
         "block_factors": [{"block_id": 0, "direct_factor": 0.5, "reverse_factor": 0.25}]}]})
    r = load_case(case).resolved
    np.testing.assert_array_equal(r.line_direct_mw[:, 0], [line.direct_capacity_mw, 3.5])
    np.testing.assert_array_equal(r.line_reverse_mw[:, 0], line.reverse_capacity_mw)
    np.testing.assert_array_equal(r.line_exchange_cost[:, 0], [0.5, line.exchange_cost])
    np.testing.assert_array_equal(r.line_direct_factor[:, 0, 0], [1.0, 0.5])
    np.testing.assert_array_equal(r.line_reverse_factor[:, 0, 0], [1.0, 0.25])
    # the row with a block id is ignored; null cost keeps the entity cost
    np.testing.assert_array_equal(r.thermal_max_generation_mw[:, 0],
                                  [11.0, thermal.max_generation_mw])
    np.testing.assert_array_equal(r.thermal_cost_per_mwh[:, 0], thermal.cost_per_mwh)


@pytest.mark.parametrize("src", ALL_CASES, ids=lambda p: p.name)
def test_reversed_declaration_order_gives_equal_system(tmp_path, src):
    case = copy_case(src, tmp_path / "rev")
    reverse_case(case)
    a, b = load_case(src), load_case(case)
    assert [h.id for h in b.hydros] == sorted(h.id for h in b.hydros)
    assert a == b
    assert a.resolved == b.resolved


def test_reversed_order_changes_nothing_with_overrides(tmp_path):
    src = copy_case(DETERMINISTIC / "d11-water-withdrawal", tmp_path / "a")
    rev = copy_case(src, tmp_path / "b")
    reverse_case(rev)
    assert load_case(src) == load_case(rev)


def test_unicode_names_round_trip(tmp_path):
    case = copy_case(DETERMINISTIC / "d01-thermal-dispatch", tmp_path / "c")
    edit_json(case, "system/buses.json", lambda d: d["buses"][0].update(name="Sudeste/Centro-Oeste ☀ São"))
    edit_json(case, "system/thermals.json", lambda d: d["thermals"][0].update(name="Angra ⚛ 1"))
    s = load_case(case)
    assert s.buses[0].name == "Sudeste/Centro-Oeste ☀ São"
    assert "Angra ⚛ 1" in {t.name for t in s.thermals}


def test_missing_directory(tmp_path):
    with pytest.raises(CaseNotFoundError) as exc:
        load_case(tmp_path / "nope")
    assert "case directory does not exist" in str(exc.value)
    assert isinstance(exc.value, FileNotFoundError)


def test_missing_required_file(tmp_path):
    case = copy_case(DETERMINISTIC / "d01-thermal-dispatch", tmp_path / "c")
    (case / "system" / "thermals.json").unlink()
    with pytest.raises(CobreIOError) as exc:
        load_case(case)
    assert exc.value.kind == "MissingFile"
    assert "system/thermals.json" in str(exc.value)
    assert not isinstance(exc.value, CaseNotFoundError)


def test_invalid_json_is_a_validation_error(tmp_path):
    case = copy_case(DETERMINISTIC / "d01-thermal-dispatch", tmp_path / "c")
    (case / "system" / "buses.json").write_text('{"buses": [ {"id": 0, "name": "B0",} ]}')
    with pytest.raises(ValidationError) as exc:
        load_case(case)
    rec = exc.value.records[0]
    assert rec["kind"] == "ParseError"
    assert rec.context["file"] == "system/buses.json"


def test_bad_value_names_file_entity_and_field(tmp_path):
    case = copy_case(DETERMINISTIC / "d01-thermal-dispatch", tmp_path / "c")
    edit_json(case, "system/thermals.json",
              lambda d: d["thermals"][1]["generation"].update(max_mw="lots"))
    with pytest.raises(ValidationError) as exc:
        load_case(case)
    ctx = [r.context for r in exc.value.records]
    assert any(c.get("file") == "system/thermals.json" and "max_mw" in str(c.get("field"))
               for c in ctx), ctx
    assert all(r.severity in ("error", "warning") for r in exc.value.records)


def test_invalid_generic_expression_is_reported(tmp_path):
    case = copy_case(DETERMINISTIC / "d13-generic-constraint", tmp_path / "c")
    edit_json(case, "constraints/generic_constraints.json",
              lambda d: d["constraints"][0].update(expression="__import__('os')"))
    with pytest.raises(ValidationError) as exc:
        load_case(case)
    assert any(r.context.get("file") == "constraints/generic_constraints.json"
               for r in exc.value.records)


def test_config_overrides_reach_system_config():
    s = load_case(EXAMPLES / "1dtoy", config_overrides={"training.forward_passes": 7})
    assert s.config["training"]["forward_passes"] == 7
    assert s.config["estimation"]["max_order"] == 6


def test_changed_value_gives_unequal_system(tmp_path):
    src = DETERMINISTIC / "d01-thermal-dispatch"
    case = copy_case(src, tmp_path / "c")
    edit_json(case, "system/thermals.json", lambda d: d["thermals"][0].update(cost_per_mwh=6.0))
    assert load_case(src) != load_case(case)


def test_4ree_loads_and_validates_well_under_a_second():
    """Median of 3 warm runs (benchmarks/load_case_time.py measures ~10 ms on 2 cores)."""
    import statistics
    import time

    from pycobre.io import validate

    case = EXAMPLES / "4ree"
    load_case(case)  # first call pays the lazy imports
    timings = {}
    for name, fn in (("load_case", load_case), ("validate", validate)):
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn(case)
            runs.append(time.perf_counter() - t0)
        timings[name] = statistics.median(runs)
    assert timings["load_case"] < 0.5 and timings["validate"] < 0.5, timings


def test_validate_stays_callable_after_load_case():
    """Importing the submodule pycobre.io.validate (load_case does) rebinds the package
    attribute; `pycobre.validate(path)` must still work in a fresh interpreter."""
    import subprocess
    import sys

    code = ("import pycobre, sys; pycobre.load_case(sys.argv[1]); "
            "from pycobre.io import validate; "
            "print(pycobre.validate(sys.argv[1])['valid'], validate(sys.argv[1]).valid)")
    proc = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "1dtoy")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True"]
