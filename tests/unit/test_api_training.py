"""Object layer: ``pycobre.train`` / ``pycobre.simulate`` and their result classes (spec 20 §7)."""

from __future__ import annotations

import pathlib

import numpy as np
import pyarrow.parquet as pq
import pytest

import pycobre
from pycobre.errors import CobreError, PolicyIncompatibleError, ValidationError
from pycobre.io.output.training import CONVERGENCE_SCHEMA
from pycobre.training import SimulationResult, TrainingResult, WorkerInfo

ROOT = pathlib.Path(__file__).resolve().parents[2]
D02 = ROOT / "tests" / "data" / "deterministic" / "d02-single-hydro"
D01 = ROOT / "tests" / "data" / "deterministic" / "d01-thermal-dispatch"
TOY = ROOT / "examples" / "1dtoy"
D02_OPT = 23_635_000 / 9  # EXPECTED.md
RUN_KEYS = {
    "converged", "iterations", "lower_bound", "upper_bound", "gap_percent", "total_time_ms",
    "output_dir", "simulation", "stochastic", "hydro_models", "provenance",
}


@pytest.fixture(scope="module")
def d02_system():
    return pycobre.io.load_case(D02)


@pytest.fixture(scope="module")
def d02_result(d02_system) -> TrainingResult:
    return pycobre.train(d02_system)


def test_train_d02_reaches_hand_derived_optimum(d02_result: TrainingResult) -> None:
    res = d02_result
    assert res.final_lower_bound == pytest.approx(D02_OPT, rel=1e-4)
    assert res.iterations == 10
    assert res.termination_reason == "iteration_limit"
    assert res.loop_termination_reason == "iteration_limit"
    assert res.converged is False
    assert res.final_upper_bound == pytest.approx(D02_OPT, rel=1e-4)
    assert abs(res.final_gap) < 1e-6
    assert res.gap_percent == pytest.approx(100 * res.final_gap)
    assert res.workers is None and res.output_dir is None
    # 10 iterations x 1 forward pass x 1 non-terminal stage
    assert res.total_cuts == 10


def test_training_result_is_read_only(d02_result: TrainingResult) -> None:
    with pytest.raises(AttributeError):
        d02_result.iterations = 3  # type: ignore[misc]


def test_convergence_history_has_convergence_parquet_columns(d02_result: TrainingResult) -> None:
    hist = d02_result.convergence_history
    assert hist.schema.equals(CONVERGENCE_SCHEMA)
    assert hist.num_rows == 10
    assert hist.column("iteration").to_pylist() == list(range(1, 11))
    assert hist.column("lower_bound")[-1].as_py() == d02_result.final_lower_bound


def test_policy_in_memory(d02_result: TrainingResult) -> None:
    pol = d02_result.policy
    assert isinstance(pol, pycobre.Policy)
    assert pol.n_stages == 2 and pol.state_dimension == 1
    assert pol.summary()["cuts_per_stage"] == [10, 0]
    # future cost of stage 0 at the optimal end storage 105.12 hm3: stage 1 thermal
    # 50 $/MWh x 730 h x (80 - 50) MW = 1 095 000 $ = 1095 LP units
    assert pol.evaluate(np.array([105.12]), 0) == pytest.approx(1095.0, rel=1e-9)


def test_to_dict_has_run_summary_shape(d02_result: TrainingResult) -> None:
    d = d02_result.to_dict()
    assert set(d) == RUN_KEYS
    assert d["iterations"] == 10 and d["simulation"] is None and d["output_dir"] is None
    assert d["lower_bound"] == d02_result.final_lower_bound
    assert d["hydro_models"]["n_constant"] == 1


def test_train_accepts_a_path_and_dotted_overrides() -> None:
    res = pycobre.train(
        D02, config_overrides={"training.stopping_rules": [{"type": "iteration_limit", "limit": 3}]}
    )
    assert res.iterations == 3
    assert res.convergence_history.num_rows == 3
    assert res.system.config["training"]["stopping_rules"] == [
        {"type": "iteration_limit", "limit": 3}
    ]


