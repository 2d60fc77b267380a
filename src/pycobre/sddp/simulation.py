"""Policy simulation (spec 13): run scenarios through the stages with the final cuts.

Each scenario starts from the initial state, draws the simulation noise of
``stochastic.simulation_noise`` (scenario id offset applied by the stochastic layer), solves
every stage LP with the policy's **active** cuts, extracts the per-entity results (spec 13 §4)
and carries the outgoing state (storages + lag update) to the next stage. Every solve starts
from the same basis (the stage's stored one, or cold), so a scenario's result does not depend on
which worker ran it or on the scenarios solved before it (spec 13 §8).

With a ``pycobre.comm`` communicator of several ranks (spec 21 §3.5) the scenarios are split in
contiguous blocks over the ranks (then over each rank's threads); every rank writes the
partitions of its own scenarios, the per-scenario totals are gathered in rank (= scenario)
order, and rank 0 alone writes the solver tables, ``metadata.json`` and ``_SUCCESS`` — the
files are the same as those of a single-process run.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from pycobre.errors import PolicyIncompatibleError
from pycobre.io.output.simulation_rows import ScenarioTables, StageLayout
from pycobre.io.output.simulation_schemas import COSTS_COMPONENT_COLUMNS
from pycobre.lp.extract import COST_COMPONENTS as _LP_COMPONENTS  # extract()'s order
from pycobre.sddp.lag_state import LagAccumulator
from pycobre.sddp.solver_stats import SolverStats
from pycobre.sddp.stage_solver import COLD, PooledStageLP

__all__ = [
    "CATEGORIES",
    "SimulationOutcome",
    "SimulationSummary",
    "active_cuts",
    "category_totals",
    "check_policy_compatibility",
    "simulate",
    "simulate_problem",
    "stage_layouts",
    "summarize_costs",
]

COST_SCALE = 1000.0
CVAR_ALPHA = 0.95
#: Cost categories of spec 13 §5.2 and the component columns each sums.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "resource": ("thermal_cost", "contract_cost"),
    "recourse": ("deficit_cost", "excess_cost"),
    "violation": (
        "storage_violation_cost",
        "filling_target_cost",
        "hydro_violation_cost",
        "inflow_penalty_cost",
        "generic_violation_cost",
    ),
    "regularization": ("spillage_cost", "fpha_turbined_cost", "curtailment_cost", "exchange_cost"),
    "imputed": ("pumping_cost",),
}
_COMPONENT_INDEX = {name: i for i, name in enumerate(COSTS_COMPONENT_COLUMNS)}
_CATEGORY_MATRIX = np.zeros((len(COSTS_COMPONENT_COLUMNS), len(CATEGORIES)))
for _c, _names in enumerate(CATEGORIES.values()):
    for _n in _names:
        _CATEGORY_MATRIX[_COMPONENT_INDEX[_n], _c] = 1.0

#: hydro-violation sub-components: output column -> LP column families
_HYDRO_SUBCOSTS = {
    "outflow_violation_below_cost": ("slack_outflow_below",),
    "outflow_violation_above_cost": ("slack_outflow_above",),
    "turbined_violation_cost": ("slack_turbined_below",),
    "generation_violation_cost": ("slack_generation_below",),
    "evaporation_violation_cost": ("evaporation",),
    "withdrawal_violation_cost": ("withdrawal_slack_neg", "withdrawal_slack_pos"),
}


# -- statistics ------------------------------------------------------------------------------
def category_totals(components: np.ndarray) -> np.ndarray:
    """(…, 20) component costs -> (…, 5) category costs (spec 13 §5.2)."""
    return np.asarray(components, dtype=np.float64) @ _CATEGORY_MATRIX


@dataclass
class SimulationSummary:
    n_scenarios: int
    mean_cost: float
    std_cost: float
    min_cost: float
    max_cost: float
    cvar: float
    cvar_alpha: float
    categories: dict[str, dict[str, float]]
    deficit_frequency: float = 0.0
    total_deficit_mwh: float = 0.0
    total_spillage_mwh: float = 0.0

    @property
    def ci_95_half_width(self) -> float:
        """Training convention ``1.96 s / sqrt(S)`` (0 when S < 2)."""
        return 1.96 * self.std_cost / math.sqrt(self.n_scenarios) if self.n_scenarios > 1 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_scenarios": self.n_scenarios,
            "mean_cost": self.mean_cost,
            "std_cost": self.std_cost,
            "min_cost": self.min_cost,
            "max_cost": self.max_cost,
            "cvar": self.cvar,
            "cvar_alpha": self.cvar_alpha,
            "categories": {k: dict(v) for k, v in self.categories.items()},
            "deficit_frequency": self.deficit_frequency,
            "total_deficit_mwh": self.total_deficit_mwh,
            "total_spillage_mwh": self.total_spillage_mwh,
        }


def summarize_costs(costs: np.ndarray, categories: np.ndarray | None = None) -> SimulationSummary:
    """Spec 13 §6 statistics from scenario-ordered totals (and (S, 5) category totals)."""
    c = np.asarray(costs, dtype=np.float64).ravel()
    s = c.shape[0]
    cats = np.zeros((s, len(CATEGORIES))) if categories is None else np.asarray(categories)
    if s == 0:
        zero = {k: {"mean": 0.0, "max": 0.0, "frequency": 0.0} for k in CATEGORIES}
        return SimulationSummary(0, 0.0, 0.0, 0.0, 0.0, 0.0, CVAR_ALPHA, zero)
    mean = float(c.sum() / s)
    std = float(math.sqrt(((c - mean) ** 2).sum() / (s - 1))) if s > 1 else 0.0
    tail = min(s, max(1, s - math.floor(CVAR_ALPHA * s)))
    worst = np.sort(c)[::-1][:tail]
    per_cat = {
        name: {
            "mean": float(cats[:, i].sum() / s),
            "max": float(cats[:, i].max()),
            "frequency": float(np.count_nonzero(cats[:, i]) / s),
        }
        for i, name in enumerate(CATEGORIES)
    }
    return SimulationSummary(
        n_scenarios=s,
        mean_cost=mean,
        std_cost=std,
        min_cost=float(c.min()),
        max_cost=float(c.max()),
        cvar=float(worst.sum() / tail),
        cvar_alpha=CVAR_ALPHA,
        categories=per_cat,
    )


# -- policy input ----------------------------------------------------------------------------
def active_cuts(policy: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per stage ``(coefs (k, n), intercepts (k,))`` of the active cuts, in slot order.

    Accepts training cut pools (``CutPool`` list or an object with ``.pools``), a ``PolicyData``
    (``.cuts`` of ``StageCuts``), a list of ``StageCuts``, or ready ``(coefs, intercepts)`` pairs.
    """
    stages = getattr(policy, "pools", None) or getattr(policy, "cuts", None) or policy
    out = []
    for st in stages:
        if isinstance(st, tuple):
            coefs, intercepts = st
            out.append((np.asarray(coefs, dtype=np.float64), np.asarray(intercepts, np.float64)))
        elif hasattr(st, "active_slots"):  # CutPool
            slots = st.active_slots()
            out.append((st.coefs[slots].copy(), st.intercepts[slots].copy()))
        else:  # StageCuts
            keep = np.asarray(st.is_active, dtype=bool)
            out.append((st.coefficients[keep].copy(), st.intercepts[keep].copy()))
    return out


