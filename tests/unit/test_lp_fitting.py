"""Build-time derived data: evaporation linearisation (spec 10 §6.4), FPHA fitting (§7.3)."""

from __future__ import annotations

import numpy as np
import pytest

from pycobre.lp.evaporation import area_and_slope, evaporation_coefficients
from pycobre.lp.fpha_fit import HydroHead, fit_planes, fitting_window


def test_d08_evaporation_coefficients():
    k0, kv = evaporation_coefficients(100.0, np.array([0, 100, 200.0]), np.array([0.5, 1.0, 1.5]), 100.0, 730.0)
    assert kv == pytest.approx(1 / 5256, rel=1e-12)
    assert k0 == pytest.approx(25 / 1314, rel=1e-12)


def test_area_slope_segment_rules():
    v, a = np.array([0.0, 10.0, 20.0]), np.array([1.0, 2.0, 5.0])
    assert area_and_slope(v, a, 10.0) == pytest.approx((2.0, 0.3))  # right segment at breakpoint
    assert area_and_slope(v, a, -5.0) == pytest.approx((1.0, 0.1))  # clamped, first segment
    assert area_and_slope(v, a, 30.0) == pytest.approx((5.0, 0.3))  # clamped, last segment
    assert area_and_slope(v[:1], a[:1], 3.0) == pytest.approx((1.0, 0.0))


D07 = HydroHead(
    volumes=np.array([0, 50, 100, 150, 200.0]),
    heights=np.array([350, 370, 385, 395, 400.0]),
    tail_poly=(300.0,),
    tail_points=None,
    loss_type="factor",
    loss_value=0.03,
    efficiency=0.92,
)


def test_d07_fitted_planes_and_kappa():
    fit = fit_planes(D07, 0.0, 200.0, 50.0)
    assert fit.n == 3
    # kappa: the envelope overestimates phi most at the smallest flow q = 1 (spec 10 §14: ~0.0247)
    assert fit.kappa == pytest.approx(0.024691358024691, rel=1e-9)
    # every plane is a tangent: slopes non-negative in v and q, zero in s (constant tailrace)
    assert np.all(fit.gamma_v >= 0) and np.all(fit.gamma_q > 0)
    np.testing.assert_allclose(fit.gamma_s, 0.0, atol=1e-12)
    # envelope x kappa never exceeds phi on the grid
    V, Q = np.meshgrid(np.linspace(0, 200, 5), np.linspace(1, 50, 5), indexing="ij")
    phi = D07.evaluate(V.ravel(), Q.ravel(), np.zeros(V.size))[0]
    env = (fit.gamma_0[:, None] + fit.gamma_v[:, None] * V.ravel() + fit.gamma_q[:, None] * Q.ravel()).max(0)
    assert np.all(fit.kappa * env <= phi + 1e-9)


def test_greedy_reduction_respects_max_planes():
    # quadratic tailrace, 8-point grid: the envelope keeps 5 tangents; max 4 forces one removal
    head = HydroHead(D07.volumes, D07.heights, (290.0, 0.5, 0.01), None, "factor", 0.03, 0.9)
    full = fit_planes(head, 0.0, 200.0, 50.0, 8, 8, 8, max_planes=100)
    small = fit_planes(head, 0.0, 200.0, 50.0, 8, 8, 8, max_planes=4)
    assert full.n == 5
    assert small.n == 4
    assert 0 < small.kappa <= full.kappa <= 1


def test_fitting_window_rules():
    vol = np.array([10.0, 200.0])
    assert fitting_window(vol, 0.0, 100.0, None) == (10.0, 200.0)
    assert fitting_window(vol, 0.0, 100.0, {"volume_min_percentile": 0.5}) == (50.0, 200.0)
    assert fitting_window(vol, 0.0, 100.0, {"volume_max_hm3": 500.0}) == (10.0, 200.0)
    with pytest.raises(ValueError, match="both"):
        fitting_window(vol, 0, 100, {"volume_min_hm3": 20.0, "volume_min_percentile": 0.1})
    with pytest.raises(ValueError, match="empty"):
        fitting_window(vol, 0, 100, {"volume_min_hm3": 150.0, "volume_max_hm3": 120.0})
