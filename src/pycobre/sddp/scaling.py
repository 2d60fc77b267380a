"""``training/scaling_report.json`` from the stage templates (spec 04 §3.8).

Fallback used when the LP package does not provide its own report: magnitudes of the matrix
coefficients and right-hand sides before and after scaling (equal when the LP is not scaled).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["scaling_report", "magnitudes"]


def _range(values: np.ndarray) -> tuple[float, float]:
    a = np.abs(np.asarray(values, dtype=np.float64))
    a = a[np.isfinite(a) & (a > 0.0)]
    if a.size == 0:
        return 0.0, 0.0
    return float(a.min()), float(a.max())


def magnitudes(model: Any) -> dict[str, float]:
    cmin, cmax = _range(model.a_value)
    rhs = np.concatenate([np.asarray(model.row_lower), np.asarray(model.row_upper)])
    rmin, rmax = _range(rhs)
    return {"coefficient_min": cmin, "coefficient_max": cmax, "rhs_min": rmin, "rhs_max": rmax}


def scaling_report(templates: list[Any]) -> list[dict[str, Any]]:
    report = []
    for t, tpl in enumerate(templates):
        model = getattr(tpl, "model", None)
        if model is None:
            continue
        before = magnitudes(getattr(tpl, "unscaled_model", model))
        report.append({"stage": t, "before": before, "after": magnitudes(model)})
    return report
