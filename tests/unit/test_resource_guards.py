"""Absurd sizes are refused at validation with the limit and the field, before anything is
allocated (limits in ``pycobre.io.limits``, reasons in docs/dev/limits.md)."""

from __future__ import annotations

import json

import pytest
from tests.cli._cases import case_copy, edit_json

from pycobre.cli.main import main
from pycobre.io import limits
from pycobre.io.validate import validate


def _config(**changes):
    def fn(doc):
        for path, value in changes.items():
            node = doc
            keys = path.split("/")
            for key in keys[:-1]:
                node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
            node[keys[-1]] = value
    return fn


def _errors(case):
    result = validate(case)
    return [r for r in result.errors]


CASES = [
    ("a billion simulation scenarios", "config.json",
     _config(**{"simulation/enabled": True, "simulation/num_scenarios": 10**9}),
     "simulation.num_scenarios", 10**9, limits.MAX_SIMULATION_SCENARIOS),
    ("a billion forward passes", "config.json", _config(**{"training/forward_passes": 10**9}),
     "training.forward_passes", 10**9, limits.MAX_FORWARD_PASSES),
    ("huge iteration limit", "config.json",
     _config(**{"training/stopping_rules/0/limit": 10**12}),
     "training.stopping_rules[0].limit", 10**12, limits.MAX_ITERATIONS),
    ("iterations x passes over the cut-slot limit", "config.json",
     _config(**{"training/stopping_rules/0/limit": 900_000, "training/forward_passes": 1000}),
     "training.forward_passes", (900_000 + 1) * 1000, limits.MAX_CUT_SLOTS_PER_STAGE),
    ("a million openings", "stages.json",
     lambda d: d["stages"][2].update(num_scenarios=10**6),
     "stages[2].num_scenarios", 10**6, limits.MAX_OPENINGS_PER_STAGE),
]


@pytest.mark.parametrize("name,rel,edit,field,value,limit", CASES, ids=[c[0] for c in CASES])
def test_absurd_sizes_are_refused_with_limit_and_field(tmp_path, name, rel, edit, field, value,
                                                       limit):
    case = case_copy(tmp_path, "1dtoy")
    edit_json(case, rel, edit)
    errors = _errors(case)
    hits = [r for r in errors if r.context.get("field") == field]
    assert len(hits) == 1, [str(r) for r in errors]
    rec = hits[0]
    assert rec.kind == "OutOfRange"
    assert rec.context["file"] == rel
    assert rec.context["limit"] == limit
    assert rec.context["value"] == value
    assert f"{limit:,}" in rec.message and field in rec.message


def test_enormous_block_count_is_refused(tmp_path):
    case = case_copy(tmp_path, "d01-thermal-dispatch")
    n = limits.MAX_BLOCKS_PER_STAGE + 1
    blocks = [{"id": i, "name": f"B{i}", "hours": 0.1} for i in range(n)]
    edit_json(case, "stages.json", lambda d: d["stages"][0].update(blocks=blocks))
    hits = [r for r in _errors(case) if r.context.get("field") == "stages[0].blocks"]
    assert len(hits) == 1 and hits[0].context["value"] == n
    assert hits[0].context["entity_id"] == "0"


def test_cut_pool_memory_estimate_uses_state_dimension(tmp_path):
    """4ree (12 stages) at 10,000,000 slots per stage: with 4 hydros the pools need
    12 x 1e7 x (4 x 8 + 42) bytes ≈ 8.3 GiB (accepted); with 200 hydros ≈ 183 GiB (refused)."""
    case = case_copy(tmp_path, "4ree")
    edit_json(case, "config.json", _config(**{"training/stopping_rules/0/limit": 99_999,
                                              "training/forward_passes": 100}))
    assert not [r for r in _errors(case) if r.kind == "OutOfRange"]  # 1.3 GiB: accepted
    hydros = json.loads((case / "system/hydros.json").read_text())["hydros"]
    template = hydros[0]
    many = [dict(template, id=i, name=f"H{i}") for i in range(200)]
    edit_json(case, "system/hydros.json", lambda d: d.update(hydros=many))
    errors = [r for r in _errors(case) if r.kind == "OutOfRange"]
    assert len(errors) == 1, [str(r) for r in errors]
    rec = errors[0]
    slots = 100_000 * 100
    expected = 12 * slots * (200 * 8 + limits.CUT_SLOT_OVERHEAD_BYTES)
    assert rec.context["value"] == expected > limits.MAX_CUT_POOL_BYTES
    assert "cut pools" in rec.message and "GiB" in rec.message


