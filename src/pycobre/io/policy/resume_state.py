"""``<policy>/pycobre_resume.npz``: what a bit-for-bit resume needs beyond Cobre's files.

Cobre's checkpoint (spec 05) holds the cuts and one basis per stage. An uninterrupted run also
carries, from one iteration to the next, the warm-start basis of every (trajectory, stage), the
lower-bound LP's basis, the cut-activity counters of every slot, the lower-bound history
(stalling rules look back) and the visited trial points (domination cut selection). Degenerate stage LPs make the simplex path depend on the starting
basis, so without these a resumed run drifts from the uninterrupted one (spec 21 §11.1, §11.3).

The file is pycobre's own (Cobre ignores unknown files); it is written only when
``policy.checkpointing.enabled`` is set, so a default run keeps Cobre's file set. Variable-length
status vectors are stored flat with ``*_ptr`` offsets.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "RESUME_FILE",
    "StoredBasis",
    "ResumeState",
    "encode_resume_state",
    "decode_resume_state",
]

RESUME_FILE = "pycobre_resume.npz"
FORMAT_VERSION = 1


@dataclass(eq=False)
class StoredBasis:
    """HiGHS status codes of one basis plus the number of cut rows it was captured with."""

    column_status: np.ndarray
    row_status: np.ndarray
    n_cuts: int


@dataclass(eq=False)
class ResumeState:
    completed_iterations: int
    forward_bases: dict[tuple[int, int], StoredBasis] = field(default_factory=dict)
    lower_bound_basis: StoredBasis | None = None
    lb_history: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: per stage, slots ``[:high_water]``: active_count, last_active_iter, active_window,
    #: iteration_generated (cut files keep neither counters nor the generating iteration of
    #: loaded cuts in a form the pool can reuse)
    activity: list[dict[str, np.ndarray]] = field(default_factory=list)
    #: per stage, the trial points visited so far (domination cut selection compares them)
    visited: list[np.ndarray] = field(default_factory=list)
    #: ``convergence.parquet`` rows of iterations ``1..completed`` (float matrix, NaN = null),
    #: so a resumed run writes the whole history
    convergence: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))


def _pack(bases: list[StoredBasis], prefix: str, out: dict[str, np.ndarray]) -> None:
    for part, attr in (("col", "column_status"), ("row", "row_status")):
        vecs = [np.asarray(getattr(b, attr), dtype=np.uint8) for b in bases]
        out[f"{prefix}_{part}"] = np.concatenate(vecs) if vecs else np.zeros(0, np.uint8)
        out[f"{prefix}_{part}_ptr"] = np.cumsum([0] + [v.size for v in vecs], dtype=np.int64)
    out[f"{prefix}_n_cuts"] = np.array([b.n_cuts for b in bases], dtype=np.int64)


def _unpack(z: dict[str, np.ndarray], prefix: str) -> list[StoredBasis]:
    cp, rp = z[f"{prefix}_col_ptr"], z[f"{prefix}_row_ptr"]
    cols, rows, nc = z[f"{prefix}_col"], z[f"{prefix}_row"], z[f"{prefix}_n_cuts"]
    return [
        StoredBasis(cols[cp[i] : cp[i + 1]], rows[rp[i] : rp[i + 1]], int(nc[i]))
        for i in range(nc.shape[0])
    ]


def encode_resume_state(state: ResumeState) -> bytes:
    keys = sorted(state.forward_bases)
    out: dict[str, np.ndarray] = {
        "version": np.array([FORMAT_VERSION], dtype=np.int64),
        "completed_iterations": np.array([state.completed_iterations], dtype=np.int64),
        "fwd_keys": np.array(keys, dtype=np.int64).reshape(-1, 2),
        "lb_history": np.asarray(state.lb_history, dtype=np.float64),
        "n_stages": np.array([len(state.activity)], dtype=np.int64),
        "convergence": np.asarray(state.convergence, dtype=np.float64),
    }
    _pack([state.forward_bases[k] for k in keys], "fwd", out)
    _pack([] if state.lower_bound_basis is None else [state.lower_bound_basis], "lb", out)
    for t, pts in enumerate(state.visited):
        out[f"visited{t}"] = np.asarray(pts, dtype=np.float64)
    out["n_visited"] = np.array([len(state.visited)], dtype=np.int64)
    for t, arrays in enumerate(state.activity):
        for name, arr in arrays.items():
            out[f"act{t}_{name}"] = np.asarray(arr)
    buf = io.BytesIO()
    np.savez(buf, **out)
    return buf.getvalue()


def decode_resume_state(data: bytes) -> ResumeState:
    with np.load(io.BytesIO(data), allow_pickle=False) as f:
        z = {k: f[k] for k in f.files}
    if int(z["version"][0]) != FORMAT_VERSION:
        raise ValueError(f"unsupported {RESUME_FILE} version {int(z['version'][0])}")
    fwd = _unpack(z, "fwd")
    lb = _unpack(z, "lb")
    activity = []
    for t in range(int(z["n_stages"][0])):
        pre = f"act{t}_"
        activity.append({k[len(pre) :]: v for k, v in z.items() if k.startswith(pre)})
    n_vis = int(z["n_visited"][0]) if "n_visited" in z else 0
    return ResumeState(
        completed_iterations=int(z["completed_iterations"][0]),
        visited=[z[f"visited{t}"] for t in range(n_vis)],
        forward_bases={(int(m), int(t)): b for (m, t), b in zip(z["fwd_keys"], fwd, strict=True)},
        lower_bound_basis=lb[0] if lb else None,
        lb_history=z["lb_history"],
        activity=activity,
        convergence=z.get("convergence", np.zeros((0, 0))),
    )
