"""Output-folder faults: disk full (a small tmpfs), a read-only folder, and a folder that already
holds an older run. Each must end with a clear message and a non-zero exit code (no traceback),
must never leave a half-written file or a ``_SUCCESS`` marker over incomplete data, and a
previous complete output must stay readable. The mounts need root (CI runs as root).
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from tests.faults._harness import (
    cli,
    every_file_reads,
    iteration_limit,
    leftovers,
    lower_bound,
    markers,
    patched_case,
    set_config,
)

from pycobre.cli.failures import DISK_FULL_HINT, READ_ONLY_HINT
from pycobre.io.policy import read_policy

CONFIG = {
    "training__stopping_rules": iteration_limit(8),
    "training__tree_seed": 3,
    "simulation__enabled": True,
    "simulation__num_scenarios": 60,
}


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        if os.geteuid() != 0:
            pytest.skip("mounting a small file system needs root")
        raise AssertionError(done.stderr)


@contextlib.contextmanager
def tmpfs(path: pathlib.Path, size: str) -> Iterator[pathlib.Path]:
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@contextlib.contextmanager
def read_only_view(source: pathlib.Path, path: pathlib.Path) -> Iterator[pathlib.Path]:
    path.mkdir(parents=True, exist_ok=True)
    _mount("--bind", str(source), str(path))
    try:
        _mount("-o", "remount,bind,ro", str(path))
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(mount: pathlib.Path, leave: int) -> None:
    """Write a filler file so that only about ``leave`` bytes stay free."""
    free = shutil.disk_usage(mount).free
    with open(mount / "filler", "wb") as fh, contextlib.suppress(OSError):
        fh.write(b"\0" * max(0, free - leave))


def _check_failure(done: subprocess.CompletedProcess, text: str, hint: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert text in done.stderr and "error:" in done.stderr
    assert hint in done.stderr


def test_disk_full_on_a_fresh_folder(tmp_path):
    case = patched_case(tmp_path, "1dtoy", **CONFIG)
    with tmpfs(tmp_path / "small", "4m") as mount:
        _fill(mount, 120_000)
        out = mount / "out"
        done = cli("run", str(case), "--quiet", "--output", str(out))
        _check_failure(done, "No space left on device", DISK_FULL_HINT)
        assert "out/" in done.stderr  # names the file it could not write
        assert "simulation/_SUCCESS" not in markers(out)
        for marker in markers(out):  # a marker only over a section whose files all read
            assert (out / pathlib.Path(marker).parent / "metadata.json").is_file()
        assert every_file_reads(out) == []
        assert leftovers(out) == []  # the writers clean up their temporary files


def _files(root: pathlib.Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}


def _second_run_on_a_full_disk(tmp_path: pathlib.Path, mount: pathlib.Path, leave: int
                               ) -> tuple[pathlib.Path, dict[str, bytes]]:
    """A complete run (8 iterations) into ``mount/out``, then a 12-iteration run of another seed
    into the same folder with only ``leave`` bytes free; returns the folder and the old files."""
    case = patched_case(tmp_path, "1dtoy", **CONFIG)
    out = mount / "out"
    first = cli("run", str(case), "--quiet", "--output", str(out))
    assert first.returncode == 0, first.stderr
    old = _files(out)
    set_config(case, training__tree_seed=11, training__stopping_rules=iteration_limit(12))
    _fill(mount, leave)
    done = cli("run", str(case), "--quiet", "--output", str(out))
    _check_failure(done, "No space left on device", DISK_FULL_HINT)
    return out, old


# 10 kB free: the training files fail; 30 kB: training is written, the policy swap fails
LEAVES = [10_000, 30_000]


@pytest.mark.parametrize("leave", LEAVES)
def test_disk_full_keeps_the_previous_output_readable(tmp_path, leave):
    """No half-written file anywhere; the policy directory (swapped whole) is the previous one
    and loads."""
    with tmpfs(tmp_path / "small", "8m") as mount:
        out, old = _second_run_on_a_full_disk(tmp_path, mount, leave)
        assert every_file_reads(out) == []
        assert leftovers(out) == []  # no temporary file, no .policy.new (request item 8)
        assert _files(out / "policy") == {k[len("policy/"):]: v for k, v in old.items()
                                          if k.startswith("policy/")}
        policy = read_policy(out / "policy")
        assert policy.metadata.completed_iterations == 8
        assert len(policy.cuts) == 4 and policy.cuts[0].populated_count > 0
        if "training/_SUCCESS" not in markers(out):
            return
        # a training marker still in place certifies either the old or the new files, whole
        meta = json.loads((out / "training" / "metadata.json").read_text())
        assert meta["iterations"]["completed"] in (8, 12)


@pytest.mark.parametrize("leave", [30_000])
def test_disk_full_leaves_no_inconsistent_markers(tmp_path, leave):
    """What the markers certify belongs to one run: training/_SUCCESS only next to its own
    policy, simulation/_SUCCESS only for a simulation of the policy in place."""
    with tmpfs(tmp_path / "small", "8m") as mount:
        out, _ = _second_run_on_a_full_disk(tmp_path, mount, leave)
        assert not (out / ".policy.new").exists()  # item 8: a failed swap cleans up
        found = markers(out)
        policy_iterations = lower_bound(out)[0]
        if "training/_SUCCESS" in found:
            meta = json.loads((out / "training" / "metadata.json").read_text())
            assert meta["iterations"]["completed"] == policy_iterations
        if "simulation/_SUCCESS" in found:
            assert "training/_SUCCESS" in found
            sim = (out / "simulation" / "_SUCCESS").stat().st_mtime_ns
            assert sim >= (out / "training" / "_SUCCESS").stat().st_mtime_ns


def test_read_only_folder_leaves_the_previous_output_intact(tmp_path):
    case = patched_case(tmp_path, "1dtoy", **CONFIG)
    source = tmp_path / "runs"
    first = cli("run", str(case), "--quiet", "--output", str(source / "out"))
    assert first.returncode == 0, first.stderr
    snapshot = {p.relative_to(source).as_posix(): p.read_bytes()
                for p in source.rglob("*") if p.is_file()}
    with read_only_view(source, tmp_path / "ro") as view:
        done = cli("run", str(case), "--quiet", "--output", str(view / "out"))
        _check_failure(done, "Read-only file system", READ_ONLY_HINT)
        fresh = cli("run", str(case), "--quiet", "--output", str(view / "new"))
        _check_failure(fresh, "Read-only file system", READ_ONLY_HINT)
        summary = cli("summary", str(view / "out"))
        assert summary.returncode == 0, summary.stderr
        assert "Lower bound" in summary.stdout + summary.stderr
    assert markers(source / "out") == ["simulation/_SUCCESS", "training/_SUCCESS"]
    after = {p.relative_to(source).as_posix(): p.read_bytes()
             for p in source.rglob("*") if p.is_file()}
    assert after == snapshot


def test_an_older_run_is_replaced_section_by_section(tmp_path):
    """Decision (docs/dev/limits.md): files of the new run replace the old ones; old simulation
    partitions beyond the new scenario count are removed; markers certify only new data."""
    case = patched_case(tmp_path, "1dtoy", **CONFIG)
    out = tmp_path / "out"
    assert cli("run", str(case), "--quiet", "--output", str(out)).returncode == 0
    set_config(case, simulation__num_scenarios=5, training__tree_seed=99)
    assert cli("run", str(case), "--quiet", "--output", str(out)).returncode == 0
    meta = json.loads((out / "simulation" / "metadata.json").read_text())
    assert meta["scenarios"]["total"] == 5
    parts = sorted(p.name for p in (out / "simulation" / "costs").iterdir())
    assert parts == [f"scenario_id={i:04d}" for i in range(5)]
    assert markers(out) == ["simulation/_SUCCESS", "training/_SUCCESS"]
    assert json.loads((out / "training" / "metadata.json").read_text())[
        "configuration"]["seed"] == 99


def test_stale_simulation_is_not_certified(tmp_path):
    case = patched_case(tmp_path, "1dtoy", **CONFIG)
    out = tmp_path / "out"
    assert cli("run", str(case), "--quiet", "--output", str(out)).returncode == 0
    set_config(case, simulation__enabled=False, training__tree_seed=5)
    assert cli("run", str(case), "--quiet", "--output", str(out)).returncode == 0
    assert markers(out) == ["training/_SUCCESS"]


def test_resume_of_a_finished_run_keeps_its_results(tmp_path):
    case = patched_case(tmp_path, "1dtoy", **CONFIG)
    out = tmp_path / "out"
    assert cli("run", str(case), "--quiet", "--output", str(out)).returncode == 0
    before = lower_bound(out)
    set_config(case, policy__mode="resume")
    done = cli("run", str(case), "--quiet", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert lower_bound(out) == before and before[1] > 0
