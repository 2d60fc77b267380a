"""Worker-count resolution and the process-wide default (spec 20 §11)."""

from __future__ import annotations

import pytest

import pycobre
from pycobre.errors import CobreError
from pycobre.training.workers import resolve_backend_name, resolve_workers


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv("PYCOBRE_WORKERS", raising=False)
    monkeypatch.delenv("COBRE_THREADS", raising=False)
    monkeypatch.delenv("PYCOBRE_COMM_BACKEND", raising=False)
    monkeypatch.delenv("COBRE_COMM_BACKEND", raising=False)
    pycobre.set_workers(None)
    yield
    pycobre.set_workers(None)


def test_resolution_order(monkeypatch) -> None:
    assert pycobre.get_workers() == 1
    monkeypatch.setenv("COBRE_THREADS", "3")
    assert pycobre.get_workers() == 3
    monkeypatch.setenv("PYCOBRE_WORKERS", "2")
    assert pycobre.get_workers() == 2  # pycobre's variable wins over Cobre's
    pycobre.set_workers(5)
    assert pycobre.get_workers() == 5  # set_workers wins over the environment
    assert resolve_workers(("workers", None)) == 5
    assert resolve_workers(("workers", 4)) == 4  # explicit argument wins
    pycobre.set_threads(6)  # Cobre-design alias
    assert pycobre.get_threads() == 6 == pycobre.get_workers()


def test_invalid_counts() -> None:
    for bad in (0, -2, 1.5, "x", True):
        with pytest.raises(CobreError) as err:
            pycobre.set_workers(bad)  # type: ignore[arg-type]
        assert err.value.kind == "IncompatibleSettings"
    with pytest.raises(ValueError, match="workers=2, num_workers=3"):
        resolve_workers(("workers", 2), ("num_workers", 3))
    assert resolve_workers(("workers", 2), ("num_workers", 2)) == 2


def test_invalid_environment_value(monkeypatch) -> None:
    monkeypatch.setenv("PYCOBRE_WORKERS", "zero")
    with pytest.raises(CobreError, match="PYCOBRE_WORKERS"):
        pycobre.get_workers()


def test_backend_names(monkeypatch) -> None:
    assert resolve_backend_name("auto") == "local"
    for name in ("local", "process", "shm", "tcp"):
        assert resolve_backend_name(name) == "local"
    with pytest.raises(CobreError) as err:
        resolve_backend_name("smoke-signals")
    assert err.value.kind == "IncompatibleSettings"
    monkeypatch.setenv("PYCOBRE_COMM_BACKEND", "nope")
    with pytest.raises(CobreError, match="nope"):
        resolve_backend_name("auto")
