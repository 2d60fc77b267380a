"""Dense per-(study stage, entity) values after the defaults cascade (spec 01 §4.1, 10 §13).

Every array is C-contiguous; ``T`` = study stages, ``K`` = the largest block count of any study
stage (per-block arrays are padded: hours 0, factors 1.0 beyond a stage's last block). Entity
axes are positions in ascending-id order.

Temporal
    ``block_hours (T, K)``, ``n_blocks (T,) int``, ``stage_hours (T,)``,
    ``discount_factor (T,)`` one-step d_t of spec 10 §11.3 (1.0 when the rate is 0).
Buses
    ``bus_excess_cost (T, B)``; deficit tiers (never stage-varying):
    ``bus_deficit_segments`` (tuple per bus of ``DeficitSegment``),
    ``bus_deficit_depth_mw (B, S)`` (+inf = unbounded or padding),
    ``bus_deficit_cost (B, S)`` (NaN padding), ``bus_n_deficit_segments (B,) int``;
    ``load_block_factor (T, B, K)``.
Lines
    ``line_direct_mw``, ``line_reverse_mw``, ``line_exchange_cost (T, L)``;
    ``line_direct_factor``, ``line_reverse_factor (T, L, K)``.
Thermals
    ``thermal_min_generation_mw``, ``thermal_max_generation_mw``, ``thermal_cost_per_mwh (T, J)``.
Hydros (bounds; ``hydro_max_outflow_m3s`` is +inf when unbounded)
    ``hydro_min_storage_hm3``, ``hydro_max_storage_hm3``, ``hydro_min_turbined_m3s``,
    ``hydro_max_turbined_m3s``, ``hydro_min_outflow_m3s``, ``hydro_max_outflow_m3s``,
    ``hydro_min_generation_mw``, ``hydro_max_generation_mw``, ``hydro_max_diversion_m3s``
    (stage file value; the LP uses the entity ``diversion.max_flow_m3s``, 0 without diversion),
    ``hydro_filling_inflow_m3s``, ``hydro_water_withdrawal_m3s`` (default 0) — all ``(T, H)``.
Hydros (penalties, ``(T, H)``)
    ``hydro_spillage_cost``, ``hydro_diversion_cost``, ``hydro_fpha_turbined_cost``,
    ``hydro_storage_violation_below_cost``, ``hydro_filling_target_violation_cost``,
    ``hydro_turbined_violation_below_cost``, ``hydro_outflow_violation_below_cost``,
    ``hydro_outflow_violation_above_cost``, ``hydro_generation_violation_below_cost``,
    ``hydro_evaporation_violation_cost``, ``hydro_water_withdrawal_violation_cost``,
    ``hydro_inflow_nonnegativity_cost``, and the directional costs the LP uses:
    ``hydro_evaporation_violation_pos_cost``, ``hydro_evaporation_violation_neg_cost``,
    ``hydro_water_withdrawal_violation_pos_cost``, ``hydro_water_withdrawal_violation_neg_cost``
    (entity symmetric value sets both; stage overrides of the symmetric cost do not reach them).
Non-controllable sources
    ``ncs_available_generation_mw (T, R)`` (bounds file, default ``max_generation_mw``),
    ``ncs_curtailment_cost (T, R)`` (stage overrides parsed; the LP uses the entity value),
    ``ncs_block_factor (T, R, K)``.
Pumping stations / contracts
    ``pumping_min_m3s``, ``pumping_max_m3s (T, P)``; ``contract_min_mw``, ``contract_max_mw``,
    ``contract_price_per_mwh (T, C)``.
Lifecycle
    ``<kind>_active (T, n) bool`` for ``hydro``, ``thermal``, ``line``, ``ncs``, ``pumping``,
    ``contract``: entry ≤ stage id < exit (only NCS activity is applied in the LP).
Generic constraints (one entry per bounds row, sorted by (stage, constraint id, block))
    ``generic_row_stage (G,) int`` (study stage position), ``generic_row_constraint (G,) int``
    (constraint position), ``generic_row_block (G,) int`` (-1 = every block),
    ``generic_row_bound (G,)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Resolved"]


class Resolved:
    """Read-only bag of NumPy arrays; arrays are marked non-writeable."""

    __slots__ = ("_arrays", "_other")

    def __init__(self, arrays: dict[str, np.ndarray], other: dict[str, Any] | None = None):
        frozen: dict[str, np.ndarray] = {}
        for name, value in arrays.items():
            arr = np.ascontiguousarray(value)
            arr.setflags(write=False)
            frozen[name] = arr
        object.__setattr__(self, "_arrays", frozen)
        object.__setattr__(self, "_other", dict(other or {}))

    def __getattr__(self, name: str) -> Any:
        arrays = object.__getattribute__(self, "_arrays")
        if name in arrays:
            return arrays[name]
        other = object.__getattribute__(self, "_other")
        if name in other:
            return other[name]
        raise AttributeError(f"Resolved has no array {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Resolved is immutable")

    def __dir__(self) -> list[str]:
        return sorted({*self._arrays, *self._other, "names"})

    def names(self) -> list[str]:
        return sorted(self._arrays)

    def __contains__(self, name: str) -> bool:
        return name in self._arrays

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resolved):
            return NotImplemented
        if self._arrays.keys() != other._arrays.keys() or self._other != other._other:
            return False
        return all(
            a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
            for a, b in ((self._arrays[k], other._arrays[k]) for k in self._arrays)
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Resolved, (dict(self._arrays), dict(self._other)))

    def __repr__(self) -> str:
        return f"Resolved({len(self._arrays)} arrays)"
