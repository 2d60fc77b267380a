"""Per-stage Benders cut pool (spec 12 §5.1).

Cuts live in pre-allocated NumPy arrays addressed by a deterministic slot,
``slot(k, m) = warm_start_count + k*M + m``, so the LP row order (slot order) never depends on
which worker produced a cut or when it arrived. Capacity grows geometrically if a run goes past
the planned iteration count (resume, rules without an iteration limit).
"""

from __future__ import annotations

import numpy as np

__all__ = ["CutPool", "WARM_START_ITERATION", "SEED_WINDOW_BIT"]

#: ``iteration_generated`` of warm-start cuts (Rust ``u64::MAX``); never a selection candidate.
WARM_START_ITERATION = np.iinfo(np.uint64).max
#: Bit set in ``active_window`` on insertion; falls off at the first window shift.
SEED_WINDOW_BIT = np.uint32(1 << 31)


class CutPool:
    """Cuts of one stage: ``theta >= intercept + coefs @ x_out`` (LP units)."""

    def __init__(
        self, n_state: int, forward_passes: int, max_iterations: int, warm_start_count: int = 0
    ) -> None:
        self.n_state = int(n_state)
        self.forward_passes = int(forward_passes)
        self.warm_start_count = int(warm_start_count)
        capacity = self.warm_start_count + (int(max_iterations) + 1) * self.forward_passes
        self._allocate(max(capacity, 1))
        #: one past the highest populated slot (the pool's high-water mark)
        self.high_water = 0
        self._warm_loaded = 0
        #: bumped whenever a cut is deactivated, so LP holders know to rebake instead of append
        self.generation = 0

    # -- storage ---------------------------------------------------------------------------
    def _allocate(self, capacity: int) -> None:
        n = self.n_state
        self.coefs = np.zeros((capacity, n), dtype=np.float64)
        self.intercepts = np.zeros(capacity, dtype=np.float64)
        self.active = np.zeros(capacity, dtype=bool)
        self.populated = np.zeros(capacity, dtype=bool)
        self.iteration_generated = np.zeros(capacity, dtype=np.uint64)
        self.forward_pass_index = np.zeros(capacity, dtype=np.uint32)
        self.active_count = np.zeros(capacity, dtype=np.uint64)
        self.last_active_iter = np.zeros(capacity, dtype=np.uint64)
        self.active_window = np.zeros(capacity, dtype=np.uint32)

    @property
    def capacity(self) -> int:
        return int(self.intercepts.shape[0])

    def ensure_capacity(self, needed: int) -> None:
        """Grow (doubling) so that slots ``< needed`` exist; contents are kept."""
        cap = self.capacity
        if needed <= cap:
            return
        new_cap = max(needed, 2 * cap)
        old = {
            name: getattr(self, name)
            for name in (
                "coefs",
                "intercepts",
                "active",
                "populated",
                "iteration_generated",
                "forward_pass_index",
                "active_count",
                "last_active_iter",
                "active_window",
            )
        }
        self._allocate(new_cap)
        for name, arr in old.items():
            getattr(self, name)[:cap] = arr

    def slot(self, iteration: int, forward_pass: int | np.ndarray) -> int | np.ndarray:
        """Deterministic slot of the cut of forward pass ``m`` generated at iteration ``k``."""
        return self.warm_start_count + int(iteration) * self.forward_passes + forward_pass

    # -- insertion -------------------------------------------------------------------------
    def insert(
        self,
        iteration: int,
        forward_passes: np.ndarray,
        intercepts: np.ndarray,
        coefs: np.ndarray,
    ) -> np.ndarray:
        """Insert one cut per forward pass index (ascending); return their slots."""
        m = np.asarray(forward_passes, dtype=np.int64)
        slots = self.warm_start_count + int(iteration) * self.forward_passes + m
        if slots.size == 0:
            return slots
        self.ensure_capacity(int(slots.max()) + 1)
        self.coefs[slots] = coefs
        self.intercepts[slots] = intercepts
        self.active[slots] = True
        self.populated[slots] = True
        self.iteration_generated[slots] = iteration
        self.forward_pass_index[slots] = m
        self.active_count[slots] = 0
        self.last_active_iter[slots] = iteration
        self.active_window[slots] = SEED_WINDOW_BIT
        self.high_water = max(self.high_water, int(slots.max()) + 1)
        return slots

    def load_warm_start(
        self, intercepts: np.ndarray, coefs: np.ndarray, active: np.ndarray | None = None
    ) -> None:
        """Fill the next of the ``warm_start_count`` reserved slots with stored cuts (spec 12 §13.2).

        Successive calls append (warm-start records first, then boundary cuts).
        """
        n = int(np.asarray(intercepts).shape[0])
        first = self._warm_loaded
        if first + n > self.warm_start_count:
            raise ValueError(
                f"{first + n} warm-start cuts but only {self.warm_start_count} slots reserved"
            )
        sl = slice(first, first + n)
        self._warm_loaded = first + n
        self.coefs[sl] = coefs
        self.intercepts[sl] = intercepts
        self.active[sl] = True if active is None else np.asarray(active, dtype=bool)
        self.populated[sl] = True
        self.iteration_generated[sl] = WARM_START_ITERATION
        self.forward_pass_index[sl] = 0
        self.active_count[sl] = 0
        self.last_active_iter[sl] = 0
        self.active_window[sl] = 0
        self.high_water = max(self.high_water, first + n)
        self.generation += 1

    # -- queries ---------------------------------------------------------------------------
    def active_slots(self) -> np.ndarray:
        """Slots of the active cuts, ascending (= LP row order)."""
        return np.flatnonzero(self.active[: self.high_water])

    def populated_slots(self) -> np.ndarray:
        return np.flatnonzero(self.populated[: self.high_water])

    @property
    def n_active(self) -> int:
        return int(np.count_nonzero(self.active[: self.high_water]))

    @property
    def n_populated(self) -> int:
        return int(np.count_nonzero(self.populated[: self.high_water]))

    def cuts(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(coefs, intercepts)`` of the given slots (copies, in the given order)."""
        return self.coefs[slots], self.intercepts[slots]

    def evaluate(self, states: np.ndarray, slots: np.ndarray | None = None) -> np.ndarray:
        """Cut values ``intercept + coefs @ x`` for every (cut, state): shape (n_cuts, n_states)."""
        if slots is None:
            slots = self.active_slots()
        x = np.atleast_2d(states)
        return self.intercepts[slots, None] + self.coefs[slots] @ x.T

    # -- activity and deactivation ---------------------------------------------------------
    def record_binding(self, slots: np.ndarray, counts: np.ndarray, iteration: int) -> None:
        """Add binding observations of this iteration (spec 12 §4 step 6)."""
        slots = np.asarray(slots, dtype=np.int64)
        counts = np.asarray(counts, dtype=np.uint64)
        hit = counts > 0
        s = slots[hit]
        self.active_count[s] += counts[hit]
        self.last_active_iter[s] = iteration
        self.active_window[s] |= np.uint32(1)

    def deactivate(self, slots: np.ndarray) -> None:
        slots = np.asarray(slots, dtype=np.int64)
        if slots.size:
            self.active[slots] = False
            self.generation += 1

    def shift_windows(self) -> None:
        """Age the activity bitmaps of every populated slot by one iteration."""
        hw = self.high_water
        mask = self.populated[:hw]
        self.active_window[:hw][mask] <<= np.uint32(1)
