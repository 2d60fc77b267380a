"""Per-block hydro quantities that the simulation extraction hands to the writer (spec 13 §4)."""

HYDRO_BLOCK_QUANTITIES = (
    "turbined_m3s",
    "spillage_m3s",
    "diverted_inflow_m3s",
    "diverted_outflow_m3s",
    "generation_mw",
    "spillage_cost",
    "turbined_slack_m3s",
    "outflow_slack_below_m3s",
    "outflow_slack_above_m3s",
    "generation_slack_mw",
)
