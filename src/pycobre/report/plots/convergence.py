"""Bounds per iteration: lower bound, upper-bound mean with its 95 % CI band, and the gap."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pycobre.report.plots.figure import COLORS, new_figure, style_axis, to_png

__all__ = ["convergence_png"]


def convergence_png(table: pa.Table) -> str:
    it = table["iteration"].to_numpy()
    lb = table["lower_bound"].to_numpy()
    ub = table["upper_bound_mean"].to_numpy()
    std = table["upper_bound_std"].to_numpy()
    passes = np.maximum(table["forward_passes"].to_numpy(), 1)
    half = 1.96 * std / np.sqrt(passes)
    gap = table["gap_percent"].to_numpy(zero_copy_only=False).astype(float)

    fig, (ax, ax_gap) = new_figure(5.2, nrows=2, sharex=True, height_ratios=[3, 1.3])
    ax.fill_between(it, ub - half, ub + half, color=COLORS["ub"], alpha=0.15, linewidth=0,
                    label="upper bound 95% CI")
    ax.plot(it, ub, color=COLORS["ub"], linewidth=0.8, alpha=0.7,
            label="upper bound (mean forward cost)")
    if it.size >= 20:  # a noisy UB (few forward passes) is easier to read with its trend
        window = max(5, it.size // 25)
        trend = np.convolve(ub, np.ones(window) / window, mode="valid")
        ax.plot(it[window - 1:], trend, color="#7f1416", linewidth=1.4, linestyle="--",
                label=f"upper bound, mean of last {window} iterations")
    ax.plot(it, lb, color=COLORS["lb"], linewidth=1.8, label="lower bound")
    ax.set_ylabel("cost ($)", fontsize=9)
    ax.legend(fontsize=8, loc="best", frameon=False)
    style_axis(ax, money_y=True)
    ax_gap.plot(it, gap, color=COLORS["grey"], linewidth=1.0)
    ax_gap.axhline(0.0, color="black", linewidth=0.6)
    ax_gap.set_ylabel("gap (%)", fontsize=9)
    ax_gap.set_xlabel("iteration", fontsize=9)
    style_axis(ax_gap)
    return to_png(fig)
