"""The JSON value types the field declarations name (``int``, ``number``, ``string``, ...).

One test shared by the schema checker and the entity builder, so both agree on what a value of
each declared type looks like.
"""

from __future__ import annotations

from typing import Any

__all__ = ["json_type_ok"]


def json_type_ok(typ: str, value: Any) -> bool:
    """Whether ``value`` (parsed JSON) has the declared type ``typ``; unknown types pass.

    ``bool`` is not an ``int``/``number`` here although Python treats it as one; a ``date`` is
    a string at this level (its format is checked where it is parsed).
    """
    if typ == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if typ == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if typ in ("string", "date"):
        return isinstance(value, str)
    if typ == "bool":
        return isinstance(value, bool)
    if typ == "object":
        return isinstance(value, dict)
    if typ == "array":
        return isinstance(value, list)
    return True
