"""Progress display of `pycobre run`: rich bar on a terminal, plain lines otherwise, silent when quiet."""

from __future__ import annotations

import io

from pycobre.progress import TrainingProgress, format_duration
from pycobre.sddp.records import IterationRecord


def rec(k: int) -> IterationRecord:
    return IterationRecord(k, 1.5e6, 1.6e6, 0.0, 0.0, 0.0625, 6.25, 3, 0, 3 * k, 5, 7, 12, 1, 44)


def test_plain_lines_with_eta():
    buf = io.StringIO()
    with TrainingProgress(4, stream=buf) as p:
        p.update(rec(1))
        p.update(rec(2))
    lines = buf.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(
        "iteration 1/4  LB 1.500000e+06  UB 1.600000e+06  gap 6.25%  12 ms/iter"
    )
    assert "ETA" in lines[1]


def test_quiet_prints_nothing():
    buf = io.StringIO()
    with TrainingProgress(4, stream=buf, quiet=True) as p:
        p.update(rec(1))
    assert buf.getvalue() == ""


def test_rich_display_renders_bounds():
    buf = io.StringIO()
    with TrainingProgress(4, stream=buf, rich=True, color=False) as p:
        p.update(rec(1))
        p.update(rec(4))
    out = buf.getvalue()
    assert "Training" in out and "4/4" in out and "LB 1.500000e+06" in out


def test_format_duration():
    assert format_duration(0.0) == "0.0s"
    assert format_duration(222) == "3m 42s"
    assert format_duration(3725) == "1h 02m"
