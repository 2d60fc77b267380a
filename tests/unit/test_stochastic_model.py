"""build_stochastic_model on the example cases: opening tree, in-sample forward, schemes."""

import copy
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from pycobre.errors import ValidationError
from pycobre.stochastic import build_stochastic_model
from pycobre.stochastic.case_view import read_case_dict
from pycobre.stochastic.correlation import spectral_factor
from pycobre.stochastic.sampling.saa import saa_point

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "examples" / "1dtoy"
REE = ROOT / "examples" / "4ree"


@pytest.fixture(scope="module")
def ree_case():
    return read_case_dict(REE)


def _variant(case, **stage_updates):
    out = copy.copy(case)
    out["config"] = copy.deepcopy(case["config"])
    out["stages"] = [dict(s) for s in case["stages"]]
    out["study_stages"] = [s for s in out["stages"] if s["id"] >= 0]
    out["tables"] = dict(case["tables"])
    out["json_extras"] = dict(case["json_extras"])
    for s in out["study_stages"]:
        s.update(stage_updates)
    return out


def test_1dtoy_shape_and_tree_values():
    m = build_stochastic_model(TOY)
    assert (m.n_stages, m.n_hydros, m.n_lags, m.noise_dim) == (4, 1, 0, 1)
    assert m.load_bus_positions.tolist() == []  # std_mw = 0 everywhere: no load slot
    assert (
        m.inflow_base[:, 0].tolist() == [40.0] * 4 and m.inflow_sigma[:, 0].tolist() == [10.0] * 4
    )
    assert m.inflow_psi.shape == (4, 1, 0) and m.initial_lags.shape == (1, 0)
    assert m.load_mean[:, 0].tolist() == [75.0] * 4 and m.load_std[:, 0].tolist() == [0.0] * 4
    assert m.openings(0).shape == (10, 1)
    assert m.openings(0)[:3, 0].tolist() == [
        0.40098936496495646,
        -1.3954121776085244,
        0.8337031709056368,
    ]
    assert m.openings(1)[:3, 0].tolist() == [
        1.8408985584459048,
        -0.1045042269854091,
        1.468481226499341,
    ]
    assert m.tree_seed == 42 and m.estimation_path == "user_stats_white_noise"
    assert all(tr.accumulate_weight == 0.0 and not tr.finalize_period for tr in m.lag_transitions)


def test_tree_seed_override_and_negative_seed():
    m = build_stochastic_model(TOY, seed=-7)
    assert m.tree_seed == 7
    assert m.openings(0)[:3, 0].tolist() == [
        0.8519902959994747,
        -1.397486750784896,
        0.9200379839720423,
    ]


def test_in_sample_forward_choices_and_copy():
    m = build_stochastic_model(TOY)
    assert [m.in_sample_opening(1, 0, t) for t in range(4)] == [3, 9, 9, 2]
    for t, j in enumerate([3, 9, 9, 2]):
        assert np.array_equal(m.forward_noise(1, 0, t), m.openings(t)[j])
    # simulation: iteration 0, scenario 2147483647 + id
    assert np.array_equal(m.simulation_noise(0, 0), m.openings(0)[4])
    batch = m.forward_noise_batch(3, np.arange(5), 2)
    assert np.array_equal(batch[4], m.forward_noise(3, 4, 2))
    # pure function: repeated calls identical
    assert np.array_equal(m.forward_noise(5, 2, 1), m.forward_noise(5, 2, 1))


def test_4ree_first_opening_and_dimensions(ree_case):
    m = build_stochastic_model(ree_case)
    assert (m.n_stages, m.n_hydros, m.noise_dim) == (12, 4, 4)
    assert m.openings(0)[0, :3].tolist() == [
        0.40098936496495646,
        0.22792558815859804,
        -0.45006509573059394,
    ]
    assert m.inflow_base.shape == (12, 4) and m.load_mean.shape == (12, 5)


