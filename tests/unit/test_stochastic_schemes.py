"""External and historical forward schemes (spec 11 §11, §11.2-11.3)."""

import copy
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from pycobre.errors import ValidationError
from pycobre.stochastic import build_stochastic_model
from pycobre.stochastic.case_view import read_case_dict
from pycobre.stochastic.forward_sampler import EXTERNAL_BASE, HISTORICAL_BASE
from pycobre.stochastic.siphash import derive_forward_seed

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "examples" / "1dtoy"
D12 = ROOT / "tests" / "data" / "deterministic" / "d12-par-annual"


def _toy_external(counts=(3, 3, 2, 3)):
    case = read_case_dict(TOY)
    case["config"] = copy.deepcopy(case["config"])
    case["tables"] = dict(case["tables"])
    rows = [(t, k, 0, 40.0 + 10.0 * (k - t)) for t in range(4) for k in range(counts[t])]
    stage, scen, hydro, value = zip(*rows, strict=True)
    case["tables"]["scenarios/external_inflow_scenarios.parquet"] = pa.table(
        {
            "stage_id": pa.array(stage, pa.int32()),
            "scenario_id": pa.array(scen, pa.int32()),
            "hydro_id": pa.array(hydro, pa.int32()),
            "value_m3s": pa.array(value, pa.float64()),
        }
    )
    case["config"]["training"]["scenario_source"] = {"seed": 5, "inflow": {"scheme": "external"}}
    return case


def test_external_inflow_scheme_standardises_and_clamps_tree():
    m = build_stochastic_model(_toy_external())
    assert m.n_openings.tolist() == [3, 3, 2, 3]
    for t in range(4):
        k = int(derive_forward_seed(EXTERNAL_BASE, 2, 1, 0)) % 3
        raw_k = k % (2 if t == 2 else 3)
        assert m.forward_noise(2, 1, t)[0] == pytest.approx((10.0 * (raw_k - t)) / 10.0)


def test_external_without_file_is_an_error():
    case = _toy_external()
    del case["tables"]["scenarios/external_inflow_scenarios.parquet"]
    with pytest.raises(ValidationError) as err:
        build_stochastic_model(case)
    assert err.value.kind == "MissingScenarioSource"


def test_historical_scheme_windows_and_lag_seeding():
    case = read_case_dict(D12)
    case["config"]["training"]["scenario_source"] = {"seed": 3, "inflow": {"scheme": "historical"}}
    m = build_stochastic_model(case)
    lib = m.historical_library
    w = int(derive_forward_seed(HISTORICAL_BASE, 4, 2, 0)) % lib.n_windows
    for t in (0, 5, 23):
        assert np.array_equal(m.forward_noise(4, 2, t), lib.eta(w, t))
    lags = m.trajectory_initial_lags(4, 2)
    assert lags.shape == (2, 12) and np.array_equal(lags, lib.lag_values[w])
    # lag 1 is December of the year before the window's first study year
    hist = case["tables"]["scenarios/inflow_history.parquet"].to_pylist()
    dec = [
        r["value_m3s"]
        for r in hist
        if r["hydro_id"] == 0 and r["date"].year == lib.windows[w] - 1 and r["date"].month == 12
    ]
    assert lags[0, 0] == dec[0]
    assert np.array_equal(m.trajectory_initial_lags(4, 2, simulation=False), lags)
    case["config"]["training"]["scenario_source"] = {"seed": 3, "load": {"scheme": "historical"}}
    with pytest.raises(ValidationError) as err:
        build_stochastic_model(case)
    assert err.value.kind == "MissingScenarioSource"
