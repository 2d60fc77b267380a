"""Periodic checkpoints: schedule, atomic directory swap, recovery, resume-state file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from pycobre.io.policy import read_policy
from pycobre.io.policy.resume_state import (
    ResumeState,
    StoredBasis,
    decode_resume_state,
    encode_resume_state,
)
from pycobre.io.policy.swap import recover_policy_dir, replace_policy_dir
from pycobre.run import run

ROOT = Path(__file__).resolve().parents[2]
D02 = ROOT / "tests" / "data" / "deterministic" / "d02-single-hydro"
FIXTURE = ROOT / "tests" / "interop" / "data" / "d02_fresh_policy"


def _overrides(limit: int, checkpointing: dict) -> dict:
    return {
        "training": {"stopping_rules": [{"type": "iteration_limit", "limit": limit}]},
        "policy": {"checkpointing": checkpointing},
    }


def test_checkpoints_follow_initial_iteration_and_interval(tmp_path, monkeypatch):
    import pycobre.sddp.checkpoint as ck

    written: list[int] = []
    real = ck.write_checkpoint_with_state

    def spy(policy_dir, outcome, n_state, state=None, **kw):
        written.append(None if state is None else state.completed_iterations)
        return real(policy_dir, outcome, n_state, state, **kw)

    monkeypatch.setattr(ck, "write_checkpoint_with_state", spy)
    cfg = {"enabled": True, "initial_iteration": 2, "interval_iterations": 3}
    run(D02, tmp_path, config_overrides=_overrides(10, cfg))
    # periodic 2, 5, 8 (not 10: the final write carries iteration 10's state)
    assert written == [2, 5, 8, 10]
    meta = json.loads((tmp_path / "policy" / "metadata.json").read_text())
    assert meta["completed_iterations"] == 10
    assert (tmp_path / "policy" / "pycobre_resume.npz").is_file()
    assert not any(p.name.startswith(".policy.") for p in tmp_path.iterdir())


def test_default_run_writes_no_resume_file(tmp_path):
    run(D02, tmp_path, config_overrides={"simulation": {"enabled": False}})
    names = sorted(p.name for p in (tmp_path / "policy").iterdir())
    assert names == ["basis", "cuts", "metadata.json"]


def test_store_basis_false_keeps_counters_but_no_bases(tmp_path):
    cfg = {"enabled": True, "store_basis": False}
    run(D02, tmp_path, config_overrides=_overrides(4, cfg))
    state = decode_resume_state((tmp_path / "policy" / "pycobre_resume.npz").read_bytes())
    assert state.completed_iterations == 4
    assert state.forward_bases == {} and state.lower_bound_basis is None
    assert state.lb_history.shape == (4,)
    assert state.activity[0]["populated"].tolist() == [False, True, True, True, True]


def test_resume_state_round_trip():
    state = ResumeState(
        completed_iterations=7,
        forward_bases={
            (1, 0): StoredBasis(np.array([1, 0, 2], np.uint8), np.array([1, 1], np.uint8), 3),
            (0, 2): StoredBasis(np.array([4], np.uint8), np.zeros(0, np.uint8), 0),
        },
        lower_bound_basis=StoredBasis(np.array([1], np.uint8), np.array([0, 1, 1], np.uint8), 2),
        lb_history=np.array([1.5, 2.25]),
        activity=[{"active_count": np.array([0, 3], np.uint64)}, {}],
        visited=[np.array([[1.0, 2.0]]), np.zeros((0, 2))],
    )
    back = decode_resume_state(encode_resume_state(state))
    assert back.completed_iterations == 7
    assert sorted(back.forward_bases) == [(0, 2), (1, 0)]
    b = back.forward_bases[(1, 0)]
    assert b.column_status.tolist() == [1, 0, 2] and b.row_status.tolist() == [1, 1]
    assert b.n_cuts == 3 and back.forward_bases[(0, 2)].row_status.size == 0
    assert back.lower_bound_basis.row_status.tolist() == [0, 1, 1]
    assert back.lb_history.tolist() == [1.5, 2.25]
    assert back.activity[0]["active_count"].tolist() == [0, 3] and back.activity[1] == {}
    assert back.visited[0].tolist() == [[1.0, 2.0]] and back.visited[1].shape == (0, 2)


def test_swap_replaces_the_whole_directory(tmp_path):
    data = read_policy(FIXTURE)
    target = tmp_path / "policy"
    (target / "states").mkdir(parents=True)
    (target / "states" / "stale.bin").write_bytes(b"old")
    replace_policy_dir(target, data, {"extra.bin": b"xyz"})
    assert (target / "extra.bin").read_bytes() == b"xyz"
    assert not (target / "states" / "stale.bin").exists()
    assert (target / "cuts" / "stage_000.bin").read_bytes() == (
        FIXTURE / "cuts" / "stage_000.bin"
    ).read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy"]


def test_kill_between_the_two_renames_is_recovered(tmp_path, monkeypatch):
    """The old checkpoint moved aside, the new one not yet in place: reading recovers the newest."""
    data = read_policy(FIXTURE)
    target = tmp_path / "policy"
    replace_policy_dir(target, data)
    real = os.replace

    def dying(src, dst):
        if Path(src).name == ".policy.new":  # second rename of the swap
            raise KeyboardInterrupt("killed")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", dying)
    with pytest.raises(KeyboardInterrupt):
        replace_policy_dir(target, data)
    monkeypatch.setattr(os, "replace", real)
    assert not target.exists()
    assert (tmp_path / ".policy.new" / "metadata.json").is_file()
    assert (tmp_path / ".policy.old" / "metadata.json").is_file()
    recover_policy_dir(target)
    assert read_policy(target).metadata.completed_iterations == 10


def test_incomplete_new_copy_is_never_used(tmp_path):
    target = tmp_path / "policy"
    replace_policy_dir(target, read_policy(FIXTURE))
    (tmp_path / ".policy.new" / "cuts").mkdir(parents=True)  # killed before metadata.json
    recover_policy_dir(target)
    assert (target / "metadata.json").is_file()
    assert read_policy(target).metadata.completed_iterations == 10
