"""Forward-pass noise (spec 11 §11, §16.7): a pure function of (iteration, scenario, stage index).

Training calls use the 1-based absolute iteration and the global forward-pass index; simulation
uses iteration 0 and scenario index ``2147483647 + scenario_id`` (Cobre's seed domain split).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pycobre.errors import ValidationError
from pycobre.stochastic.case_view import StageInfo
from pycobre.stochastic.correlation import CorrelationModel
from pycobre.stochastic.noise_layout import NoiseLayout
from pycobre.stochastic.pcg64 import Pcg64, Pcg64Lanes
from pycobre.stochastic.sampling.halton import halton_point
from pycobre.stochastic.sampling.lhs import lhs_point
from pycobre.stochastic.sampling.saa import saa_point
from pycobre.stochastic.sampling.sobol import sobol_point
from pycobre.stochastic.scenario_source import ScenarioSource
from pycobre.stochastic.siphash import derive_forward_seed

__all__ = ["ForwardSampler", "SIMULATION_SCENARIO_OFFSET", "HISTORICAL_BASE", "EXTERNAL_BASE"]

SIMULATION_SCENARIO_OFFSET = 2147483647
HISTORICAL_BASE = 0x686973746F726963  # b"historic"
EXTERNAL_BASE = 0x65787465726E616C  # b"external"
_CLASSES = ("inflow", "load", "ncs")
_SCALAR_MAX = 16  # batch size up to which scalar streams beat the NumPy lanes


class ForwardSampler:
    """Noise vectors of one scheme configuration (training or simulation)."""

    def __init__(
        self,
        source: ScenarioSource,
        *,
        tree: list[np.ndarray],
        stages: list[StageInfo],
        groups: np.ndarray,
        layout: NoiseLayout,
        correlation: CorrelationModel,
        tree_seed: int,
        n_total: int,
        historical_eta: Callable[[int, int], np.ndarray] | None = None,
        n_windows: int = 0,
        external_eta: dict[str, Callable[[int, int], np.ndarray]] | None = None,
        n_external: dict[str, int] | None = None,
        is_simulation: bool = False,
    ) -> None:
        self.source = source
        self.tree = tree
        self.stages = stages
        self.groups = groups
        self.layout = layout
        self.correlation = correlation
        self.tree_seed = tree_seed
        self.n_total = max(int(n_total), 1)
        self.historical_eta = historical_eta
        self.n_windows = n_windows
        self.external_eta = external_eta or {}
        self.n_external = n_external or {}
        self.is_simulation = is_simulation
        self.slices = layout.slices()
        self.n_open = np.array([v.shape[0] for v in tree], dtype=np.int64)
        for cls in _CLASSES:
            scheme = source.scheme(cls)
            if scheme == "historical" and historical_eta is None:
                raise ValidationError(
                    "scenario_source.inflow.scheme 'historical' needs scenarios/inflow_history.parquet",
                    kind="MissingScenarioSource",
                    context={"file": "config.json", "field": "scenario_source.inflow.scheme"},
                )
            if scheme == "external" and cls not in self.external_eta and self._class_len(cls):
                raise ValidationError(
                    f"scenario_source.{cls}.scheme 'external' needs scenarios/external_{cls}_scenarios.parquet",
                    kind="MissingScenarioSource",
                    context={"file": "config.json", "field": f"scenario_source.{cls}.scheme"},
                )

    def _class_len(self, cls: str) -> int:
        s = self.slices[cls]
        return s.stop - s.start

    def in_sample_openings(self, iteration: int, scenarios: np.ndarray, t: int) -> np.ndarray:
        """Opening index chosen for each scenario (one bounded draw from a fresh stream).

        Small batches (a forward pass block) use Python integers: the NumPy lanes cost a fixed
        ~0.5 ms per call, which would dominate the per-iteration noise cost of small cases.
        """
        if len(scenarios) <= _SCALAR_MAX:
            it, st, n_open = int(iteration), int(t), int(self.n_open[t])
            return np.array(
                [
                    Pcg64.from_u64(derive_forward_seed(self.tree_seed, it, int(m), st)).bounded(
                        n_open
                    )
                    for m in scenarios
                ],
                dtype=np.int64,
            )
        seeds = derive_forward_seed(
            self.tree_seed, iteration, np.asarray(scenarios, dtype=np.int64), t
        )
        lanes = Pcg64Lanes.from_u64(np.atleast_1d(seeds))
        return lanes.bounded(int(self.n_open[t]))

    def _out_of_sample(self, iteration: int, scenarios: np.ndarray, t: int, dim: int) -> np.ndarray:
        method = self.stages[t].sampling_method
        g = int(self.groups[t])
        seed = int(self.source.seed)
        if method == "lhs":
            return np.array(
                [lhs_point(seed, iteration, int(m), g, self.n_total, dim) for m in scenarios]
            )
        if method == "qmc_sobol":
            return np.array([sobol_point(seed, iteration, int(m), g, dim) for m in scenarios])
        if method == "qmc_halton":
            return np.array(
                [halton_point(seed, iteration, int(m), g, self.n_total, dim) for m in scenarios]
            )
        return saa_point(seed, iteration, scenarios, g, dim)

    def noise_batch(self, iteration: int, scenarios: np.ndarray, t: int) -> np.ndarray:
        """``(len(scenarios), D)`` noise for raw scenario indices (already offset in simulation)."""
        scen = np.atleast_1d(np.asarray(scenarios, dtype=np.int64))
        if self.source.all_in_sample:
            return self.tree[t][self.in_sample_openings(iteration, scen, t)]
        out = np.zeros((scen.shape[0], self.layout.dim))
        picks = None
        oos = []
        for cls in _CLASSES:
            sl = self.slices[cls]
            if sl.stop == sl.start:
                continue
            scheme = self.source.scheme(cls)
            if scheme == "in_sample":
                if picks is None:
                    picks = self.in_sample_openings(iteration, scen, t)
                out[:, sl] = self.tree[t][picks, sl]
            elif scheme == "out_of_sample":
                out[:, sl] = self._out_of_sample(iteration, scen, t, sl.stop - sl.start)
                oos.append(cls)
            elif scheme == "historical":
                w = np.atleast_1d(
                    derive_forward_seed(HISTORICAL_BASE, iteration, scen, 0)
                ) % np.uint64(self.n_windows)
                out[:, sl] = np.array([self.historical_eta(int(k), t) for k in w])
            elif scheme == "external":
                n_ext = self.n_external[cls]
                k = np.atleast_1d(
                    derive_forward_seed(EXTERNAL_BASE, iteration, scen, 0)
                ) % np.uint64(n_ext)
                out[:, sl] = np.array([self.external_eta[cls](t, int(j)) for j in k])
        if oos and not self.correlation.is_identity:
            self.correlation.correlate(t, out, self.layout.segments(), classes=tuple(oos))
        return out

    def historical_windows(self, iteration: int, scenarios: np.ndarray) -> np.ndarray:
        """Window index of each trajectory under the ``historical`` inflow scheme (lag seeding)."""
        scen = np.atleast_1d(np.asarray(scenarios, dtype=np.int64))
        return (
            np.atleast_1d(derive_forward_seed(HISTORICAL_BASE, iteration, scen, 0))
            % np.uint64(max(self.n_windows, 1))
        ).astype(np.int64)
