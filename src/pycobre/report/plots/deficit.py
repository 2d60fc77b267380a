"""Deficit risk per bus: share of scenarios with load shedding in each stage."""

from __future__ import annotations

import numpy as np

from pycobre.report.fan_data import DeficitRisk
from pycobre.report.plots.figure import COLORS, grid_figure, label_bottom_row, style_axis, to_png

__all__ = ["deficit_png"]


def deficit_png(risk: DeficitRisk, positions: np.ndarray, titles: list[str]) -> str:
    fig, axes = grid_figure(len(positions), panel_height_in=2.3)
    for ax, b, title in zip(axes, positions, titles, strict=True):
        ax.bar(risk.stages, 100.0 * risk.probability[:, b], color=COLORS["ub"], alpha=0.8)
        ax.set_ylim(0, max(5.0, 100.0 * float(risk.probability[:, b].max()) * 1.15))
        ax.set_title(title, fontsize=9)
        ax.set_ylabel("P(deficit) %", fontsize=8)
        style_axis(ax)
    label_bottom_row(axes, "stage")
    return to_png(fig)