def test_overrides_do_not_touch_the_given_system(d02_system) -> None:
    before = d02_system.config["training"]["forward_passes"]
    res = pycobre.train(
        d02_system,
        config_overrides={
            "training": {
                "forward_passes": 2,
                "stopping_rules": [{"type": "iteration_limit", "limit": 2}],
            }
        },
    )
    assert d02_system.config["training"]["forward_passes"] == before == 1
    assert res.system.config["training"]["forward_passes"] == 2
    assert res.convergence_history.column("forward_passes").to_pylist() == [2, 2]


def test_invalid_override_raises_validation_error(d02_system) -> None:
    with pytest.raises(ValidationError) as err:
        pycobre.train(d02_system, config_overrides={"training.forward_passes": 0})
    assert err.value.kind == "OutOfRange"
    assert "forward_passes" in str(err.value)
    with pytest.raises(ValidationError) as err:
        pycobre.train(d02_system, config_overrides={"bogus": {"x": 1}})
    assert err.value.kind == "SchemaViolation"
    assert "bogus" in str(err.value)


def test_bad_backend_and_mode(d02_system) -> None:
    with pytest.raises(CobreError) as err:
        pycobre.train(d02_system, backend="carrier-pigeon")
    assert err.value.kind == "IncompatibleSettings"
    with pytest.raises(CobreError) as err:
        pycobre.train(d02_system, mode="sideways")
    assert err.value.kind == "IncompatibleSettings"
    with pytest.raises(CobreError) as err:
        pycobre.train(d02_system, mode="resume")  # nothing to resume from
    assert err.value.kind == "IncompatibleSettings"


def test_two_workers_same_numbers(d02_system, d02_result: TrainingResult) -> None:
    res = pycobre.train(d02_system, workers=2)
    assert res.final_lower_bound == d02_result.final_lower_bound
    assert res.iterations == d02_result.iterations
    assert res.workers is not None and len(res.workers) == 2
    assert [w.rank for w in res.workers] == [0, 1]
    assert all(isinstance(w, WorkerInfo) and w.backend == "local" for w in res.workers)
    with pytest.raises(ValueError, match="conflicting"):
        pycobre.train(d02_system, workers=2, num_workers=3)


def test_resume_continues_the_iteration_count(d02_system) -> None:
    limit = {"training.stopping_rules": [{"type": "iteration_limit", "limit": 3}]}
    first = pycobre.train(d02_system, config_overrides=limit)
    more = {"training.stopping_rules": [{"type": "iteration_limit", "limit": 6}]}
    res = pycobre.train(d02_system, config_overrides=more, policy=first.policy, mode="resume")
    assert res.iterations == 6
    assert res.convergence_history.column("iteration").to_pylist() == [4, 5, 6]
    assert res.final_lower_bound >= first.final_lower_bound - 1e-6
    # warm start keeps the loaded cuts in front of the new ones
    warm = pycobre.train(d02_system, config_overrides=limit, policy=first.policy)
    assert warm.iterations == 3
    assert warm.policy.metadata["warm_start_counts"][0] > 0
    assert warm.policy.summary()["active_cuts"] > first.policy.summary()["active_cuts"]
    assert warm.final_lower_bound >= first.final_lower_bound - 1e-6


def test_incompatible_policy_is_rejected(d02_system) -> None:
    toy = pycobre.train(TOY, config_overrides={"training.stopping_rules": [
        {"type": "iteration_limit", "limit": 1}]})
    with pytest.raises(PolicyIncompatibleError, match="num_stages"):
        pycobre.train(d02_system, policy=toy.policy, mode="warm_start")
    with pytest.raises(PolicyIncompatibleError, match="num_stages"):
        pycobre.simulate(d02_system, toy.policy, output_dir=None)


