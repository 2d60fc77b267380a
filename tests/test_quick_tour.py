"""Spec 20 §3 quick tour, run exactly as written (only the case/output paths are real ones).

The tour's relative paths ``cases/1dtoy`` and ``out`` are provided by copying the shipped
``examples/1dtoy`` into a temporary working directory.
"""

from __future__ import annotations

import pathlib
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

QUICK_TOUR = '''
import pycobre as cobre

report = cobre.io.validate("cases/1dtoy")          # never raises
assert report["valid"]

system = cobre.io.load_case("cases/1dtoy")         # raises on invalid input
print(system.n_hydros, system.n_thermals, system.n_stages)

# Compatibility layer: identical call to the Cobre bindings
summary = cobre.run.run("cases/1dtoy", output_dir="out", threads=4)
print(summary["iterations"], summary["lower_bound"])

# Object layer
res = cobre.train(system, config_overrides={"training": {"forward_passes": 8}},
                  progress_callback=lambda ev: print(ev.iteration, ev.lower_bound),
                  workers=4)
sim = cobre.simulate(system, res.policy, output_dir="out")
df = cobre.results.load_simulation("out", "costs", format="polars")
'''


@pytest.mark.slow
def test_quick_tour_runs_as_written(tmp_path, monkeypatch, capsys) -> None:
    shutil.copytree(ROOT / "examples" / "1dtoy", tmp_path / "cases" / "1dtoy")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(QUICK_TOUR, "quick_tour", "exec"), scope)  # noqa: S102 - the tour itself

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1 2 4"  # 1 hydro, 2 thermals, 4 stages
    summary, res, sim, df = scope["summary"], scope["res"], scope["sim"], scope["df"]
    # run(): 1dtoy as shipped -> 128 iterations, 100 simulated scenarios
    assert summary["iterations"] == 128 and summary["converged"] is False
    assert lines[1] == f"128 {summary['lower_bound']}"
    # object layer: 128 iterations of 8 forward passes, one callback line per iteration
    assert res.iterations == 128 and res.termination_reason == "iteration_limit"
    assert res.convergence_history.column("forward_passes").to_pylist() == [8] * 128
    assert len(res.workers) == 4
    progress = lines[2:]
    assert [int(line.split()[0]) for line in progress] == list(range(1, 129))
    assert float(progress[-1].split()[1]) == res.final_lower_bound
    assert sim.scenarios == 100 and sim.completed == 100
    assert (tmp_path / "out" / "training" / "_SUCCESS").is_file()  # written by run()
    assert (tmp_path / "out" / "simulation" / "_SUCCESS").is_file()
    assert df["scenario_id"].n_unique() == 100
    per_scenario = df.group_by("scenario_id").len()["len"].to_list()
    assert set(per_scenario) == {4}  # one costs row per study stage
    assert df.columns[0] == "scenario_id"