@pytest.mark.parametrize(
    ("method", "n", "stage", "opening", "entity", "value"),
    [
        ("lhs", 10, 0, 0, 0, 1.9744144240320656),
        ("lhs", 10, 5, 4, 1, 0.3670565237668804),
        ("qmc_sobol", 10, 0, 6, 2, -0.18342888117638217),
        ("qmc_sobol", 7, 3, 5, 1, 2.06535608426523),
        ("qmc_halton", 10, 0, 5, 2, 0.7063025629685147),
    ],
)
def test_4ree_method_trees(ree_case, method, n, stage, opening, entity, value):
    m = build_stochastic_model(_variant(ree_case, sampling_method=method, num_scenarios=n))
    assert m.openings(stage).shape == (n, 4)
    assert m.openings(stage)[opening, entity] == value


def test_noise_group_copy(ree_case):
    case = _variant(ree_case)
    case["study_stages"][0].update(season_id=0, num_scenarios=5)
    case["study_stages"][1].update(season_id=0, num_scenarios=8, sampling_method="qmc_sobol")
    m = build_stochastic_model(case)
    assert m.noise_groups[:3].tolist() == [0, 0, 1]
    assert np.array_equal(m.openings(1)[:5], m.openings(0))
    assert np.all(m.openings(1)[5:] == 0.0)
    assert m.openings(1).shape == (8, 4)


def test_selective_is_unsupported(ree_case):
    case = _variant(ree_case)
    case["study_stages"][3]["sampling_method"] = "selective"
    with pytest.raises(ValidationError) as err:
        build_stochastic_model(case)
    assert err.value.kind == "UnsupportedNoiseMethod" and err.value.context["stage_id"] == 3


def test_user_tree_replaces_generation(ree_case):
    case = _variant(ree_case, sampling_method="selective", num_scenarios=2)
    rows = [(t, o, e, t + o / 10 + e / 100) for t in range(12) for o in range(2) for e in range(4)]
    stage, opening, entity, value = zip(*rows, strict=True)
    case["tables"]["scenarios/noise_openings.parquet"] = pa.table(
        {
            "stage_id": pa.array(stage, pa.int32()),
            "opening_index": pa.array(opening, pa.uint32()),
            "entity_index": pa.array(entity, pa.uint32()),
            "value": pa.array(value, pa.float64()),
        }
    )
    m = build_stochastic_model(case)
    assert m.openings(3)[1].tolist() == [3.1, 3.11, 3.12, 3.13]
    assert m.provenance["opening_tree_source"] == "user_file"
    bad = dict(case["tables"])
    bad["scenarios/noise_openings.parquet"] = case["tables"][
        "scenarios/noise_openings.parquet"
    ].slice(0, 95)
    case["tables"] = bad
    with pytest.raises(ValidationError) as err:
        build_stochastic_model(case)
    assert err.value.kind == "DimensionMismatch"


def _with_load_noise(case):
    t = case["tables"]["scenarios/load_seasonal_stats.parquet"]
    std = pa.array(
        [
            0.05 * v if b in (1, 3) else 0.0
            for b, v in zip(
                t.column("bus_id").to_pylist(), t.column("mean_mw").to_pylist(), strict=True
            )
        ],
        pa.float64(),
    )
    case["tables"]["scenarios/load_seasonal_stats.parquet"] = t.set_column(3, "std_mw", std)
    return case


def test_load_slots_and_correlation(ree_case):
    case = _with_load_noise(_variant(ree_case))
    matrix = [[1.0, 0.65], [0.65, 1.0]]
    case["json_extras"]["scenarios/correlation.json"] = {
        "method": "spectral",
        "profiles": {
            "default": {
                "correlation_groups": [
                    {
                        "name": "l",
                        "entities": [{"type": "load", "id": 1}, {"type": "load", "id": 3}],
                        "matrix": matrix,
                    }
                ]
            }
        },
    }
    m = build_stochastic_model(case)
    assert m.noise_dim == 6 and m.load_bus_positions.tolist() == [1, 3]
    raw = build_stochastic_model(_with_load_noise(_variant(ree_case)))
    f = spectral_factor(matrix)
    z = raw.openings(2)[7, 4:6]
    assert m.openings(2)[7, 4] == 0.0 + f[0, 0] * z[0] + f[0, 1] * z[1]
    assert np.array_equal(m.openings(2)[:, :4], raw.openings(2)[:, :4])


