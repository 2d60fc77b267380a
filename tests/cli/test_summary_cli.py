"""``pycobre summary OUTPUT_DIR`` (spec 06 §6) on a subset of Cobre's 1dtoy output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pycobre.cli.main import main

SMALL = Path(__file__).resolve().parents[1] / "data" / "outputs" / "1dtoy_small"

TRAINING_BLOCK = [
    # 128 iterations of 2 ms (time_total_ms summed), 128 x 44 LP solves, last convergence row
    "Training complete in 0.2s (128 iterations)",
    "  Lower bound:  2.60530e6 $/stage",
    "  Upper bound:  5.72792e5 +/- 0.00000e0 $/stage",
    "  Gap:          -354.8%",
    "  Cuts:         384 active / 387 generated",
    "  LP solves:    5632",
]


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def copy_small(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SMALL, tmp_path / "out"))


def test_summary_prints_training_and_simulation_blocks_on_stderr(capsys):
    code, out, err = run_cli(capsys, "summary", str(SMALL))
    assert code == 0
    assert out == ""
    assert err.splitlines() == TRAINING_BLOCK + [
        "",
        "Simulation complete in 0.0s (4 scenarios)",
        "  Completed: 4  Failed: 0",
    ]


def test_summary_without_convergence_file_uses_zero_timing_and_policy_bounds(capsys, tmp_path):
    out_dir = copy_small(tmp_path)
    (out_dir / "training" / "convergence.parquet").unlink()
    code, _, err = run_cli(capsys, "summary", str(out_dir))
    assert code == 0
    lines = err.splitlines()
    assert lines[0] == "Training complete in 0.0s (128 iterations)"
    assert lines[1] == "  Lower bound:  2.60530e6 $/stage"  # policy final_lower_bound
    assert lines[2] == "  Upper bound:  5.72792e5 +/- 0.00000e0 $/stage"
    assert lines[3] == "  Gap:          -354.8%"  # metadata final_gap_percent
    assert lines[5] == "  LP solves:    0"


def test_summary_omits_simulation_block_when_simulation_did_not_run(capsys, tmp_path):
    out_dir = copy_small(tmp_path)
    shutil.rmtree(out_dir / "simulation")
    (out_dir / "simulation").mkdir()
    code, _, err = run_cli(capsys, "summary", str(out_dir))
    assert code == 0
    assert err.splitlines() == TRAINING_BLOCK


def test_summary_reports_convergence_iteration(capsys, tmp_path):
    out_dir = copy_small(tmp_path)
    meta_path = out_dir / "training" / "metadata.json"
    meta = json.loads(meta_path.read_text())
    meta["iterations"]["converged_at"] = 120
    meta_path.write_text(json.dumps(meta))
    code, _, err = run_cli(capsys, "summary", str(out_dir))
    assert code == 0
    assert err.splitlines()[0] == "Training complete in 0.2s (128 iterations, converged at iter 120)"


def test_summary_missing_directory_is_exit_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "--color", "never", "summary", str(tmp_path / "nope"))
    assert code == 2
    assert f"error: results directory not found: {tmp_path / 'nope'}" in err


def test_summary_missing_training_metadata_is_exit_2(capsys, tmp_path):
    out_dir = copy_small(tmp_path)
    (out_dir / "training" / "metadata.json").unlink()
    code, _, err = run_cli(capsys, "--color", "never", "summary", str(out_dir))
    assert code == 2
    assert "training metadata not found" in err
    assert str(out_dir / "training" / "metadata.json") in err


def test_summary_without_success_marker_is_an_incomplete_run(capsys, tmp_path):
    out_dir = copy_small(tmp_path)
    (out_dir / "training" / "_SUCCESS").unlink()
    code, _, err = run_cli(capsys, "--color", "never", "summary", str(out_dir))
    assert code == 2
    assert "incomplete run" in err and "_SUCCESS" in err


def test_summary_malformed_metadata_is_exit_4(capsys, tmp_path):
    out_dir = copy_small(tmp_path)
    (out_dir / "training" / "metadata.json").write_text("{not json")
    code, _, err = run_cli(capsys, "--color", "never", "summary", str(out_dir))
    assert code == 4
    assert "malformed JSON" in err and "metadata.json" in err
