"""The training loop on synthetic stage LPs (no case files): optimum, determinism, records."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from pycobre.lp.stage_lp import StageLP
from pycobre.lp.synthetic import make_stage
from pycobre.lp.template import build_template
from pycobre.sddp.lag_state import LagAccumulator, TransitionRecord
from pycobre.sddp.problem import TrainingProblem
from pycobre.sddp.risk import Expectation
from pycobre.sddp.settings import TrainingSettings
from pycobre.sddp.training import StopRequested, train_problem
from pycobre.sddp.worker import block_ranges


def hydro_problem(inflows=(40.0, 10.0), sigma=0.0, n_open=1):
    """d02's system (hydro 50 m³/s, thermal $50, load 80 MW, 730 h stages)."""
    T = len(inflows)
    templates = [
        build_template(
            make_stage(
                hydros=[
                    {
                        "vmax": 200.0,
                        "qmax": 50.0,
                        "omax": 50.0,
                        "gmax": 50.0,
                        "inflow_mean": q,
                        "inflow_sigma": sigma,
                    }
                ],
                thermals=[{"max": 100.0, "cost": 50.0}],
                buses=[{"load": 80.0}],
                index=t,
                is_last=t == T - 1,
            )
        )
        for t, q in enumerate(inflows)
    ]
    rng = np.random.default_rng(1)
    openings = [rng.normal(size=(n_open, 1)) if sigma else np.zeros((n_open, 1)) for _ in range(T)]

    def noise(k, m, t):
        return openings[t][np.random.default_rng([k, m, t]).integers(n_open)]

    return TrainingProblem(
        n_stages=T,
        n_state=1,
        n_hydros=1,
        n_lags=0,
        discount=np.ones(T),
        cumulative_discount=np.ones(T),
        initial_state=np.array([100.0]),
        openings=openings,
        risk_measures=[Expectation()] * T,
        transitions=[TransitionRecord()] * T,
        lag_seed=None,
        forward_noise=noise,
        make_lp=lambda t: StageLP(templates[t]),
        templates=templates,
    )


def settings(m=1, limit=10, **training):
    cfg = {"forward_passes": m, "stopping_rules": [{"type": "iteration_limit", "limit": limit}]}
    cfg.update(training)
    return TrainingSettings.from_config({"training": cfg})


def test_deterministic_two_stage_optimum():
    out = train_problem(hydro_problem(), settings())
    assert out.error is None
    assert out.termination_reason == "iteration_limit" and out.iterations == 10
    assert out.records[-1].lower_bound == pytest.approx(23_635_000 / 9, abs=1e-4)
    assert out.records[-1].upper_bound_mean == pytest.approx(23_635_000 / 9, abs=1e-4)
    assert [r.cuts_active for r in out.records] == list(range(1, 11))
    # per iteration: 2 forward + 1 backward opening + 1 lower-bound opening
    assert [r.lp_solves for r in out.records] == [4] * 10
    assert out.pools[0].n_active == 10 and out.pools[1].n_active == 0
    phases = {k[1] for k in out.solver_stats.rows}
    assert phases == {"forward", "backward", "lower_bound"}


