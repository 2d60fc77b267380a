"""``load_policy`` (spec 20 §8.4): a policy checkpoint as a nested dict."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pycobre.errors import OutputNotFoundError
from pycobre.io.policy import PolicyData, read_policy

__all__ = ["find_policy_dir", "load_policy", "policy_to_dict"]


def find_policy_dir(path: str | os.PathLike[str]) -> Path:
    """``<out>/policy``, then ``<out>/training/policy``, else ``path`` itself if it is one."""
    root = Path(path)
    for candidate in (root / "policy", root / "training" / "policy", root):
        if (candidate / "metadata.json").is_file() or (candidate / "cuts").is_dir():
            return candidate
    raise OutputNotFoundError(
        f"policy directory not found under {root} (looked for policy/, training/policy/)",
        context={"path": str(root), "expected_content": "policy checkpoint"},
    )


def policy_to_dict(policy: PolicyData) -> dict[str, Any]:
    meta = policy.metadata.to_dict()
    stage_cuts = []
    for st in policy.cuts:
        cuts = [
            {
                "cut_id": int(st.cut_ids[i]),
                "slot_index": int(st.slot_indices[i]),
                "iteration": int(st.iterations[i]),
                "forward_pass_index": int(st.forward_pass_indices[i]),
                "intercept": float(st.intercepts[i]),
                "coefficients": st.coefficients[i].tolist(),
                "is_active": bool(st.is_active[i]),
            }
            for i in range(st.n_records)
        ]
        stage_cuts.append(
            {
                "stage_id": st.stage_id,
                "state_dimension": st.state_dimension,
                "capacity": st.capacity,
                "warm_start_count": st.warm_start_count,
                "populated_count": st.populated_count,
                "cuts": cuts,
            }
        )
    stage_bases = [
        {
            "stage_id": b.stage_id,
            "iteration": b.iteration,
            "column_status": b.column_status.tolist(),
            "row_status": b.row_status.tolist(),
            "num_cut_rows": b.num_cut_rows,
        }
        for b in policy.bases
        if b is not None
    ]
    return {"metadata": meta, "stage_cuts": stage_cuts, "stage_bases": stage_bases}


def load_policy(output_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Metadata, every stage's cut records and the stored bases (spec 20 §8.4)."""
    return policy_to_dict(read_policy(find_policy_dir(output_dir), load_states=False))
