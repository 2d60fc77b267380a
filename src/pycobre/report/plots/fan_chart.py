"""Fan charts (percentile bands over scenarios, per stage) as small multiples per entity."""

from __future__ import annotations

import numpy as np

from pycobre.report.fan_data import Fan
from pycobre.report.plots.figure import COLORS, grid_figure, label_bottom_row, style_axis, to_png

__all__ = ["fan_png", "select_entities"]


def select_entities(score: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the ``limit`` highest-scoring entities, in ascending position order."""
    if score.size <= limit:
        return np.arange(score.size)
    order = np.argsort(-np.nan_to_num(score, nan=-np.inf), kind="stable")[:limit]
    return np.sort(order)


def fan_png(fan: Fan, positions: np.ndarray, titles: list[str], y_label: str, unit: str) -> str:
    fig, axes = grid_figure(len(positions))
    x = fan.stages
    p5, p25, p50, p75, p95 = (fan.bands[i] for i in range(5))
    for ax, e, title in zip(axes, positions, titles, strict=True):
        ax.fill_between(x, p5[:, e], p95[:, e], color=COLORS["band"], alpha=0.18, linewidth=0,
                        label="5–95 %")
        ax.fill_between(x, p25[:, e], p75[:, e], color=COLORS["band"], alpha=0.38, linewidth=0,
                        label="25–75 %")
        ax.plot(x, p50[:, e], color=COLORS["band"], linewidth=1.6, label="median")
        ax.plot(x, fan.mean[:, e], color=COLORS["accent"], linewidth=1.0, linestyle="--",
                label="mean")
        if fan.start is not None:
            ax.axhline(fan.start[e], color=COLORS["grey"], linewidth=0.8, linestyle=":",
                       label="initial")
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(y_label, fontsize=8)
        style_axis(ax, money_y=True, unit=unit)
    axes[0].legend(fontsize=7, frameon=False, loc="best")
    label_bottom_row(axes, "stage")
    return to_png(fig)
