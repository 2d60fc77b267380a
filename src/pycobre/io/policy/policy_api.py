"""The user-facing ``Policy`` object (spec 20 §13) over a policy checkpoint.

Meant to be re-exported as ``pycobre.policy.Policy`` / ``pycobre.Policy``. Arrays handed out are
read-only copies, so callers may keep them after the policy object is gone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from pycobre.errors import CheckpointError
from pycobre.io.policy.checkpoint import PolicyData, read_policy, write_policy
from pycobre.io.policy.stage_cuts import StageCuts, encode_stage_cuts

__all__ = ["Policy"]


def _frozen(a: np.ndarray) -> np.ndarray:
    out = np.array(a, copy=True)
    out.flags.writeable = False
    return out


class Policy:
    """Cuts (outer approximation) of every study stage, plus stored bases."""

    def __init__(self, data: PolicyData) -> None:
        self._data = data

    # -- persistence -------------------------------------------------------------------
    @staticmethod
    def load(path: str | os.PathLike[str]) -> Policy:
        """Policy directory, or an output directory holding ``policy/`` or ``training/policy/``."""
        from pycobre.results.policy import find_policy_dir

        # states too: a load-save round trip must not drop the visited-states archive
        return Policy(read_policy(find_policy_dir(path)))

    def save(self, path: str | os.PathLike[str]) -> None:
        try:
            write_policy(Path(path), self._data)
        except CheckpointError:
            raise
        except OSError as exc:
            raise CheckpointError(
                f"cannot save policy to {path}: {exc}", checkpoint_path=str(path), operation="write"
            ) from exc

    @property
    def data(self) -> PolicyData:
        return self._data

    # -- description -------------------------------------------------------------------
    @property
    def metadata(self) -> dict[str, Any]:
        return self._data.metadata.to_dict()

    @property
    def n_stages(self) -> int:
        return self._data.num_stages

    @property
    def state_dimension(self) -> int:
        return self._data.state_dimension

    def _stage(self, stage: int) -> StageCuts:
        if not 0 <= int(stage) < self.n_stages:
            raise IndexError(f"stage {stage} out of range 0..{self.n_stages - 1}")
        return self._data.cuts[int(stage)]

    def summary(self) -> dict[str, Any]:
        """Counts per stage; empty records (never-filled slots, iteration 0) are not cuts."""
        per_stage = [int(np.count_nonzero(st.iterations != 0)) for st in self._data.cuts]
        return {
            "stages": self.n_stages,
            "state_dimension": self.state_dimension,
            "total_cuts": int(sum(per_stage)),
            "cuts_per_stage": per_stage,
            "active_cuts": int(sum(int(st.is_active.sum()) for st in self._data.cuts)),
        }

    def cuts(self, stage: int, *, active_only: bool = False) -> dict[str, np.ndarray]:
        """Stored records of ``stage`` (0-based ``stage_id``) in slot order."""
        st = self._stage(stage)
        keep = st.is_active if active_only else np.ones(st.n_records, dtype=bool)
        return {
            "intercepts": _frozen(st.intercepts[keep]),
            "coefficients": _frozen(st.coefficients[keep]),
            "active": _frozen(st.is_active[keep]),
            "iteration": _frozen(st.iterations[keep].astype(np.int64)),
            "forward_pass_index": _frozen(st.forward_pass_indices[keep].astype(np.int64)),
        }

    def evaluate(self, state: np.ndarray, stage: int = 0) -> float:
        """``max_k (alpha_k + beta_k . state)`` over the active cuts; ``-inf`` without any."""
        st = self._stage(stage)
        x = np.asarray(state, dtype=np.float64).ravel()
        if x.shape[0] != st.state_dimension:
            raise ValueError(
                f"state has {x.shape[0]} components, the policy's state dimension is "
                f"{st.state_dimension}"
            )
        keep = st.is_active
        if not keep.any():
            return float("-inf")
        return float((st.intercepts[keep] + st.coefficients[keep] @ x).max())

    def basis(self, stage: int) -> dict[str, Any] | None:
        self._stage(stage)
        bases = self._data.bases
        b = bases[stage] if stage < len(bases) else None
        if b is None:
            return None
        return {
            "iteration": b.iteration,
            "column_status": _frozen(b.column_status),
            "row_status": _frozen(b.row_status),
            "num_cut_rows": b.num_cut_rows,
        }

    def stage_bytes(self, stage: int) -> bytes:
        """The stage's ``cuts/stage_NNN.bin`` content (Cobre's bytes)."""
        return encode_stage_cuts(self._stage(stage))

    def to_dict(self) -> dict[str, Any]:
        from pycobre.results.policy import policy_to_dict

        return policy_to_dict(self._data)

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"Policy(stages={s['stages']}, state_dimension={s['state_dimension']}, "
            f"cuts={s['total_cuts']}, active={s['active_cuts']})"
        )
