"""Readers of pycobre/Cobre output directories (spec 20 §8)."""

from __future__ import annotations

from pycobre.results.formats import to_frame
from pycobre.results.policy import load_policy
from pycobre.results.run_results import load_convergence, load_convergence_arrow, load_results
from pycobre.results.simulation import load_simulation, load_simulation_arrow

__all__ = [
    "load_convergence",
    "load_convergence_arrow",
    "load_policy",
    "load_results",
    "load_simulation",
    "load_simulation_arrow",
    "to_frame",
]
