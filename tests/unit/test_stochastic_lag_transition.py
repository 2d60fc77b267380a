"""Lag transition records (spec 11 §13)."""

import datetime as dt

import numpy as np
import pytest

from pycobre.stochastic.case_view import StageInfo
from pycobre.stochastic.lag_transition import NO_OP, compute_lag_transitions, initial_accumulator

MONTHLY = {
    "cycle_type": "monthly",
    "seasons": [{"id": i, "label": str(i), "month_start": i + 1} for i in range(12)],
}


def _stage(t, start, end, season):
    return StageInfo(t, t, start, end, season, 1, "saa")


def _monthly(n, year=2024):
    out = []
    for t in range(n):
        y, m = year + t // 12, t % 12 + 1
        out.append(_stage(t, dt.date(y, m, 1), dt.date(y + (m == 12), m % 12 + 1, 1), t % 12))
    return out


def test_uniform_monthly_is_plain_shift():
    recs = compute_lag_transitions(_monthly(14), MONTHLY, 2)
    assert all(r.is_plain_shift for r in recs)
    assert (recs[0].aw, recs[0].sw, recs[0].fin) == (1.0, 0.0, True)


def test_no_season_definitions_or_weekly_cycle_is_no_op():
    stages = _monthly(3)
    assert compute_lag_transitions(stages, None, 1) == [NO_OP] * 3
    weekly = {"cycle_type": "weekly", "seasons": MONTHLY["seasons"]}
    assert compute_lag_transitions(stages, weekly, 1) == [NO_OP] * 3
    no_season = [StageInfo(0, 0, dt.date(2024, 1, 1), dt.date(2024, 2, 1), None, 1, "saa")]
    assert compute_lag_transitions(no_season, MONTHLY, 1) == [NO_OP]


def test_weekly_january_finalisation_and_compat_offset():
    weeks = [
        _stage(
            t,
            dt.date(2024, 1, 1) + dt.timedelta(7 * t),
            dt.date(2024, 1, 8) + dt.timedelta(7 * t),
            0,
        )
        for t in range(4)
    ]
    fixed = compute_lag_transitions(weeks, MONTHLY, 1, n_pre_study=1)
    assert [r.aw for r in fixed] == [7 / 31] * 4
    assert [r.fin for r in fixed] == [False, False, False, True]
    compat = compute_lag_transitions(weeks, MONTHLY, 1, n_pre_study=1, cobre_compat=True)
    assert [r.fin for r in compat] == [False, False, True, True]


def test_stage_straddling_months_spills_over():
    st = [_stage(0, dt.date(2024, 1, 25), dt.date(2024, 2, 8), 0)]
    (rec,) = compute_lag_transitions(st, MONTHLY, 1)
    assert rec.aw == pytest.approx(7 / 31) and rec.sw == pytest.approx(7 / 29) and rec.fin


def test_monthly_to_quarterly_downstream_rule():
    stages = _monthly(6)
    q_starts = [
        (dt.date(2024, 7, 1), dt.date(2024, 10, 1)),
        (dt.date(2024, 10, 1), dt.date(2025, 1, 1)),
    ]
    for k, (a, b) in enumerate(q_starts):
        stages.append(_stage(6 + k, a, b, 14 + k))
    custom = {"cycle_type": "custom", "seasons": MONTHLY["seasons"]}
    recs = compute_lag_transitions(stages, custom, 1)
    assert [r.ds for r in recs] == [False, False, False, True, True, True, False, False]
    assert [r.dfin for r in recs[3:6]] == [False, False, True]
    assert recs[3].daw == pytest.approx(720 / 2184) and recs[4].daw == pytest.approx(744 / 2184)
    assert recs[6].rebuild and not recs[7].rebuild
    assert recs[3].aw == 0.0  # custom cycle: primary fields stay no-op


def test_recent_observations_seed():
    stages = _monthly(2)
    obs = [
        {"hydro_id": 5, "start_date": "2024-01-01", "end_date": "2024-01-08", "value_m3s": 100.0}
    ]
    acc, w = initial_accumulator(stages, MONTHLY, [5, 6], obs)
    assert w == pytest.approx(7 / 31)
    assert acc.tolist() == pytest.approx([100.0 * 7 / 31, 0.0])
    acc_c, w_c = initial_accumulator(stages, MONTHLY, [5, 6], obs, cobre_compat=True)
    assert w_c == w and acc_c[0] == pytest.approx(100.0 * 168.0)
    acc0, w0 = initial_accumulator(stages, None, [5], obs)
    assert np.all(acc0 == 0.0) and w0 == 0.0
