"""Bad stochastic input is reported by ``pycobre.io.validate`` and ``pycobre validate``/``run``
as located records: kind, file, entity, field (stage/season where it applies) — spec 02, spec 11
§5.2, §9, §11.1–11.3, §14. Every case is a mutated copy of an in-repo case."""

from __future__ import annotations

import json
import math
import pathlib
import shutil
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pycobre.cli.main import main
from pycobre.io import validate

ROOT = pathlib.Path(__file__).resolve().parents[2]
STOCH = ROOT / "tests" / "data" / "stochastic"
HISTORY = "scenarios/inflow_history.parquet"
CORR = "scenarios/correlation.json"
EXT = "scenarios/external_inflow_scenarios.parquet"
MATRIX = "profiles.default.correlation_groups[0].matrix"


def _copy(name: str, tmp_path: pathlib.Path) -> pathlib.Path:
    return pathlib.Path(shutil.copytree(STOCH / name, tmp_path / name))


def _json(case: pathlib.Path, rel: str, fn: Callable[[dict], None]) -> None:
    doc = json.loads((case / rel).read_text())
    fn(doc)
    (case / rel).write_text(json.dumps(doc))


def _table(case: pathlib.Path, rel: str, fn: Callable[[pa.Table], pa.Table]) -> None:
    pq.write_table(fn(pq.read_table(case / rel)), case / rel)


def _one(records, kind: str):  # noqa: ANN001, ANN202
    hits = [r for r in records if r.kind == kind]
    assert len(hits) == 1, [str(r) for r in records]
    return hits[0]


def _at(record, file: str, entity: str | None, field: str) -> None:  # noqa: ANN001
    assert record.context["file"] == file, str(record)
    assert record.context.get("entity_id") == entity, str(record)
    assert record.context["field"] == field, str(record)


def _cli(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str]:
    code = main(["--color", "never", *args])
    cap = capsys.readouterr()
    assert "Traceback" not in cap.out + cap.err
    return code, cap.out + cap.err


def _validate_cli(case: pathlib.Path, capsys: pytest.CaptureFixture) -> tuple[int, str]:
    return _cli(["validate", str(case)], capsys)


def _run_cli(case: pathlib.Path, tmp_path: pathlib.Path, capsys) -> tuple[int, str]:  # noqa: ANN001
    out = tmp_path / "out"
    code, text = _cli(["run", str(case), "--quiet", "--output", str(out)], capsys)
    assert sorted(out.rglob("_SUCCESS")) == []
    return code, text


# -- degenerate histories (spec 11 §5.2) -----------------------------------------------------


def _one_year(case: pathlib.Path) -> None:
    _table(case, HISTORY, lambda t: t.filter(pc.less(pc.year(t.column("date")), 1980)))


