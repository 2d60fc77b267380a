"""The sections of the HTML report, each built from the output files it needs.

A section whose data is absent (no simulation, no convergence file, no hydros) still appears
with a short note, so the table of contents is the same for every run.
"""

from __future__ import annotations

import warnings

import numpy as np

from pycobre.progress import format_duration
from pycobre.report.cost_stats import CostData, CostStats, category_totals, cost_stats
from pycobre.report.entity_names import BUS, label
from pycobre.report.fan_data import DeficitRisk, Fan
from pycobre.report.html_blocks import Section, cards, image, key_value_table, note, table
from pycobre.report.number_format import format_money, rust_sci
from pycobre.report.run_files import RunFiles
from pycobre.report.summary_text import TrainingFigures

__all__ = ["MAX_PANELS", "convergence_section", "cost_sections", "deficit_section",
           "fan_section", "metadata_section", "overview_section", "plural", "simulation_costs"]

#: At most this many entities get a panel; the selection rule is stated under the plot.
MAX_PANELS = 12
MAX_TABLE_ROWS = 25


def plural(n: int, noun: str) -> str:
    suffix = "es" if noun.endswith(("s", "x", "sh", "ch")) else "s"
    return f"{n} {noun}" if n == 1 else f"{n} {noun}{suffix}"


def overview_section(run: RunFiles, fig: TrainingFigures, stats: CostStats | None) -> Section:
    meta = run.training
    conv = meta.get("convergence") or {}
    items = [
        ("status", str(meta.get("status", "?"))),
        ("iterations", f"{fig.iterations}"
         + (f" (converged at {fig.converged_at})" if fig.converged_at is not None else "")),
        ("termination", str(conv.get("termination_reason", "?"))),
        ("lower bound", rust_sci(fig.lower_bound)),
        # std is 0 with one forward pass (a single sample): no "± 0" that reads as certainty
        ("upper bound", rust_sci(fig.upper_bound) + (
            f" ± {rust_sci(fig.upper_bound_std, 2)}" if fig.upper_bound_std > 0 else "")),
        ("gap", "n/a" if fig.gap_percent is None else f"{fig.gap_percent:.2f} %"),
        # the summary's figure (sum of iteration times), so the page agrees with itself
        ("training time", format_duration(fig.total_time_ms / 1e3 if fig.total_time_ms
                                          else float(meta.get("duration_seconds") or 0.0))),
    ]
    if run.simulation is not None:
        scen = run.simulation.get("scenarios") or {}
        items.append(("scenarios simulated", f"{scen.get('completed', '?')} of "
                      f"{scen.get('total', '?')}"))
    else:
        items.append(("simulation", "not run"))
    if stats is not None:
        items += [
            ("expected cost", f"{rust_sci(stats.mean, 4)} ± {rust_sci(stats.ci_95_half_width, 2)}"),
            (f"CVaR {stats.cvar_alpha:.0%}", rust_sci(stats.cvar, 4)),
        ]
    return Section("overview", "Overview", cards(items))


def convergence_section(run: RunFiles) -> Section:
    path = run.training_dir / "convergence.parquet"
    if not path.is_file():
        return Section("convergence", "Convergence", note(f"{path} not found."))
    from pycobre.report.plots.convergence import convergence_png
    from pycobre.results import load_convergence_arrow

    conv = load_convergence_arrow(run.root)
    if conv.num_rows == 0:
        return Section("convergence", "Convergence", note("No iteration was recorded."))
    body = image(convergence_png(conv), "lower and upper bound per iteration") + note(
        "Lower bound (first-stage LP value with the cuts of the iteration), mean forward-pass "
        "cost with its 95 % confidence band (± 1.96·std/√forward passes) and, for runs of 20 "
        "or more iterations, its moving average (dashed); below, the gap "
        "(UB − LB)/max(1, |UB|) in percent (empty where LB ≤ 0).")
    return Section("convergence", "Convergence of the bounds", body)


def _stats_table(stats: CostStats) -> str:
    rows = [["scenarios", str(stats.n_scenarios)], ["mean", format_money(stats.mean)],
            ["95 % CI half-width", format_money(stats.ci_95_half_width)],
            ["standard deviation", format_money(stats.std)], ["min", format_money(stats.min)],
            ["max", format_money(stats.max)],
            [f"CVaR {stats.cvar_alpha:.0%} (mean of worst tail)", format_money(stats.cvar)]]
    return table(["statistic", "total discounted cost ($)"], rows, numeric={1})


