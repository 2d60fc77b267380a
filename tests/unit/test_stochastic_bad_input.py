"""Bad stochastic input gives a located error (file, entity, field) or, where Cobre 0.5.1 accepts
the case, a located warning (spec 02, spec 11 §5.2, §8.3, §9, §11.1)."""

from __future__ import annotations

import json
import logging
import pathlib
import shutil

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pycobre.errors import ValidationError
from pycobre.stochastic import build_stochastic_model

CASES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "stochastic"
HISTORY = "scenarios/inflow_history.parquet"
TREE = "scenarios/noise_openings.parquet"
CORR = "scenarios/correlation.json"


def _copy(name: str, tmp_path: pathlib.Path) -> pathlib.Path:
    return shutil.copytree(CASES / name, tmp_path / name)


def _edit_history(case: pathlib.Path, fn) -> None:  # noqa: ANN001
    path = case / HISTORY
    pq.write_table(fn(pq.read_table(path)), path)


def _set_matrix(case: pathlib.Path, matrix: list[list[float]]) -> None:
    doc = json.loads((case / CORR).read_text())
    doc["profiles"]["default"]["correlation_groups"][0]["matrix"] = matrix
    (case / CORR).write_text(json.dumps(doc))


def _assert_located(err: ValidationError, kind: str, file: str, field: str, entity=None) -> None:  # noqa: ANN001
    assert err.kind == kind
    assert err.context["file"] == file
    assert err.context["field"] == field
    if entity is not None:
        assert err.context["entity_id"] == entity
    assert len(err.records) == 1 and err.records[0].context["file"] == file
    assert err.records[0].kind == kind


# -- degenerate histories ------------------------------------------------------------------


def test_one_year_of_history_is_insufficient_data(tmp_path: pathlib.Path) -> None:
    case = _copy("s2-par-history", tmp_path)
    _edit_history(case, lambda t: t.filter(pc.less(pc.year(t.column("date")), 1980)))
    with pytest.raises(ValidationError) as info:
        build_stochastic_model(case)
    _assert_located(info.value, "InsufficientData", HISTORY, "value_m3s", entity=0)
    assert info.value.context["season_id"] == 0
    assert "hydro 0" in str(info.value) and "season 0" in str(info.value)


