"""Histogram of the scenario total cost with its mean, 95th percentile and CVaR₉₅ marked."""

from __future__ import annotations

import numpy as np

from pycobre.report.cost_stats import CostStats
from pycobre.report.plots.figure import COLORS, new_figure, style_axis, to_png

__all__ = ["cost_distribution_png"]


def cost_distribution_png(total: np.ndarray, stats: CostStats) -> str:
    fig, (ax,) = new_figure(3.6)
    bins = int(np.clip(np.sqrt(total.size) * 2, 10, 60))
    ax.hist(total, bins=bins, color=COLORS["bar"], alpha=0.85, edgecolor="white", linewidth=0.4)
    marks = (("mean", stats.mean, "black", "-"),
             ("95th percentile", float(np.percentile(total, 95)), COLORS["accent"], "--"),
             (f"CVaR {stats.cvar_alpha:.0%}", stats.cvar, COLORS["ub"], ":"))
    for name, value, color, style in marks:
        ax.axvline(value, color=color, linestyle=style, linewidth=1.4, label=name)
    ax.set_xlabel("total discounted cost per scenario ($)", fontsize=9)
    ax.set_ylabel("scenarios", fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    style_axis(ax, integer_x=False)
    from matplotlib.ticker import EngFormatter

    ax.xaxis.set_major_formatter(EngFormatter(sep=" "))
    return to_png(fig)
