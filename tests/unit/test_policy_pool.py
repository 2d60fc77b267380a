"""CutPool <-> policy records (spec 05 §3.1 slot layout, empty records, warm-start sentinels)."""

from __future__ import annotations

import numpy as np

from pycobre.io.policy import decode_stage_cuts, encode_stage_cuts, load_stage_into_pool
from pycobre.io.policy.pool_records import stage_cuts_from_pool
from pycobre.sddp.cut_pool import CutPool


def _trained_pool() -> CutPool:
    pool = CutPool(n_state=2, forward_passes=2, max_iterations=3)
    pool.insert(1, np.array([0, 1]), np.array([5.0, 6.0]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    pool.insert(2, np.array([0, 1]), np.array([7.0, 8.0]), np.array([[5.0, 6.0], [7.0, 8.0]]))
    pool.deactivate(np.array([3]))
    return pool


def test_fresh_pool_records():
    stage = stage_cuts_from_pool(_trained_pool(), stage_id=0, forward_passes=2)
    assert (stage.capacity, stage.warm_start_count, stage.populated_count) == (8, 0, 6)
    # slots 0,1 = iteration 0 (never filled) -> empty records
    assert stage.iterations.tolist() == [0, 0, 1, 1, 2, 2]
    assert stage.forward_pass_indices.tolist() == [0, 0, 0, 1, 0, 1]
    assert stage.cut_ids.tolist() == [0, 0, 2, 3, 4, 5]  # k * M + m
    assert stage.is_active.tolist() == [False, False, True, False, True, True]
    assert stage.active_cut_indices.tolist() == [2, 4, 5]
    assert stage.intercepts.tolist() == [0.0, 0.0, 5.0, 6.0, 7.0, 8.0]
    assert stage.coefficients[:2].tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert stage.coefficients[5].tolist() == [7.0, 8.0]


def test_terminal_stage_from_pool():
    stage = stage_cuts_from_pool(_trained_pool(), 3, 2, terminal=True)
    assert (stage.capacity, stage.populated_count, stage.n_records) == (8, 0, 0)


def test_warm_start_reload_and_rewrite_sentinels():
    stored = decode_stage_cuts(encode_stage_cuts(stage_cuts_from_pool(_trained_pool(), 0, 2)))
    pool = CutPool(n_state=2, forward_passes=3, max_iterations=1, warm_start_count=stored.n_records)
    load_stage_into_pool(pool, stored)
    pool.insert(1, np.array([0, 1, 2]), np.ones(3), np.ones((3, 2)))
    out = stage_cuts_from_pool(pool, 0, forward_passes=3)
    assert (out.warm_start_count, out.capacity, out.populated_count) == (6, 12, 12)
    assert out.iterations[:6].tolist() == [4294967295] * 6
    # (2^64 - 1) * 3 + fpi mod 2^64 = 2^64 - 3 + fpi
    assert out.cut_ids[:6].tolist() == [2**64 - 3 + f for f in [0, 0, 0, 1, 0, 1]]
    assert out.is_active[:6].tolist() == [False, False, True, False, True, True]
    assert out.iterations[6:].tolist() == [0, 0, 0, 1, 1, 1]
    assert out.cut_ids[9:].tolist() == [3, 4, 5]