def test_out_of_sample_load_scheme(ree_case):
    case = _with_load_noise(_variant(ree_case))
    case["config"]["training"]["scenario_source"] = {
        "seed": 31337,
        "inflow": {"scheme": "in_sample"},
        "load": {"scheme": "out_of_sample"},
    }
    m = build_stochastic_model(case)
    eta = m.forward_noise(2, 1, 4)
    j = m.in_sample_opening(2, 1, 4)
    assert np.array_equal(eta[:4], m.openings(4)[j, :4])
    assert np.array_equal(eta[4:], saa_point(31337, 2, [1], 4, 2)[0])
    case["config"]["training"]["scenario_source"] = {"load": {"scheme": "out_of_sample"}}
    with pytest.raises(ValidationError) as err:
        build_stochastic_model(case)
    assert err.value.kind == "MissingScenarioSource"


def test_summary_and_provenance_match_cobre_for_1dtoy():
    # values reported by Cobre 0.5.1's run() for this case
    m = build_stochastic_model(TOY)
    assert m.summary() == {
        "inflow_source": "loaded",
        "n_hydros": 1,
        "n_seasons": 4,
        "ar_order": {
            "method": "fixed",
            "min_order": 0,
            "max_order": 0,
            "n_hydros": 1,
            "order_counts": [1],
        },
        "correlation_source": None,
        "correlation_dim": "1x1",
        "opening_tree_source": "estimated",
        "openings_per_stage": [10, 10, 10, 10],
        "n_stages": 4,
        "n_load_buses": 0,
        "seed": 42,
    }
    assert m.provenance == {
        "estimation_path": "user_stats_white_noise",
        "seasonal_stats_source": "user_file",
        "ar_coefficients_source": "n/a",
        "correlation_source": "n/a",
        "opening_tree_source": "estimated",
        "n_hydros": 1,
        "ar_method": None,
        "ar_max_order": None,
        "white_noise_fallbacks": [],
    }


def test_missing_stats_row_is_a_dimension_error(ree_case):
    case = _variant(ree_case)
    t = case["tables"]["scenarios/inflow_seasonal_stats.parquet"]
    keep = [
        not (h == 2 and s == 5)
        for h, s in zip(
            t.column("hydro_id").to_pylist(), t.column("stage_id").to_pylist(), strict=True
        )
    ]
    case["tables"]["scenarios/inflow_seasonal_stats.parquet"] = t.filter(pa.array(keep))
    with pytest.raises(ValidationError) as err:
        build_stochastic_model(case)
    assert err.value.kind == "DimensionMismatch"
    assert err.value.context == {
        "file": "scenarios/inflow_seasonal_stats.parquet",
        "entity_id": 2,
        "stage_id": 5,
        "field": "hydro_id",
    }


def test_simulation_out_of_sample_uses_training_seed_like_cobre(ree_case):
    # Cobre 0.5.1 simulation loads (4ree, load out_of_sample in simulation.scenario_source with
    # seed 31337, training seed 42) were recovered as these normals: the training seed wins.
    case = _with_load_noise(_variant(ree_case))
    case["config"]["simulation"] = {
        "enabled": True,
        "num_scenarios": 6,
        "scenario_source": {"seed": 31337, "load": {"scheme": "out_of_sample"}},
    }
    m = build_stochastic_model(case)
    eta = m.simulation_noise(0, 0)
    assert eta[4:].tolist() == [-1.470672807174564, -1.9813135763731613]
    j = m.in_sample_opening(0, 2147483647, 0)
    assert np.array_equal(eta[:4], m.openings(0)[j, :4])


def test_stage_ids_differ_from_indices(ree_case):
    import pyarrow.compute as pc

    from pycobre.stochastic.sampling.saa import saa_batch

    case = _variant(ree_case)
    for s in case["stages"]:
        s["id"] += 3
    for name in ("inflow_seasonal_stats", "load_seasonal_stats"):
        key = f"scenarios/{name}.parquet"
        t = case["tables"][key]
        shifted = pc.add(t.column("stage_id"), pa.scalar(3, pa.int32()))
        case["tables"][key] = t.set_column(1, "stage_id", shifted)
    m = build_stochastic_model(case)
    assert m.stage_ids.tolist() == list(range(3, 15))
    # tree seeds use the stage id; in-sample selection uses the stage index
    (expected,) = saa_batch(42, [3], [10], 4)
    assert np.array_equal(m.openings(0), expected)
    assert m.in_sample_opening(1, 0, 0) == 3
