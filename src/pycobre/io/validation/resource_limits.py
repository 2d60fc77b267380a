"""L2 rule: sizes that would exhaust memory or never finish are refused with the limit and the
field (limits and their reasons in ``pycobre.io.limits``). Tolerates malformed values (the type
checks report those): only well-typed numbers are compared."""

from __future__ import annotations

import math
from typing import Any

from pycobre.io import limits as L
from pycobre.io.validation.collector import Collector
from pycobre.io.validation.view import REGISTRIES, CaseView

HYDROS = "system/hydros.json"
AR_TABLE = "scenarios/inflow_ar_coefficients.parquet"
HISTORY_TABLE = "scenarios/inflow_history.parquet"


def _int(v: Any) -> int | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return int(v) if math.isfinite(v) else None


def _over(sink: Collector, file: str, field: str, what: str, value: int, limit: int,
          entity: Any = None, hint: str | None = None) -> None:
    sink.add(
        "OutOfRange",
        f"{what} {value:,} exceeds the supported limit of {limit:,} (field: {field})",
        file=file, entity=entity, field=field, value=value, limit=limit,
        cobre_kind="SchemaViolation",
        suggestion=hint or "this is far beyond production scale; check the value "
        "(limits are listed in docs/dev/limits.md)",
    )


def _max_iterations(config: dict[str, Any]) -> int:
    training = config.get("training")
    rules = training.get("stopping_rules") if isinstance(training, dict) else None
    limits = [_int(r.get("limit")) for r in rules or [] if isinstance(r, dict)
              and r.get("type") == "iteration_limit"] if isinstance(rules, list) else []
    limits = [x for x in limits if x is not None]
    return max(limits) if limits else L.DEFAULT_MAX_ITERATIONS


def _n_lags(view: CaseView) -> int:
    table = view.raw.tables.get(AR_TABLE)
    if table is not None and "lag" in table.column_names and table.num_rows:
        try:
            return max(0, int(max(x for x in table.column("lag").to_pylist() if x is not None)))
        except (TypeError, ValueError, OverflowError):
            return 0
    if HISTORY_TABLE in view.raw.tables:
        est = view.config.get("estimation")
        order = _int(est.get("max_order")) if isinstance(est, dict) else None
        return max(0, order if order is not None else 6)
    return 0


def _items(view: CaseView, rel: str, key: str) -> list[Any]:
    """``doc[key]`` when it is a list (this rule runs on malformed input too)."""
    value = view.doc(rel).get(key)
    return value if isinstance(value, list) else []


def _count(view: CaseView, registry: str) -> int:
    reg = REGISTRIES[registry]
    return len(_items(view, reg.file, reg.key))


def check_resource_limits(view: CaseView, sink: Collector) -> None:
    cfg = view.config if isinstance(view.config, dict) else {}
    training = cfg.get("training") if isinstance(cfg.get("training"), dict) else {}
    simulation = cfg.get("simulation") if isinstance(cfg.get("simulation"), dict) else {}
    iterations = _max_iterations(cfg)
    rules = training.get("stopping_rules")
    if iterations > L.MAX_ITERATIONS and isinstance(rules, list):
        idx = next(i for i, r in enumerate(rules) if isinstance(r, dict)
                   and r.get("type") == "iteration_limit" and _int(r.get("limit")) == iterations)
        _over(sink, "config.json", f"training.stopping_rules[{idx}].limit", "iteration limit",
              iterations, L.MAX_ITERATIONS)
    passes = _int(training.get("forward_passes"))
    if passes is not None and passes > L.MAX_FORWARD_PASSES:
        _over(sink, "config.json", "training.forward_passes", "forward passes", passes,
              L.MAX_FORWARD_PASSES)
    sims = _int(simulation.get("num_scenarios"))
    if sims is not None and sims > L.MAX_SIMULATION_SCENARIOS:
        _over(sink, "config.json", "simulation.num_scenarios", "simulation scenarios", sims,
              L.MAX_SIMULATION_SCENARIOS)
    stages = [s for s in _items(view, "stages.json", "stages") if isinstance(s, dict)]
    if len(stages) > L.MAX_STUDY_STAGES:
        _over(sink, "stages.json", "stages", "number of study stages", len(stages),
              L.MAX_STUDY_STAGES)
    openings_total = 0
    for i, stage in enumerate(stages):
        blocks = stage.get("blocks")
        if isinstance(blocks, list) and len(blocks) > L.MAX_BLOCKS_PER_STAGE:
            _over(sink, "stages.json", f"stages[{i}].blocks", "number of blocks", len(blocks),
                  L.MAX_BLOCKS_PER_STAGE, entity=stage.get("id"))
        n_open = _int(stage.get("num_scenarios"))
        if n_open is not None and n_open > L.MAX_OPENINGS_PER_STAGE:
            _over(sink, "stages.json", f"stages[{i}].num_scenarios", "openings per stage",
                  n_open, L.MAX_OPENINGS_PER_STAGE, entity=stage.get("id"))
        openings_total += max(n_open or 1, 1)
    n_hydros = _count(view, "hydros")
    noise_dim = max(1, n_hydros + _count(view, "buses") + _count(view, "non_controllable_sources"))
    tree = openings_total * noise_dim * 8
    if tree > L.MAX_OPENING_TREE_BYTES:
        _over_memory(sink, "stages.json", "stages[].num_scenarios", "opening tree", tree,
                     L.MAX_OPENING_TREE_BYTES, "reduce num_scenarios (openings) of the stages")
    if passes is None or passes < 1:
        return
    slots = (iterations + 1) * passes
    if slots > L.MAX_CUT_SLOTS_PER_STAGE and iterations <= L.MAX_ITERATIONS \
            and passes <= L.MAX_FORWARD_PASSES:
        _over(sink, "config.json", "training.forward_passes",
              "cut slots per stage ((iteration limit + 1) x forward passes)", slots,
              L.MAX_CUT_SLOTS_PER_STAGE,
              hint="lower the iteration limit or the forward passes")
    n_state = n_hydros * (1 + _n_lags(view))
    pool = max(len(stages), 1) * slots * (n_state * 8 + L.CUT_SLOT_OVERHEAD_BYTES)
    if pool > L.MAX_CUT_POOL_BYTES and slots <= L.MAX_CUT_SLOTS_PER_STAGE:
        _over_memory(sink, "config.json", "training.forward_passes", "cut pools", pool,
                     L.MAX_CUT_POOL_BYTES, "lower the iteration limit or the forward passes")


def _over_memory(sink: Collector, file: str, field: str, what: str, need: int, limit: int,
                 hint: str) -> None:
    sink.add(
        "OutOfRange",
        f"the {what} would need {L.human_bytes(need)} of memory, more than the supported limit "
        f"of {L.human_bytes(limit)} (field: {field})",
        file=file, field=field, value=need, limit=limit, cobre_kind="SchemaViolation",
        suggestion=hint,
    )
