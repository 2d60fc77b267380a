"""Generic-constraint expression parser (spec 01 §8.2): tokenizer, never eval."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pycobre.io.fields import GENERIC_VARIABLES, STAGE_LEVEL_VARIABLES
from pycobre.io.read.generic_expression import ExpressionError, parse_expression, tokenize


def _t(text):
    return [t.as_tuple() for t in parse_expression(text)]


def test_single_variable():
    assert _t("thermal_generation(0)") == [("thermal_generation", 0, None, 1.0)]


def test_signs_coefficients_blocks_and_whitespace():
    assert _t(" -2.5e1 * hydro_turbined( 3 , 1 ) + line_exchange(2) - hydro_storage(4)") == [
        ("hydro_turbined", 3, 1, -25.0),
        ("line_exchange", 2, None, 1.0),
        ("hydro_storage", 4, None, -1.0),
    ]
    assert _t("0.5*bus_deficit(1,0)+.25*bus_excess(1)") == [
        ("bus_deficit", 1, 0, 0.5), ("bus_excess", 1, None, 0.25)]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("3", 0),  # bare constant
        ("hydro_storage(1, 0)", 17),  # stage-level variable with a block
        ("foo(1)", 0),  # unknown variable
        ("thermal_generation(0) thermal_generation(1)", 22),  # missing operator
        ("__import__('os')", 11),  # the quote is not a token
        ("thermal_generation(-1)", 19),
        ("thermal_generation(1.5)", 19),
        ("thermal_generation(0", 20),
        ("", 0),
    ],
)
def test_errors_have_positions(text, position):
    with pytest.raises(ExpressionError) as exc:
        parse_expression(text)
    assert exc.value.position == position


def test_tokenizer_rejects_stray_characters():
    with pytest.raises(ExpressionError):
        tokenize("thermal_generation(0); import os")


_term = st.tuples(
    st.sampled_from(GENERIC_VARIABLES),
    st.integers(0, 10_000),
    st.one_of(st.none(), st.integers(0, 50)),
    st.floats(0.001, 1e6, allow_nan=False),
    st.booleans(),
)


@given(st.lists(_term, min_size=1, max_size=6))
def test_formatted_terms_parse_back(terms):
    text, expected = "", []
    for name, ent, blk, coef, neg in terms:
        if name in STAGE_LEVEL_VARIABLES:
            blk = None
        args = f"{ent}" if blk is None else f"{ent}, {blk}"
        text += f" {'-' if neg else '+'} {coef!r} * {name}({args})"
        expected.append((name, ent, blk, -coef if neg else coef))
    assert _t(text) == expected


def test_constant_terms_and_overflowing_coefficients_are_rejected():
    with pytest.raises(ExpressionError, match="constant term is not allowed") as exc:
        parse_expression("thermal_generation(0) + 5")
    assert exc.value.position == 24
    with pytest.raises(ExpressionError, match="not a finite number") as exc:
        parse_expression("1e400 * thermal_generation(0)")
    assert exc.value.position == 0
