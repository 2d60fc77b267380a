"""``pycobre.results`` returns what Cobre's own readers return on a Cobre output directory."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data"
OUT = DATA / "d13_cobre_output"
EXPECTED = json.loads((DATA / "d13_cobre_readers.json").read_text())


def _json(x):
    return json.loads(json.dumps(x))


def test_load_simulation_equals_cobre():
    from pycobre.results import load_simulation

    assert _json(load_simulation(OUT)) == EXPECTED["simulation"]


def test_load_convergence_equals_cobre():
    from pycobre.results import load_convergence

    rows = load_convergence(OUT)
    assert _json(rows) == EXPECTED["convergence"]
    assert rows[0]["iteration"] == 1


def test_load_results_equals_cobre():
    from pycobre.results import load_results

    res = load_results(OUT)
    for key in ("convergence_path", "timing_path"):
        path = Path(res["training"][key])
        assert path.is_absolute() and path.is_file()
        res["training"][key] = path.relative_to(OUT.resolve()).as_posix()
    assert _json(res) == EXPECTED["results"]


def test_load_policy_equals_cobre():
    from pycobre.results import load_policy

    assert _json(load_policy(OUT)) == EXPECTED["policy"]
