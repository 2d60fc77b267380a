"""Number formatting that matches Cobre's Rust output (``{:.5e}`` prints ``4.85000e4``)."""

from __future__ import annotations

import math

__all__ = ["rust_sci", "format_money"]


def rust_sci(value: float, digits: int = 5) -> str:
    """Rust's ``{:.Ne}``: no ``+`` and no zero padding in the exponent."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def format_money(value: float) -> str:
    """Thousands-separated amount for the HTML tables (``2,463,357.96``)."""
    if math.isnan(value):
        return "n/a"
    return f"{value:,.2f}" if abs(value) < 1e15 else f"{value:.4e}"
