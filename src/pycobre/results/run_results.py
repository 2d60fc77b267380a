"""``load_results`` and ``load_convergence`` (spec 20 §8.2): the training side of an output dir."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pycobre.errors import CobreIOError, OutputNotFoundError, ValidationError
from pycobre.results.formats import convert_table

__all__ = ["load_convergence", "load_convergence_arrow", "load_results", "read_json"]


def _output_dir(output_dir: str | os.PathLike[str]) -> Path:
    root = Path(output_dir)
    if not root.is_dir():
        raise OutputNotFoundError(
            f"output directory not found: {root}",
            context={"path": str(root), "expected_content": "pycobre/Cobre output directory"},
        )
    return root


def read_json(path: Path) -> Any:
    """Parse a manifest; malformed JSON is a ``ValueError`` naming the file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(
            f"malformed JSON in {path}: {exc}",
            kind="ParseError",
            context={"file": str(path), "detail": str(exc)},
        ) from exc


def load_results(output_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Manifests and completion markers of a run (Cobre's ``load_results`` shape)."""
    root = _output_dir(output_dir)
    training = root / "training"
    if not (training / "_SUCCESS").is_file():
        raise OutputNotFoundError(
            f"training output incomplete or missing: {training / '_SUCCESS'} not found",
            context={"path": str(training / "_SUCCESS"), "expected_content": "_SUCCESS marker"},
        )
    meta_path = training / "metadata.json"
    if not meta_path.is_file():
        raise OutputNotFoundError(
            f"training manifest missing: {meta_path}",
            context={"path": str(meta_path), "expected_content": "metadata.json"},
        )
    meta = read_json(meta_path)
    sim = root / "simulation"
    sim_meta_path = sim / "metadata.json"
    sim_meta = read_json(sim_meta_path) if sim_meta_path.is_file() else None
    return {
        "training": {
            "manifest": meta,
            "metadata": meta,
            "convergence_path": str((training / "convergence.parquet").resolve()),
            "timing_path": str((training / "timing" / "iterations.parquet").resolve()),
            "complete": True,
        },
        "simulation": {"manifest": sim_meta, "complete": (sim / "_SUCCESS").is_file()},
    }


def load_convergence_arrow(output_dir: str | os.PathLike[str]) -> pa.Table:
    path = _output_dir(output_dir) / "training" / "convergence.parquet"
    if not path.is_file():
        raise OutputNotFoundError(
            f"convergence file not found: {path}",
            context={"path": str(path), "expected_content": "convergence.parquet"},
        )
    try:
        return pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise CobreIOError(
            f"cannot decode {path}: {exc}",
            kind="OutputCorrupted",
            context={"file": str(path), "detail": str(exc)},
        ) from exc


def load_convergence(output_dir: str | os.PathLike[str], *, format: str = "dicts") -> Any:  # noqa: A002
    """Rows of ``training/convergence.parquet`` (``format`` selects the return type)."""
    return convert_table(load_convergence_arrow(output_dir), format)
