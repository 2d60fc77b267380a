"""Batched per-opening solver counters and the glibc heap setting (speed2)."""

from __future__ import annotations

import dataclasses
import sys

from pycobre.lp import heap
from pycobre.sddp.solver_stats import SolverStats


def _rows(stats: SolverStats) -> dict:
    return {k: dataclasses.asdict(c) for k, c in stats.rows.items()}


def test_record_openings_equals_record_ok_per_opening():
    its, ms, att, lv = [5, 0, 7], [0.25, 0.5, 1.75], [0, 2, 0], [None, 3, None]
    for phase in ("backward", "forward"):
        one, batch = SolverStats(), SolverStats()
        for w in range(3):
            one.record_ok((4, phase, 2, w, 1), its[w], ms[w], w == 0, att[w], lv[w])
        batch.record_openings(4, phase, 2, 1, its, ms, True, att, lv)
        assert _rows(batch) == _rows(one)
        assert dict(batch.histogram) == dict(one.histogram)
    # opening 0 carries the offered basis; opening 1 the retry (hand-checked values)
    c0, c1 = batch.rows[(4, "forward", 2, 0, 1)], batch.rows[(4, "forward", 2, 1, 1)]
    assert (c0.basis_offered, c0.basis_reconstructions, c0.simplex_iterations) == (1, 1, 5)
    assert (c1.basis_offered, c1.retry_attempts, c1.lp_retries) == (0, 2, 1)
    assert dict(batch.histogram) == {(4, "forward", 2, 3): 1}


def test_heap_setting_applies_at_most_once(monkeypatch):
    monkeypatch.setattr(heap, "_done", False)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    first = heap.limit_heap_fragmentation()
    assert first is sys.platform.startswith("linux")  # glibc mallopt returns 1
    assert heap.limit_heap_fragmentation() is False  # second call: no-op
    monkeypatch.setattr(heap, "_done", False)
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")  # the user's choice wins
    assert heap.limit_heap_fragmentation() is False
