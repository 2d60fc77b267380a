"""Progress callbacks, typed events, StopTraining and Ctrl-C (spec 20 §9)."""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import signal
import threading

import pytest

import pycobre
from pycobre import events as ev
from pycobre.sddp.records import IterationRecord
from pycobre.sddp.stopping import RuleResult
from pycobre.training.event_stream import (
    TrainingEventStream,
    progress_event_from_record,
    typed_events_from_record,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
D02 = ROOT / "tests" / "data" / "deterministic" / "d02-single-hydro"
D02_OPT = 23_635_000 / 9
PER_ITERATION = [
    ev.ForwardPassComplete,
    ev.ForwardSyncComplete,
    ev.BackwardPassComplete,
    ev.PolicySyncComplete,
    ev.PolicyTemplateBakeComplete,
    ev.ConvergenceUpdate,
    ev.IterationSummary,
]


def _record(k: int = 3, lb: float = 90.0, ub: float = 120.0) -> IterationRecord:
    return IterationRecord(
        iteration=k, lower_bound=lb, upper_bound_mean=ub, upper_bound_std=8.0, ci_95=5.0,
        gap=0.25, gap_percent=25.0, cuts_added=12, cuts_removed=2, cuts_active=30,
        time_forward_ms=11, time_backward_ms=22, time_total_ms=40, forward_passes=4,
        lp_solves=77, cut_selection_ms=3, lower_bound_ms=4, wall_time_ms=400,
        solve_time_ms=31.5, rules=(RuleResult("iteration_limit", False, "3/10"),),
    )


@pytest.fixture(scope="module")
def d02_system():
    return pycobre.io.load_case(D02)


def test_progress_event_from_record() -> None:
    pe = progress_event_from_record(_record())
    assert pe.phase == "training" and pe.iteration == 3
    assert (pe.lower_bound, pe.upper_bound, pe.upper_bound_std, pe.ci_95) == (90, 120, 8, 5)
    assert pe.gap == pytest.approx((120 - 90) / 120)
    assert pe.wall_time_ms == 400 and pe.iteration_time_ms == 40
    assert pe.scenarios_complete is None and pe.worker_id is None
    assert pe.rules == (ev.StoppingRuleResult("iteration_limit", False, "3/10"),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pe.iteration = 4  # type: ignore[misc]
    # undefined gap when UB is 0
    assert progress_event_from_record(_record(ub=0.0)).gap is None


def test_typed_events_from_record_order_and_values() -> None:
    events = typed_events_from_record(_record(), n_stages=5)
    assert [type(e) for e in events] == PER_ITERATION
    fwd, sync, bwd, psync, bake, conv, summ = events
    assert (fwd.iteration, fwd.scenarios, fwd.ub_mean, fwd.ub_std, fwd.elapsed_ms) == (
        3, 4, 120.0, 8.0, 11)
    assert sync.global_ub_mean == 120.0
    assert (bwd.rows_generated, bwd.stages_processed, bwd.elapsed_ms) == (12, 4, 22)
    assert (psync.rows_distributed, psync.rows_active, psync.rows_removed) == (12, 30, 2)
    assert (bake.stages_processed, bake.total_rows_baked) == (5, 30)
    assert conv.gap == pytest.approx(0.25) and conv.rules_evaluated[0].rule_name == (
        "iteration_limit")
    assert (summ.lp_solves, summ.forward_ms, summ.backward_ms, summ.lower_bound_eval_ms) == (
        77, 11, 22, 4)
    assert all(isinstance(e, ev.TrainingEvent) for e in events)


def test_stream_translates_stop_requests_and_keeps_callback_errors() -> None:
    shutdown = threading.Event()
    seen = []

    def stop(e):
        seen.append(e)
        raise ev.StopTraining

    stream = TrainingEventStream(n_stages=2, progress_callback=stop, event_callback=seen.append,
                                 shutdown=shutdown)
    with pytest.raises(ev.StopTraining):
        stream(_record())
    assert stream.stop_requested_by_callback and stream.callback_error is None
    assert len(seen) == len(PER_ITERATION) + 1  # every event still delivered

    boom = RuntimeError("user bug")

    def fail(e):
        raise boom

    stream = TrainingEventStream(n_stages=2, progress_callback=fail, event_callback=None,
                                 shutdown=threading.Event())
    with pytest.raises(RuntimeError):
        stream(_record())
    assert stream.callback_error is boom

    flagged = threading.Event()
    flagged.set()
    stream = TrainingEventStream(n_stages=2, progress_callback=None, event_callback=None,
                                 shutdown=flagged)
    with pytest.raises(ev.StopTraining):
        stream(_record())


def test_progress_callback_once_per_iteration_in_order(d02_system) -> None:
    got = []
    res = pycobre.train(d02_system, progress_callback=got.append)
    assert [e.iteration for e in got] == list(range(1, 11))
    assert all(isinstance(e, pycobre.ProgressEvent) and e.phase == "training" for e in got)
    assert got[-1].lower_bound == res.final_lower_bound
    assert got[-1].rules[0].rule_name == "iteration_limit" and got[-1].rules[0].triggered


def test_event_callback_stream(d02_system, tmp_path) -> None:
    got = []
    pycobre.train(
        d02_system,
        config_overrides={"training.stopping_rules": [{"type": "iteration_limit", "limit": 2}]},
        event_callback=got.append,
        output_dir=tmp_path,
    )
    kinds = [type(e) for e in got]
    assert kinds == [ev.TrainingStarted, *PER_ITERATION, *PER_ITERATION,
                     ev.CheckpointComplete, ev.TrainingFinished]
    start, fin = got[0], got[-1]
    assert (start.case_name, start.stages, start.hydros, start.thermals) == (
        "d02-single-hydro", 2, 1, 1)
    assert start.ranks == 1 and start.threads_per_rank == 1 and start.timestamp.endswith("Z")
    assert [e.iteration for e in got[1:-2]] == [1] * 7 + [2] * 7
    assert got[-2].checkpoint_path == str(tmp_path / "policy")
    assert (fin.reason, fin.iterations, fin.total_rows) == ("iteration_limit", 2, 2)


def test_stop_training_from_callback_is_graceful(d02_system, tmp_path) -> None:
    def stop_at_3(e):
        if e.iteration == 3:
            raise pycobre.StopTraining

    res = pycobre.train(d02_system, progress_callback=stop_at_3, output_dir=tmp_path)
    assert res.iterations == 3
    assert res.termination_reason == "shutdown"
    assert res.loop_termination_reason == "graceful_shutdown"
    assert res.converged is False
    meta = json.loads((tmp_path / "training" / "metadata.json").read_text())
    assert meta["convergence"]["termination_reason"] == "graceful_shutdown"
    assert meta["iterations"]["completed"] == 3
    assert (tmp_path / "policy" / "metadata.json").is_file()
    assert pycobre.Policy.load(tmp_path).metadata["completed_iterations"] == 3


def test_other_callback_errors_propagate_unchanged(d02_system, tmp_path) -> None:
    class Boom(Exception):
        pass

    def fail(e):
        raise Boom("from the callback")

    with pytest.raises(Boom, match="from the callback"):
        pycobre.train(d02_system, progress_callback=fail, output_dir=tmp_path / "o")
    assert not (tmp_path / "o" / "training" / "_SUCCESS").exists()


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="needs POSIX signals")
def test_ctrl_c_stops_gracefully_then_aborts(d02_system, tmp_path) -> None:
    before = signal.getsignal(signal.SIGINT)

    def interrupt_at_2(e):
        if e.iteration == 2:
            os.kill(os.getpid(), signal.SIGINT)

    res = pycobre.train(d02_system, progress_callback=interrupt_at_2, output_dir=tmp_path)
    assert res.iterations == 2 and res.termination_reason == "shutdown"
    assert (tmp_path / "policy" / "metadata.json").is_file()
    assert signal.getsignal(signal.SIGINT) is before  # handler restored

    def interrupt_twice(e):
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        pycobre.train(d02_system, progress_callback=interrupt_twice)
    assert signal.getsignal(signal.SIGINT) is before


def test_simulation_events(d02_system, tmp_path) -> None:
    res = pycobre.train(d02_system)
    got = []
    pycobre.simulate(res, res, config_overrides={"simulation.num_scenarios": 2},
                     event_callback=got.append, output_dir=tmp_path)
    assert [type(e) for e in got] == [ev.SimulationStarted, ev.SimulationProgress,
                                      ev.SimulationProgress, ev.SimulationFinished]
    assert got[0].n_scenarios == 2 and got[0].n_stages == 2
    assert [e.scenarios_complete for e in got[1:3]] == [1, 2]
    assert got[-1].scenarios == 2


def test_returning_stop_training_also_stops(d02_system) -> None:
    res = pycobre.train(
        d02_system, progress_callback=lambda e: pycobre.StopTraining if e.iteration == 4 else 0
    )
    assert res.iterations == 4 and res.termination_reason == "shutdown"
    res = pycobre.train(
        d02_system, event_callback=lambda e: ev.StopTraining() if isinstance(
            e, ev.ConvergenceUpdate) and e.iteration == 2 else True
    )
    assert res.iterations == 2 and res.termination_reason == "shutdown"