def check_policy_compatibility(policy: Any, *, n_state: int, n_stages: int) -> None:
    """Spec 05 §5 / 21 §11.6 checks for a loaded ``PolicyData``."""
    meta = policy.metadata
    if int(meta.state_dimension) != n_state:
        raise PolicyIncompatibleError(
            f"policy state_dimension mismatch: policy has {meta.state_dimension}, "
            f"current system has {n_state}",
            context={"field": "state_dimension", "policy": meta.state_dimension, "system": n_state},
        )
    if int(meta.num_stages) != n_stages:
        raise PolicyIncompatibleError(
            f"policy num_stages mismatch: policy has {meta.num_stages}, "
            f"current system has {n_stages}",
            context={"field": "num_stages", "policy": meta.num_stages, "system": n_stages},
        )


# -- stage layouts ---------------------------------------------------------------------------
def stage_layouts(
    system: Any, templates: Sequence[Any], stochastic: Any = None
) -> list[StageLayout]:
    """Entity ids per stage from the LP templates (+ line losses, placeholders from the system)."""
    loss_by_id = {
        int(ln.id): float(getattr(ln, "losses_percent", 0.0) or 0.0) / 100.0
        for ln in getattr(system, "lines", ()) or ()
    }
    pumping = np.array([int(e.id) for e in getattr(system, "pumping_stations", ()) or ()], np.int64)
    contracts = np.array([int(e.id) for e in getattr(system, "contracts", ()) or ()], np.int64)
    layouts = []
    for t, tp in enumerate(templates):
        d = tp.data
        # P = lags carried in the state: the largest AR order, 12 with an annual component
        p = int(getattr(tp, "n_lags", None) or np.asarray(d.inflow.psi).shape[1])
        line_ids = np.asarray(d.lines.ids, dtype=np.int64)
        layouts.append(
            StageLayout(
                stage_index=t,
                hours=np.asarray(d.hours, dtype=np.float64),
                hydro_ids=np.asarray(d.hydros.ids, dtype=np.int64),
                thermal_ids=np.asarray(d.thermals.ids, dtype=np.int64),
                line_ids=line_ids,
                line_loss_fraction=np.array([loss_by_id.get(int(i), 0.0) for i in line_ids]),
                bus_ids=np.asarray(d.buses.ids, dtype=np.int64),
                ncs_ids=np.asarray(d.ncs.ids, dtype=np.int64),
                pumping_ids=pumping,
                contract_ids=contracts,
                n_lag_rows=p,
            )
        )
    return layouts


