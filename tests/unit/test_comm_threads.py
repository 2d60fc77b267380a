"""BlockThreadPool: fixed worker per block, block-ordered results, safe failure."""

from __future__ import annotations

import threading
import time

import pytest

from pycobre.comm import BlockThreadPool


def test_results_in_block_order_and_worker_index_is_the_block_index():
    with BlockThreadPool(3) as pool:
        blocks = pool.blocks(8)
        assert blocks == [range(0, 3), range(3, 6), range(6, 8)]

        def work(i, block):
            time.sleep(0.02 * (3 - i))  # later blocks finish first
            return i, [x * x for x in block]

        out = pool.map_blocks(work, blocks)
    assert out == [(0, [0, 1, 4]), (1, [9, 16, 25]), (2, [36, 49])]


def test_blocks_really_run_concurrently():
    gate = threading.Barrier(2, timeout=5)  # breaks unless both blocks are inside at once
    with BlockThreadPool(2) as pool:
        out = pool.map_blocks(
            lambda i, b: (gate.wait(), threading.get_ident())[1], [range(1), range(1)]
        )
    assert out[0] != out[1]


def test_single_thread_runs_inline():
    pool = BlockThreadPool(1)
    assert pool.map_blocks(lambda i, b: threading.get_ident(), [range(3)]) == [
        threading.get_ident()
    ]
    pool.close()


def test_failure_waits_for_all_blocks_then_raises_the_lowest():
    finished = []

    def work(i, block):
        if i == 2:
            raise ValueError("block 2")
        if i == 1:
            time.sleep(0.1)
            raise KeyError("block 1")
        time.sleep(0.2)
        finished.append(i)
        return i

    with BlockThreadPool(3) as pool, pytest.raises(KeyError, match="block 1"):
        pool.map_blocks(work, pool.blocks(3))
    assert finished == [0]  # block 0 completed before the error surfaced


def test_invalid_sizes():
    with pytest.raises(ValueError, match="n_threads"):
        BlockThreadPool(0)
    with BlockThreadPool(2) as pool, pytest.raises(ValueError, match="3 blocks for 2 threads"):
        pool.map_blocks(lambda i, b: i, [range(1)] * 3)