def test_constant_history_gives_a_deterministic_season_and_a_warning(
    tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Spec 11 §5.2 class Constant: mu = the value, s = 0, order 0 (Cobre trains this case)."""
    case = _copy("s2-par-history", tmp_path)

    def constant(t: pa.Table) -> pa.Table:
        hyd = np.asarray(t.column("hydro_id").to_pylist())
        val = np.where(hyd == 1, 100.0, np.asarray(t.column("value_m3s").to_pylist()))
        return t.set_column(2, "value_m3s", pa.array(val))

    _edit_history(case, constant)
    with caplog.at_level(logging.WARNING, logger="pycobre"):
        model = build_stochastic_model(case)
    np.testing.assert_array_equal(model.inflow_mean[:, 1], np.full(12, 100.0))
    np.testing.assert_array_equal(model.inflow_std[:, 1], np.zeros(12))
    np.testing.assert_array_equal(model.inflow_sigma[:, 1], np.zeros(12))
    assert model.max_ar_order[1] == 0 and model.max_ar_order[0] > 0
    msgs = [r.getMessage() for r in caplog.records if "hydro 1" in r.getMessage()]
    assert len(msgs) == 12 and all(HISTORY in m and "constant" in m for m in msgs)


# -- correlation ---------------------------------------------------------------------------


def test_non_psd_correlation_is_clipped_with_a_located_warning(
    tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Cobre 0.5.1 trains this case (negative eigenvalues clipped, spec 11 §9.2): warn, not fail."""
    case = _copy("s1-saa-correlated", tmp_path)
    c = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    _set_matrix(case, c.tolist())
    with caplog.at_level(logging.WARNING, logger="pycobre"):
        model = build_stochastic_model(case)
    lam, vec = np.linalg.eigh(c)
    assert lam.min() < -0.5
    expected = vec @ np.diag(np.sqrt(np.clip(lam, 0.0, None))) @ vec.T
    factor = model.correlation.profiles["default"][0].factor
    np.testing.assert_allclose(factor, expected, atol=1e-12)
    msgs = [r.getMessage() for r in caplog.records if "semi-definite" in r.getMessage()]
    assert len(msgs) == 1
    assert CORR in msgs[0] and "profiles.default.correlation_groups[0]" in msgs[0]
    assert "'basin'" in msgs[0] and f"{lam.min():.6g}" in msgs[0]


@pytest.mark.parametrize(
    ("matrix", "where"),
    [
        ([[0.9, 0.7, 0.4], [0.7, 1.0, 0.55], [0.4, 0.55, 1.0]], "[0][0]"),
        ([[1.0, 1.2, 0.4], [1.2, 1.0, 0.55], [0.4, 0.55, 1.0]], "[0][1]"),
    ],
)
def test_correlation_entries_out_of_range(tmp_path: pathlib.Path, matrix, where: str) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    _set_matrix(case, matrix)
    with pytest.raises(ValidationError) as info:
        build_stochastic_model(case)
    field = "profiles.default.correlation_groups[0].matrix"
    _assert_located(info.value, "InvalidCorrelation", CORR, field, entity="basin")
    assert where in str(info.value)
    # the validation layer reports the same place when the case is loaded
    from pycobre.io import load_case

    with pytest.raises(ValidationError) as loaded:
        load_case(case)
    assert loaded.value.context["file"] == CORR and loaded.value.context["field"] == field


# -- missing seed --------------------------------------------------------------------------


def test_out_of_sample_without_seed(tmp_path: pathlib.Path) -> None:
    case = _copy("s1-saa-correlated", tmp_path)
    cfg = json.loads((case / "config.json").read_text())
    del cfg["training"]["scenario_source"]["seed"]
    (case / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ValidationError) as info:
        build_stochastic_model(case)
    assert info.value.kind == "MissingScenarioSource"
    assert info.value.context == {"file": "config.json", "field": "training.scenario_source.seed"}


# -- user-supplied opening tree ------------------------------------------------------------


def _tree(case: pathlib.Path, fn=None) -> dict[str, np.ndarray]:  # noqa: ANN001
    """Write a full 6-stage x 5-opening x 3-entity tree for s1 (after ``fn``); return it."""
    n_st, n_op, dim = 6, 5, 3
    cols = {
        "stage_id": np.repeat(np.arange(n_st), n_op * dim),
        "opening_index": np.tile(np.repeat(np.arange(n_op), dim), n_st),
        "entity_index": np.tile(np.arange(dim), n_st * n_op),
        "value": np.linspace(-2.0, 2.0, n_st * n_op * dim),
    }
    if fn is not None:
        cols = fn(cols)
    types = {"stage_id": pa.int32(), "opening_index": pa.uint32(), "entity_index": pa.uint32()}
    table = pa.table({k: pa.array(v, types.get(k, pa.float64())) for k, v in cols.items()})
    pq.write_table(table, case / TREE)
    return cols


def _keep(mask_fn):  # noqa: ANN001, ANN202
    return lambda c: {k: v[mask_fn(c)] for k, v in c.items()}


def test_user_tree_of_the_right_shape_is_used_verbatim(tmp_path: pathlib.Path) -> None:
    case = _copy("s1-saa-correlated", tmp_path)
    cols = _tree(case)
    model = build_stochastic_model(case)
    for t in range(6):
        np.testing.assert_array_equal(
            model.openings(t), cols["value"][cols["stage_id"] == t].reshape(5, 3)
        )


def _nan_first(c: dict) -> dict:
    c["value"] = c["value"].copy()
    c["value"][7] = np.nan
    return c


def _duplicate_first(c: dict) -> dict:
    return {k: np.concatenate([v[:1], v[1:2] * 0 + v[:1], v[2:]]) for k, v in c.items()}


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (_keep(lambda c: c["entity_index"] < 2), "entity_index", "noise dimension 3"),
        (_keep(lambda c: c["stage_id"] < 5), "stage_id", "found 5 distinct"),
        (_keep(lambda c: np.arange(c["value"].size) != 4), "opening_index", "is missing"),
        (_duplicate_first, "opening_index", "is duplicated"),
        (_nan_first, "value", "non-finite value at stage 0, opening 2, entity 1"),
    ],
)
def test_user_tree_shape_errors(tmp_path: pathlib.Path, edit, field: str, words: str) -> None:  # noqa: ANN001
    case = _copy("s1-saa-correlated", tmp_path)
    _tree(case, edit)
    with pytest.raises(ValidationError) as info:
        build_stochastic_model(case)
    _assert_located(info.value, "DimensionMismatch", TREE, field)
    assert words in str(info.value)


def test_ragged_correlation_matrix(tmp_path: pathlib.Path) -> None:
    case = _copy("s1-saa-correlated", tmp_path)
    _set_matrix(case, [[1.0, 0.7, 0.4], [0.7, 1.0], [0.4, 0.55, 1.0]])
    with pytest.raises(ValidationError) as info:
        build_stochastic_model(case)
    field = "profiles.default.correlation_groups[0].matrix"
    _assert_located(info.value, "InvalidCorrelation", CORR, field)
    assert "square list of numeric rows" in str(info.value)
