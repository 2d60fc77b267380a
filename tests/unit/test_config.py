"""``load_config``: spec 03 defaults, deep-merged overrides with dotted keys, validation."""

from __future__ import annotations

import json

import pytest
from tests.unit._case_copies import EXAMPLES

from pycobre.errors import CaseNotFoundError, CobreIOError, ValidationError
from pycobre.io import load_config
from pycobre.io.config import CONFIG_DEFAULTS, config_records, expand_dotted

MINIMAL = {"training": {"forward_passes": 192,
                        "stopping_rules": [{"type": "iteration_limit", "limit": 200}]}}


def _write(tmp_path, doc):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(doc))
    return path


def test_minimal_file_gets_every_default(tmp_path):
    cfg = load_config(_write(tmp_path, MINIMAL))
    assert set(CONFIG_DEFAULTS) <= set(cfg)
    tr = cfg["training"]
    assert tr["forward_passes"] == 192
    assert tr["stopping_mode"] == "any" and tr["enabled"] is True and tr["tree_seed"] is None
    assert tr["solver"] == {"retry_max_attempts": 5, "retry_time_budget_seconds": 30.0}
    cs = tr["cut_selection"]
    assert (cs["enabled"], cs["threshold"], cs["check_frequency"], cs["cut_activity_tolerance"],
            cs["basis_activity_window"], cs["max_active_per_stage"]) == (False, 0, 5, 0.0, 5, None)
    assert tr["scenario_source"]["inflow"] == {"scheme": "in_sample"}
    assert cfg["modeling"]["inflow_non_negativity"] == {"method": "penalty",
                                                        "penalty_cost": 1000.0}
    assert cfg["modeling"]["cobre_compat"] is False
    assert cfg["estimation"] == {"max_order": 6, "order_selection": "pacf",
                                 "min_observations_per_season": 30,
                                 "max_coefficient_magnitude": None}
    assert cfg["policy"]["path"] == "./policy" and cfg["policy"]["mode"] == "fresh"
    sim = cfg["simulation"]
    assert (sim["enabled"], sim["num_scenarios"], sim["policy_type"],
            sim["io_channel_capacity"]) == (False, 2000, "outer", 64)
    assert cfg["exports"] == {"states": False, "stochastic": False}


def test_threshold_feeds_memory_window_and_epsilon(tmp_path):
    doc = json.loads(json.dumps(MINIMAL))
    doc["training"]["cut_selection"] = {"enabled": True, "method": "lml1", "threshold": 3}
    cs = load_config(_write(tmp_path, doc))["training"]["cut_selection"]
    assert (cs["memory_window"], cs["domination_epsilon"]) == (3, 3)


def test_simulation_scenario_source_falls_back_to_training(tmp_path):
    doc = json.loads(json.dumps(MINIMAL))
    doc["training"]["scenario_source"] = {"seed": 9, "inflow": {"scheme": "out_of_sample"}}
    cfg = load_config(_write(tmp_path, doc))
    assert cfg["simulation"]["scenario_source"]["seed"] == 9
    assert cfg["simulation"]["scenario_source"]["inflow"] == {"scheme": "out_of_sample"}
    assert cfg["simulation"]["scenario_source"]["load"] == {"scheme": "in_sample"}


def test_overrides_deep_merge_and_dotted_keys():
    cfg = load_config(EXAMPLES / "1dtoy", {
        "training.forward_passes": 8,
        "training": {"stopping_rules": [{"type": "time_limit", "seconds": 5}]},
        "simulation": {"num_scenarios": 3},
    })
    assert cfg["training"]["forward_passes"] == 8
    assert cfg["training"]["stopping_rules"] == [{"type": "time_limit", "seconds": 5}]
    assert cfg["simulation"]["num_scenarios"] == 3
    assert cfg["simulation"]["enabled"] is True  # kept from the file
    assert cfg["training"]["scenario_source"]["seed"] == 42  # kept from the file


def test_expand_dotted_nested():
    assert expand_dotted({"a.b.c": 1, "a": {"b.d": 2}}) == {"a": {"b": {"c": 1, "d": 2}}}


def test_unknown_override_section_is_schema_violation():
    with pytest.raises(ValidationError) as exc:
        load_config(EXAMPLES / "1dtoy", {"trainig.forward_passes": 3})
    assert exc.value.kind == "SchemaViolation"


@pytest.mark.parametrize(
    ("override", "kind", "field"),
    [
        ({"training.forward_passes": 0}, "OutOfRange", "training.forward_passes"),
        ({"training.forward_passes": "8"}, "TypeMismatch", "training.forward_passes"),
        ({"training.stopping_rules": [{"type": "forever"}]}, "InvalidEnum",
         "training.stopping_rules[0].type"),
        ({"training.cut_selection": {"enabled": True}}, "IncompatibleSettings",
         "training.cut_selection.method"),
        ({"training.cut_selection.check_frequency": 0}, "OutOfRange",
         "training.cut_selection.check_frequency"),
        ({"training.scenario_source": {"seed": 1, "inflow": {"scheme": "x"}}}, "InvalidEnum",
         "training.scenario_source.inflow.scheme"),
        ({"training.scenario_source": {"seed": 1, "load": {"scheme": "historical"}}},
         "InvalidEnum", "training.scenario_source.load.scheme"),
        ({"training.scenario_source": {"seed": None, "inflow": {"scheme": "external"}}},
         "SchemaViolation",
         "training.scenario_source.seed"),
        ({"training.scenario_source": {"seed": 1, "inflow": {"scheme": "in_sample", "x": 1}}},
         "SchemaViolation", "training.scenario_source.inflow.x"),
        ({"policy.mode": "restart"}, "InvalidEnum", "policy.mode"),
    ],
)
def test_invalid_values_are_located(override, kind, field):
    with pytest.raises(ValidationError) as exc:
        load_config(EXAMPLES / "1dtoy", override)
    assert (exc.value.records[0].kind, exc.value.records[0].context["field"]) == (kind, field)
    assert exc.value.records[0].context["file"] == "config.json"


def test_missing_training_section():
    recs = config_records({"simulation": {}})
    assert [(r.kind, r.context["field"]) for r in recs] == [("SchemaViolation", "training")]


def test_unknown_keys_in_file_are_ignored(tmp_path):
    doc = json.loads(json.dumps(MINIMAL))
    doc["cuts"] = {"legacy": True}
    doc["training"]["something_new"] = 1
    assert load_config(_write(tmp_path, doc))["cuts"] == {"legacy": True}


def test_missing_paths(tmp_path):
    with pytest.raises(CaseNotFoundError):
        load_config(tmp_path / "nope" / "config.json")
    with pytest.raises(CobreIOError) as exc:
        load_config(tmp_path)
    assert exc.value.kind == "MissingFile"


def test_overrides_never_touch_the_file():
    before = (EXAMPLES / "1dtoy" / "config.json").read_bytes()
    load_config(EXAMPLES / "1dtoy", {"training.forward_passes": 3})
    assert (EXAMPLES / "1dtoy" / "config.json").read_bytes() == before


def test_config_declaration_defaults_match_applied_defaults(tmp_path):
    from pycobre.io.fields import CONFIG

    cfg = load_config(_write(tmp_path, MINIMAL))
    checked = 0
    for f in CONFIG.fields:
        if f.default is None or "[]" in f.name or "scenario_source" in f.name:
            continue
        node = cfg
        for part in f.name.split("."):
            node = node[part]
        assert node == f.default, f.name
        checked += 1
    assert checked >= 20
