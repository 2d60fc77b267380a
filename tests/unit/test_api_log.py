"""Logging policy of the library (spec 20 §14)."""

from __future__ import annotations

import io
import logging
import pathlib

import pycobre
import pycobre.training  # noqa: F401 - installs the NullHandler
from pycobre.log import LOGGER_NAMES, RankFormatter, configure_logging, get_logger

D02 = pathlib.Path(__file__).resolve().parents[2] / "tests/data/deterministic/d02-single-hydro"


def test_only_a_null_handler_is_installed() -> None:
    root = logging.getLogger("pycobre")
    assert any(isinstance(h, logging.NullHandler) for h in root.handlers)
    assert not any(type(h) is logging.StreamHandler for h in root.handlers)
    assert LOGGER_NAMES == ("pycobre", "pycobre.io", "pycobre.training", "pycobre.simulation",
                            "pycobre.comm", "pycobre.results")
    assert get_logger("training") is logging.getLogger("pycobre.training")
    assert get_logger("pycobre.io") is logging.getLogger("pycobre.io")


def test_rank_formatter_prefix() -> None:
    fmt = RankFormatter("%(message)s")
    rec = logging.LogRecord("pycobre.comm", logging.INFO, __file__, 1, "hello", None, None)
    assert fmt.format(rec) == "hello"
    rec.rank = 3
    assert fmt.format(rec) == "[rank 3] hello"


def test_configure_logging_replaces_its_handler() -> None:
    root = logging.getLogger("pycobre")
    level = root.level
    buf = io.StringIO()
    try:
        configure_logging("INFO", stream=io.StringIO())
        h = configure_logging("DEBUG", stream=buf)
        ours = [x for x in root.handlers if getattr(x, "_pycobre_configured", False)]
        assert ours == [h] and root.level == logging.DEBUG
        get_logger("training").info("one line")
        assert buf.getvalue() == "INFO pycobre.training: one line\n"
        configure_logging(quiet=True, stream=buf)
        assert root.level == logging.WARNING
    finally:
        for x in list(root.handlers):
            if getattr(x, "_pycobre_configured", False):
                root.removeHandler(x)
        root.setLevel(level)


def test_training_logs_one_info_line_per_iteration(caplog) -> None:
    with caplog.at_level(logging.INFO, logger="pycobre"):
        pycobre.train(D02, config_overrides={
            "training.stopping_rules": [{"type": "iteration_limit", "limit": 3}]})
    lines = [r.getMessage() for r in caplog.records if r.name == "pycobre.training"]
    assert lines[0].startswith("training d02-single-hydro: 2 stages, 1 hydros, 1 thermals")
    per_iteration = [m for m in lines if m.startswith("iteration ")]
    assert [m.split()[1] for m in per_iteration] == ["1", "2", "3"]


def test_configure_logging_rejects_unknown_level() -> None:
    import pytest

    root = logging.getLogger("pycobre")
    before = list(root.handlers)
    with pytest.raises(ValueError, match="LOUD"):
        configure_logging("LOUD")
    assert root.handlers == before
