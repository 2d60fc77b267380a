"""The machine-readable summary printed by ``pycobre report`` (spec 06 §5)."""

from __future__ import annotations

import json
from typing import Any

from pycobre.report.run_files import RunFiles

__all__ = ["build_report", "report_json"]


def build_report(run: RunFiles) -> dict[str, Any]:
    """``{"output_directory", "status", "training", "simulation"}`` with the manifests verbatim."""
    return {
        "output_directory": str(run.root),
        "status": run.training.get("status"),
        "training": run.training,
        "simulation": run.simulation,
    }


def report_json(run: RunFiles) -> str:
    """Pretty JSON like Cobre's (2-space indent, key order kept, non-ASCII kept)."""
    return json.dumps(build_report(run), indent=2, ensure_ascii=False)
