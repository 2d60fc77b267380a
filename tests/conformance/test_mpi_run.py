"""`pycobre.run.run` under `mpiexec -n 2` equals the single-process run (spec 21 §7.1, P5)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pycobre.run import run

pytestmark = pytest.mark.mpi
pytest.importorskip("mpi4py", reason="MPI tests need the 'mpi' extra (mpi4py, mpich)")

TOY = Path(__file__).resolve().parents[2] / "examples" / "1dtoy"
OVERRIDES = {
    "training": {
        "forward_passes": 3,
        "stopping_rules": [{"type": "iteration_limit", "limit": 5}],
    },
    "simulation": {"enabled": True, "num_scenarios": 3},
}
SCRIPT = r"""
import json, sys
from pycobre.run import run
res = run(sys.argv[1], sys.argv[2], config_overrides=json.loads(sys.argv[3]))
line = {k: res[k] for k in ("iterations", "lower_bound", "upper_bound", "simulation")}
sys.stdout.write(json.dumps(line) + "\n")  # one write per line: ranks never interleave
sys.stdout.flush()
"""


def _mpiexec() -> str:
    local = Path(sys.executable).parent / "mpiexec"
    found = str(local) if local.exists() else shutil.which("mpiexec")
    if not found:
        pytest.fail("mpi4py is installed but no mpiexec was found (install the 'mpich' wheel)")
    return found


def test_two_ranks_write_the_single_process_results(tmp_path):
    single = run(TOY, tmp_path / "one", config_overrides=OVERRIDES)
    script = tmp_path / "spmd.py"
    script.write_text(SCRIPT)
    cmd = [_mpiexec(), "-n", "2", sys.executable, str(script), str(TOY), str(tmp_path / "two")]
    done = subprocess.run(
        [*cmd, json.dumps(OVERRIDES)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(ln) for ln in done.stdout.splitlines() if ln.startswith("{")]
    assert len(lines) == 2  # every rank returns the same summary
    for res in lines:
        assert res["lower_bound"] == single["lower_bound"]
        assert res["upper_bound"] == single["upper_bound"]
        assert res["simulation"] == {"n_scenarios": 3, "completed": 3}
    timing = ["time_forward_ms", "time_backward_ms", "time_total_ms"]
    one = pq.read_table(tmp_path / "one" / "training" / "convergence.parquet").drop(timing)
    two = pq.read_table(tmp_path / "two" / "training" / "convergence.parquet").drop(timing)
    assert one.equals(two)
    for t in range(4):
        name = f"stage_{t:03d}.bin"
        a = (tmp_path / "one" / "policy" / "cuts" / name).read_bytes()
        assert a == (tmp_path / "two" / "policy" / "cuts" / name).read_bytes()
    meta = json.loads((tmp_path / "two" / "training" / "metadata.json").read_text())
    assert meta["distribution"]["backend"] == "mpi"
    assert meta["distribution"]["world_size"] == 2
    assert (tmp_path / "two" / "simulation" / "_SUCCESS").is_file()


def _toy_copy(dst: Path, scenarios: int) -> Path:
    shutil.copytree(TOY, dst)
    cfg = json.loads((dst / "config.json").read_text())
    cfg["training"]["forward_passes"] = 2
    cfg["training"]["stopping_rules"] = [{"type": "iteration_limit", "limit": 4}]
    cfg["simulation"] = {"enabled": True, "num_scenarios": scenarios}
    (dst / "config.json").write_text(json.dumps(cfg))
    return dst


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.parquet")}


def test_cli_simulation_over_two_ranks_writes_the_single_rank_files(tmp_path):
    """`mpiexec -n 2 pycobre run`: both ranks simulate a block each (spec 21 §3.5); the files
    equal the 1-rank run's byte for byte, rank 0 alone writes the metadata and ``_SUCCESS``."""
    case = _toy_copy(tmp_path / "case", scenarios=7)  # odd: uneven blocks (4 + 3)
    cli = [sys.executable, "-m", "pycobre", "run", str(case), "--quiet", "--output"]
    one = subprocess.run([*cli, str(tmp_path / "one")], capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, one.stderr[-2000:]
    two = subprocess.run(
        [_mpiexec(), "-n", "2", *cli, str(tmp_path / "two")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert two.returncode == 0, two.stderr[-2000:]
    a, b = _files(tmp_path / "one" / "simulation"), _files(tmp_path / "two" / "simulation")
    scenario_dirs = {Path(k).parts[1] for k in a if Path(k).parts[1].startswith("scenario_id=")}
    assert scenario_dirs == {f"scenario_id={j:04d}" for j in range(7)}
    assert a.keys() == b.keys()
    solver = "solver/iterations.parquet"  # per-stage statistics: equal but for the timings
    assert [k for k in a if k != solver and a[k] != b[k]] == []
    names = pq.read_schema(tmp_path / "one" / "simulation" / solver).names
    timing = [c for c in names if c.endswith("_time_ms")]
    stats_one = pq.read_table(tmp_path / "one" / "simulation" / solver).drop(timing)
    assert stats_one.equals(pq.read_table(tmp_path / "two" / "simulation" / solver).drop(timing))
    assert stats_one.num_rows > 0
    assert (tmp_path / "two" / "simulation" / "_SUCCESS").is_file()
    meta = json.loads((tmp_path / "two" / "simulation" / "metadata.json").read_text())
    assert meta["distribution"]["backend"] == "mpi"
    assert meta["distribution"]["world_size"] == 2


RESUME = {
    "training": {"forward_passes": 3, "stopping_rules": [{"type": "iteration_limit", "limit": 5}]},
    "simulation": {"enabled": False},
    "policy": {"checkpointing": {"enabled": True}},
}


def test_mpi_checkpoint_keeps_every_ranks_bases_and_resumes_exactly(tmp_path):
    """2 ranks (trajectories 0-1 on rank 0, 2 on rank 1): the checkpoint rank 0 writes holds the
    forward bases of all three trajectories, and a 2-rank resume 5 -> 10 reaches the bound of an
    uninterrupted 10-iteration run bit for bit (spec 21 §11)."""
    from pycobre.io.policy.resume_state import RESUME_FILE, decode_resume_state

    script = tmp_path / "spmd.py"
    script.write_text(SCRIPT)
    out = tmp_path / "two"
    first = subprocess.run(
        [
            _mpiexec(),
            "-n",
            "2",
            sys.executable,
            str(script),
            str(TOY),
            str(out),
            json.dumps(RESUME),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr[-2000:]
    state = decode_resume_state((out / "policy" / RESUME_FILE).read_bytes())
    assert state.completed_iterations == 5
    assert {m for m, _ in state.forward_bases} == {0, 1, 2}
    rest = {
        **RESUME,
        "training": {
            **RESUME["training"],
            "stopping_rules": [{"type": "iteration_limit", "limit": 10}],
        },
    }
    resume = {**rest, "policy": {"mode": "resume", **RESUME["policy"]}}
    second = subprocess.run(
        [
            _mpiexec(),
            "-n",
            "2",
            sys.executable,
            str(script),
            str(TOY),
            str(out),
            json.dumps(resume),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert second.returncode == 0, second.stderr[-2000:]
    lines = [json.loads(ln) for ln in second.stdout.splitlines() if ln.startswith("{")]
    clean = run(TOY, tmp_path / "clean", config_overrides=rest)
    assert clean["iterations"] == 10
    assert [ln["iterations"] for ln in lines] == [10, 10]
    assert [ln["lower_bound"] for ln in lines] == [clean["lower_bound"]] * 2
