"""Mean cost per category and per component, and the expected discounted cost per stage."""

from __future__ import annotations

import numpy as np

from pycobre.report.cost_stats import CostData, category_totals
from pycobre.report.plots.figure import COLORS, new_figure, style_axis, to_png

__all__ = ["cost_breakdown_png"]


def _barh(ax, labels: list[str], values: list[float], title: str) -> None:
    y = np.arange(len(labels))
    ax.barh(y, values, color=COLORS["bar"])
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=9)
    style_axis(ax, money_y=False, integer_x=False)
    from matplotlib.ticker import EngFormatter

    ax.xaxis.set_major_formatter(EngFormatter(sep=" "))


def cost_breakdown_png(costs: CostData) -> str:
    fig, (ax_cat, ax_comp, ax_stage) = new_figure(3.6, ncols=3, width_ratios=[1, 1.3, 1.3])
    cats = category_totals(costs)
    _barh(ax_cat, list(cats), [float(v.mean()) for v in cats.values()],
          "mean cost by category ($, undiscounted)")
    comps = {k.removesuffix("_cost"): float(v.mean()) for k, v in costs.components.items()
             if np.any(v != 0)}
    if comps:
        _barh(ax_comp, list(comps), list(comps.values()), "mean cost by component (non-zero)")
    else:
        ax_comp.set_axis_off()
        ax_comp.text(0.5, 0.5, "all cost components are zero", ha="center", fontsize=9)
    mean = costs.stage_cost.mean(axis=0)
    lo, hi = np.percentile(costs.stage_cost, [5, 95], axis=0)
    ax_stage.bar(costs.stages, mean, color=COLORS["bar"], label="mean")
    ax_stage.errorbar(costs.stages, mean, yerr=[np.clip(mean - lo, 0, None), np.clip(hi - mean, 0, None)], fmt="none",
                      ecolor=COLORS["grey"], linewidth=0.8, label="5–95 %")
    ax_stage.set_title("discounted immediate cost per stage ($)", fontsize=9)
    ax_stage.set_xlabel("stage", fontsize=9)
    ax_stage.legend(fontsize=7, frameon=False)
    style_axis(ax_stage, money_y=True)
    return to_png(fig)
