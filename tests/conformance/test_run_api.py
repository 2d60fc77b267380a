"""pycobre.run.run: signature, error classes and the returned dict (spec 20 §6)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from pycobre.errors import CaseNotFoundError, RunError
from pycobre.run import run

D02 = Path(__file__).resolve().parents[1] / "data" / "deterministic" / "d02-single-hydro"


def test_signature_matches_the_bindings():
    params = list(inspect.signature(run).parameters.values())
    assert [p.name for p in params[:4]] == ["case_dir", "output_dir", "threads", "skip_simulation"]
    assert all(p.default is None for p in params[1:4])
    kw = {p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert {"workers", "backend", "config_overrides", "progress_callback", "event_callback"} <= kw


def test_missing_and_empty_case(tmp_path):
    with pytest.raises(CaseNotFoundError, match="does not exist"):
        run(tmp_path / "missing")
    (tmp_path / "file.json").write_text("{}")
    with pytest.raises(CaseNotFoundError, match="case path is not a directory"):
        run(tmp_path / "file.json")
    with pytest.raises(RunError) as err:
        run(tmp_path)
    assert "config.json" in str(err.value) and err.value.kind == "MissingFile"
    assert isinstance(err.value, RuntimeError)


def test_threads_and_workers_must_agree(tmp_path):
    with pytest.raises(RunError):
        run(D02, tmp_path, threads=1, workers=2)


def test_progress_callback_and_result(tmp_path):
    seen = []
    res = run(D02, tmp_path, threads=2, progress_callback=seen.append)
    assert [ev.iteration for ev in seen] == list(range(1, 11))
    assert {ev.phase for ev in seen} == {"training"}
    assert seen[-1].lower_bound == pytest.approx(23_635_000 / 9, abs=1e-4)
    assert seen[-1].upper_bound == pytest.approx(23_635_000 / 9, abs=1e-4)
    assert seen[-1].gap == pytest.approx(0.0, abs=1e-9)
    assert [r.rule_name for r in seen[-1].rules] == ["iteration_limit"]
    assert seen[-1].rules[0].triggered and not seen[0].rules[0].triggered
    assert res["iterations"] == 10 and res["converged"] is False
    assert res["lower_bound"] == pytest.approx(23_635_000 / 9, abs=1e-4)
    assert res["gap_percent"] == pytest.approx(0.0, abs=1e-6)
    assert res["output_dir"] == str(tmp_path.resolve())
    assert set(res["provenance"]) == {
        "estimation_path",
        "seasonal_stats_source",
        "ar_coefficients_source",
        "correlation_source",
        "opening_tree_source",
        "n_hydros",
        "ar_method",
        "ar_max_order",
        "white_noise_fallbacks",
    }
    assert res["hydro_models"]["n_constant"] == 1


def test_d12_stochastic_export(tmp_path):
    d12 = D02.parent / "d12-par-annual"
    res = run(d12, tmp_path, config_overrides={"exports": {"stochastic": True}})
    assert res["iterations"] == 20
    assert (tmp_path / "stochastic" / "inflow_annual_component.parquet").stat().st_size > 0
    assert (tmp_path / "training" / "_SUCCESS").is_file()


def test_unknown_backend_is_rejected(tmp_path):
    with pytest.raises(RunError) as err:
        run(D02, tmp_path, backend="carrier-pigeon")
    assert err.value.kind == "IncompatibleSettings"


def test_simulation_progress_events(tmp_path):
    seen = []
    res = run(
        D02,
        tmp_path,
        config_overrides={"simulation": {"enabled": True, "num_scenarios": 3}},
        progress_callback=seen.append,
    )
    assert res["simulation"] == {"n_scenarios": 3, "completed": 3}
    sim = [ev for ev in seen if ev.phase == "simulation"]
    assert [ev.phase for ev in seen[:10]] == ["training"] * 10
    assert sim and sim[-1].scenarios_complete == 3 and sim[-1].scenarios_total == 3
    assert all(ev.iteration is None and ev.lower_bound is None for ev in sim)


def test_callbacks_can_stop_training(tmp_path):
    from pycobre.events import StopTraining

    kinds = []

    def on_event(ev):
        kinds.append(type(ev).__name__)

    def on_progress(ev):
        return StopTraining if ev.iteration == 2 else None

    res = run(D02, tmp_path, event_callback=on_event, progress_callback=on_progress)
    assert res["iterations"] == 2 and res["converged"] is False
    assert "ConvergenceUpdate" in kinds and "IterationSummary" in kinds
    meta = json.loads((tmp_path / "training" / "metadata.json").read_text())
    assert meta["convergence"]["termination_reason"] == "graceful_shutdown"
