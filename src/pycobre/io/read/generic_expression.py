"""Tokenizer + parser of generic-constraint expressions (spec 01 §8.2, spec 10 §10). Never eval.

Grammar (whitespace ignored)::

    expression := [+|-] term { (+|-) term }
    term       := number '*' variable | variable
    variable   := name '(' entity_id [ ',' block_id ] ')'
"""

from __future__ import annotations

import math
import re

from pycobre.io.fields import GENERIC_VARIABLES, STAGE_LEVEL_VARIABLES
from pycobre.model import GenericTerm

__all__ = ["ExpressionError", "parse_expression", "tokenize"]

_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>[-+*(),]))"
)


class ExpressionError(ValueError):
    """Syntax error; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.position = position


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """``[(kind, text, position)]`` with kind in number/name/op; raises on stray characters."""
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"unexpected character {text[pos]!r}", pos)
        kind = m.lastgroup or "op"
        out.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return out


def parse_expression(text: str) -> tuple[GenericTerm, ...]:
    """Parse into terms ``(variable, entity_id, block_id|None, coefficient)``."""
    toks = tokenize(text)
    i = 0
    terms: list[GenericTerm] = []

    def peek(k: int = 0) -> tuple[str, str, int] | None:
        return toks[i + k] if i + k < len(toks) else None

    def expect(kind: str, value: str | None = None) -> tuple[str, str, int]:
        nonlocal i
        tok = peek()
        if tok is None:
            raise ExpressionError(f"expected {value or kind}, found end of expression", len(text))
        if tok[0] != kind or (value is not None and tok[1] != value):
            raise ExpressionError(f"expected {value or kind}, found {tok[1]!r}", tok[2])
        i += 1
        return tok

    if not toks:
        raise ExpressionError("empty expression", 0)
    first = True
    while i < len(toks):
        sign = 1.0
        tok = peek()
        if tok is not None and tok[0] == "op" and tok[1] in "+-":
            sign = -1.0 if tok[1] == "-" else 1.0
            i += 1
        elif not first:
            raise ExpressionError(f"expected '+' or '-', found {tok[1]!r}", tok[2])
        first = False
        coef = 1.0
        tok = peek()
        if tok is not None and tok[0] == "number":
            i += 1
            nxt = peek()
            if nxt is None or nxt[1] != "*":
                raise ExpressionError("a constant term is not allowed (put constants in the "
                                      "bound, generic_constraint_bounds.parquet)", tok[2])
            i += 1
            coef = float(tok[1])
            if not math.isfinite(coef):
                raise ExpressionError(f"coefficient {tok[1]} is not a finite number", tok[2])
        name_tok = expect("name")
        name = name_tok[1]
        if name not in GENERIC_VARIABLES:
            raise ExpressionError(f"unknown variable {name!r}", name_tok[2])
        expect("op", "(")
        ent = expect("number")
        if not ent[1].isdigit():
            raise ExpressionError("entity id must be a non-negative integer", ent[2])
        block = None
        tok = peek()
        if tok is not None and tok[1] == ",":
            i += 1
            blk = expect("number")
            if not blk[1].isdigit():
                raise ExpressionError("block id must be a non-negative integer", blk[2])
            if name in STAGE_LEVEL_VARIABLES:
                raise ExpressionError(f"{name} is stage-level and takes no block argument",
                                      blk[2])
            block = int(blk[1])
        expect("op", ")")
        terms.append(GenericTerm(name, int(ent[1]), block, sign * coef))
    return tuple(terms)
