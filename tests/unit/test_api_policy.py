"""``pycobre.policy``: re-export and conversions used by the object layer (spec 20 §13)."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import pycobre
from pycobre.errors import OutputNotFoundError
from pycobre.io.policy.policy_api import Policy as IoPolicy
from pycobre.policy import Policy, as_policy_data

D02 = pathlib.Path(__file__).resolve().parents[2] / "tests/data/deterministic/d02-single-hydro"


@pytest.fixture(scope="module")
def trained():
    return pycobre.train(D02)


def test_same_class_everywhere() -> None:
    assert Policy is IoPolicy is pycobre.Policy


def test_in_memory_policy_round_trips(trained, tmp_path) -> None:
    pol = trained.policy
    pol.save(tmp_path / "p")
    back = Policy.load(tmp_path / "p")
    assert back.to_dict() == pol.to_dict()
    for x in (0.0, 42.0, 105.12, 180.0):
        assert back.evaluate(np.array([x]), 0) == pol.evaluate(np.array([x]), 0)
    meta = pol.metadata
    assert meta["completed_iterations"] == 10 and meta["num_stages"] == 2
    assert meta["final_lower_bound"] == trained.final_lower_bound


def test_as_policy_data_accepts_every_spelling(trained, tmp_path) -> None:
    trained.policy.save(tmp_path / "policy")
    for given in (trained, trained.policy, tmp_path, tmp_path / "policy", str(tmp_path)):
        data = as_policy_data(given)
        assert data.metadata.completed_iterations == 10
    assert as_policy_data(trained.policy.data) is trained.policy.data
    with pytest.raises(TypeError, match="policy must be"):
        as_policy_data(3.5)
    with pytest.raises(OutputNotFoundError):
        as_policy_data(tmp_path / "missing")
