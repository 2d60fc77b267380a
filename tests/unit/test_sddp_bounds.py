import math

import numpy as np
import pytest

from pycobre.sddp.bounds import gap, gap_percent, upper_bound_stats


def test_upper_bound_stats():
    s = upper_bound_stats(np.array([1.0, 2.0, 3.0, 4.0]))
    assert s.mean == 2.5
    assert s.std == pytest.approx(math.sqrt(5 / 3))
    assert s.ci_95 == pytest.approx(1.96 * math.sqrt(5 / 3) / 2)
    one = upper_bound_stats(np.array([7.0]))
    assert (one.mean, one.std, one.ci_95) == (7.0, 0.0, 0.0)


def test_gap():
    assert gap(100.0, 110.0) == pytest.approx(10 / 110)
    assert gap_percent(100.0, 110.0) == pytest.approx(1000 / 110)
    assert gap_percent(0.0, 110.0) is None
    assert gap(0.2, 0.5) == pytest.approx(0.3)  # |UB| < 1 -> denominator 1