def cost_sections(costs: CostData | None, stats: CostStats | None) -> list[Section]:
    if costs is None or stats is None:
        msg = note("No simulation results (simulation disabled or simulation/costs missing).")
        return [Section("cost-distribution", "Distribution of total cost", msg),
                Section("cost-breakdown", "Cost breakdown", msg)]
    from pycobre.report.plots.cost_breakdown import cost_breakdown_png
    from pycobre.report.plots.cost_distribution import cost_distribution_png

    dist = (image(cost_distribution_png(costs.total, stats), "histogram of scenario cost")
            + note("Scenario cost = Σ over stages of discount factor × immediate cost.")
            + _stats_table(stats))
    cat_rows = [[name, format_money(v["mean"]), format_money(v["max"]),
                 f"{100 * v['frequency']:.1f} %"] for name, v in stats.categories.items()]
    breakdown = (image(cost_breakdown_png(costs), "cost by category, component and stage")
                 + note("Category and component values are undiscounted sums over stages "
                        "(as in the costs table); the per-stage bars are discounted.")
                 + table(["category", "mean ($)", "max ($)", "scenarios with cost"], cat_rows,
                         numeric={1, 2, 3}))
    return [Section("cost-distribution", "Distribution of total cost", dist),
            Section("cost-breakdown", "Cost breakdown", breakdown)]


def fan_section(anchor: str, title: str, fan: Fan | None, names: dict, *, code: int, kind: str,
                y_label: str, unit: str, rule: str) -> Section:
    if fan is None:
        return Section(anchor, title, note(f"No simulation results for {kind}s in this run."))
    from pycobre.report.plots.fan_chart import fan_png, select_entities

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        score = np.nanmean(fan.mean, axis=0)
    positions = select_entities(score, MAX_PANELS)
    titles = [label(names, code, int(fan.entities[p]), kind) for p in positions]
    body = image(fan_png(fan, positions, titles, y_label, unit),
                 f"{title}: {', '.join(titles)}")
    shown = f"all {plural(len(positions), kind)}" if len(positions) == fan.entities.size else (
        f"{len(positions)} of {plural(int(fan.entities.size), kind)} ({rule})")
    body += note(f"Bands: 5–95 % and 25–75 % of scenarios per stage; median solid, mean "
                 f"dashed. Showing {shown}.")
    return Section(anchor, title, body)


def deficit_section(risk: DeficitRisk | None, names: dict) -> Section:
    title = "Deficit risk"
    if risk is None:
        return Section("deficit", title, note("No simulation results for buses in this run."))
    rows = [[label(names, BUS, int(b), "bus"), f"{100 * risk.any_probability[i]:.1f} %",
             format_money(float(risk.expected_total_mwh[i])),
             format_money(float(risk.max_total_mwh[i]))] for i, b in enumerate(risk.buses)]
    order = np.argsort(-risk.expected_total_mwh, kind="stable")
    rows = [rows[i] for i in order[:MAX_TABLE_ROWS]]
    summary = table(["bus", "P(deficit in some stage)", "expected deficit (MWh)",
                     "worst scenario (MWh)"], rows, numeric={1, 2, 3})
    if risk.buses.size > MAX_TABLE_ROWS:
        summary += note(f"Table limited to the {MAX_TABLE_ROWS} buses with the largest "
                        f"expected deficit (of {risk.buses.size}).")
    hit = np.flatnonzero(risk.any_probability > 0)
    if hit.size == 0:
        body = note(f"No deficit in any stage of any of the {risk.n_scenarios} scenarios.")
        return Section("deficit", title, body + summary)
    from pycobre.report.plots.deficit import deficit_png
    from pycobre.report.plots.fan_chart import select_entities

    chosen = hit[select_entities(risk.expected_total_mwh[hit], MAX_PANELS)]
    titles = [label(names, BUS, int(risk.buses[b]), "bus") for b in chosen]
    body = image(deficit_png(risk, chosen, titles), "deficit probability per stage")
    body += note(f"Share of the {risk.n_scenarios} scenarios with load shedding in each stage, "
                 f"for {plural(int(chosen.size), 'bus')} with deficit (largest expected deficit first).")
    return Section("deficit", title, body + summary)


def metadata_section(run: RunFiles, summary_text: str) -> Section:
    parts = ["<h3>Summary</h3>", f"<pre>{summary_text}</pre>", '<div class="meta-grid">',
             "<div><h3>Training (training/metadata.json)</h3>", key_value_table(run.training),
             "</div>"]
    if run.simulation is not None:
        parts += ["<div><h3>Simulation (simulation/metadata.json)</h3>",
                  key_value_table(run.simulation), "</div>"]
    provenance = run.optional_json("training/model_provenance.json")
    if isinstance(provenance, dict):
        parts += ["<div><h3>Stochastic model (training/model_provenance.json)</h3>",
                  key_value_table(provenance), "</div>"]
    parts.append("</div>")
    return Section("metadata", "Run metadata", "".join(parts))


def simulation_costs(run: RunFiles) -> tuple[CostData | None, CostStats | None]:
    if run.simulation is None:
        return None, None
    from pycobre.report.cost_stats import read_costs

    costs = read_costs(run.simulation_dir)
    if costs is None:
        return None, None
    return costs, cost_stats(costs.total, category_totals(costs))

