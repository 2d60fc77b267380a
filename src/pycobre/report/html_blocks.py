"""Small HTML building blocks (escaped text, tables, key-figure cards, embedded images)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from html import escape
from typing import Any

__all__ = ["Section", "cards", "flatten", "image", "key_value_table", "note", "png_width", "table"]


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    body: str


def png_width(png_b64: str) -> int:
    """Pixel width from the PNG header (IHDR), so narrow figures are not blown up."""
    header = base64.b64decode(png_b64[:32])
    return int.from_bytes(header[16:20], "big")


def image(png_b64: str, alt: str) -> str:
    return (f'<img class="plot" alt="{escape(alt)}" style="max-width:{png_width(png_b64)}px" '
            f'src="data:image/png;base64,{png_b64}">')


def note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>'


def _card_value(v: str) -> str:
    """A ``value ± spread`` keeps the value large and sets the spread smaller, so both fit one
    card line (``6.12404e10 ± 1.42e10`` wrapped into two lines at full size)."""
    value, sep, spread = v.partition(" ± ")
    if not sep:
        return escape(v)
    return f'{escape(value)} <span class="pm">± {escape(spread)}</span>'


def cards(items: list[tuple[str, str]]) -> str:
    cells = "".join(f'<div class="card"><div class="k">{escape(k)}</div>'
                    f'<div class="v">{_card_value(v)}</div></div>' for k, v in items)
    return f'<div class="cards">{cells}</div>'


def table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()

    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(f"<th{cls(i)}>{escape(h)}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{escape(c)}</td>" for i, c in enumerate(r))
                   + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def flatten(doc: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested JSON as ``(dotted.key, value)`` pairs; lists and scalars shown as JSON-ish text."""
    if isinstance(doc, dict):
        out: list[tuple[str, str]] = []
        for key, value in doc.items():
            out += flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if doc is None:
        text = "null"
    elif isinstance(doc, bool):
        text = "true" if doc else "false"
    else:
        text = str(doc)
    return [(prefix, text)]


def key_value_table(doc: Any) -> str:
    return table(["field", "value"], [[k, v] for k, v in flatten(doc)])