def test_train_with_output_dir_writes_run_layout(d02_system, tmp_path: pathlib.Path) -> None:
    out = tmp_path / "out"
    res = pycobre.train(d02_system, output_dir=out)
    assert res.output_dir == str(out.resolve())
    for rel in ("training/_SUCCESS", "training/metadata.json", "training/convergence.parquet",
                "training/scaling_report.json", "policy/metadata.json"):
        assert (out / rel).is_file(), rel
    conv = pq.read_table(out / "training" / "convergence.parquet")
    assert conv.column("lower_bound").to_pylist() == res.convergence_history.column(
        "lower_bound").to_pylist()
    loaded = pycobre.Policy.load(out)
    for x in (0.0, 50.0, 105.12, 200.0):
        assert loaded.evaluate(np.array([x]), 0) == res.policy.evaluate(np.array([x]), 0)
    # the checkpoint lets a later call resume from disk
    more = {"training.stopping_rules": [{"type": "iteration_limit", "limit": 12}]}
    again = pycobre.train(d02_system, config_overrides=more, output_dir=out, mode="resume")
    assert again.iterations == 12


def test_simulate_d02_costs_equal_the_optimum(d02_system, d02_result, tmp_path) -> None:
    out = tmp_path / "sim"
    events = []
    sim = pycobre.simulate(
        d02_system, d02_result.policy, output_dir=out, progress_callback=events.append
    )
    assert isinstance(sim, SimulationResult)
    assert sim.scenarios == 1 and sim.completed == 1
    assert sim.mean_cost == pytest.approx(D02_OPT, rel=1e-2)
    assert sim.std_cost == 0.0 and sim.cvar == sim.mean_cost
    assert sim.min_cost == sim.max_cost == sim.mean_cost
    assert sim.costs.shape == (1,) and not sim.costs.flags.writeable
    assert sim.output_directory == str(out.resolve())
    assert "simulation/_SUCCESS" in sim.output_files
    assert "simulation/costs/scenario_id=0000/data.parquet" in sim.output_files
    assert all((out / f).is_file() for f in sim.output_files)
    costs = pycobre.results.load_simulation(out, "costs")
    assert {r["scenario_id"] for r in costs} == {0}
    assert [(e.phase, e.scenarios_complete, e.scenarios_total) for e in events] == [
        ("simulation", 1, 1)
    ]
    assert events[0].iteration is None and events[0].lower_bound is None


def test_simulate_scenarios_override_and_policy_path(d02_system, tmp_path) -> None:
    trained = tmp_path / "trained"
    pycobre.train(d02_system, output_dir=trained)
    sim = pycobre.simulate(
        d02_system, trained, config_overrides={"simulation.num_scenarios": 3},
        output_dir=tmp_path / "s2",
    )
    assert sim.scenarios == 3 and sim.costs.shape == (3,)
    # deterministic case: every scenario has the optimal cost
    np.testing.assert_allclose(sim.costs, D02_OPT, rtol=1e-2)
    assert sim.summary()["n_scenarios"] == 3


def test_simulate_defaults_to_case_output_dir(tmp_path) -> None:
    import shutil

    case = shutil.copytree(D01, tmp_path / "d01")
    res = pycobre.train(case)
    sim = pycobre.simulate(res, res, config_overrides={"simulation.num_scenarios": 1})
    assert sim.output_directory == str((case / "output").resolve())
    assert (case / "output" / "simulation" / "_SUCCESS").is_file()
    assert not (case / "output" / "training").exists()  # train() without output_dir wrote nothing


def test_async_wrappers_return_the_same_results(d02_system, d02_result, tmp_path) -> None:
    import asyncio

    from pycobre.training import simulate_async, train_async

    async def main():
        res = await train_async(d02_system)
        sim = await simulate_async(d02_system, res.policy, output_dir=tmp_path)
        return res, sim

    res, sim = asyncio.run(main())
    assert res.final_lower_bound == d02_result.final_lower_bound
    assert sim.mean_cost == pytest.approx(D02_OPT, rel=1e-2)


