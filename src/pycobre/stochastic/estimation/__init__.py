"""PAR(p) / PAR(p)-A estimation from ``inflow_history.parquet`` (spec 11 §5)."""
