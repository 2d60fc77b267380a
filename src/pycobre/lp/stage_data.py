"""Numeric inputs of one stage LP, already resolved (penalty cascade, stage overrides, PAR).

This is the seam between the case model and the LP builder: ``from_system`` fills it from a
``System`` and a ``StochasticModel``; tests build it by hand.  Everything is a NumPy array in
entity-position order (ascending id).  Costs are in $ (per MWh or per m3/s.h), *not* scaled;
the template divides by 1000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class BusData:
    ids: np.ndarray  # (B,)
    excess_cost: np.ndarray  # (B,)
    load_mean: np.ndarray  # (B,) MW before block factors
    load_std: np.ndarray  # (B,)
    load_factor: np.ndarray  # (B, K)
    seg_bus: np.ndarray  # (S,) bus position of each deficit segment (bus-major, segment order)
    seg_depth: np.ndarray  # (S,) MW, inf for the unbounded last segment
    seg_cost: np.ndarray  # (S,) $/MWh

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])


@dataclass
class LineData:
    ids: np.ndarray
    source: np.ndarray  # bus positions
    target: np.ndarray
    direct_mw: np.ndarray
    reverse_mw: np.ndarray
    direct_factor: np.ndarray  # (Lb, K)
    reverse_factor: np.ndarray  # (Lb, K)
    exchange_cost: np.ndarray

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])


@dataclass
class ThermalData:
    ids: np.ndarray
    bus: np.ndarray
    min_mw: np.ndarray
    max_mw: np.ndarray
    cost: np.ndarray

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])


@dataclass
class FphaPlanes:
    """Hyperplanes of the FPHA hydros of this stage (spec 10 §7), one entry per plane."""

    hydro: np.ndarray  # (M,) hydro position
    intercept: np.ndarray  # kappa * gamma_0
    gamma_v: np.ndarray
    gamma_q: np.ndarray
    gamma_s: np.ndarray

    @classmethod
    def empty(cls) -> FphaPlanes:
        z = np.zeros(0)
        return cls(np.zeros(0, dtype=np.int64), z, z, z, z)


@dataclass
class HydroData:
    ids: np.ndarray
    bus: np.ndarray
    downstream: np.ndarray  # position or -1
    diversion_target: np.ndarray  # position or -1
    diversion_max: np.ndarray  # 0 when no diversion
    vmin: np.ndarray
    vmax: np.ndarray
    qmin: np.ndarray
    qmax: np.ndarray
    omin: np.ndarray
    omax: np.ndarray  # inf when undefined
    gmin: np.ndarray
    gmax: np.ndarray
    withdrawal: np.ndarray
    productivity: np.ndarray  # resolved rho (load balance, turbine cap); ignored for FPHA
    productivity_entity: np.ndarray  # entity rho (min-generation row, spec 10 §16 item 3)
    is_fpha: np.ndarray  # bool
    cost_spill: np.ndarray
    cost_diversion: np.ndarray
    cost_fpha: np.ndarray
    cost_outflow_below: np.ndarray
    cost_outflow_above: np.ndarray
    cost_turbined_below: np.ndarray
    cost_generation_below: np.ndarray
    cost_inflow: np.ndarray
    cost_withdrawal_neg: np.ndarray  # under-withdrawal (sigma w-)
    cost_withdrawal_pos: np.ndarray  # over-withdrawal (sigma w+)
    cost_evaporation_neg: np.ndarray  # under-evaporation (sigma ev+)
    cost_evaporation_pos: np.ndarray  # over-evaporation (sigma ev-)
    has_evaporation: np.ndarray  # bool
    evap_k0: np.ndarray
    evap_kv: np.ndarray
    planes: FphaPlanes = field(default_factory=FphaPlanes.empty)

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])


@dataclass
class NcsData:
    """Non-controllable sources *active* at this stage."""

    ids: np.ndarray
    bus: np.ndarray
    available_mw: np.ndarray  # deterministic bound (ncs_bounds or max_generation_mw)
    max_generation_mw: np.ndarray
    mean: np.ndarray  # availability factor (stochastic NCS)
    std: np.ndarray
    stochastic: np.ndarray  # bool: has a noise slot (stats present)
    block_factor: np.ndarray  # (R, K)
    curtailment_cost: np.ndarray
    noise_slot: np.ndarray  # index into the noise vector, -1 when deterministic

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True)
class GenericTerm:
    kind: str  # variable name of spec 10 §10
    entity: int  # entity *position* (-1: unknown id, term ignored)
    block: int | None
    coefficient: float


@dataclass(frozen=True)
class GenericRow:
    constraint_id: int
    name: str
    block: int
    sense: str  # '<=', '>=', '=='
    bound: float
    slack_enabled: bool
    penalty: float
    terms: tuple[GenericTerm, ...]


@dataclass
class InflowData:
    base: np.ndarray  # (N,)
    psi: np.ndarray  # (N, L)
    sigma: np.ndarray  # (N,)
    max_ar_order: np.ndarray  # (N,) int, P_h

    @property
    def n_lags(self) -> int:
        return int(self.psi.shape[1])


@dataclass
class StageData:
    """Everything the template builder needs for study stage ``index``."""

    index: int
    stage_id: int
    hours: np.ndarray  # (K,)
    discount: float  # d_t, theta's objective coefficient
    is_last: bool
    buses: BusData
    lines: LineData
    thermals: ThermalData
    hydros: HydroData
    ncs: NcsData
    inflow: InflowData
    generic: tuple[GenericRow, ...] = ()
    inflow_method: str = "penalty"
    noise_dim: int = 0
    load_noise_bus: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cobre_compat: bool = False
    lag_cut_map: str = "shift"  # 'shift' (plain) or 'frozen' (outgoing lag j = incoming lag j)
    # accumulators as state (spec 10 §16): replaces lag_cut_map when set (see lag_map.py)
    lag_state_map: Any = None

    @property
    def n_blocks(self) -> int:
        return int(self.hours.shape[0])