def test_unexpected_loop_error_is_internal_error_after_partial_outputs(
    d02_system, tmp_path, monkeypatch
) -> None:
    import json

    import pycobre.sddp.training as loop

    real = loop.forward_pass

    def flaky(worker, k, block):
        if k == 3:
            raise RuntimeError("simulated bug")
        return real(worker, k, block)

    monkeypatch.setattr(loop, "forward_pass", flaky)
    with pytest.raises(CobreError) as err:
        pycobre.train(d02_system, output_dir=tmp_path)
    assert err.value.kind == "InternalError"
    assert isinstance(err.value.__cause__, RuntimeError)
    assert "simulated bug" in str(err.value)
    meta = json.loads((tmp_path / "training" / "metadata.json").read_text())
    assert meta["status"] == "partial" and meta["iterations"]["completed"] == 2
    assert pycobre.Policy.load(tmp_path).metadata["completed_iterations"] == 2


def test_train_again_from_a_result(d02_result) -> None:
    more = {"training.stopping_rules": [{"type": "iteration_limit", "limit": 12}]}
    res = pycobre.train(d02_result, config_overrides=more, policy=d02_result, mode="resume")
    assert res.iterations == 12
    assert res.convergence_history.column("iteration").to_pylist() == [11, 12]
    assert res.final_lower_bound == pytest.approx(D02_OPT, rel=1e-4)
    with pytest.raises(TypeError, match="case must be"):
        pycobre.train(3.14)


def _plant_old_markers(out: pathlib.Path) -> None:
    for section in ("training", "simulation"):
        (out / section).mkdir(parents=True)
        (out / section / "_SUCCESS").write_text("")
        (out / section / "metadata.json").write_text('{"old": true}')


def test_output_dir_markers_dropped_and_policy_written_before_training_marker(
    d02_system, tmp_path, monkeypatch
) -> None:
    import json

    import pycobre.sddp.checkpoint as checkpoint

    _plant_old_markers(tmp_path)
    real = checkpoint.write_checkpoint
    seen: list[tuple[bool, bool]] = []

    def spy(policy_dir, *args, **kwargs):
        seen.append(((tmp_path / "training" / "_SUCCESS").exists(),
                     (tmp_path / "training" / "metadata.json").exists()))
        return real(policy_dir, *args, **kwargs)

    monkeypatch.setattr(checkpoint, "write_checkpoint", spy)
    pycobre.train(d02_system, output_dir=tmp_path)
    assert seen == [(False, False)]  # policy goes in before the training markers
    assert (tmp_path / "training" / "_SUCCESS").is_file()
    assert json.loads((tmp_path / "training" / "metadata.json").read_text())["status"] == "complete"
    # the old simulation was computed with another policy: it is no longer certified
    assert not (tmp_path / "simulation" / "_SUCCESS").exists()
    assert not (tmp_path / "simulation" / "metadata.json").exists()


def test_failed_policy_write_leaves_training_uncertified(d02_system, tmp_path, monkeypatch) -> None:
    import pycobre.sddp.checkpoint as checkpoint
    from pycobre.errors import CheckpointError

    _plant_old_markers(tmp_path)

    def broken(policy_dir, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint, "write_checkpoint", broken)
    with pytest.raises(CheckpointError, match="disk full") as err:
        pycobre.train(d02_system, output_dir=tmp_path)
    assert err.value.context["operation"] == "write"
    assert (tmp_path / "training" / "convergence.parquet").is_file()  # data files were written
    for rel in ("training/_SUCCESS", "training/metadata.json",
                "simulation/_SUCCESS", "simulation/metadata.json"):
        assert not (tmp_path / rel).exists(), rel
