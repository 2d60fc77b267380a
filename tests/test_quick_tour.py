"""Spec 20 §3 quick tour, run exactly as written (only the case/output paths are real ones).

The tour's relative paths ``cases/1dtoy`` and ``out`` are provided by copying the shipped
``examples/1dtoy`` into a temporary working directory. The copy's ``config.json`` stops at
``ITERATIONS`` iterations and simulates ``SCENARIOS`` scenarios (the shipped 128/100 take ~40 s);
the tour's code is unchanged.
"""

from __future__ import annotations

import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[1]
ITERATIONS, SCENARIOS = 16, 20

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


def copy_1dtoy(dest: pathlib.Path) -> None:
    shutil.copytree(ROOT / "examples" / "1dtoy", dest)
    cfg = json.loads((dest / "config.json").read_text())
    cfg["training"]["stopping_rules"] = [{"type": "iteration_limit", "limit": ITERATIONS}]
    cfg["simulation"]["num_scenarios"] = SCENARIOS
    (dest / "config.json").write_text(json.dumps(cfg))


def test_quick_tour_runs_as_written(tmp_path, monkeypatch, capsys) -> None:
    copy_1dtoy(tmp_path / "cases" / "1dtoy")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(QUICK_TOUR, "quick_tour", "exec"), scope)  # noqa: S102 - the tour itself

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1 2 4"  # 1 hydro, 2 thermals, 4 stages
    summary, res, sim, df = scope["summary"], scope["res"], scope["sim"], scope["df"]
    # run(): the iteration limit stops training; the configured scenarios are simulated
    assert summary["iterations"] == ITERATIONS and summary["converged"] is False
    assert lines[1] == f"{ITERATIONS} {summary['lower_bound']}"
    assert summary["simulation"]["n_scenarios"] == SCENARIOS
    # object layer: ITERATIONS iterations of 8 forward passes, one callback line per iteration
    assert res.iterations == ITERATIONS and res.termination_reason == "iteration_limit"
    assert res.convergence_history.column("forward_passes").to_pylist() == [8] * ITERATIONS
    assert len(res.workers) == 4
    progress = lines[2:]
    assert [int(line.split()[0]) for line in progress] == list(range(1, ITERATIONS + 1))
    assert float(progress[-1].split()[1]) == res.final_lower_bound
    # lower bounds never decrease: 1dtoy has no cut selection, cuts only accumulate
    lbs = [float(line.split()[1]) for line in progress]
    assert all(b >= a - 1e-6 * abs(a) for a, b in zip(lbs, lbs[1:], strict=False))
    assert sim.scenarios == SCENARIOS and sim.completed == SCENARIOS
    assert (tmp_path / "out" / "training" / "_SUCCESS").is_file()  # written by run()
    assert (tmp_path / "out" / "simulation" / "_SUCCESS").is_file()
    assert df["scenario_id"].n_unique() == SCENARIOS
    per_scenario = df.group_by("scenario_id").len()["len"].to_list()
    assert set(per_scenario) == {4}  # one costs row per study stage
    assert df.columns[0] == "scenario_id"
