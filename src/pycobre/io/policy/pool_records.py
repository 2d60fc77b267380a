"""Conversion between training cut pools (``pycobre.sddp.cut_pool.CutPool``) and file records.

The pool is read by attribute (duck typing) so that this module does not import the training
package (data flows one way, spec 00 §1). Slots below the pool's high-water mark that were
never filled become Cobre's *empty records* (spec 05 §3.1).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from pycobre.io.policy.stage_cuts import StageCuts

__all__ = ["CutPoolLike", "load_stage_into_pool", "stage_cuts_from_pool"]

_U32_MASK = np.uint64(0xFFFFFFFF)


class CutPoolLike(Protocol):
    n_state: int
    warm_start_count: int
    high_water: int
    coefs: np.ndarray
    intercepts: np.ndarray
    active: np.ndarray
    populated: np.ndarray
    iteration_generated: np.ndarray
    forward_pass_index: np.ndarray

    @property
    def capacity(self) -> int: ...


def stage_cuts_from_pool(
    pool: CutPoolLike,
    stage_id: int,
    forward_passes: int,
    *,
    capacity: int | None = None,
    terminal: bool = False,
) -> StageCuts:
    """Records of slots ``[0, high_water)`` of ``pool`` in slot order.

    ``forward_passes`` is the M of the run writing the file (it enters ``cut_id``).
    ``capacity`` defaults to the pool's; the terminal stage (``terminal=True``) keeps capacity and
    warm-start count but no records, as Cobre writes it.
    """
    cap = int(pool.capacity if capacity is None else capacity)
    n_state = int(pool.n_state)
    if terminal:
        return StageCuts.empty(stage_id, n_state, cap, int(pool.warm_start_count))
    n = int(pool.high_water)
    filled = np.asarray(pool.populated[:n], dtype=bool)
    it = np.asarray(pool.iteration_generated[:n], dtype=np.uint64)
    fpi = np.asarray(pool.forward_pass_index[:n], dtype=np.uint64)
    with np.errstate(over="ignore"):
        cut_ids = it * np.uint64(forward_passes) + fpi  # wrapping u64 as in Cobre
    zero_u64 = np.uint64(0)
    stage = StageCuts(
        stage_id=int(stage_id),
        state_dimension=n_state,
        capacity=cap,
        warm_start_count=int(pool.warm_start_count),
        cut_ids=np.where(filled, cut_ids, zero_u64),
        slot_indices=np.arange(n, dtype=np.uint32),
        iterations=np.where(filled, it & _U32_MASK, zero_u64).astype(np.uint32),
        forward_pass_indices=np.where(filled, fpi, zero_u64).astype(np.uint32),
        intercepts=np.where(filled, pool.intercepts[:n], 0.0),
        coefficients=np.where(filled[:, None], pool.coefs[:n], 0.0),
        is_active=filled & np.asarray(pool.active[:n], dtype=bool),
        active_cut_indices=np.zeros(0, np.uint32),
        populated_count=n,
    )
    return stage.with_derived_active_indices()


def load_stage_into_pool(pool: Any, stage: StageCuts) -> None:
    """Seed a pool's warm-start slots with every stored record of a stage (spec 05 §5).

    Uses the pool's own ``load_warm_start`` (which marks the sentinel iteration) and then
    restores the stored ``forward_pass_index`` so that a re-written file matches Cobre.
    """
    pool.load_warm_start(stage.intercepts, stage.coefficients, stage.is_active)
    n = stage.n_records
    pool.forward_pass_index[:n] = stage.forward_pass_indices
