"""Locating and reading the manifests of an output directory (spec 04 §1, §3.1, §4.1).

The CLI verbs need distinct exit codes for "not there" (2) and "there but unreadable" (4), so
the two failures are distinct exception types: ``OutputNotFoundError`` and ``ManifestError``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pycobre.errors import CobreIOError, OutputNotFoundError

__all__ = ["ManifestError", "RunFiles", "open_run", "read_manifest"]


class ManifestError(CobreIOError):
    """A manifest exists but is not valid JSON (or not a JSON object)."""

    default_kind = "OutputCorrupted"


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(
            f"malformed JSON in {path}: {exc}",
            context={"file": str(path), "detail": str(exc)},
        ) from exc
    except OSError as exc:
        raise CobreIOError(f"cannot read {path}: {exc}", kind="MissingFile",
                           context={"file": str(path)}) from exc
    if not isinstance(doc, dict):
        raise ManifestError(f"malformed manifest {path}: expected a JSON object",
                            context={"file": str(path)})
    return doc


@dataclass(frozen=True)
class RunFiles:
    """The manifests of one finished run plus where its tables live."""

    root: Path
    training: dict[str, Any]
    simulation: dict[str, Any] | None
    simulation_complete: bool

    @property
    def training_dir(self) -> Path:
        return self.root / "training"

    @property
    def simulation_dir(self) -> Path:
        return self.root / "simulation"

    def optional_json(self, relative: str) -> Any:
        """A JSON side file (``training/model_provenance.json`` ...) or ``None`` if absent."""
        path = self.root / relative
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def open_run(output_dir: str | os.PathLike[str], *, require_success: bool = True) -> RunFiles:
    """Check an output directory is a finished run and read its manifests.

    Raises ``OutputNotFoundError`` naming the missing directory or file (a missing
    ``training/_SUCCESS`` means the run did not finish) and ``ManifestError`` for bad JSON.
    """
    root = Path(output_dir)
    if not root.is_dir():
        raise OutputNotFoundError(
            f"results directory not found: {root}",
            context={"path": str(root), "expected_content": "pycobre/Cobre output directory"},
        )
    meta_path = root / "training" / "metadata.json"
    if not meta_path.is_file():
        raise OutputNotFoundError(
            f"training metadata not found: {meta_path} (is {root} an output directory of "
            "`pycobre run`?)",
            context={"path": str(meta_path), "expected_content": "training/metadata.json"},
        )
    training = read_manifest(meta_path)
    success = root / "training" / "_SUCCESS"
    if require_success and not success.is_file():
        raise OutputNotFoundError(
            f"incomplete run: {success} not found (training did not finish, or is still "
            "writing its outputs)",
            context={"path": str(success), "expected_content": "_SUCCESS marker"},
        )
    sim_meta_path = root / "simulation" / "metadata.json"
    simulation = read_manifest(sim_meta_path) if sim_meta_path.is_file() else None
    return RunFiles(
        root=root.resolve(),
        training=training,
        simulation=simulation,
        simulation_complete=(root / "simulation" / "_SUCCESS").is_file(),
    )
