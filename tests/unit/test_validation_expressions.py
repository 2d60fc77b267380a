"""Generic-constraint expressions are parsed by one grammar (spec 10 §10) and never evaluated:
``validate`` and ``load_case`` accept and reject exactly the same texts, and Python code in an
expression is a validation error that runs nothing."""

from __future__ import annotations

import pytest
from tests.cli._cases import case_copy, edit_json

from pycobre.errors import ValidationError
from pycobre.io import load_case
from pycobre.io.validate import validate

GENERIC = "constraints/generic_constraints.json"


def _with_expression(tmp_path, text):
    case = case_copy(tmp_path, "d13-generic-constraint")
    edit_json(case, GENERIC, lambda d: d["constraints"][0].update(expression=text))
    return case


def _payloads(marker):
    return [
        f"__import__('os').system('touch {marker}')",
        f"thermal_generation(__import__('os').system('touch {marker}'))",
        f"exec(\"open('{marker}', 'w')\")",
        f"eval('open(\"{marker}\", \"w\")')",
        "thermal_generation(0) + __import__",
        "thermal_generation(0); import os",
    ]


@pytest.mark.parametrize("index", range(6))
def test_python_code_is_a_validation_error_and_runs_nothing(tmp_path, index):
    marker = tmp_path / "PWNED"
    text = _payloads(marker)[index]
    case = _with_expression(tmp_path, text)
    result = validate(case)
    assert not result.valid
    rec = result.errors[0]
    assert (rec.context["file"], rec.context["entity_id"], rec.context["field"]) == (
        GENERIC, "1", "constraints[0].expression")
    assert rec.context["cobre_kind"] == "SchemaViolation"
    assert "cannot parse expression" in rec.message
    with pytest.raises(ValidationError) as exc:
        load_case(case)
    assert exc.value.records[0].context["field"] == "constraints[0].expression"
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("thermal_generation(0)", True),
        ("2 * thermal_generation(0) - 0.5e-1*thermal_generation(0)", True),
        ("thermal_generation(0)\n+ thermal_generation(0, 0)", True),
        ("thermal_generation(0) + 5", False),  # constant term
        ("1e400 * thermal_generation(0)", False),  # coefficient overflows to inf
        ("hydro_storage(0, 0)", False),  # stage-level variable with a block
        ("thermal_generation(0) * 2", False),  # coefficient after the variable
        ("Thermal_Generation(0)", False),  # names are case-sensitive
    ],
)
def test_validate_and_load_case_agree(tmp_path, text, valid):
    case = _with_expression(tmp_path, text)
    assert validate(case).valid is valid
    if valid:
        terms = load_case(case).generic_constraints[0].terms
        assert all(t.variable == "thermal_generation" and t.entity_id == 0 for t in terms)
    else:
        with pytest.raises(ValidationError, match=r"constraints\[0\]\.expression"):
            load_case(case)
