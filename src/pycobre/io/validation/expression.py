"""Parser for generic-constraint expressions (spec 01 §8.2), used by the L2 and L3 checks.

``expression := term (('+'|'-') term)*``; ``term := coefficient '*' variable | variable | number``;
``variable := name '(' entity_id [',' block_id] ')'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: variable name -> registry of the entity it refers to.
VARIABLE_REGISTRY: dict[str, str] = {
    "hydro_storage": "hydros",
    "hydro_evaporation": "hydros",
    "hydro_withdrawal": "hydros",
    "hydro_turbined": "hydros",
    "hydro_spillage": "hydros",
    "hydro_diversion": "hydros",
    "hydro_outflow": "hydros",
    "hydro_generation": "hydros",
    "thermal_generation": "thermals",
    "line_direct": "lines",
    "line_reverse": "lines",
    "line_exchange": "lines",
    "bus_deficit": "buses",
    "bus_excess": "buses",
    "pumping_flow": "pumping_stations",
    "pumping_power": "pumping_stations",
    "contract_import": "contracts",
    "contract_export": "contracts",
    "non_controllable_generation": "non_controllable_sources",
    "non_controllable_curtailment": "non_controllable_sources",
}

#: stage-level variables: a block argument is an error.
STAGE_ONLY = frozenset({"hydro_storage", "hydro_evaporation", "hydro_withdrawal"})

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*(),]))"
)


@dataclass(frozen=True)
class Term:
    coefficient: float
    variable: str | None  # None for a constant term
    entity_id: int | None = None
    block_id: int | None = None


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"unexpected character {text[pos:].lstrip()[:1]!r} at position {pos}")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return tokens


def parse_expression(text: str) -> list[Term]:
    """Parse ``text`` into terms; raise ``ValueError`` naming the position of the problem."""
    tokens = _tokenize(text)
    if not tokens:
        raise ValueError("expression is empty")
    terms: list[Term] = []
    i = 0

    def expect(kind: str, value: str | None = None) -> str:
        nonlocal i
        if i >= len(tokens):
            raise ValueError(f"unexpected end of expression, expected {value or kind}")
        tk, tv, tp = tokens[i]
        if tk != kind or (value is not None and tv != value):
            raise ValueError(f"expected {value or kind} at position {tp}, found {tv!r}")
        i += 1
        return tv

    def integer() -> int:
        raw = expect("num")
        if not raw.isdigit():
            raise ValueError(f"entity/block id must be an integer, found {raw!r}")
        return int(raw)

    def variable(coef: float) -> Term:
        name = expect("name")
        if name not in VARIABLE_REGISTRY:
            raise ValueError(f"unknown variable '{name}'")
        expect("op", "(")
        entity = integer()
        block = None
        if i < len(tokens) and tokens[i][1] == ",":
            expect("op", ",")
            block = integer()
        expect("op", ")")
        return Term(coef, name, entity, block)

    sign = 1.0
    while True:
        if i < len(tokens) and tokens[i][1] in "+-" and tokens[i][0] == "op":
            sign = -sign if tokens[i][1] == "-" else sign
            i += 1
        if i >= len(tokens):
            raise ValueError("unexpected end of expression, expected a term")
        kind, value, _ = tokens[i]
        if kind == "num":
            i += 1
            number = float(value)
            if i < len(tokens) and tokens[i][1] == "*":
                i += 1
                terms.append(variable(sign * number))
            else:
                terms.append(Term(sign * number, None))
        elif kind == "name":
            terms.append(variable(sign))
        else:
            raise ValueError(f"expected a term at position {tokens[i][2]}, found {value!r}")
        if i >= len(tokens):
            return terms
        kind, value, pos = tokens[i]
        if value not in "+-" or kind != "op":
            raise ValueError(f"expected '+' or '-' at position {pos}, found {value!r}")
        sign = 1.0
