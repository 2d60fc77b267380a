"""Stopping rules against the conformance table of spec 12 §7."""

import pytest

from pycobre.errors import ValidationError
from pycobre.sddp.stopping import (
    BoundStalling,
    IterationLimit,
    MonitorState,
    StoppingRuleSet,
    TimeLimit,
    build_stopping_rules,
)


def st(k=1, t=0.0, h=(0.0,), shutdown=False):
    return MonitorState(k, t, h[-1], tuple(h), shutdown)


@pytest.mark.parametrize(("k", "stop"), [(10, True), (9, False), (15, True)])
def test_iteration_limit(k, stop):
    assert IterationLimit(10).evaluate(st(k)).triggered is stop


def test_iteration_limit_one():
    assert IterationLimit(1).evaluate(st(1)).triggered


def test_time_limit():
    assert TimeLimit(120).evaluate(st(t=120.0)).triggered
    assert not TimeLimit(120).evaluate(st(t=119.9)).triggered


def test_bound_stalling_table():
    r = BoundStalling(5, 0.01)
    assert not r.evaluate(st(h=(900, 920, 940, 955, 970, 980, 988, 993, 997, 1000))).triggered
    assert r.evaluate(st(h=(900, 920, 940, 955, 970, 992, 995, 997, 999, 1000))).triggered
    assert not r.evaluate(st(h=(900, 920, 940))).triggered
    assert BoundStalling(3, 0.001).evaluate(st(h=(500, 500, 500))).triggered
    assert BoundStalling(1, 1e-12).evaluate(st(h=(7.0,))).triggered


def test_combination_modes():
    any_ = StoppingRuleSet([IterationLimit(10), TimeLimit(300)], "any")
    assert any_.evaluate(st(10, 60)) == (True, "iteration_limit")
    any2 = StoppingRuleSet([IterationLimit(20), TimeLimit(60)], "any")
    assert any2.evaluate(st(10, 120)) == (True, "time_limit")
    all_ = StoppingRuleSet([IterationLimit(10), TimeLimit(300)], "all")
    # the loop never passes the largest iteration limit even in `all` mode
    assert all_.evaluate(st(9, 120)) == (False, None)
    assert all_.evaluate(st(10, 120)) == (True, "iteration_limit")
    all2 = StoppingRuleSet([IterationLimit(20), TimeLimit(120)], "all")
    assert all2.evaluate(st(10, 120)) == (False, None)
    all3 = StoppingRuleSet([IterationLimit(10), TimeLimit(120)], "all")
    assert all3.evaluate(st(10, 120)) == (True, "iteration_limit")
    for mode in ("any", "all"):
        rs = StoppingRuleSet([IterationLimit(20), TimeLimit(300)], mode)
        assert rs.evaluate(st(3, 1.0, shutdown=True)) == (True, "graceful_shutdown")
        assert len(rs.last_results) == 2


def test_build_from_config():
    rs = build_stopping_rules(
        [
            {"type": "iteration_limit", "limit": 200},
            {"type": "bound_stalling", "iterations": 5, "tolerance": 1e-3},
        ],
        "ALL",
    )
    assert rs.mode == "all" and rs.max_iterations == 200
    assert build_stopping_rules([], None).max_iterations == 100
    sim = build_stopping_rules(
        [
            {
                "type": "simulation",
                "replications": 5,
                "period": 2,
                "bound_window": 3,
                "distance_tol": 1,
                "bound_tol": 1,
            }
        ],
        "any",
    )
    assert sim.max_iterations == 100
    assert build_stopping_rules([{"type": "time_limit", "seconds": 5}], "weird").mode == "any"
    assert (
        build_stopping_rules([{"type": "time_limit", "seconds": 5}], "any").max_iterations is None
    )
    with pytest.raises(ValidationError) as e:
        build_stopping_rules([{"type": "gap"}], "any")
    assert e.value.context["field"] == "training.stopping_rules[0].type"
    with pytest.raises(ValidationError):
        build_stopping_rules([{"type": "iteration_limit"}], "any")
