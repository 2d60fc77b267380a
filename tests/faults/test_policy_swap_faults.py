"""A failed policy swap and the leftovers of one (requests/reliability.md items 2, 8), without
mounts: the write failure is injected in-process, the leftover is planted by hand."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from tests.faults._harness import cli, iteration_limit, leftovers, markers, patched_case, set_config

from pycobre.errors import CheckpointError
from pycobre.io.policy import read_policy, swap
from pycobre.io.policy.resume_state import ResumeState, decode_resume_state, encode_resume_state

CONFIG = {"training__stopping_rules": iteration_limit(4), "simulation__enabled": False}


def test_a_failed_policy_write_removes_its_new_copy(tmp_path, monkeypatch):
    case = patched_case(tmp_path, "1dtoy", **CONFIG)
    out = tmp_path / "out"
    assert cli("run", str(case), "--quiet", "--output", str(out)).returncode == 0
    policy = read_policy(out / "policy")

    def disk_full(path, *args, **kwargs):
        (path / "cuts").mkdir(parents=True)
        (path / "cuts" / "stage_000.bin").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(swap, "write_policy", disk_full)
    with pytest.raises(CheckpointError, match=r"\.policy\.new: \[Errno 28\]"):
        swap.replace_policy_dir(out / "policy", policy, {"extra.bin": b"x"})
    assert not (out / ".policy.new").exists()
    assert read_policy(out / "policy").metadata.completed_iterations == 4


def test_the_next_run_drops_a_leftover_side_copy(tmp_path):
    case = patched_case(tmp_path, "1dtoy", **CONFIG)
    out = tmp_path / "out"
    assert cli("run", str(case), "--quiet", "--output", str(out)).returncode == 0
    (out / ".policy.new" / "cuts").mkdir(parents=True)  # a swap that died half-way
    (out / ".policy.new" / "cuts" / "stage_000.bin").write_bytes(b"half")
    # a run that never swaps the policy (resume of a finished run) still cleans up at its start
    set_config(case, policy__mode="resume")
    assert cli("run", str(case), "--quiet", "--output", str(out)).returncode == 0
    assert leftovers(out) == []
    assert markers(out) == ["training/_SUCCESS"]


def test_resume_of_a_finished_run_says_so_and_keeps_the_training_files(tmp_path):
    case = patched_case(tmp_path, "1dtoy", **CONFIG)
    out = tmp_path / "out"
    assert cli("run", str(case), "--quiet", "--output", str(out)).returncode == 0
    before = {p: (out / p).read_bytes() for p in
              ("training/convergence.parquet", "training/metadata.json", "policy/metadata.json")}
    set_config(case, policy__mode="resume")
    done = cli("run", str(case), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "already completed 4 iterations (limit 4); nothing to train" in done.stderr
    assert {p: (out / p).read_bytes() for p in before} == before
    assert markers(out) == ["training/_SUCCESS"]
    assert pq.read_table(out / "training" / "convergence.parquet").num_rows == 4
    assert json.loads(before["training/metadata.json"])["iterations"]["completed"] == 4


def test_resume_state_carries_the_convergence_history():
    rows = np.array([[1, 10.0, 20.0, 1.0, np.nan, 3, 0, 3, 5, 6, 11, 3, 42]], dtype=float)
    back = decode_resume_state(encode_resume_state(ResumeState(1, convergence=rows)))
    np.testing.assert_array_equal(back.convergence, rows)  # NaN (null gap) survives
