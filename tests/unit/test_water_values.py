"""Water values from the cuts (``pycobre.water_values``), checked on hand-derivable cases."""

from __future__ import annotations

import pathlib

import numpy as np
import pyarrow as pa
import pytest

import pycobre
import pycobre.water_values as wv_module
from pycobre.water_values import water_values

ROOT = pathlib.Path(__file__).resolve().parents[2]
DET = ROOT / "tests" / "data" / "deterministic"
# d02: 1 MW per m3/s, thermal $50/MWh, stage of 730 h -> 1 hm3 = 730/2.628 MWh of hydro energy
# replacing thermal, as long as the next stage cannot already run its turbine at capacity
# (end storage below 40 x 2.628 = 105.12 hm3).
D02_VALUE_PER_HM3 = 50 * 730 / 2.628
D02_KINK = 40 * 2.628


@pytest.fixture(scope="module")
def d02():
    return pycobre.train(DET / "d02-single-hydro")


def test_module_is_callable_like_the_function(d02) -> None:
    t1 = wv_module(d02, 0, 0, n_points=3)
    t2 = water_values(d02, 0, 0, n_points=3)
    assert t1.equals(t2)


def test_d02_water_value_matches_hand_derivation(d02) -> None:
    grid = [0.0, 50.0, 100.0, 110.0, 200.0]
    t = water_values(d02, 0, 0, storage_grid=grid)
    assert isinstance(t, pa.Table)
    assert t.column_names == ["stage", "hydro_id", "storage_hm3", "future_cost",
                              "water_value_per_hm3", "water_value_per_mwh", "binding_cut"]
    assert t.column("stage").to_pylist() == [0] * 5
    assert t.column("storage_hm3").to_pylist() == grid
    per_hm3 = np.array(t.column("water_value_per_hm3").to_pylist())
    np.testing.assert_allclose(per_hm3[:3], D02_VALUE_PER_HM3, rtol=1e-9)
    np.testing.assert_array_equal(per_hm3[3:], 0.0)  # above the kink water is spilled later
    per_mwh = np.array(t.column("water_value_per_mwh").to_pylist())
    np.testing.assert_allclose(per_mwh[:3], 50.0, rtol=1e-9)  # = thermal cost
    # future cost: stage-1 thermal (80 - min(50, (v + 26.28)/2.628)) MW x 730 h x $50
    v = np.array(grid)
    expected = 50 * 730 * (80 - np.minimum(50, (v + 10 * 2.628) / 2.628))
    np.testing.assert_allclose(t.column("future_cost").to_numpy(), expected, rtol=1e-9)
    assert None not in t.column("binding_cut").to_pylist()


def test_default_grid_spans_storage_bounds(d02) -> None:
    t = water_values(d02, 0, 0, n_points=5)
    assert t.column("storage_hm3").to_pylist() == [0.0, 50.0, 100.0, 150.0, 200.0]
    below = [s < D02_KINK for s in t.column("storage_hm3").to_pylist()]
    vals = t.column("water_value_per_hm3").to_pylist()
    assert [v > 0 for v in vals] == below


def test_terminal_stage_has_no_future_cost(d02) -> None:
    t = water_values(d02, 1, 0, n_points=3)
    assert t.column("future_cost").to_pylist() == [0.0] * 3
    assert t.column("water_value_per_hm3").to_pylist() == [0.0] * 3
    assert t.column("binding_cut").to_pylist() == [None] * 3  # theta >= 0 binds


def test_bare_policy_needs_the_system(d02) -> None:
    with pytest.raises(ValueError, match="system="):
        water_values(d02.policy, 0, 0)
    t = water_values(d02.policy, 0, 0, system=d02.system, storage_grid=[10.0])
    assert t.column("water_value_per_hm3")[0].as_py() == pytest.approx(D02_VALUE_PER_HM3)


def test_errors_name_the_problem(d02) -> None:
    with pytest.raises(ValueError, match="hydro_id 7"):
        water_values(d02, 0, 7)
    with pytest.raises(IndexError):
        water_values(d02, 5, 0)
    with pytest.raises(ValueError, match="state has 2 components"):
        water_values(d02, 0, 0, state=[1.0, 2.0])
    with pytest.raises(ValueError, match="unknown format"):
        water_values(d02, 0, 0, format="excel")
    with pytest.raises(TypeError):
        water_values(42, 0, 0)


def test_formats(d02) -> None:
    np_out = water_values(d02, 0, 0, storage_grid=[10.0, 150.0], format="numpy")
    assert np_out["water_value_per_hm3"][0] == pytest.approx(D02_VALUE_PER_HM3)
    assert np_out["storage_hm3"].tolist() == [10.0, 150.0]
    pl = water_values(d02, 0, 0, storage_grid=[10.0], format="polars")
    assert pl["water_value_per_mwh"][0] == pytest.approx(50.0)
    pd = water_values(d02, 0, 0, storage_grid=[10.0], format="pandas")
    assert pd["hydro_id"].tolist() == [0]


def test_other_hydros_held_at_the_given_state() -> None:
    """d03 cascade: the upstream water value depends on where the downstream storage sits."""
    res = pycobre.train(DET / "d03-two-hydro-cascade")
    ids = [h.id for h in res.system.hydros]
    assert len(ids) == 2
    grid = [0.0]
    lo = water_values(res, 0, ids[0], storage_grid=grid, state=[0.0, 0.0])
    # the evaluated point is (grid value, held value) and its cut value equals Policy.evaluate
    assert lo.column("future_cost")[0].as_py() == pytest.approx(
        max(0.0, res.policy.evaluate(np.array([0.0, 0.0]), 0)) * 1000)
    hi = water_values(res, 0, ids[0], storage_grid=grid, state=[0.0, 1e6])
    assert hi.column("future_cost")[0].as_py() == pytest.approx(
        max(0.0, res.policy.evaluate(np.array([0.0, 1e6]), 0)) * 1000)
