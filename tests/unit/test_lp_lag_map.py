"""Accumulator state (spec 10 §16): the LP's outgoing-state map equals the spec 11 §13 rules.

With ``accumulator_state=True`` every outgoing state component is ``state_out_map @ x``. Along
a trajectory with random noise this must reproduce, stage by stage, the lags and accumulators
that the training loop's ``LagAccumulator`` computes — that is what makes the cut rows exact.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pycobre.lp import StageLP, build_stage_templates, initial_state
from pycobre.run import prepare
from pycobre.sddp.lag_state import LagAccumulator, transition_records

DATA = Path(__file__).resolve().parents[1] / "data"
MAPPED = {
    "handmade/h10-weekly-in-monthly": (True, False),
    "handmade/h11-monthly-to-quarterly": (False, True),
    "stochastic/s3-weekly-groups": None,
    "stochastic/s4-monthly-quarterly": None,
}


def _templates(case: str):
    ctx = prepare(DATA / case)
    return ctx, build_stage_templates(ctx.system, ctx.stochastic, accumulator_state=True)


@pytest.mark.parametrize("case", sorted(MAPPED))
def test_map_reproduces_the_lag_transition_along_a_noisy_trajectory(case):
    ctx, tps = _templates(case)
    st = ctx.stochastic
    smap = tps[0].data.lag_state_map
    assert smap is not None
    if MAPPED[case] is not None:
        assert (smap.has_acc, smap.has_ring) == MAPPED[case]
    N, L = tps[0].n_hydros, tps[0].n_lags
    base = N * (1 + L)
    assert tps[0].n_state == base + N * smap.n_aux_per_hydro
    recs = transition_records(st, len(tps))
    seed = st.initial_accumulator() if callable(st.initial_accumulator) else st.initial_accumulator
    acc = LagAccumulator(N, L, (np.asarray(seed[0]), float(seed[1])))
    rng = np.random.default_rng(7)
    x = initial_state(ctx.system, st, tps)
    assert x.shape == (tps[0].n_state,)
    for t, tp in enumerate(tps):
        lp = StageLP(tp)
        lp.set_state(x)
        lp.set_noise(0.3 * rng.standard_normal(st.noise_dim))
        res = lp.solve()
        mapped = tp.state_out_map @ res.primal
        x_out = np.array(res.state_out, copy=True)
        acc.apply(recs[t], x, x_out, res.inflow_realised)
        np.testing.assert_allclose(mapped[:base], x_out[:base], rtol=1e-12, atol=1e-9)
        aux = mapped[base:]
        expect = []
        if smap.has_acc:
            expect.append(acc.acc)
        if smap.has_ring:
            expect += [acc.dacc, acc.ring[:L].ravel()]
        np.testing.assert_allclose(aux, np.concatenate(expect), rtol=1e-12, atol=1e-9)
        x = x_out


@pytest.mark.parametrize(
    "case",
    ["handmade/h01-par-lag-shift", "handmade/h12-weekly-cycle", "deterministic/d12-par-annual"],
)
def test_no_accumulator_when_shift_or_frozen_is_exact(case):
    ctx, tps = _templates(case)
    assert all(tp.data.lag_state_map is None and tp.state_out_map is None for tp in tps)
    assert tps[0].n_state == tps[0].n_hydros * (1 + tps[0].n_lags)


def test_compat_mode_keeps_cobre_state():
    ctx = prepare(DATA / "handmade/h10-weekly-in-monthly", {"modeling": {"cobre_compat": True}})
    tps = build_stage_templates(ctx.system, ctx.stochastic, accumulator_state=True)
    assert tps[0].n_state == 2 and tps[0].state_out_map is None


def test_cut_row_uses_the_period_average():
    """h10 week 4: lag 1 out = (acc_in + (10/31) z) / 1, acc out = 0 (spec 11 §13.2)."""
    _, tps = _templates("handmade/h10-weekly-in-monthly")
    tp = tps[3]
    m = tp.state_out_map.toarray()
    c_z, c_acc = tp.cols("inflow").start, tp.cols("accumulator_in").start
    assert m[1, c_z] == pytest.approx(10 / 31, rel=1e-15)
    assert m[1, c_acc] == pytest.approx(1.0, rel=1e-15)
    assert not m[2].any()  # accumulator reset (no spill-over into February)
    # week 2: lag frozen, acc_out = acc_in + (7/31) z
    m1 = tps[1].state_out_map.toarray()
    assert m1[1, tps[1].cols("lag").start] == 1.0
    assert m1[2, c_acc] == 1.0 and m1[2, c_z] == pytest.approx(7 / 31, rel=1e-15)
