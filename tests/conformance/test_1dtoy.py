"""1dtoy end-to-end numbers of spec 12 (§5.2.1, §7, §10) and the run() file layout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pycobre.run import prepare, run
from pycobre.sddp.training import train

TOY = Path(__file__).resolve().parents[2] / "examples" / "1dtoy"


def _train(case: Path, overrides: dict):
    ctx = prepare(case, overrides)
    out = train(ctx.system, stochastic=ctx.stochastic, templates=ctx.templates)
    if out.error is not None:
        raise out.error
    return out


def _limit(n: int, *extra: dict, mode: str | None = None) -> dict:
    rules = ([{"type": "iteration_limit", "limit": n}] if n else []) + list(extra)
    training: dict = {"stopping_rules": rules}
    if mode:
        training["stopping_mode"] = mode
    return {"training": training}


STALL_5 = {"type": "bound_stalling", "iterations": 5, "tolerance": 1e-3}


@pytest.mark.parametrize(
    ("overrides", "iterations", "reason", "lb"),
    [
        (_limit(200, STALL_5), 46, "bound_stalling", 2_568_756.586258),
        (_limit(0, STALL_5), 46, "bound_stalling", 2_568_756.586258),
        (
            _limit(500, {"type": "bound_stalling", "iterations": 10, "tolerance": 1e-4}),
            88,
            "bound_stalling",
            2_603_679.733791,
        ),
        (
            _limit(200, {"type": "bound_stalling", "iterations": 1, "tolerance": 1e-12}),
            1,
            "bound_stalling",
            1_036_235.144379,
        ),
        (_limit(200, {"type": "time_limit", "seconds": 0}), 1, "time_limit", 1_036_235.144379),
        (
            _limit(10, {"type": "bound_stalling", "iterations": 3, "tolerance": 0.01}, mode="all"),
            10,
            "iteration_limit",
            1_998_656.419212,
        ),
    ],
)
def test_stopping_rules_end_to_end(overrides, iterations, reason, lb):
    out = _train(TOY, overrides)
    assert out.iterations == iterations
    assert out.termination_reason == reason
    assert out.converged is (reason == "bound_stalling")
    assert out.records[-1].lower_bound == pytest.approx(lb, rel=1e-9)


def test_expectation_bounds_and_domination_selection():
    out = _train(TOY, _limit(60))
    assert out.records[0].lower_bound == pytest.approx(1_036_235.144379, rel=1e-9)
    assert out.records[59].lower_bound == pytest.approx(2_601_580.859999, rel=1e-9)
    sel = _limit(60)
    sel["training"]["cut_selection"] = {
        "enabled": True,
        "method": "domination",
        "domination_epsilon": 1e-6,
        "check_frequency": 5,
    }
    out = _train(TOY, sel)
    assert [r.cuts_active for r in out.records[:20]] == [
        3,
        6,
        9,
        12,
        12,
        15,
        18,
        21,
        24,
        25,
        28,
        31,
        34,
        37,
        39,
        42,
        45,
        48,
        51,
        53,
    ]
    assert out.records[4].lower_bound == pytest.approx(1_609_018.629841, rel=1e-9)
    assert out.records[9].lower_bound == pytest.approx(1_998_656.419212, rel=1e-9)
    assert out.records[59].lower_bound == pytest.approx(2_601_558.192360, rel=1e-9)


@pytest.mark.parametrize(
    ("lam", "expected"),
    [
        (0.5, (3_693_438.426192, 6_914_796.066545, 7_343_797.775446)),
        (1.0, (7_001_820.797698, 12_465_725.177030, 12_527_364.989881)),
    ],
)
def test_cvar_lower_bounds(tmp_path, lam, expected):
    case = tmp_path / "case"
    shutil.copytree(TOY, case)
    stages = json.loads((case / "stages.json").read_text())
    for s in stages["stages"]:
        s["risk_measure"] = {"cvar": {"alpha": 0.5, "lambda": lam}}
    (case / "stages.json").write_text(json.dumps(stages))
    out = _train(case, _limit(60))
    got = [out.records[i].lower_bound for i in (0, 9, 59)]
    assert got == pytest.approx(list(expected), rel=1e-9)


def test_run_writes_training_outputs(tmp_path):
    res = run(TOY, tmp_path / "out", skip_simulation=True)
    assert set(res) == {
        "converged",
        "iterations",
        "lower_bound",
        "upper_bound",
        "gap_percent",
        "total_time_ms",
        "output_dir",
        "simulation",
        "stochastic",
        "hydro_models",
        "provenance",
    }
    assert res["iterations"] == 128 and res["converged"] is False
    assert res["simulation"] is None
    assert isinstance(res["lower_bound"], float) and res["lower_bound"] > 2.5e6
    out = Path(res["output_dir"])
    tr = out / "training"
    for rel in (
        "metadata.json",
        "convergence.parquet",
        "scaling_report.json",
        "model_provenance.json",
        "solver/iterations.parquet",
        "solver/retry_histogram.parquet",
        "timing/iterations.parquet",
        "dictionaries/codes.json",
        "dictionaries/entities.csv",
        "dictionaries/variables.csv",
        "dictionaries/bounds.parquet",
        "dictionaries/state_dictionary.json",
    ):
        assert (tr / rel).stat().st_size > 0, rel
    assert (tr / "_SUCCESS").stat().st_size == 0
    assert not list(tr.rglob("*.tmp"))
    meta = json.loads((tr / "metadata.json").read_text())
    assert meta["status"] == "complete"
    assert meta["iterations"] == {"completed": 128, "converged_at": None}
    assert meta["convergence"]["termination_reason"] == "iteration_limit"
    assert meta["configuration"] == {
        "seed": None,  # training.tree_seed is not set in 1dtoy (Cobre writes null)
        "max_iterations": 128,
        "forward_passes": 1,
        "stopping_mode": "any",
        "policy_mode": "fresh",
    }
    # pool high-water marks: slot 0 (iteration 0) stays empty in stages 0..2, as in Cobre
    assert meta["row_pool"] == {"total_generated": 387, "total_active": 384, "peak_active": 384}
    conv = pq.read_table(tr / "convergence.parquet").to_pydict()
    assert conv["iteration"][0] == 1 and len(conv["iteration"]) == 128
    assert conv["lp_solves"][0] == 4 + 3 * 10 + 10  # forward + backward openings + LB openings
    assert (out / "policy" / "metadata.json").is_file()
    assert len(list((out / "policy" / "cuts").iterdir())) == 4
    assert (out / "simulation").is_dir()
