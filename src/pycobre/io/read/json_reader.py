"""Strict JSON parsing: data only (never evaluated), NaN/Infinity and duplicate keys rejected
(as Cobre's serde reader does), failures reported with line and column."""

from __future__ import annotations

import json
import pathlib
from typing import Any

from pycobre.io.limits import MAX_JSON_BYTES
from pycobre.io.records import ValidationRecord, make_record


class _Reject(ValueError):
    pass


def _no_constants(name: str) -> Any:
    raise _Reject(f"non-standard JSON constant {name!r} is not allowed")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Reject(f"duplicate key {key!r}")
        out[key] = value
    return out


def parse_json_text(text: str, relpath: str) -> tuple[Any, ValidationRecord | None]:
    """Parse ``text``; return ``(document, None)`` or ``(None, ParseError record)``."""
    try:
        return json.loads(text, parse_constant=_no_constants, object_pairs_hook=_pairs), None
    except json.JSONDecodeError as exc:
        return None, make_record(
            "ParseError",
            f"parse error in {relpath}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}",
            file=relpath,
            line=exc.lineno,
            column=exc.colno,
            detail=exc.msg,
            suggestion="fix the JSON syntax (a JSON linter shows the exact spot)",
        )
    except (_Reject, RecursionError) as exc:
        return None, make_record(
            "ParseError", f"parse error in {relpath}: {exc}", file=relpath, detail=str(exc),
            suggestion="use plain JSON numbers and unique keys",
        )


def read_json(path: pathlib.Path, relpath: str) -> tuple[Any, ValidationRecord | None]:
    """Read and parse one JSON file (UTF-8, optional BOM)."""
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            return None, make_record(
                "OutOfRange", f"{relpath} is {size:,} bytes, more than the supported limit of "
                f"{MAX_JSON_BYTES:,} for a JSON file", file=relpath, value=size,
                limit=MAX_JSON_BYTES, suggestion="large tables belong in Parquet files",
            )
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, make_record(
            "ParseError",
            f"parse error in {relpath}: not valid UTF-8 ({exc.reason} at byte {exc.start})",
            file=relpath, detail=str(exc), suggestion="save the file as UTF-8",
        )
    except OSError as exc:
        return None, make_record(
            "MissingFile", f"I/O error reading {relpath}: {exc.strerror or exc}", file=relpath,
        )
    return parse_json_text(text, relpath)
