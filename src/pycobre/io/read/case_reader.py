"""Read every recognised path of spec 01 §1 from a case directory into a :class:`RawCase`."""

from __future__ import annotations

import pathlib

from pycobre.io.fields import CONFIG_PATH, FILES, REQUIRED_FILES
from pycobre.io.read.json_reader import read_json
from pycobre.io.read.parquet_reader import read_parquet
from pycobre.io.read.raw import RawCase
from pycobre.io.records import make_record


def read_raw(case_dir: str | pathlib.Path) -> RawCase:
    """Read the 40 recognised paths; missing required files become ``MissingFile`` records.

    The caller checks that ``case_dir`` exists. Unknown files are ignored.
    """
    root = pathlib.Path(case_dir).resolve()
    raw = RawCase(case_dir=root)
    for relpath in (CONFIG_PATH, *FILES):
        path = root / relpath
        if path.exists() and not path.is_file():
            # e.g. a partitioned Parquet dataset folder: never ignore it silently
            raw.present.add(relpath)
            raw.records.append(make_record(
                "MissingFile", f"'{relpath}' is not a regular file in case directory",
                file=relpath, suggestion=f"replace the folder {relpath} by a single file",
            ))
            continue
        if not path.is_file():
            if relpath in REQUIRED_FILES:
                raw.records.append(
                    make_record(
                        "MissingFile",
                        f"required file '{relpath}' not found in case directory",
                        file=relpath,
                        suggestion="every case needs config.json, penalties.json, stages.json, "
                        "initial_conditions.json and system/{buses,lines,hydros,thermals}.json",
                    )
                )
            continue
        raw.present.add(relpath)
        if relpath.endswith(".json"):
            doc, rec = read_json(path, relpath)
            if rec is None:
                raw.json[relpath] = doc
        else:
            table, rec = read_parquet(path, relpath, FILES[relpath].key_columns)
            if rec is None:
                raw.tables[relpath] = table
        if rec is not None:
            raw.records.append(rec)
    return raw
