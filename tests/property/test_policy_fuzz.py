"""Fuzz the policy files a simulation-only run reads (untrusted FlatBuffers, spec 05): truncate,
flip bits, zero a range, append garbage, empty or delete one file of a trained policy, then
``pycobre run`` with ``training.enabled = false``.

Either the run refuses the policy — non-zero exit, the damaged file named, no traceback, no
"bug" message, no ``simulation/_SUCCESS`` — or it completes, and then every number it used is
finite and the stored cut count and dimensions are the trained ones (a corrupted buffer must
never turn into a silent wrong answer such as a NaN cut). ``PYCOBRE_FUZZ_EXAMPLES`` raises the
number of examples (default 25).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pathlib
import shutil
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tests.faults._harness import iteration_limit, patched_case, set_config

from pycobre.cli.main import main
from pycobre.io.policy import read_policy

N_EXAMPLES = int(os.environ.get("PYCOBRE_FUZZ_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[pathlib.Path, pathlib.Path]:
    """d03 (two hydros in cascade) trained for 4 iterations; returns ``(case, policy dir)``."""
    tmp = tmp_path_factory.mktemp("policy_fuzz")
    case = patched_case(tmp, "d03-two-hydro-cascade",
                        training__stopping_rules=iteration_limit(4), simulation__enabled=False)
    out = tmp / "trained"
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["run", str(case), "--quiet", "--output", str(out)]) == 0
    set_config(case, training__enabled=False, simulation__enabled=True,
               simulation__num_scenarios=2)
    return case, out / "policy"


def _mutate(data: bytes, action: str, pos: int, bit: int, length: int) -> bytes:
    n = len(data)
    pos = pos % max(n, 1)
    if action == "truncate":
        return data[:pos]
    if action == "flip":
        return data if n == 0 else data[:pos] + bytes([data[pos] ^ (1 << bit)]) + data[pos + 1:]
    if action == "zero":
        return data[:pos] + b"\0" * min(length, n - pos) + data[pos + length:]
    if action == "ones":
        return data[:pos] + b"\xff" * min(length, n - pos) + data[pos + length:]
    if action == "append":
        return data + bytes(range(length % 256)) * 3
    return b""  # "empty"


@settings(max_examples=N_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_simulation_only_refuses_or_survives_a_damaged_policy(trained, data):
    case, policy = trained
    files = sorted(p.relative_to(policy).as_posix() for p in policy.rglob("*") if p.is_file())
    rel = data.draw(st.sampled_from(files), label="file")
    action = data.draw(st.sampled_from(["truncate", "flip", "flip", "zero", "ones", "append",
                                        "empty", "delete"]), label="action")
    pos = data.draw(st.integers(0, 1 << 16), label="pos")
    bit = data.draw(st.integers(0, 7), label="bit")
    length = data.draw(st.integers(1, 64), label="length")
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "out"
        shutil.copytree(policy, out / "policy")
        target = out / "policy" / rel
        if action == "delete":
            target.unlink()
        else:
            target.write_bytes(_mutate(target.read_bytes(), action, pos, bit, length))
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["--color", "never", "run", str(case), "--quiet", "--output", str(out)])
        text = err.getvalue()
        event(f"{rel.split('/')[0]} {action}: exit {code}")
        assert "Traceback" not in text and "this is a bug" not in text, text
        if code != 0:
            assert code in (1, 2, 4), text
            name = pathlib.PurePosixPath(rel).name
            located = name in text or (name == "pycobre_resume.npz" and "policy" in text)
            assert located, (rel, action, text)
            assert not (out / "simulation" / "_SUCCESS").exists()
            return
        assert (out / "simulation" / "_SUCCESS").is_file(), text
        stored = read_policy(out / "policy")
        reference = read_policy(policy)
        assert stored.metadata.state_dimension == reference.metadata.state_dimension
        for got, ref in zip(stored.cuts, reference.cuts, strict=True):
            assert got.coefficients.shape == ref.coefficients.shape
            active = np.asarray(got.is_active, bool)
            assert np.isfinite(got.intercepts[active]).all()
            assert np.isfinite(got.coefficients[active]).all()
        meta = json.loads((out / "simulation" / "metadata.json").read_text())
        assert meta["scenarios"]["completed"] == 2


META_VALUES = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
               | st.floats(allow_nan=False) | st.text(max_size=6)
               | st.lists(st.integers(-3, 10**6), max_size=13))


@settings(max_examples=max(10, N_EXAMPLES // 2), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_simulation_only_checks_policy_metadata_values(trained, data):
    """A well-formed ``metadata.json`` with one value replaced or removed (dimensions, counts,
    bounds of the wrong type or size): refused naming ``metadata.json``, or harmless."""
    case, policy = trained
    doc = json.loads((policy / "metadata.json").read_text())
    key = data.draw(st.sampled_from(sorted(doc)), label="key")
    if data.draw(st.booleans(), label="delete"):
        del doc[key]
    else:
        doc[key] = data.draw(META_VALUES, label="value")
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "out"
        shutil.copytree(policy, out / "policy")
        (out / "policy" / "metadata.json").write_text(json.dumps(doc))
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["--color", "never", "run", str(case), "--quiet", "--output", str(out)])
        text = err.getvalue()
        event(f"{key}: exit {code}")
        assert "Traceback" not in text and "this is a bug" not in text, text
        if code != 0:
            assert code in (1, 2, 4), text
            assert "metadata.json" in text or "policy" in text, text
            assert not (out / "simulation" / "_SUCCESS").exists()
        else:
            assert (out / "simulation" / "_SUCCESS").is_file(), text