def _stage_costs(lp: Any, res: Any, q: dict[str, np.ndarray]) -> dict[str, float]:
    """Cost columns of the ``costs`` table (spec 13 §4-§5.1), in $."""
    out = {
        "total_cost": float(q.get("total_cost", res.objective * COST_SCALE)),
        "immediate_cost": float(q.get("immediate_cost", res.stage_cost * COST_SCALE)),
        "future_cost": float(q.get("future_cost", (res.objective - res.stage_cost) * COST_SCALE)),
    }
    comps = q.get("cost_components")
    if comps is not None:
        out.update(zip(_LP_COMPONENTS, (float(v) for v in np.asarray(comps)), strict=False))
    tp = getattr(lp, "template", None)
    spans = getattr(tp, "col_spans", None)
    if spans is not None:
        x, cost = res.primal, tp.cost_dollars
        for column, families in _HYDRO_SUBCOSTS.items():
            total = 0.0
            for fam in families:
                if fam in spans:
                    sl = tp.cols(fam)
                    total += float(x[sl] @ cost[sl])
            out[column] = total
    return out


# -- the run ---------------------------------------------------------------------------------
@dataclass
class ScenarioResult:
    scenario_id: int
    total_cost: float  # sum_t D_t * immediate_cost ($)
    components: np.ndarray  # (20,) undiscounted sums over stages
    tables: dict[str, pa.Table] | None = None
    # the stage inputs of the tables, not yet built: handed as they are to the writer (whose
    # background thread then builds them) unless the tables are kept
    rows: ScenarioTables | None = None


