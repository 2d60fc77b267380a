"""SIGKILL during training and during simulation, then recovery (spec 00 §8, spec 21 §11).

4ree, 4 forward passes, iteration limit 14, a periodic checkpoint every 2 iterations. A run
killed right after the checkpoint of iteration 6 must leave no ``_SUCCESS`` marker, and
``policy.mode = "resume"`` in the same folder must end with the same lower bound as an
uninterrupted run, bit for bit, and the same convergence trace. A run killed during the
simulation keeps its complete training (``training/_SUCCESS``), has no
``simulation/_SUCCESS``, and a simulation-only rerun from the stored policy completes it with the
uninterrupted run's costs.
"""

from __future__ import annotations

import json
import pathlib
import shutil

import pyarrow.parquet as pq
import pytest
from tests.faults._harness import (
    cli,
    every_file_reads,
    iteration_limit,
    leftovers,
    lower_bound,
    markers,
    patched_case,
    run_and_kill,
    set_config,
)

pytestmark = pytest.mark.slow

LIMIT = 14
CONFIG = {
    "training__stopping_rules": iteration_limit(LIMIT),
    "training__tree_seed": 7,
    "simulation__enabled": True,
    "simulation__num_scenarios": 40,
    "policy__checkpointing": {"enabled": True, "interval_iterations": 2},
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[pathlib.Path, pathlib.Path]:
    """An uninterrupted run: ``(case, output)``."""
    tmp = tmp_path_factory.mktemp("reference")
    case = patched_case(tmp, "4ree", **CONFIG)
    out = tmp / "out"
    done = cli("run", str(case), "--quiet", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert markers(out) == ["simulation/_SUCCESS", "training/_SUCCESS"]
    return case, out


def _costs(out: pathlib.Path) -> list[float]:
    table = pq.read_table(out / "simulation" / "costs")
    rows = zip(table.column("scenario_id").to_pylist(), table.column("stage_id").to_pylist(),
               table.column("block_id").to_pylist(), table.column("total_cost").to_pylist(),
               strict=True)
    return [cost for *_, cost in sorted(rows, key=lambda r: (int(r[0]), r[1], r[2] or 0))]


def test_kill_during_training_then_resume_is_bit_identical(reference, tmp_path):
    _, ref_out = reference
    case = patched_case(tmp_path, "4ree", **CONFIG)
    out = tmp_path / "out"
    log = run_and_kill([str(case), "--output", str(out)], tmp_path / "killed.log",
                       lambda text: "checkpoint: iteration 6 written" in text)
    assert "Traceback" not in log
    assert markers(out) == []  # the killed output never reads as complete
    assert not (out / "training" / "metadata.json").exists()
    assert every_file_reads(out) == []  # atomic writes: no half-written file
    done_at_kill, _ = lower_bound(out)
    assert 6 <= done_at_kill < LIMIT  # the last periodic checkpoint survived the kill

    set_config(case, policy__mode="resume")
    done = cli("run", str(case), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert f"resuming from iteration {done_at_kill}" in done.stderr
    assert markers(out) == ["simulation/_SUCCESS", "training/_SUCCESS"]
    assert [n for n in leftovers(out) if n.startswith(".policy")] == []  # swap recovered
    iterations, lb = lower_bound(out)
    ref_iterations, ref_lb = lower_bound(ref_out)
    assert (iterations, lb) == (ref_iterations, ref_lb) == (LIMIT, ref_lb)
    assert lb.hex() == ref_lb.hex()  # bit for bit
    conv = pq.read_table(out / "training" / "convergence.parquet")
    ref_conv = pq.read_table(ref_out / "training" / "convergence.parquet")
    # the whole history 1..LIMIT (the checkpoint carries rows 1..done_at_kill), equal to the
    # uninterrupted run's file in every non-timing column (requests/reliability.md item 3)
    assert conv.column("iteration").to_pylist() == list(range(1, LIMIT + 1))
    for name in conv.schema.names:
        if not name.startswith("time_"):
            assert conv.column(name).to_pylist() == ref_conv.column(name).to_pylist(), name
    assert _costs(out) == _costs(ref_out)


def test_kill_during_simulation_keeps_training_and_simulation_only_completes(reference,
                                                                             tmp_path):
    _, ref_out = reference
    case = patched_case(tmp_path, "4ree", **CONFIG)
    out = tmp_path / "out"
    costs = out / "simulation" / "costs"
    log = run_and_kill([str(case), "--output", str(out)], tmp_path / "killed.log",
                       lambda _: costs.is_dir() and len(list(costs.iterdir())) >= 3)
    assert "Traceback" not in log
    assert markers(out) == ["training/_SUCCESS"]  # training finished, simulation did not
    assert not (out / "simulation" / "metadata.json").exists()
    assert every_file_reads(out) == []
    assert lower_bound(out) == lower_bound(ref_out)

    set_config(case, training__enabled=False)
    done = cli("run", str(case), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "simulation-only" in done.stderr
    assert markers(out) == ["simulation/_SUCCESS", "training/_SUCCESS"]
    meta = json.loads((out / "simulation" / "metadata.json").read_text())
    assert meta["scenarios"]["completed"] == 40
    # same as a simulation-only run of the uninterrupted run's policy, number for number
    clean = tmp_path / "clean"
    shutil.copytree(ref_out / "policy", clean / "policy")
    done = cli("run", str(case), "--quiet", "--output", str(clean))
    assert done.returncode == 0, done.stderr
    assert _costs(out) == _costs(clean)
    # in-line and simulation-only simulations of one policy may pick other optimal vertices
    # (requests/reliability.md item 4): the mean cost agrees closely
    mean = sum(_costs(out)) / len(_costs(out))
    assert mean == pytest.approx(sum(_costs(ref_out)) / len(_costs(ref_out)), rel=5e-3)


def test_sigterm_stops_gracefully_then_resume_is_bit_identical(reference, tmp_path):
    """SIGTERM (scheduler preemption) = Ctrl-C: training stops after the current iteration,
    the outputs and the policy are written, exit 0 (spec 21 §11.2); resume then completes."""
    import signal
    import subprocess
    import sys
    import time

    _, ref_out = reference
    case = patched_case(tmp_path, "4ree", **CONFIG)
    out = tmp_path / "out"
    log = tmp_path / "term.log"
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.Popen([sys.executable, "-m", "pycobre", "--color", "never", "run",
                                 str(case), "--output", str(out)],
                                stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 120
        while "iteration 3/" not in log.read_text(encoding="utf-8", errors="replace"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=120)
    text = log.read_text(encoding="utf-8")
    assert code == 0, text
    assert "Traceback" not in text and "interrupt: stopping after the current iteration" in text
    stopped_at, _ = lower_bound(out)
    assert 3 <= stopped_at < LIMIT
    meta = json.loads((out / "training" / "metadata.json").read_text())
    assert meta["convergence"]["termination_reason"] == "graceful_shutdown"
    assert "training/_SUCCESS" in markers(out)

    set_config(case, policy__mode="resume")
    done = cli("run", str(case), "--quiet", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert lower_bound(out)[1].hex() == lower_bound(ref_out)[1].hex()
    assert lower_bound(out)[0] == LIMIT
