"""L1 structural layer (spec 02 §2.1): the case path is a directory and the 8 required files
exist. The readers of model-io already record missing required files while reading; this layer
adds the directory-level checks and any required file the reader did not report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pycobre.io.fields import REQUIRED_FILES
from pycobre.io.validation.collector import Collector

_IO_HINT = "check that the path exists and you have read permissions"


def check_case_dir(case_dir: Path, sink: Collector) -> bool:
    """``True`` when ``case_dir`` is a directory that can be read at all."""
    shown = str(case_dir)
    if not case_dir.exists():
        sink.add("MissingFile", f"case directory does not exist: {shown}", file=None,
                 path=shown, suggestion=_IO_HINT)
        return False
    if not case_dir.is_dir():
        sink.add("MissingFile", f"case path is not a directory: {shown}", file=None, path=shown,
                 suggestion="pass the case directory (the folder holding config.json), not a file")
        return False
    return True


def check_required_files(raw: Any, sink: Collector) -> None:
    root = Path(raw.case_dir)
    if not raw.present and root.is_dir() and not any(root.iterdir()):
        sink.add("MissingFile", f"case directory is empty: {root}", file=None, path=str(root),
                 suggestion=f"create a case there, e.g. `pycobre init --template 1dtoy {root}`")
        sink.records.insert(0, sink.records.pop())  # the one-line explanation comes first
    reported = {
        r.context.get("file") for r in sink.records if r.kind in ("MissingFile", "ParseError")
    }
    for rel in REQUIRED_FILES:
        if rel in raw.present or rel in reported:
            continue
        where = Path(raw.case_dir) / rel
        msg = (f"required file '{rel}' is not a regular file in case directory" if where.exists()
               else f"required file '{rel}' not found in case directory")
        sink.add("MissingFile", msg, file=rel, suggestion=f"create {rel} (see `pycobre init`)")
