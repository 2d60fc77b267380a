"""Case templates shipped for ``pycobre init`` (copies of ``examples/1dtoy`` and ``examples/4ree``).

``TEMPLATES`` maps a template name to its one-line description; ``FILE_DESCRIPTIONS`` explains
each file of a scaffolded case.
"""

from __future__ import annotations

TEMPLATES: dict[str, str] = {
    "1dtoy": "Single-bus hydrothermal system with one hydro plant and two thermals over a "
    "4-stage finite horizon",
    "4ree": "Four-region Brazilian hydrothermal system (5 buses, 4 hydros, 126 thermals, "
    "5 lines) over 12 monthly stages",
}

FILE_DESCRIPTIONS: dict[str, str] = {
    "config.json": "Solver configuration: training, stopping rules, simulation",
    "initial_conditions.json": "Initial reservoir storage of each hydro",
    "penalties.json": "Global penalty costs: deficit, excess, spillage, violations",
    "stages.json": "Stages, load blocks and policy graph (horizon, discount rate)",
    "system/buses.json": "Electrical buses and their deficit cost tiers",
    "system/hydros.json": "Hydro plants: reservoir, outflow and generation limits",
    "system/lines.json": "Transmission lines between buses",
    "system/thermals.json": "Thermal plants: capacity and cost",
    "scenarios/inflow_seasonal_stats.parquet": "Inflow mean and standard deviation per hydro "
    "and stage",
    "scenarios/load_seasonal_stats.parquet": "Load mean and standard deviation per bus and stage",
}