def test_parquet_row_bomb_is_refused_from_the_footer(tmp_path, monkeypatch):
    import pycobre.io.read.parquet_reader as reader

    monkeypatch.setattr(reader, "MAX_PARQUET_ROWS", 3)
    case = case_copy(tmp_path, "1dtoy")  # inflow_seasonal_stats has 4 rows
    errors = _errors(case)
    rel = "scenarios/inflow_seasonal_stats.parquet"
    hits = [r for r in errors if r.context.get("file") == rel and r.kind == "OutOfRange"]
    assert len(hits) == 1, [str(r) for r in errors]
    assert hits[0].context["value"] == 4 and hits[0].context["limit"] == 3


def test_oversized_json_is_refused_before_parsing(tmp_path, monkeypatch):
    import pycobre.io.read.json_reader as reader

    case = case_copy(tmp_path, "1dtoy")
    size = (case / "system/hydros.json").stat().st_size
    monkeypatch.setattr(reader, "MAX_JSON_BYTES", size - 1)
    hits = [r for r in _errors(case) if r.context.get("file") == "system/hydros.json"]
    assert [r.kind for r in hits] == ["OutOfRange"]
    assert hits[0].context["value"] == size


def test_run_refuses_before_allocating(tmp_path, capsys):
    case = case_copy(tmp_path, "d01-thermal-dispatch")
    edit_json(case, "config.json", _config(**{"training/stopping_rules/0/limit": 10**12}))
    code = main(["--color", "never", "run", str(case), "--quiet",
                 "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "config.json" in err and "training.stopping_rules[0].limit" in err
    assert "1,000,000" in err and "Traceback" not in err
    assert not list((tmp_path / "out").rglob("_SUCCESS"))


def test_production_scale_is_accepted():
    """The limits leave headroom over spec 22 §1 (the production tier)."""
    assert limits.MAX_ITERATIONS >= 50 * 100 and limits.MAX_FORWARD_PASSES >= 192 * 100
    assert limits.MAX_SIMULATION_SCENARIOS >= 2000 * 100
    assert limits.MAX_OPENINGS_PER_STAGE >= 10 * 100 and limits.MAX_BLOCKS_PER_STAGE >= 744
    assert limits.MAX_STUDY_STAGES >= 120 * 10
    production_pool = 60 * (50 + 1) * 192 * (2080 * 8 + limits.CUT_SLOT_OVERHEAD_BYTES)
    assert production_pool * 4 < limits.MAX_CUT_POOL_BYTES


def test_extreme_magnitudes_are_refused_where_they_are_written(tmp_path):
    """1e300 MW of load passed validation and then broke the LP (found by the run fuzz)."""
    import pyarrow as pa
    from tests.cli._cases import read_table, write_table

    case = case_copy(tmp_path, "d01-thermal-dispatch")
    rel = "scenarios/load_seasonal_stats.parquet"
    table = read_table(case, rel)
    values = table.column("mean_mw").to_pylist()
    values[0] = 1e300
    write_table(case, rel, table.set_column(table.column_names.index("mean_mw"), "mean_mw",
                                            pa.array(values)))
    edit_json(case, "system/thermals.json",
              lambda d: d["thermals"][0]["generation"].update(max_mw=-2e13))
    errors = _errors(case)
    parquet = [r for r in errors if r.context.get("file") == rel]
    assert len(parquet) == 1 and parquet[0].context["field"] == "mean_mw"
    assert parquet[0].context["value"] == 1e300 and parquet[0].context["limit"] == 1e12
    assert "supported magnitude" in parquet[0].message
    thermal = [r for r in errors if r.context.get("file") == "system/thermals.json"]
    assert len(thermal) == 1 and thermal[0].context["value"] == -2e13
    assert thermal[0].context["field"].endswith("max_mw")
    assert limits.MAX_ABS_VALUE == 1e12


def test_all_shipped_cases_stay_within_the_limits():
    from tests.cli._cases import ALL_CASES

    for case in ALL_CASES:
        over = [str(r) for r in validate(case).records if r.context.get("limit") is not None]
        assert over == [], case.name


@pytest.mark.parametrize("rel,key,value", [
    ("system/hydros.json", "hydros", 1), ("stages.json", "stages", {"a": 1}),
    ("stages.json", "stages", [1, "x", {"id": "a", "blocks": 3}]),
    ("config.json", "training", [1]), ("config.json", "simulation", "on")])
def test_the_limits_rule_tolerates_malformed_documents(tmp_path, rel, key, value):
    """Found by the run fuzz: ``hydros: 1`` crashed this rule (InternalError, exit 4)."""
    case = case_copy(tmp_path, "d13-generic-constraint")
    edit_json(case, rel, lambda d: d.update({key: value}))
    result = validate(case)
    assert not result.valid
    assert [str(r) for r in result.records if r.kind == "InternalError"] == []
