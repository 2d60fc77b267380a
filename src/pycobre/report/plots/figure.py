"""Figure creation, shared style and PNG embedding for the report plots."""

from __future__ import annotations

import base64
import io
import math

from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter, MaxNLocator

__all__ = ["COLORS", "DPI", "WIDTH_IN", "grid_figure", "label_bottom_row", "new_figure",
           "style_axis", "to_png"]

#: Figures are 11 in wide at 110 dpi (≈1200 px), shown scaled to the page width.
WIDTH_IN = 11.0
DPI = 110
COLORS = {"lb": "#1f77b4", "ub": "#d62728", "band": "#2a6f97", "bar": "#3d7ea6",
          "accent": "#e07a1f", "grey": "#6c757d"}


def new_figure(height_in: float, ncols: int = 1, nrows: int = 1, *, width_in: float = WIDTH_IN,
               **kw) -> tuple[Figure, list]:
    fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, [ax for row in axes for ax in row]


def grid_figure(n_panels: int, panel_height_in: float = 2.6, max_cols: int = 3
                ) -> tuple[Figure, list]:
    """Small multiples: up to ``max_cols`` per row; unused cells are hidden."""
    ncols = max(1, min(max_cols, n_panels))
    nrows = max(1, math.ceil(n_panels / ncols))
    width = WIDTH_IN if ncols >= max_cols else min(WIDTH_IN, 1.0 + 4.6 * ncols)
    fig, axes = new_figure(panel_height_in * nrows + 0.4, ncols, nrows, width_in=width)
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, axes[:n_panels]


def label_bottom_row(axes: list, text: str, max_cols: int = 3) -> None:
    """x label on the lowest panel of each column of a ``grid_figure``."""
    ncols = max(1, min(max_cols, len(axes)))
    for col in range(ncols):
        column = axes[col::ncols]
        column[-1].set_xlabel(text, fontsize=8)


def style_axis(ax, *, money_y: bool = False, unit: str = "", integer_x: bool = True) -> None:
    """Light grid, no top/right spines; ``money_y`` (or a ``unit``) gives ``60 G``-style ticks."""
    ax.grid(True, alpha=0.3, linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    if integer_x:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    if money_y or unit:
        ax.yaxis.set_major_formatter(EngFormatter(unit=unit, sep=" "))


def to_png(fig: Figure) -> str:
    """Base64 PNG of ``fig`` (for ``<img src="data:image/png;base64,...">``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