@dataclass
class SimulationOutcome:
    scenario_ids: np.ndarray
    scenario_costs: np.ndarray  # (S,) discounted totals, scenario order
    category_costs: np.ndarray  # (S, 5), CATEGORIES order
    summary: SimulationSummary
    solver_stats: SolverStats
    started_at: str
    completed_at: str
    duration_seconds: float
    tables: dict[int, dict[str, pa.Table]] = field(default_factory=dict)  # when kept

    @property
    def n_scenarios(self) -> int:
        return int(self.scenario_ids.shape[0])

    # names of spec 20 §7.3 ``SimulationResult`` / the ``run()`` summary
    scenarios = n_scenarios
    completed = n_scenarios

    @property
    def costs(self) -> np.ndarray:
        return self.scenario_costs

    @property
    def mean_cost(self) -> float:
        return self.summary.mean_cost

    @property
    def std_cost(self) -> float:
        return self.summary.std_cost


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _SimWorker:
    """One thread's stage LPs (with the policy's cuts) and its solver counters."""

    def __init__(self, problem: Any, cuts: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        self.problem = problem
        self.lps = []
        for t in range(problem.n_stages):
            lp = problem.make_lp(t)
            coefs, intercepts = cuts[t]
            if intercepts.shape[0]:
                lp.set_cuts(coefs, intercepts)
            self.lps.append(PooledStageLP(lp, None))
        self.stats = SolverStats()


def simulate_problem(
    problem: Any,
    cuts: Sequence[tuple[np.ndarray, np.ndarray]],
    layouts: Sequence[StageLayout],
    noise: Callable[[np.ndarray, int], np.ndarray],
    scenarios: Sequence[int],
    *,
    threads: int = 1,
    bases: Sequence[Any] | None = None,
    on_scenario: Callable[[ScenarioResult], None] | None = None,
    keep_tables: bool = True,
    chunk: int = 16,
    initial_state: Callable[[int], np.ndarray] | None = None,
) -> tuple[list[ScenarioResult], SolverStats]:
    """Core loop on a prepared ``TrainingProblem``; ``noise(scenario_ids, t) -> (n, D)``.

    ``initial_state(j)`` overrides the stage-0 state of scenario ``j`` (historical lag seeding).

    ``on_scenario`` is called (from the worker thread) with each finished scenario, e.g. to
    write its partitions: ``res.tables`` (Arrow) with ``keep_tables``, else ``res.rows`` (the
    unbuilt ``ScenarioTables``, so a background writer builds them off this thread); both are
    dropped afterwards unless ``keep_tables``.
    """
    T = problem.n_stages
    if len(cuts) != T:
        raise ValueError(f"policy has {len(cuts)} stages, the problem {T}")
    scen = np.asarray(list(scenarios), dtype=np.int64)
    threads = max(1, min(int(threads), max(1, scen.shape[0])))
    blocks = np.array_split(scen, threads)

    def run_block(ids: np.ndarray) -> tuple[list[ScenarioResult], SolverStats]:
        worker = _SimWorker(problem, cuts)
        results = []
        acc = LagAccumulator(problem.n_hydros, problem.n_lags)
        for start in range(0, ids.shape[0], chunk):
            part = ids[start : start + chunk]
            etas = [np.asarray(noise(part, t), dtype=np.float64) for t in range(T)]
            for i, j in enumerate(part):
                x0 = problem.initial_state if initial_state is None else initial_state(int(j))
                res = _run_scenario(worker, problem, layouts, etas, i, int(j), acc, bases, x0)
                if keep_tables and res.rows is not None:
                    res.tables, res.rows = res.rows.tables(), None
                if on_scenario is not None:
                    on_scenario(res)
                res.rows = None
                if not keep_tables:
                    res.tables = None
                results.append(res)
        return results, worker.stats

    if threads == 1:
        outs = [run_block(blocks[0])]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            outs = list(pool.map(run_block, blocks))
    stats = SolverStats()
    results: list[ScenarioResult] = []
    for res, st in outs:
        results.extend(res)
        stats.merge(st)
    results.sort(key=lambda r: r.scenario_id)
    return results, stats


def _run_scenario(
    worker: _SimWorker,
    problem: Any,
    layouts: Sequence[StageLayout],
    etas: list[np.ndarray],
    row: int,
    j: int,
    acc: LagAccumulator,
    bases: Sequence[Any] | None,
    x0: np.ndarray,
) -> ScenarioResult:
    acc.reset(problem.lag_seed)
    x = np.array(x0, dtype=np.float64, copy=True)
    tables = ScenarioTables()
    total = 0.0
    comps = np.zeros(len(COSTS_COMPONENT_COLUMNS))
    key = (j, "simulation", -1, None, None)  # Cobre: one solver row per scenario, stage -1
    for t in range(problem.n_stages):
        slp = worker.lps[t]
        lp = slp.lp
        lp.set_state(x)
        lp.set_noise(etas[t][row])
        basis = bases[t] if bases is not None and bases[t] is not None else COLD
        res = slp.solve(basis, worker.stats, key, scenario=j)
        q = lp.extract(res)
        costs = _stage_costs(lp, res, q)
        d_cum = float(problem.cumulative_discount[t])
        costs["discount_factor"] = d_cum
        total += d_cum * costs["immediate_cost"]
        comps += [costs.get(name, 0.0) for name in COSTS_COMPONENT_COLUMNS]
        tables.add_stage(layouts[t], q, x_in=x, costs=costs)  # rows built by the writer
        x_out = np.array(res.state_out, dtype=np.float64, copy=True)
        if problem.n_lags:
            acc.apply(problem.transitions[t], x, x_out, np.asarray(res.inflow_realised))
        x = x_out
    return ScenarioResult(j, total, comps, rows=tables)


def simulate(
    system: Any,
    policy: Any,
    *,
    stochastic: Any = None,
    templates: Sequence[Any] | None = None,
    problem: Any = None,
    num_scenarios: int | None = None,
    threads: int = 1,
    solver_options: dict | None = None,
    bases: Sequence[Any] | None = None,
    output_dir: Any = None,
    version: str | None = None,
    keep_tables: bool | None = None,
    validate_compatibility: bool = True,
    progress: Any = None,
    comm: Any = None,
) -> SimulationOutcome:
    """Simulate ``policy`` on ``system`` (spec 13); writes ``<output_dir>/simulation`` if given.

    ``policy``: training outcome / cut pools, a ``PolicyData`` (simulation-only run, checked
    for compatibility), a list of ``StageCuts`` or of ``(coefs, intercepts)``.
    ``num_scenarios`` defaults to ``config.simulation.num_scenarios`` (2000).
    ``progress(completed, total)`` (or ``progress.update(completed, total)``) is called after
    every scenario, possibly from worker threads (calls are serialised).
    ``comm``: a ``pycobre.comm`` communicator; with several ranks every rank must call this
    (SPMD) and every rank returns the full scenario-ordered costs; only rank 0 reports progress
    (``min(local_done * R, total)``) and writes the run-level files.
    """
    if stochastic is None:
        from pycobre.stochastic import build_stochastic_model

        seed = ((getattr(system, "config", None) or {}).get("training") or {}).get("tree_seed")
        stochastic = build_stochastic_model(system, seed=seed)
    if problem is None:
        if templates is None:
            from pycobre.lp import build_stage_templates

            templates = build_stage_templates(system, stochastic)
        from pycobre.sddp.problem import build_problem

        problem = build_problem(system, stochastic, templates, solver_options)
    templates = list(problem.templates) if templates is None else list(templates)
    if validate_compatibility and hasattr(policy, "metadata"):
        check_policy_compatibility(policy, n_state=problem.n_state, n_stages=problem.n_stages)
    cuts = active_cuts(policy)
    if num_scenarios is None:
        sim_cfg = (getattr(system, "config", None) or {}).get("simulation") or {}
        num_scenarios = int(sim_cfg.get("num_scenarios", 2000))
    layouts = stage_layouts(system, templates)

    batch = getattr(stochastic, "simulation_noise_batch", None)
    if batch is None:

        def batch(ids: np.ndarray, t: int) -> np.ndarray:
            return np.stack([stochastic.simulation_noise(int(j), t) for j in ids])

    comm = comm if comm is not None and getattr(comm, "size", 1) > 1 else None
    total = int(num_scenarios)
    if comm is None:
        mine: Sequence[int] = range(total)
        n_ranks, root = 1, True
    else:
        from pycobre.comm import WorkSplit

        split = WorkSplit.for_comm(comm, total, threads)
        mine, n_ranks, root = split.rank_block, comm.size, comm.rank == 0

    writer = None
    if output_dir is not None:
        from pycobre.io.output.simulation import SimulationWriter

        writer = SimulationWriter.for_system(
            output_dir, system, expected_scenarios=len(mine), solving_threads=threads
        )
        # rank 0 clears stale partitions before anybody writes new ones
        _collective(comm, writer.prepare if root else None)
    keep = (output_dir is None) if keep_tables is None else keep_tables

    report = getattr(progress, "update", progress) if root else None
    lock = threading.Lock()
    done = [0]

    def emit(res: ScenarioResult) -> None:
        if writer is not None:
            payload = res.tables if res.tables is not None else res.rows
            if payload is not None:
                writer.write_scenario(res.scenario_id, payload)
        if report is not None:
            with lock:
                done[0] += 1
                report(min(done[0] * n_ranks, total), total)

    lag_seed = getattr(stochastic, "trajectory_initial_lags", None)
    start_state = None
    if lag_seed is not None and problem.n_lags and problem.n_hydros:
        h, n_lags = problem.n_hydros, problem.n_lags

        def start_state(j: int) -> np.ndarray:
            """Stage-0 state with the scenario's lag seeds (historical scheme, spec 13 §3)."""
            x0 = np.array(problem.initial_state, dtype=np.float64, copy=True)
            lags = np.asarray(lag_seed(0, j, simulation=True), dtype=np.float64).reshape(h, -1)
            n = min(lags.shape[1], n_lags)
            x0[h : h + n * h] = lags[:, :n].T.ravel()
            return x0

    started, t0 = _now(), time.perf_counter()
    local: list[tuple[list[ScenarioResult], SolverStats]] = []

    def run_mine() -> None:
        # a background writer (opt-in, io/output/simulation.py) must have flushed this rank's
        # partitions before the agreement that lets rank 0 write _SUCCESS
        drain = getattr(writer, "drain", None)
        ok = False
        try:
            local.append(
                simulate_problem(
                    problem,
                    cuts,
                    layouts,
                    batch,
                    mine,
                    threads=threads,
                    bases=bases,
                    on_scenario=emit,
                    keep_tables=keep,
                    initial_state=start_state,
                )
            )
            ok = True
        finally:
            if drain is not None:
                try:
                    drain()
                except Exception:
                    if ok:  # otherwise the simulation's own error is already propagating
                        raise

    _collective(comm, run_mine)
    results, stats = local[0]
    costs = np.array([r.total_cost for r in results], dtype=np.float64)
    comps = np.array([r.components for r in results], dtype=np.float64).reshape(
        -1, len(COSTS_COMPONENT_COLUMNS)
    )
    ids = np.array([r.scenario_id for r in results], dtype=np.int64)
    if comm is not None:
        from pycobre.comm import gather_rows

        ids, costs, comps = gather_rows(comm, [ids, costs, comps], split.counts)
        merged = SolverStats()
        for part in comm.allgather_object(stats):  # rank order
            merged.merge(part)
        stats = merged
    duration = time.perf_counter() - t0
    completed = _now()
    cats = category_totals(comps)
    outcome = SimulationOutcome(
        scenario_ids=ids,
        scenario_costs=costs,
        category_costs=cats,
        summary=summarize_costs(costs, cats),
        solver_stats=stats,
        started_at=started,
        completed_at=completed,
        duration_seconds=duration,
        tables={r.scenario_id: r.tables for r in results if r.tables is not None},
    )
    if writer is not None:
        _collective(
            comm,
            (lambda: _finish_outputs(writer, outcome, threads=threads, version=version, comm=comm))
            if root
            else None,
        )
    return outcome


def _collective(comm: Any, fn: Callable[[], object] | None) -> None:
    """Run ``fn`` (if any) on this rank; with several ranks, every rank then raises if any
    rank failed — the agreement doubles as the barrier between phases (nobody is left waiting
    in a collective when one rank's work fails)."""
    err: BaseException | None = None
    try:
        if fn is not None:
            fn()
    except Exception as exc:
        if comm is None:
            raise
        err = exc
    if comm is not None:
        from pycobre.comm import raise_if_any_failed

        raise_if_any_failed(comm, err)


def _finish_outputs(
    writer: Any,
    outcome: SimulationOutcome,
    *,
    threads: int,
    version: str | None,
    comm: Any = None,
) -> None:
    from pycobre.highs_version import solver_version
    from pycobre.io.output.simulation import simulation_metadata
    from pycobre.io.output.training import solver_tables

    iterations, histogram = solver_tables(outcome.solver_stats, rank=None)
    writer.write_solver_tables(iterations, histogram)
    if version is None:
        from pycobre import __version__ as version
    from pycobre.comm import distribution_info

    meta = simulation_metadata(
        version=str(version),
        started_at=outcome.started_at,
        completed_at=outcome.completed_at,
        duration_seconds=round(outcome.duration_seconds, 3),
        total=outcome.n_scenarios,
        completed=outcome.n_scenarios,
        threads=threads,
        solver_version=solver_version(),
    )
    meta["distribution"] = distribution_info(comm, threads)
    writer.finish(meta)
