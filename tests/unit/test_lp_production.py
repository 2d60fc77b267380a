"""Production-model resolution (spec 10 §7.1) and precomputed plane selection (§7.2)."""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np
import pyarrow as pa
import pytest

from pycobre.errors import ValidationError
from pycobre.lp.production import PLANES_FILE, PlaneSource, resolve_production


def hydro(hid=1, model="constant_productivity", rho=2.0):
    gen = NS(model=model, productivity_mw_per_m3s=None if model == "fpha" else rho)
    return NS(id=hid, generation=gen)


def system(entries=(), planes=None):
    extras = {"system/hydro_production_models.json": {"production_models": list(entries)}}
    return NS(json_extras=extras, tables={PLANES_FILE: planes} if planes is not None else {})


def stage(sid, season=None):
    return NS(id=sid, season_id=season)


RANGES = {
    "hydro_id": 1,
    "selection_mode": "stage_ranges",
    "stage_ranges": [
        {"start_stage_id": 0, "end_stage_id": 1, "model": "fpha", "fpha_config": {"source": "precomputed"}},
        {"start_stage_id": 2, "end_stage_id": 3, "model": "constant_productivity", "productivity_override": 0.7},
        {"start_stage_id": 4, "end_stage_id": None, "model": "linearized_head"},
    ],
}


@pytest.mark.parametrize(
    ("sid", "fpha", "rho"),
    [(0, True, 0.0), (1, True, 0.0), (2, False, 0.7), (3, False, 0.7), (9, False, 2.0)],
)
def test_stage_ranges_inclusive_and_override(sid, fpha, rho):
    p = resolve_production(system([RANGES]), hydro(), stage(sid))
    assert p.fpha is fpha and p.productivity == pytest.approx(rho)


def test_uncovered_stage_falls_back_to_entity_productivity():
    entry = {"hydro_id": 1, "selection_mode": "stage_ranges",
             "stage_ranges": [{"start_stage_id": 5, "end_stage_id": None, "model": "fpha"}]}
    p = resolve_production(system([entry]), hydro(model="fpha"), stage(0))
    assert not p.fpha and p.productivity == 0.0  # fpha entity: productivity 0 (§16 item 7)


def test_seasonal_selection_and_default():
    entry = {"hydro_id": 1, "selection_mode": "seasonal", "default_model": "constant_productivity",
             "seasons": [{"season_id": 3, "model": "fpha", "fpha_config": {"source": "computed"}}]}
    assert resolve_production(system([entry]), hydro(), stage(0, 3)).fpha
    p = resolve_production(system([entry]), hydro(), stage(1, 4))
    assert not p.fpha and p.productivity == 2.0


def test_fpha_entity_without_entry_is_an_input_error():
    with pytest.raises(ValidationError) as err:
        resolve_production(system(), hydro(7, model="fpha"), stage(0))
    assert err.value.context["entity_id"] == "7"
    assert "hydro_production_models.json" in str(err.value)


def test_precomputed_planes_stage_rows_win_over_all_stage_rows():
    t = pa.table({
        "hydro_id": pa.array([1, 1, 1], pa.int32()),
        "stage_id": pa.array([None, 2, 2], pa.int32()),
        "plane_id": pa.array([0, 1, 0], pa.int32()),
        "gamma_0": [10.0, 4.0, 2.0], "gamma_v": [0.1, 0.2, 0.3],
        "gamma_q": [1.0, 0.9, 0.8], "gamma_s": [0.0, -0.1, 0.0],
        "kappa": [None, 0.5, 1.0],
    })
    src = PlaneSource(system(planes=t))
    cfg = {"source": "precomputed"}
    np.testing.assert_allclose(src.planes(hydro(), stage(0), cfg, cfg), [[10.0, 0.1, 1.0, 0.0]])
    # stage 2: its own rows, ordered by plane_id, intercept scaled by kappa
    np.testing.assert_allclose(
        src.planes(hydro(), stage(2), cfg, cfg), [[2.0, 0.3, 0.8, 0.0], [2.0, 0.2, 0.9, -0.1]]
    )
    with pytest.raises(ValidationError, match="no plane"):
        src.planes(hydro(5), stage(0), cfg, cfg)


def test_evaporation_needs_season_and_geometry():
    from pycobre.lp.from_system import _evaporation

    ev = NS(coefficients_mm=(100.0,) * 12, reference_volumes_hm3=None)
    h = NS(id=9, evaporation=ev, min_storage_hm3=0.0, max_storage_hm3=200.0)
    geo = {9: (np.array([0.0, 100.0, 200.0]), np.array([0.5, 1.0, 1.5]))}
    has, k0, kv = _evaporation(None, [h], stage(0, 0), 730.0, geo)
    assert has[0] and kv[0] == pytest.approx(1 / 5256) and k0[0] == pytest.approx(25 / 1314)
    with pytest.raises(ValidationError, match="season_id") as err:
        _evaporation(None, [h], stage(4, None), 730.0, geo)
    assert err.value.context["entity_id"] == "9"
    with pytest.raises(ValidationError, match="hydro_geometry.parquet"):
        _evaporation(None, [h], stage(0, 0), 730.0, {})
