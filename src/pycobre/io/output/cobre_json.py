"""JSON exactly as Cobre writes it (serde_json ``to_string_pretty``).

serde_json formats floats with ryu, which differs from Python's ``repr`` in the exponent forms
(``1e16`` vs ``1e+16``, ``0.00001`` vs ``1e-05``, ``1.5e-7`` vs ``1.5e-07``), so byte-identical
files need this small renderer instead of ``json.dumps``.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["format_json_like_cobre", "rust_float"]


def rust_float(x: float) -> str:
    """Format a finite float as serde_json/ryu does (shortest round-trip digits)."""
    if not math.isfinite(x):
        return "null"  # serde_json writes non-finite floats as null
    if x == 0.0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))
    mantissa, _, exp = r.partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    # decimal exponent of the first significant digit
    point = len(int_part) + (int(exp) if exp else 0)  # position of the point after digits[0..]
    if int_part == "0":
        point = -(len(frac_part) - len(frac_part.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    n = len(digits)
    if 0 < point <= 16 and n <= point:  # integer value, ryu writes "ddd000.0"
        return f"{sign}{digits}{'0' * (point - n)}.0"
    if 0 < point <= 16:
        return f"{sign}{digits[:point]}.{digits[point:]}"
    if -5 < point <= 0:
        return f"{sign}0.{'0' * (-point)}{digits}"
    e = point - 1
    head = digits[0] if n == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{sign}{head}e{e}"


def _render(value: Any, indent: int) -> str:
    pad = "  " * indent
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return rust_float(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ",\n".join(
            f"{pad}  {json.dumps(str(k), ensure_ascii=False)}: {_render(v, indent + 1)}"
            for k, v in value.items()
        )
        return "{\n" + inner + "\n" + pad + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = ",\n".join(f"{pad}  {_render(v, indent + 1)}" for v in value)
        return "[\n" + inner + "\n" + pad + "]"
    if hasattr(value, "item"):  # NumPy scalar
        return _render(value.item(), indent)
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


def format_json_like_cobre(obj: Any) -> str:
    """serde_json ``to_string_pretty``: 2-space indent, ``"key": value``, no trailing newline."""
    return _render(obj, 0)
