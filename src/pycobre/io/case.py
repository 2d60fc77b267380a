"""``load_case(path) -> System`` (spec 20 §4.1): read, validate, build.

The five validation layers (``pycobre.io.validate.run_layers``, part "validation") run when
that module is importable; otherwise only this part's read/parse/build checks apply. Errors
become exceptions only here, at the edge (spec 00 §7).
"""

from __future__ import annotations

import os
import pathlib
import traceback
from typing import Any

from pycobre.errors import CaseNotFoundError, CobreError, CobreIOError, ValidationError
from pycobre.io.read.build_system import build_system
from pycobre.io.read.case_reader import read_raw
from pycobre.io.record_text import located_line
from pycobre.io.records import ValidationRecord
from pycobre.model import System

__all__ = ["load_case"]


def _run_layers() -> Any:
    """``pycobre.io.validate.run_layers(raw) -> list[ValidationRecord]`` (part "validation"),
    or ``None`` while that part is not importable."""
    try:
        from pycobre.io.validate import run_layers
    except ImportError:
        return None
    return run_layers


def _raise_for(records: list[ValidationRecord], case_dir: pathlib.Path) -> None:
    """Raise for the first error record; its message names kind, file, entity and field."""
    missing = [r for r in records if r.kind == "MissingFile" and r.severity == "error"]
    if missing:
        first = missing[0]
        names = ", ".join(str(r.context["file"]) for r in missing[1:] if r.context.get("file"))
        more = f" (also missing: {names})" if names else ""
        where = f": {case_dir}" if first.context.get("file") else ""
        raise CobreIOError(f"{first.message}{where}{more}", kind="MissingFile",
                           context=dict(first.context), suggestion=first.suggestion)
    errors = [r for r in records if r.severity == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
        raise ValidationError(
            located_line(first) + more, kind=first.kind, context=dict(first.context),
            suggestion=first.suggestion,
            records=errors + [r for r in records if r.severity != "error"],
        )


def load_case(
    path: str | os.PathLike[str], *, config_overrides: dict[str, Any] | None = None
) -> System:
    """Read and validate a case directory; return the immutable :class:`System`.

    Raises ``CaseNotFoundError`` (missing directory), ``CobreIOError`` kind ``MissingFile``
    (missing required file) or ``ValidationError`` with every record found.
    """
    case_dir = pathlib.Path(path).resolve()
    if not case_dir.is_dir():
        raise CaseNotFoundError(
            f"case directory does not exist: {path}", context={"path": str(path)},
            suggestion="check the path (relative paths are resolved against the current "
            "working directory)",
        )
    raw = read_raw(case_dir)
    run_layers = _run_layers()
    # run_layers' list already contains raw.records (missing files, parse errors)
    _raise_for(list(run_layers(raw)) if run_layers is not None else raw.records, case_dir)
    json_docs, tables = raw.json, raw.tables
    try:
        system, records = build_system(case_dir, json_docs, tables,
                                       config_overrides=config_overrides)
    except CobreError:
        raise
    except Exception as exc:  # a bug, not bad input: wrap it with where it happened
        raise CobreError(
            f"internal error while building the system from {case_dir}: {exc!r}",
            kind="InternalError",
            context={"exception_type": type(exc).__name__,
                     "traceback": traceback.format_exc()},
        ) from exc
    _raise_for(records, case_dir)
    if system is None:  # pragma: no cover - build_system always records why
        raise ValidationError("case could not be built", kind="SchemaViolation")
    return system
