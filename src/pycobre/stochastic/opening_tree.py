"""Backward-pass opening tree (spec 11 §8, §16.7): per study stage an ``(n_open, D)`` array."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from pycobre.errors import ValidationError
from pycobre.io.arrow_numpy import to_numpy
from pycobre.stochastic.case_view import StageInfo
from pycobre.stochastic.correlation import CorrelationModel
from pycobre.stochastic.located_error import located_error
from pycobre.stochastic.noise_layout import NoiseLayout
from pycobre.stochastic.sampling.halton import halton_batch
from pycobre.stochastic.sampling.lhs import lhs_batch
from pycobre.stochastic.sampling.saa import saa_batch
from pycobre.stochastic.sampling.sobol import SOBOL_MAX_DIM, sobol_batch
from pycobre.stochastic.siphash import derive_opening_seed

__all__ = ["check_sampling_methods", "generate_opening_tree", "read_user_tree"]

_BATCH = {"lhs": lhs_batch, "qmc_sobol": sobol_batch, "qmc_halton": halton_batch}


def generate_opening_tree(
    stages: list[StageInfo],
    n_open: list[int],
    groups: np.ndarray,
    layout: NoiseLayout,
    tree_seed: int,
    correlation: CorrelationModel,
    historical_eta: Callable[[int, int], np.ndarray] | None = None,
    n_windows: int = 0,
) -> list[np.ndarray]:
    """Generate the tree; ``historical_eta(window, t)`` gives the hydro η of a history window."""
    check_sampling_methods(stages, layout.dim)
    dim = layout.dim
    copies = [t > 0 and groups[t] == groups[t - 1] for t in range(len(stages))]
    tree: list[np.ndarray | None] = [None] * len(stages)
    saa_stages = [t for t, s in enumerate(stages) if not copies[t] and s.sampling_method == "saa"]
    if saa_stages:
        drawn = saa_batch(
            tree_seed, [stages[t].id for t in saa_stages], [n_open[t] for t in saa_stages], dim
        )
        for t, values in zip(saa_stages, drawn, strict=True):
            tree[t] = values
    for t, stage in enumerate(stages):
        if copies[t]:
            prev = tree[t - 1]
            values = np.zeros((n_open[t], dim))
            k = min(prev.shape[0], n_open[t])
            values[:k] = prev[:k]
            tree[t] = values
            continue
        method = stage.sampling_method
        if method == "historical_residuals":
            values = np.zeros((n_open[t], dim))
            if n_open[t]:
                windows = derive_opening_seed(
                    tree_seed, np.arange(n_open[t], dtype=np.int64), stage.id
                )
                for o, w in enumerate(np.atleast_1d(windows) % np.uint64(n_windows)):
                    values[o, : len(layout.hydro_ids)] = historical_eta(int(w), t)
            tree[t] = values
            continue
        if method in _BATCH:
            tree[t] = _BATCH[method](tree_seed, stage.id, n_open[t], dim)
        if not correlation.is_identity:
            correlation.correlate(stage.id, tree[t], layout.segments())
    return [np.ascontiguousarray(v) for v in tree]


def check_sampling_methods(stages: list[StageInfo], dim: int = 0) -> None:
    """``selective`` cannot generate openings (spec 11 §10.7); Sobol has a dimension cap:
    located errors on the stage."""
    for stage in stages:
        if stage.sampling_method == "qmc_sobol" and dim > SOBOL_MAX_DIM:
            raise located_error(
                "DimensionExceedsCapacity",
                f"sampling_method 'qmc_sobol' of stage {stage.id} supports at most "
                f"{SOBOL_MAX_DIM} noise dimensions, the case has {dim}",
                file="stages.json",
                entity=stage.id,
                field=f"stages[{stage.index}].sampling_method",
                stage_id=stage.id,
                dimension=dim,
                max=SOBOL_MAX_DIM,
            )
        if stage.sampling_method == "selective":
            raise located_error(
                "UnsupportedNoiseMethod",
                f"sampling_method 'selective' of stage {stage.id} cannot generate an opening "
                "tree; provide a pre-built tree instead (scenarios/noise_openings.parquet)",
                file="stages.json",
                entity=stage.id,
                field=f"stages[{stage.index}].sampling_method",
                stage_id=stage.id,
            )


def read_user_tree(table: pa.Table, n_stages: int, dim: int) -> list[np.ndarray]:
    """``noise_openings.parquet`` → per-stage arrays; every (stage, opening, entity) required.

    Shape errors name the file and the column at fault (spec 01 §7.4); Cobre 0.5.1 reports the
    entity and stage counts the same way and panics on a missing row, which is reported here.
    """
    fname = "scenarios/noise_openings.parquet"

    def bad(message: str, field: str, **ctx: object) -> ValidationError:
        return located_error(
            "DimensionMismatch", f"{fname}: {message}", file=fname, field=field, **ctx
        )

    stage = np.asarray(to_numpy(table.column("stage_id")), dtype=np.int64)
    opening = np.asarray(
        to_numpy(table.column("opening_index")), dtype=np.int64
    )
    entity = np.asarray(to_numpy(table.column("entity_index")), dtype=np.int64)
    value = np.asarray(to_numpy(table.column("value")), dtype=np.float64)
    if len(np.unique(entity)) != dim or entity.min(initial=0) < 0 or entity.max(initial=-1) >= dim:
        raise bad(
            f"expected entity_index 0..{dim - 1} (noise dimension {dim}: hydros, stochastic load "
            f"buses, NCS), found {len(np.unique(entity))} distinct values",
            "entity_index",
            expected=dim,
            actual=int(len(np.unique(entity))),
        )
    if sorted(np.unique(stage).tolist()) != list(range(n_stages)):
        raise bad(
            f"expected stage_id 0..{n_stages - 1} (one per study stage), found "
            f"{len(np.unique(stage))} distinct values",
            "stage_id",
            expected=n_stages,
            actual=int(len(np.unique(stage))),
        )
    if opening.min(initial=0) < 0:
        raise bad("opening_index must be >= 0", "opening_index")
    finite = np.isfinite(value)
    if not finite.all():
        k = int(np.flatnonzero(~finite)[0])
        raise bad(
            f"non-finite value at stage {stage[k]}, opening {opening[k]}, entity {entity[k]}",
            "value",
            stage_id=int(stage[k]),
        )
    tree = []
    for t in range(n_stages):
        sel = stage == t
        n_o = int(opening[sel].max()) + 1
        count = np.zeros((n_o, dim), dtype=np.int64)
        np.add.at(count, (opening[sel], entity[sel]), 1)
        if (count != 1).any():
            o, e = (int(v[0]) for v in np.nonzero(count != 1))
            what = "missing" if count[o, e] == 0 else "duplicated"
            raise bad(
                f"stage {t}: row (opening {o}, entity {e}) is {what}; each stage needs every "
                f"(opening_index 0..{n_o - 1}, entity_index 0..{dim - 1}) exactly once",
                "opening_index",
                stage_id=t,
            )
        values = np.empty((n_o, dim))
        values[opening[sel], entity[sel]] = value[sel]
        tree.append(values)
    return tree
