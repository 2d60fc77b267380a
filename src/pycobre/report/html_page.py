"""Assembling the self-contained HTML report (``pycobre report DIR --html FILE``)."""

from __future__ import annotations

import datetime as _dt
import os
from html import escape
from pathlib import Path

from pycobre.report.entity_names import BUS, HYDRO, entity_names
from pycobre.report.fan_data import deficit_risk, spot_price_fan, storage_fan
from pycobre.report.html_blocks import Section
from pycobre.report.html_sections import (
    convergence_section,
    cost_sections,
    deficit_section,
    fan_section,
    metadata_section,
    overview_section,
    simulation_costs,
)
from pycobre.report.html_style import CSS
from pycobre.report.run_files import RunFiles, open_run
from pycobre.report.summary_text import summary_lines, training_figures

__all__ = ["build_sections", "render_html", "write_html_report"]


def build_sections(run: RunFiles) -> list[Section]:
    names = entity_names(run.training_dir)
    costs, stats = simulation_costs(run)
    sim = run.simulation_dir if run.simulation is not None else None
    storage = storage_fan(sim) if sim else None
    prices = spot_price_fan(sim) if sim else None
    risk = deficit_risk(sim) if sim else None
    return [
        overview_section(run, training_figures(run), stats),
        convergence_section(run),
        *cost_sections(costs, stats),
        fan_section("storage", "Storage per hydro", storage, names, code=HYDRO, kind="hydro",
                    y_label="storage (hm³)", unit="", rule="largest mean storage"),
        fan_section("spot-price", "Spot price per bus", prices, names, code=BUS, kind="bus",
                    y_label="$/MWh", unit="", rule="highest mean price"),
        deficit_section(risk, names),
        metadata_section(run, escape("\n".join(summary_lines(run)))),
    ]


def render_html(run: RunFiles) -> str:
    sections = build_sections(run)
    toc = "".join(f'<li><a href="#{s.anchor}">{escape(s.title)}</a></li>' for s in sections)
    body = "".join(f'<section id="{s.anchor}"><h2>{escape(s.title)}</h2>{s.body}</section>'
                   for s in sections)
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    version = escape(str(run.training.get("cobre_version", "?")))
    from pycobre import __version__

    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Run report — {escape(run.root.name)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>SDDP run report</h1><p>{escape(str(run.root))} · produced by version "
        f"{version} · report generated {now}</p></header>"
        f'<div class="layout"><nav><h2>Contents</h2><ol>{toc}</ol></nav><main>{body}</main></div>'
        f"<footer>pycobre {escape(__version__)} — self-contained report, no network access "
        "needed.</footer></body></html>\n"
    )


def write_html_report(run: RunFiles | str | os.PathLike[str], html_path: str | os.PathLike[str]
                      ) -> Path:
    """Render the report of ``run`` (a ``RunFiles`` or an output directory) to ``html_path``."""
    if not isinstance(run, RunFiles):
        run = open_run(run)
    from pycobre.io.output.atomic import write_text_atomic

    path = Path(html_path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, render_html(run))
    return path
