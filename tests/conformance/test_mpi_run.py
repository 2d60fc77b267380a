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
