"""``pycobre.policy``: the ``Policy`` class of spec 20 §13 and ways to obtain one.

The class itself lives with the policy file format (``pycobre.io.policy.policy_api``); this module
re-exports it and adds the conversions the object layer needs: a ``Policy`` from a finished
training run held in memory, and ``PolicyData`` from whatever a user passes as ``policy=``.
"""

from __future__ import annotations

import os
from typing import Any

from pycobre.io.policy.policy_api import Policy

__all__ = ["Policy", "policy_from_outcome", "as_policy_data"]


def policy_from_outcome(outcome: Any, n_state: int, *, version: str | None = None) -> Policy:
    """The trained cuts and bases of a ``TrainingOutcome`` as an in-memory ``Policy``.

    Same records as the checkpoint ``train(output_dir=...)`` writes, so ``save`` then ``load``
    round-trips.
    """
    from pycobre.sddp.checkpoint import build_policy_data

    if version is None:
        from pycobre import __version__ as version
    data = build_policy_data(
        outcome, n_state, version=str(version), export_states=False, archive_states=False
    )
    return Policy(data)


def as_policy_data(policy: Any) -> Any:
    """``PolicyData`` from a ``Policy``, a ``TrainingResult``, a path, or ``PolicyData`` itself.

    A path may be the policy directory or an output directory holding ``policy/`` (or
    ``training/policy/``); a missing one raises ``OutputNotFoundError``.
    """
    if isinstance(policy, (str, os.PathLike)):
        return Policy.load(policy).data
    inner = getattr(policy, "policy", None)  # a TrainingResult
    if isinstance(inner, Policy):
        policy = inner
    if isinstance(policy, Policy):
        return policy.data
    if hasattr(policy, "metadata") and hasattr(policy, "cuts") and hasattr(policy, "bases"):
        return policy
    raise TypeError(
        "policy must be a pycobre.Policy, a TrainingResult or a path to a policy/output "
        f"directory, not {type(policy).__name__}"
    )