def test_one_year_of_history_is_insufficient_data(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s2-par-history", tmp_path)
    _one_year(case)
    result = validate(case)
    assert not result.valid
    rec = _one(result.errors, "InsufficientData")
    _at(rec, HISTORY, "0", "value_m3s")
    assert rec.context["season_id"] == 0
    code, text = _validate_cli(case, capsys)
    assert code == 1
    assert f"[InsufficientData] {HISTORY} (0): " in text and "season 0" in text
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and HISTORY in text and "hydro 0" in text and "season 0" in text


def _constant_hydro_1(case: pathlib.Path) -> None:
    def edit(t: pa.Table) -> pa.Table:
        hyd = np.asarray(t.column("hydro_id").to_pylist())
        val = np.where(hyd == 1, 100.0, np.asarray(t.column("value_m3s").to_pylist()))
        return t.set_column(2, "value_m3s", pa.array(val))

    _table(case, HISTORY, edit)


def test_constant_history_is_a_located_warning_per_season(tmp_path, capsys) -> None:  # noqa: ANN001
    """Decision (spec 11 §5.2 class Constant, Cobre 0.5.1 trains it): warning, not error."""
    case = _copy("s2-par-history", tmp_path)
    _constant_hydro_1(case)
    result = validate(case)
    assert result.valid, [str(r) for r in result.errors]
    hits = [w for w in result.warnings if w.context.get("rule") == "history_constant"]
    assert [w.context["season_id"] for w in hits] == list(range(12))
    for w in hits:
        _at(w, HISTORY, "1", "value_m3s")
        assert w.context["cobre_kind"] == "ModelQuality" and w.severity == "warning"
    code, text = _validate_cli(case, capsys)
    assert code == 0
    assert text.count(f"warning: {HISTORY} (1): ") == 12


# -- correlation (spec 11 §9) ----------------------------------------------------------------


def _matrix(case: pathlib.Path, matrix: list[list[float]]) -> None:
    _json(case, CORR, lambda d: d["profiles"]["default"]["correlation_groups"][0].update(
        matrix=matrix))


def test_asymmetry_between_1e10_and_1e9_is_reported_by_validate(tmp_path, capsys) -> None:  # noqa: ANN001
    """Spec 11 §9.1 (1e-10) is stricter than spec 02 rule 14 (1e-9): the assembly check sees it."""
    case = _copy("s1-saa-correlated", tmp_path)
    _matrix(case, [[1.0, 0.7, 0.4], [0.7 + 5e-10, 1.0, 0.55], [0.4, 0.55, 1.0]])
    rec = _one(validate(case).errors, "InvalidCorrelation")
    _at(rec, CORR, "basin", MATRIX)
    assert "symmetric within 1e-10" in rec.message and "[1][0]" in rec.message
    code, text = _validate_cli(case, capsys)
    assert code == 1 and f"[InvalidCorrelation] {CORR} (basin)" in text


@pytest.mark.parametrize(
    ("matrix", "rule"),
    [
        ([[1.0, 0.7, 0.4], [0.6, 1.0, 0.55], [0.4, 0.55, 1.0]], "correlation_symmetric"),
        ([[0.9, 0.7, 0.4], [0.7, 1.0, 0.55], [0.4, 0.55, 1.0]], "correlation_diagonal"),
        ([[1.0, 1.2, 0.4], [1.2, 1.0, 0.55], [0.4, 0.55, 1.0]], "correlation_range"),
    ],
)
def test_correlation_value_errors(tmp_path, capsys, matrix, rule: str) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    _matrix(case, matrix)
    hits = [r for r in validate(case).errors if r.context.get("rule") == rule]
    assert hits
    _at(hits[0], CORR, "basin", MATRIX)
    assert hits[0].context["cobre_kind"] == "BusinessRuleViolation"
    code, text = _validate_cli(case, capsys)
    assert code == 1 and f"{CORR} (basin)" in text and MATRIX in text


def test_correlation_not_square(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    _matrix(case, [[1.0, 0.7, 0.4], [0.7, 1.0], [0.4, 0.55, 1.0]])
    rec = _one(validate(case).errors, "CoverageMismatch")
    _at(rec, CORR, "basin", f"{MATRIX}[1]")
    assert rec.context["cobre_kind"] == "DimensionMismatch"
    code, text = _validate_cli(case, capsys)
    assert code == 1 and f"{MATRIX}[1]" in text


def test_not_psd_is_clipped_with_a_located_warning(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    c = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    _matrix(case, c.tolist())
    result = validate(case)
    assert result.valid
    hits = [w for w in result.warnings if w.context.get("rule") == "correlation_not_psd"]
    assert len(hits) == 1
    rec = hits[0]
    _at(rec, CORR, "basin", MATRIX)
    assert rec.kind == "PhysicalConstraint" and rec.context["cobre_kind"] == "ModelQuality"
    assert math.isclose(rec.context["smallest_eigenvalue"], np.linalg.eigvalsh(c).min(),
                        abs_tol=1e-12)
    code, text = _validate_cli(case, capsys)
    assert code == 0 and f"warning: {CORR} (basin): " in text and "semi-definite" in text


def test_failed_jacobi_decomposition(tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    """A decomposition that does not converge (forced: no sweep allowed) is a located error."""
    from pycobre.stochastic import correlation

    case = _copy("s1-saa-correlated", tmp_path)
    monkeypatch.setattr(correlation, "SWEEPS_PER_N2", 0)
    rec = _one(validate(case).errors, "SpectralDecompositionFailed")
    _at(rec, CORR, "basin", MATRIX)
    assert "no convergence" in rec.message
    code, text = _validate_cli(case, capsys)
    assert code == 1 and f"[SpectralDecompositionFailed] {CORR} (basin)" in text
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and f"[SpectralDecompositionFailed] {CORR} (basin)" in text


# -- scenario sources (spec 11 §11.1, §11.3) -------------------------------------------------


def _source(case: pathlib.Path, **src: object) -> None:
    _json(case, "config.json", lambda d: d["training"]["scenario_source"].update(src))


def test_out_of_sample_without_seed(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    _json(case, "config.json", lambda d: d["training"]["scenario_source"].pop("seed"))
    rec = _one(validate(case).errors, "SchemaViolation")
    _at(rec, "config.json", None, "training.scenario_source.seed")
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and "training.scenario_source.seed" in text


@pytest.mark.parametrize("cls", ["inflow", "load"])
def test_historical_or_external_without_its_file(tmp_path, capsys, cls: str) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    scheme = "historical" if cls == "inflow" else "external"
    _source(case, **{cls: {"scheme": scheme}})
    if cls == "load":  # give the bus a noise slot so the class needs the file
        _table(case, "scenarios/load_seasonal_stats.parquet",
               lambda t: t.set_column(3, "std_mw", pa.array([5.0] * t.num_rows)))
    rec = _one(validate(case).errors, "IncompatibleSettings")
    _at(rec, "config.json", None, f"training.scenario_source.{cls}.scheme")
    assert "missing" in rec.message
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and f"config.json: training.scenario_source.{cls}.scheme" in text


def test_historical_load_is_rejected(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    _source(case, load={"scheme": "historical"})
    errors = validate(case).errors
    assert errors and errors[0].context["file"] == "config.json"
    assert errors[0].context["field"].startswith("training.scenario_source.load")
    code, text = _validate_cli(case, capsys)
    assert code == 1 and "config.json" in text and "training.scenario_source.load" in text


def test_historical_without_a_complete_window(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s2-par-history", tmp_path)
    _source(case, inflow={"scheme": "historical"}, historical_years={"from": 1900, "to": 1901})
    rec = _one(validate(case).errors, "InsufficientData")
    _at(rec, HISTORY, None, "date")
    assert "1900..1901" in rec.message
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and HISTORY in text and "no complete historical window" in text


# -- external scenarios (spec 11 §11.2) ------------------------------------------------------


def _external(case: pathlib.Path, fn: Callable[[dict], dict] | None = None) -> dict:
    """s1 (6 stages, hydros 0..2) with 3 external inflow scenarios per stage, scheme external."""
    n_st, n_sc, hyd = 6, 3, 3
    cols = {
        "stage_id": np.repeat(np.arange(n_st), n_sc * hyd),
        "scenario_id": np.tile(np.repeat(np.arange(n_sc), hyd), n_st),
        "hydro_id": np.tile(np.arange(hyd), n_st * n_sc),
        "value_m3s": np.linspace(50.0, 150.0, n_st * n_sc * hyd),
    }
    if fn is not None:
        cols = fn(cols)
    ints = {"stage_id", "scenario_id", "hydro_id"}
    table = pa.table({k: pa.array(v, pa.int32() if k in ints else pa.float64())
                      for k, v in cols.items()})
    pq.write_table(table, case / EXT)
    _source(case, inflow={"scheme": "external"})
    return cols


def _drop(mask: Callable[[dict], np.ndarray]) -> Callable[[dict], dict]:
    return lambda c: {k: v[~mask(c)] for k, v in c.items()}


@pytest.mark.parametrize(
    ("edit", "entity", "field", "stage", "words"),
    [
        (_drop(lambda c: c["stage_id"] == 4), None, "stage_id", 4, "stage 4 has no scenarios"),
        (_drop(lambda c: (c["stage_id"] == 3) & (c["hydro_id"] == 2) & (c["scenario_id"] == 1)),
         "2", "hydro_id", 3, "hydro 2 has no row for stage 3, scenario(s) 1"),
        (_drop(lambda c: (c["stage_id"] == 2) & (c["scenario_id"] == 1)), None, "scenario_id",
         2, "scenario_id 1 missing"),
    ],
    ids=["missing stage", "missing entity", "scenario numbering"],
)
def test_external_coverage_errors(tmp_path, capsys, edit, entity, field, stage, words) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    _external(case, edit)
    rec = _one(validate(case).errors, "DimensionMismatch")
    _at(rec, EXT, entity, field)
    assert rec.context["stage_id"] == stage and words in rec.message
    code, text = _validate_cli(case, capsys)
    assert code == 1 and f"[DimensionMismatch] {EXT}" in text and words in text
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and EXT in text and words in text


def test_external_nan_value(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)

    def nan(c: dict) -> dict:
        c["value_m3s"] = c["value_m3s"].copy()
        c["value_m3s"][10] = np.nan
        return c

    _external(case, nan)
    errors = validate(case).errors
    assert errors and all(r.context["file"] == EXT for r in errors)
    assert errors[0].context["field"] == "value_m3s"
    code, text = _validate_cli(case, capsys)
    assert code == 1 and EXT in text and "value_m3s" in text


def test_external_stage_with_fewer_scenarios_wraps_around(tmp_path) -> None:
    """Spec 11 §11.2: not an error; the short stage repeats its scenarios (k mod raw)."""
    from pycobre.stochastic import build_stochastic_model
    from pycobre.stochastic.external import build_external

    case = _copy("s1-saa-correlated", tmp_path)
    cols = _external(case, _drop(lambda c: (c["stage_id"] == 4) & (c["scenario_id"] == 2)))
    result = validate(case)
    assert result.valid, [str(r) for r in result.errors]
    model = build_stochastic_model(case)
    table = pq.read_table(case / EXT)
    lib = build_external("inflow", table, list(range(6)), [0, 1, 2], mean=model.inflow_base,
                         std=model.inflow_sigma, psi=model.inflow_psi,
                         initial_lags=model.initial_lags)
    assert lib.raw_counts.tolist() == [3, 3, 3, 3, 2, 3]
    np.testing.assert_array_equal(lib.eta(4, 2), lib.eta(4, 0))
    # η of stage 4, scenario 0 is (v - b) / σ of the file's values (no AR in s1)
    v = cols["value_m3s"][(cols["stage_id"] == 4) & (cols["scenario_id"] == 0)]
    np.testing.assert_allclose(lib.eta(4, 0),
                               (v - model.inflow_base[4]) / model.inflow_sigma[4], rtol=1e-14)


# -- seasons and history (spec 11 §14 rules 27–31) ------------------------------------------


def _stage(case: pathlib.Path, index: int, **fields: object) -> None:
    _json(case, "stages.json", lambda d: d["stages"][index].update(fields))


def test_rule_27_undefined_season(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s2-par-history", tmp_path)
    _stage(case, 3, season_id=40)
    hits = [r for r in validate(case).errors if r.context.get("season_id") == 40]
    assert hits
    _at(hits[0], "stages.json", "3", "stages[3].season_id")
    assert hits[0].context["cobre_kind"] == "BusinessRuleViolation"
    code, text = _validate_cli(case, capsys)
    assert code == 1 and "stages[3].season_id" in text


def test_rule_28_season_without_history_is_a_warning(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s2-par-history", tmp_path)
    _table(case, HISTORY, lambda t: t.filter(pc.not_equal(pc.month(t.column("date")), 3)))
    result = validate(case)
    assert result.valid, [str(r) for r in result.errors]
    hits = [w for w in result.warnings if w.context.get("rule") == "season_without_observations"]
    assert sorted((w.context["entity_id"], w.context["season_id"]) for w in hits) == [
        ("0", 2), ("1", 2)]
    _at(hits[0], HISTORY, hits[0].context["entity_id"], "date")
    code, text = _validate_cli(case, capsys)
    assert code == 0 and f"warning: {HISTORY} (0): hydro 0 has no observations for season 2" \
        in text


def test_rule_29_season_shared_by_stages_of_different_length(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s4-monthly-quarterly", tmp_path)
    doc = json.loads((case / "stages.json").read_text())
    quarterly = [i for i, s in enumerate(doc["stages"])
                 if (np.datetime64(s["end_date"]) - np.datetime64(s["start_date"])).astype(int)
                 > 80]
    monthly_season = doc["stages"][0]["season_id"]
    _stage(case, quarterly[0], season_id=monthly_season)
    hits = [r for r in validate(case).errors if "within 7 days" in r.message]
    assert len(hits) == 1
    assert hits[0].context["file"] == "stages.json" and hits[0].context["field"] == "season_id"
    assert hits[0].context["cobre_kind"] == "BusinessRuleViolation"
    code, text = _validate_cli(case, capsys)
    assert code == 1 and "[BusinessRuleViolation] stages.json" in text and "season_id" in text


def test_rule_30_unused_season_is_a_warning(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s3-weekly-groups", tmp_path)
    _json(case, "stages.json", lambda d: d["season_definitions"]["seasons"].append(
        {**d["season_definitions"]["seasons"][-1], "id": 77, "label": "spare"}))
    result = validate(case)
    assert result.valid, [str(r) for r in result.errors]
    rec = next(w for w in result.warnings if w.context.get("rule") == "unused_season"
               and w.context["entity_id"] == "77")
    _at(rec, "stages.json", "77", "season_definitions.seasons")
    code, text = _validate_cli(case, capsys)
    assert code == 0 and "warning: stages.json (77): season 77 is defined but no stage" in text


def test_rule_31_two_observations_for_one_hydro_season_year(tmp_path, capsys) -> None:  # noqa: ANN001
    import datetime as dt

    case = _copy("s2-par-history", tmp_path)

    def extra_row(t: pa.Table) -> pa.Table:
        row = pa.table({"hydro_id": pa.array([1], pa.int32()),
                        "date": pa.array([dt.date(1990, 5, 15)], pa.date32()),
                        "value_m3s": pa.array([123.0])})
        return pa.concat_tables([t, row]).sort_by([("hydro_id", "ascending"),
                                                   ("date", "ascending")])

    _table(case, HISTORY, extra_row)
    rec = _one(validate(case).errors, "PhysicalConstraint")
    _at(rec, HISTORY, "1", "date")
    assert rec.context["season_id"] == 4 and rec.context["year"] == 1990
    assert rec.context["cobre_kind"] == "BusinessRuleViolation"
    code, text = _validate_cli(case, capsys)
    assert code == 1 and f"[BusinessRuleViolation] {HISTORY} (1)" in text and "1990-05" in text


# -- PAR parameters (spec 11 §2.3) -----------------------------------------------------------


def test_ar_order_on_a_stage_without_season(tmp_path, capsys) -> None:  # noqa: ANN001
    """1dtoy has no season_id: AR coefficients for it are InvalidParParameters, located on the
    stage (validate, its JSON report, and run)."""
    case = pathlib.Path(shutil.copytree(ROOT / "examples" / "1dtoy", tmp_path / "1dtoy"))
    i32 = pa.int32()
    pq.write_table(pa.table({
        "hydro_id": pa.array([0], i32), "stage_id": pa.array([2], i32),
        "lag": pa.array([1], i32), "coefficient": [0.5], "residual_std_ratio": [0.8]}),
        case / "scenarios/inflow_ar_coefficients.parquet")
    rec = _one(validate(case).errors, "InvalidParParameters")
    _at(rec, "stages.json", "2", "stages[2].season_id")
    assert rec.context["hydro_id"] == 0
    code, text = _cli(["validate", "--json", str(case)], capsys)
    doc = json.loads(text)
    assert code == 1 and doc["error_count"] == 1
    assert {k: doc["errors"][0][k] for k in ("kind", "file", "entity", "field")} == {
        "kind": "InvalidParParameters", "file": "stages.json", "entity": "2",
        "field": "stages[2].season_id"}
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and "[InvalidParParameters] stages.json (2)" in text


def test_external_load_file_with_a_scenario_gap(tmp_path, capsys) -> None:  # noqa: ANN001
    """The load class (bus 0 given a noise slot): stage 3 holds scenario 1 but not scenario 0."""
    case = _copy("s1-saa-correlated", tmp_path)
    _table(case, "scenarios/load_seasonal_stats.parquet",
           lambda t: t.set_column(3, "std_mw", pa.array([25.0] * t.num_rows)))
    stage = np.repeat(np.arange(6), 2)
    scen = np.tile(np.arange(2), 6)
    keep = ~((stage == 3) & (scen == 0))
    rel = "scenarios/external_load_scenarios.parquet"
    pq.write_table(pa.table({
        "stage_id": pa.array(stage[keep], pa.int32()),
        "scenario_id": pa.array(scen[keep], pa.int32()),
        "bus_id": pa.array(np.zeros(keep.sum(), dtype=np.int32)),
        "value_mw": pa.array(np.linspace(200.0, 300.0, int(keep.sum())))}), case / rel)
    _source(case, load={"scheme": "external"})
    rec = _one(validate(case).errors, "DimensionMismatch")
    _at(rec, rel, None, "scenario_id")
    assert rec.context["stage_id"] == 3 and "scenario_id 0 missing" in rec.message
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and f"[DimensionMismatch] {rel}" in text and "scenario_id 0 missing" in text


def test_external_duplicated_row_is_a_duplicate_key(tmp_path) -> None:
    case = _copy("s1-saa-correlated", tmp_path)
    _external(case, lambda c: {k: np.concatenate([v, v[20:21]]) for k, v in c.items()})
    rec = _one(validate(case).errors, "DuplicateId")
    assert rec.context["file"] == EXT and rec.context["entity_id"] == "2"
    assert rec.context["key"] == {"stage_id": 2, "scenario_id": 0, "hydro_id": 2}


# -- sampling methods (spec 11 §10.3) --------------------------------------------------------


def test_lhs_stage_with_out_of_sample_simulation(tmp_path, capsys) -> None:  # noqa: ANN001
    """LHS has no simulation point form (Cobre aborts the simulation after training): reported
    before training, on the stage. Training alone (simulation off) stays valid."""
    case = _copy("s1-saa-correlated", tmp_path)
    _stage(case, 2, sampling_method="lhs")
    assert validate(case).valid
    _json(case, "config.json", lambda d: d["simulation"].update(enabled=True, num_scenarios=2))
    rec = _one(validate(case).errors, "UnsupportedSamplingScheme")
    _at(rec, "stages.json", "2", "stages[2].sampling_method")
    assert "simulation.scenario_source.inflow.scheme" in rec.context["settings"]
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and "[UnsupportedSamplingScheme] stages.json (2)" in text
    assert not (tmp_path / "out" / "training" / "convergence.parquet").exists()


def test_selective_sampling_without_a_user_tree(tmp_path, capsys) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    _stage(case, 4, sampling_method="selective")
    rec = _one(validate(case).errors, "UnsupportedNoiseMethod")
    _at(rec, "stages.json", "4", "stages[4].sampling_method")
    code, text = _validate_cli(case, capsys)
    assert code == 1 and "[UnsupportedNoiseMethod] stages.json (4)" in text


def test_external_ncs_file_without_a_stage(tmp_path, capsys) -> None:  # noqa: ANN001
    """d15's NCS 0 has a statistics row, so it owns a noise slot: its external file must cover
    both study stages."""
    src = ROOT / "tests" / "data" / "deterministic" / "d15-non-controllable-source"
    case = pathlib.Path(shutil.copytree(src, tmp_path / "d15"))
    rel = "scenarios/external_ncs_scenarios.parquet"
    pq.write_table(pa.table({
        "stage_id": pa.array([0, 0], pa.int32()), "scenario_id": pa.array([0, 1], pa.int32()),
        "ncs_id": pa.array([0, 0], pa.int32()), "value": [0.4, 0.6]}), case / rel)
    _json(case, "config.json", lambda d: d["training"].update(
        scenario_source={"seed": 3, "ncs": {"scheme": "external"}}))
    rec = _one(validate(case).errors, "DimensionMismatch")
    _at(rec, rel, None, "stage_id")
    assert rec.context["stage_id"] == 1 and "stage 1 has no scenarios" in rec.message
    code, text = _run_cli(case, tmp_path, capsys)
    assert code == 1 and f"[DimensionMismatch] {rel}" in text and "stage 1" in text


def test_fewer_historical_windows_than_forward_passes_is_a_warning(tmp_path) -> None:
    case = _copy("s2-par-history", tmp_path)
    _source(case, inflow={"scheme": "historical"}, historical_years=[1990])
    result = validate(case)
    assert result.valid, [str(r) for r in result.errors]
    rec = next(w for w in result.warnings if w.context.get("rule") == "historical_windows_repeat")
    _at(rec, HISTORY, None, "date")
    assert "1 historical window(s) for 2 forward passes" in rec.message
