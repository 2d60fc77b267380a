"""Cut pool layout, growth, activity and selection (spec 12 §5)."""

import numpy as np
import pytest

from pycobre.errors import ValidationError
from pycobre.sddp.cut_pool import WARM_START_ITERATION, CutPool
from pycobre.sddp.cut_selection import (
    LML1,
    CutSelectionConfig,
    Domination,
    Level1,
    budget_evictions,
    selection_candidates,
)


def test_slots_capacity_and_growth():
    pool = CutPool(n_state=2, forward_passes=3, max_iterations=2, warm_start_count=1)
    assert pool.capacity == 1 + 3 * 3
    assert pool.slot(1, 2) == 1 + 3 + 2
    slots = pool.insert(1, np.arange(3), np.array([1.0, 2.0, 3.0]), np.ones((3, 2)))
    np.testing.assert_array_equal(slots, [4, 5, 6])
    assert pool.high_water == 7 and pool.n_active == 3
    slots = pool.insert(5, np.arange(3), np.zeros(3), np.zeros((3, 2)))
    assert pool.capacity >= 19 and pool.high_water == 19
    assert pool.intercepts[5] == 2.0  # contents survive growth
    np.testing.assert_array_equal(pool.active_slots(), [4, 5, 6, 16, 17, 18])


def test_activity_and_windows():
    pool = CutPool(1, 2, 5)
    s = pool.insert(1, np.arange(2), np.zeros(2), np.zeros((2, 1)))
    assert pool.active_window[s[0]] == 1 << 31
    pool.record_binding(s, np.array([2, 0]), iteration=1)
    assert pool.active_count[s[0]] == 2 and pool.active_count[s[1]] == 0
    assert pool.active_window[s[0]] == (1 << 31) | 1
    pool.shift_windows()
    assert pool.active_window[s[0]] == 2 and pool.active_window[s[1]] == 0


def test_warm_start_cuts_never_candidates():
    pool = CutPool(1, 1, 3, warm_start_count=2)
    pool.load_warm_start(np.array([1.0, 2.0]), np.zeros((2, 1)), np.array([True, False]))
    assert pool.iteration_generated[0] == WARM_START_ITERATION
    pool.insert(1, np.array([0]), np.array([3.0]), np.zeros((1, 1)))
    np.testing.assert_array_equal(pool.active_slots(), [0, 3])
    np.testing.assert_array_equal(selection_candidates(pool, 2), [3])
    assert selection_candidates(pool, 1).size == 0  # current iteration excluded


def test_level1_and_lml1():
    pool = CutPool(1, 1, 10)
    for k in range(1, 5):
        pool.insert(k, np.array([0]), np.zeros(1), np.zeros((1, 1)))
    pool.record_binding(np.array([1]), np.array([1]), 2)  # slot 1 = iteration 1
    pool.record_binding(np.array([3]), np.array([3]), 4)
    np.testing.assert_array_equal(Level1(0).select(pool, 4, np.zeros((0, 1))), [2])
    # last_active: slot1 -> 2, slot2 -> 2 (insert), slot3 -> 4; at k = 5, window 2: 5-2 = 3 > 2
    np.testing.assert_array_equal(LML1(2).select(pool, 5, np.zeros((0, 1))), [1, 2])


def test_domination():
    pool = CutPool(1, 1, 10)
    # cuts: 0 + x, 10 - x, 1 (flat), 0.5 (dominated by the flat one everywhere)
    for k, (a, b) in enumerate([(0.0, 1.0), (10.0, -1.0), (1.0, 0.0), (0.5, 0.0)], start=1):
        pool.insert(k, np.array([0]), np.array([a]), np.array([[b]]))
    states = np.array([[0.0], [10.0], [5.0]])
    np.testing.assert_array_equal(Domination(0.0).select(pool, 5, states), [3, 4])
    # epsilon larger than the margins keeps everything
    np.testing.assert_array_equal(Domination(10.0).select(pool, 5, states), [])


def test_budget_eviction_order():
    pool = CutPool(1, 3, 5)
    pool.insert(1, np.arange(3), np.zeros(3), np.zeros((3, 1)))
    pool.insert(2, np.arange(3), np.zeros(3), np.zeros((3, 1)))
    pool.record_binding(np.array([3, 5]), np.array([1, 4]), 2)
    # active 6, budget 2 -> evict 4 among the non-current (iteration 2 is current) ones: only 3
    ev = budget_evictions(pool, 2, 2)
    np.testing.assert_array_equal(ev, [3, 4, 5])
    pool.insert(3, np.arange(3), np.zeros(3), np.zeros((3, 1)))
    # at k=3 (candidates = slots 3..8): last_active 2 for 4 (insert k=1 -> 1? no: slots 3-5 were k=1)
    ev = budget_evictions(pool, 3, 7)
    assert ev.size == 2
    assert budget_evictions(pool, 3, 9).size == 0


def test_config_defaults_and_errors():
    c = CutSelectionConfig.from_config({"enabled": True, "method": "lml1", "threshold": 3})
    assert (c.memory_window, c.domination_epsilon, c.check_frequency) == (3, 3.0, 5)
    assert [k for k in range(1, 16) if c.selection_due(k)] == [5, 10, 15]
    assert not CutSelectionConfig.from_config(None).selection_due(5)
    for bad in (
        {"enabled": True},
        {"enabled": True, "method": "magic"},
        {"check_frequency": 0},
        {"basis_activity_window": 32},
    ):
        with pytest.raises(ValidationError):
            CutSelectionConfig.from_config(bad)


def test_activity_is_tracked_only_when_selection_or_budget_reads_it():
    off = CutSelectionConfig.from_config({"cut_activity_tolerance": 1e-6})
    assert off.activity_tolerance is None
    sel = CutSelectionConfig.from_config(
        {"enabled": True, "method": "level1", "cut_activity_tolerance": 1e-6}
    )
    assert sel.activity_tolerance == 1e-6
    budget = CutSelectionConfig.from_config({"max_active_per_stage": 10})
    assert budget.activity_tolerance == 0.0
