"""``training/scaling_report.json`` in the layout Cobre 0.5.1 writes.

Per stage: LP dimensions, coefficient and objective ranges before and after the geometric
prescaling, and statistics of the column/row scale factors; then a summary of the worst ratios.
(Spec 04 §3.8 sketches a simpler layout; readers of Cobre's files expect this one.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["scaling_report", "COST_SCALE_FACTOR"]

COST_SCALE_FACTOR = 1000.0


def _range(values: Any) -> tuple[float, float]:
    a = np.abs(np.asarray(values, dtype=np.float64))
    a = a[np.isfinite(a) & (a > 0.0)]
    if a.size == 0:
        return 0.0, 0.0
    return float(a.min()), float(a.max())


def _ratio(lo: float, hi: float) -> float:
    return hi / lo if lo > 0.0 else 1.0


def _block(model: Any) -> dict[str, Any]:
    clo, chi = _range(model.a_value)
    olo, ohi = _range(model.col_cost)
    return {
        "matrix_coeff_range": [clo, chi],
        "matrix_coeff_ratio": _ratio(clo, chi),
        "objective_range": [olo, ohi],
        "objective_ratio": _ratio(olo, ohi),
    }


def _stats(scale: Any, count: int) -> dict[str, Any]:
    s = np.ones(count) if scale is None else np.asarray(scale, dtype=np.float64)
    if s.size == 0:
        return {"min": 1.0, "max": 1.0, "median": 1.0, "count": 0}
    srt = np.sort(s)
    return {
        "min": float(srt[0]),
        "max": float(srt[-1]),
        "median": float(srt[srt.size // 2]),
        "count": int(s.size),
    }


def scaling_report(templates: list[Any]) -> dict[str, Any]:
    stages = []
    for t, tpl in enumerate(templates):
        model = tpl.model
        raw = getattr(tpl, "unscaled_model", None) or model
        stages.append(
            {
                "stage_id": int(getattr(getattr(tpl, "data", None), "index", t)),
                "dimensions": {
                    "num_cols": int(model.num_cols),
                    "num_rows": int(model.num_rows),
                    "num_nz": int(np.asarray(model.a_value).shape[0]),
                },
                "pre_scaling": _block(raw),
                "post_scaling": _block(model),
                "col_scale": _stats(getattr(tpl, "col_scale", None), int(model.num_cols)),
                "row_scale": _stats(getattr(tpl, "row_scale", None), int(model.num_rows)),
            }
        )
    pre = max((s["pre_scaling"]["matrix_coeff_ratio"] for s in stages), default=1.0)
    post = max((s["post_scaling"]["matrix_coeff_ratio"] for s in stages), default=1.0)
    return {
        "cost_scale_factor": COST_SCALE_FACTOR,
        "stages": stages,
        "summary": {
            "worst_pre_scaling_matrix_ratio": pre,
            "worst_post_scaling_matrix_ratio": post,
            "improvement_factor": pre / post if post > 0 else 1.0,
            "num_stages": len(stages),
        },
    }
