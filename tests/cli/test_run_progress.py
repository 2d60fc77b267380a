"""Progress display of `pycobre run`: rich bar on a terminal, plain lines otherwise, silent when quiet."""

from __future__ import annotations

import io

from pycobre.progress import SimulationProgressBar, TrainingProgress, format_duration
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
    with TrainingProgress(4, stream=buf, rich=True, color=False, width=120) as p:
        p.update(rec(1))
        p.update(rec(4))
    out = buf.getvalue()
    last = out.splitlines()[-1]
    assert last.startswith("Training ━")  # wide terminal: with a bar
    assert "4/4 LB 1.5000e6  UB 1.6000e6  gap 6.25%  12 ms/iter" in last
    assert last.endswith("ETA 0:00:00")


def test_rich_line_fits_80_columns():
    buf = io.StringIO()
    big = IterationRecord(40, -6.0824e10, 6.1240e10, 0.0, 0.0, 1.99, 199.32, 3, 0, 1760,
                          5, 7, 12345, 4, 44)
    with TrainingProgress(256, stream=buf, rich=True, color=False, width=80) as p:
        p.update(big)
    last = buf.getvalue().splitlines()[-1]
    assert last.startswith("Training 40/256 LB -6.0824e10 UB 6.1240e10 gap 199.32% 12345 ms")
    assert "12345 ms/iter" in last and "ETA " in last and "…" not in last
    assert len(last) <= 80


def test_rich_starts_at_first_iteration_and_finish_closes_it():
    buf = io.StringIO()
    with TrainingProgress(4, stream=buf, rich=True, color=False, width=120) as p:
        assert buf.getvalue() == ""  # nothing live while the case loads
        p.update(rec(1))
        p.finish()
        after_finish = buf.getvalue()
        p.finish()  # idempotent
        sim = SimulationProgressBar(stream=buf, after=p)
        sim.update(1, 2)
    assert after_finish.splitlines()[-1].startswith("Training")
    assert "1/4" in after_finish.splitlines()[-1]


def test_simulation_closes_training_display_first():
    buf = io.StringIO()
    train = TrainingProgress(4, stream=buf, rich=True, color=False, width=120)
    with train, SimulationProgressBar(stream=buf, after=train) as sim:
        train.update(rec(1))
        sim.update(3, 3)
        assert train._progress is None  # the training line is final before the bar starts
    lines = buf.getvalue().splitlines()
    assert lines == ["simulation 3/3 scenarios"] or lines[-1] == "simulation 3/3 scenarios"


def test_plain_eta_uses_recent_pace_not_setup_time():
    buf = io.StringIO()
    p = TrainingProgress(101, stream=buf)
    p.update(rec(1))  # first line: ETA from this iteration's own time (12 ms) x 100 left
    assert buf.getvalue().splitlines()[0].endswith("ETA 1.2s")


def test_closed_stderr_silences_the_display():
    class Closed(io.StringIO):
        def write(self, s):
            raise BrokenPipeError

    p = TrainingProgress(4, stream=Closed())
    p.update(rec(1))  # must not raise: the run goes on without progress
    assert p.quiet is True


def test_format_duration():
    assert format_duration(0.0) == "0.0s"
    assert format_duration(222) == "3m 42s"
    assert format_duration(3725) == "1h 02m"


def test_model_summary_lines_from_run_figures():
    hydro = {"n_constant": 3, "n_fpha": 1, "total_planes": 12, "n_evaporation": 2,
             "n_no_evaporation": 2}
    prov = {"estimation_path": "history_par", "seasonal_stats_source": "estimated",
            "ar_coefficients_source": "estimated", "correlation_source": "estimated",
            "opening_tree_source": "estimated", "ar_method": "pacf", "ar_max_order": 6,
            "white_noise_fallbacks": [3]}
    from pycobre.progress import model_summary_lines

    assert model_summary_lines(hydro, prov) == [
        "  hydro models: 3 constant productivity, 1 FPHA (12 planes), 2 with evaporation",
        "  inflow model: history_par (seasonal stats estimated, AR estimated (pacf, max order 6),"
        " correlation estimated, opening tree estimated, 1 white-noise fallback(s))",
    ]
    assert model_summary_lines(None, {}) == []
    buf = io.StringIO()
    TrainingProgress(4, stream=buf, quiet=True).describe_model(hydro, prov)
    assert buf.getvalue() == ""