def test_results_do_not_depend_on_thread_count():
    prob_args = dict(inflows=(40.0, 10.0, 20.0, 30.0), sigma=5.0, n_open=5)
    runs = [
        train_problem(hydro_problem(**prob_args), settings(m=4, limit=8), threads=n) for n in (1, 3)
    ]
    for a, b in zip(runs[0].records, runs[1].records, strict=True):
        assert b.lower_bound == pytest.approx(a.lower_bound, rel=1e-12)
        assert b.upper_bound_mean == pytest.approx(a.upper_bound_mean, rel=1e-12)
    for pa_, pb in zip(runs[0].pools, runs[1].pools, strict=True):
        np.testing.assert_allclose(pb.intercepts, pa_.intercepts, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(pb.coefs, pa_.coefs, rtol=1e-12, atol=1e-12)


def test_stop_request_from_callback_and_shutdown_event():
    def cb(rec):
        if rec.iteration == 3:
            raise StopRequested

    out = train_problem(hydro_problem(), settings(), progress_callback=cb)
    assert out.iterations == 3 and out.termination_reason == "graceful_shutdown"
    ev = threading.Event()
    ev.set()
    out = train_problem(hydro_problem(), settings(), shutdown=ev)
    assert out.iterations == 1 and out.termination_reason == "graceful_shutdown"


def test_resume_continues_iteration_numbers():
    first = train_problem(hydro_problem(), settings(limit=5))
    warm = [
        type(
            "Stored",
            (),
            {
                "intercepts": p.intercepts[: p.high_water],
                "coefficients": p.coefs[: p.high_water],
                "is_active": p.active[: p.high_water],
            },
        )
        for p in first.pools
    ]
    out = train_problem(hydro_problem(), settings(limit=10), warm_start=warm, start_iteration=5)
    assert [r.iteration for r in out.records] == [6, 7, 8, 9, 10]
    assert out.pools[0].warm_start_count == first.pools[0].high_water
    assert out.records[0].lower_bound >= first.records[-1].lower_bound - 1e-6


def test_error_is_kept_with_partial_records():
    def cb(rec):
        raise RuntimeError("boom")

    out = train_problem(hydro_problem(), settings(), progress_callback=cb)
    assert isinstance(out.error, RuntimeError) and out.termination_reason == "error"
    assert len(out.records) == 1


def test_block_ranges_contiguous():
    assert block_ranges(10, 3) == [range(0, 4), range(4, 7), range(7, 10)]
    assert block_ranges(2, 3) == [range(0, 1), range(1, 2), range(2, 2)]


def test_lag_transition_rules():
    acc = LagAccumulator(n_hydros=2, n_lags=2)
    x_in = np.array([1.0, 2.0, 10.0, 20.0, 30.0, 40.0])  # storages, lag1 (h0,h1), lag2 (h0,h1)
    x_out = np.array([5.0, 6.0, 0.0, 0.0, 0.0, 0.0])
    z = np.array([7.0, 8.0])
    acc.apply(TransitionRecord.plain_shift(), x_in, x_out, z)
    np.testing.assert_array_equal(x_out, [5, 6, 7, 8, 10, 20])
    # frozen (no season definitions): lags stay the incoming ones
    x_out = np.array([5.0, 6.0, 0.0, 0.0, 0.0, 0.0])
    acc.apply(TransitionRecord(), x_in, x_out, z)
    np.testing.assert_array_equal(x_out, [5, 6, 10, 20, 30, 40])
    # two half-period stages: the second finalises the hour-weighted average
    acc.reset()
    half = TransitionRecord(aw=0.5)
    fin = TransitionRecord(aw=0.5, fin=True)
    x_mid = np.zeros(6)
    acc.apply(half, x_in, x_mid, np.array([100.0, 200.0]))
    np.testing.assert_array_equal(x_mid[2:], [10, 20, 30, 40])
    x_end = np.zeros(6)
    acc.apply(fin, x_mid, x_end, np.array([300.0, 400.0]))
    np.testing.assert_array_equal(x_end[2:], [200, 300, 10, 20])
    assert acc.weight == 0.0


def test_solver_error_carries_iteration_and_scenario():
    from pycobre.errors import SolverError

    prob = hydro_problem()
    make = prob.make_lp
    calls = {"n": 0}

    class Failing:
        def __init__(self, lp):
            self.lp = lp

        def __getattr__(self, name):
            return getattr(self.lp, name)

        def solve(self, basis=None):
            calls["n"] += 1
            if calls["n"] == 6:  # iteration 2, forward stage 1
                raise SolverError(
                    "stage 1 LP is infeasible", stage=1, context={"retry_attempts": 3}
                )
            return self.lp.solve(basis)

    prob.make_lp = lambda t: Failing(make(t))
    out = train_problem(prob, settings())
    err = out.error
    assert isinstance(err, SolverError) and out.termination_reason == "error"
    assert (err.iteration, err.scenario, err.stage) == (2, 0, 1)
    assert err.context["phase"] == "forward"
    assert len(out.records) == 1
    failed = {k: c for k, c in out.solver_stats.rows.items() if c.lp_failures}
    assert list(failed) == [(2, "forward", 1, None, None)]
    c = failed[(2, "forward", 1, None, None)]
    assert (c.lp_solves, c.lp_successes, c.retry_attempts, c.lp_retries) == (1, 0, 3, 0)


def test_lag_accumulators_travel_in_the_state():
    from pycobre.sddp.lag_state import ExtraStateLayout

    class Tpl:
        lag_state_extras = {"acc": (6, 2), "dacc": (8, 2), "ring": (10, 4)}

    lay = ExtraStateLayout.from_template(Tpl)
    assert lay == ExtraStateLayout(acc=slice(6, 8), dacc=slice(8, 10), ring=slice(10, 14))
    assert ExtraStateLayout.from_template(object()) is None
    acc = LagAccumulator(n_hydros=2, n_lags=2, layout=lay)
    x0 = np.zeros(14)
    x0[2:6] = [10, 20, 30, 40]
    x1 = np.zeros(14)
    acc.apply(TransitionRecord(aw=0.5), x0, x1, np.array([100.0, 200.0]))
    np.testing.assert_array_equal(x1[2:6], [10, 20, 30, 40])  # frozen
    np.testing.assert_array_equal(x1[6:8], [50, 100])  # acc written into the state
    # the finalising stage reads acc from its *incoming* state (here: a different trial point)
    x1[6:8] = [60.0, 60.0]
    x2 = np.zeros(14)
    acc.apply(TransitionRecord(aw=0.5, fin=True), x1, x2, np.array([300.0, 400.0]))
    np.testing.assert_array_equal(x2[2:6], [(60 + 150) / 1.0, (60 + 200) / 1.0, 10, 20])
    np.testing.assert_array_equal(x2[6:8], [0, 0])
