"""Fuzz: replace or delete one JSON value anywhere in a valid case; ``validate`` must never
raise and no rule may crash (an ``InternalError`` record would mean a validator bug), and
``load_case`` must agree with it: a valid case loads, an invalid one raises ``ValidationError``
or ``CobreIOError`` (never another exception).

Bounded to a few dozen examples in the default run; raise ``PYCOBRE_FUZZ_EXAMPLES`` to dig deeper.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.cli._cases import DETERMINISTIC, EXAMPLES

from pycobre.errors import CobreIOError, ValidationError
from pycobre.io import load_case
from pycobre.io.validate import validate

SOURCES = [EXAMPLES / "1dtoy", DETERMINISTIC / "d13-generic-constraint",
           DETERMINISTIC / "d14-block-factors", DETERMINISTIC / "d05-fpha-constant-head"]
N_EXAMPLES = int(os.environ.get("PYCOBRE_FUZZ_EXAMPLES", "40"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6,
)


def _same_type(original: Any) -> st.SearchStrategy[Any]:
    """A value of the original's type, so the mutation often survives L2 and reaches L3–L5."""
    if isinstance(original, bool):
        return st.booleans()
    if isinstance(original, int):
        return st.integers(-3, 40)
    if isinstance(original, float):
        return st.floats(-10.0, 5000.0, allow_nan=False) | st.sampled_from([0.0, -1.0, 1e9])
    if isinstance(original, str):
        return st.sampled_from(["", "x", "2024-02-30", "2023-12-01", "fpha", "cyclic",
                                "thermal_generation(0, 0)", "hydro_storage(0, 1)"])
    if isinstance(original, list):
        return st.just(original[:1] + original) | st.just([])
    return json_values


def _get(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(doc: Any, path: tuple, value: Any, delete: bool) -> Any:
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


@settings(max_examples=N_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_validate_never_raises_on_mutated_json(data):
    source = data.draw(st.sampled_from(SOURCES), label="case")
    files = sorted(p.relative_to(source).as_posix() for p in source.rglob("*.json"))
    rel = data.draw(st.sampled_from(files), label="file")
    doc = json.loads((source / rel).read_text())
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    delete = bool(path) and data.draw(st.booleans(), label="delete")
    same = data.draw(st.booleans(), label="same type")
    strategy = _same_type(_get(doc, path)) if same else json_values
    value = None if delete else data.draw(strategy, label="value")
    doc = _mutate(doc, path, value, delete)
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(shutil.copytree(source, Path(tmp) / "case"))
        (case / rel).write_text(json.dumps(doc))
        result = validate(case)
        try:
            load_case(case)
            loaded = True
        except (ValidationError, CobreIOError):
            loaded = False
    assert loaded == result.valid, [str(r) for r in result.errors]
    assert isinstance(result.valid, bool)
    assert result.valid == (len(result["errors"]) == 0)
    crashes = [str(r) for r in result.records if r.kind == "InternalError"]
    assert crashes == []
    for rec in result.errors:
        assert rec.message and rec.severity == "error"
