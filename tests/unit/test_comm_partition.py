"""Contiguous block partition (spec 21 §3.1) and the ranks x threads split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycobre.comm import (
    WorkSplit,
    block_counts,
    block_displs,
    block_partition,
    concat_in_order,
    two_level_partition,
)


def test_first_remainder_parts_are_one_larger():
    assert block_partition(10, 3) == [range(0, 4), range(4, 7), range(7, 10)]
    assert block_partition(7, 4) == [range(0, 2), range(2, 4), range(4, 6), range(6, 7)]
    assert block_partition(2, 4) == [range(0, 1), range(1, 2), range(2, 2), range(2, 2)]
    assert block_partition(0, 2) == [range(0, 0), range(0, 0)]
    assert block_counts(192, 16).tolist() == [12] * 16
    assert block_displs([3, 0, 2, 5]).tolist() == [0, 3, 3, 5]


@settings(deadline=None, max_examples=150)
@given(st.integers(0, 500), st.integers(1, 40))
def test_matches_the_spec_table(n, R):
    q, rem = divmod(n, R)
    blocks = block_partition(n, R)
    for r, b in enumerate(blocks):
        first = r * (q + 1) if r < rem else rem * (q + 1) + (r - rem) * q
        assert b.start == first
        assert len(b) == (q + 1 if r < rem else q)
    assert [i for b in blocks for i in b] == list(range(n))


@settings(deadline=None, max_examples=150)
@given(st.integers(0, 200), st.integers(1, 9), st.integers(1, 5))
def test_two_level_split_visits_items_in_global_order(n, R, W):
    split = two_level_partition(n, R, W)
    assert len(split) == R and all(len(t) == W for t in split)
    assert [i for rank in split for blk in rank for i in blk] == list(range(n))
    for rank_blocks, rank_block in zip(split, block_partition(n, R), strict=True):
        assert rank_blocks[0].start == rank_block.start
        assert rank_blocks[-1].stop == rank_block.stop


def test_work_split_for_one_rank():
    s = WorkSplit.build(7, 3, 1, n_threads=2)  # rank blocks 0..2, 3..4, 5..6
    assert s.counts.tolist() == [3, 2, 2] and s.displs.tolist() == [0, 3, 5]
    assert s.rank_block == range(3, 5)
    assert s.thread_blocks == (range(3, 4), range(4, 5))
    assert [s.owner(i) for i in range(7)] == [0, 0, 0, 1, 1, 2, 2]
    # more threads than items: only as many threads as items are used
    assert WorkSplit.build(7, 3, 2, n_threads=8).thread_blocks == (range(5, 6), range(6, 7))
    # a rank with no items keeps one empty block, so gathers still get a (0, ...) array
    idle = WorkSplit.build(2, 3, 2, n_threads=4)
    assert idle.rank_block == range(2, 2) and idle.thread_blocks == (range(2, 2),)
    assert [WorkSplit.build(2, 3, 0).owner(i) for i in range(2)] == [0, 1]
    with pytest.raises(IndexError):
        s.owner(7)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="n_parts"):
        block_partition(3, 0)
    with pytest.raises(ValueError, match="n_items"):
        block_counts(-1, 2)


def test_concat_in_order_keeps_trailing_shape_when_empty():
    parts = [np.ones((2, 3)), np.zeros((0, 3)), 2 * np.ones((1, 3))]
    out = concat_in_order(parts)
    assert out.shape == (3, 3) and out[:, 0].tolist() == [1, 1, 2]
    none = concat_in_order([], like=np.zeros((0, 4, 2), dtype=np.int32))
    assert none.shape == (0, 4, 2) and none.dtype == np.int32
    with pytest.raises(ValueError, match="like"):
        concat_in_order([])
