"""Colour resolution for stderr/stdout (spec 06 §2) and the two styles the CLI uses."""

from __future__ import annotations

import os
from typing import TextIO

_CODES = {"red": "31", "yellow": "33", "green": "32", "bold": "1"}


def resolve_color(flag: str, stream: TextIO) -> bool:
    """``--color`` always/never wins; then ``COBRE_COLOR``; ``FORCE_COLOR``; ``NO_COLOR``; TTY."""
    if flag == "always":
        return True
    if flag == "never":
        return False
    env = os.environ.get("COBRE_COLOR", "").strip().lower()
    if env in ("always", "never"):
        return env == "always"
    if "FORCE_COLOR" in os.environ:
        return True
    if "NO_COLOR" in os.environ:
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


def paint(text: str, *styles: str, enabled: bool) -> str:
    if not enabled or not styles:
        return text
    codes = ";".join(_CODES[s] for s in styles)
    return f"\x1b[{codes}m{text}\x1b[0m"
