"""LHS / Sobol / Halton / SAA batch and point forms against spec 11 §16.10 vectors."""

import numpy as np
import pytest

from pycobre.errors import ValidationError
from pycobre.stochastic.pcg64 import Pcg64
from pycobre.stochastic.sampling.halton import (
    halton_batch,
    halton_permutations,
    halton_point,
    halton_primes,
)
from pycobre.stochastic.sampling.lhs import lhs_batch, lhs_point
from pycobre.stochastic.sampling.saa import saa_batch, saa_point
from pycobre.stochastic.sampling.sobol import direction_numbers, sobol_batch, sobol_point
from pycobre.stochastic.siphash import derive_stage_seed


def test_saa_batch_1dtoy_values():
    s0, s1 = saa_batch(42, [0, 1], [10, 10], 1)
    assert s0[:3, 0].tolist() == [0.40098936496495646, -1.3954121776085244, 0.8337031709056368]
    assert s1[:3, 0].tolist() == [1.8408985584459048, -0.1045042269854091, 1.468481226499341]
    (s7,) = saa_batch(7, [0], [10], 1)
    assert s7[:3, 0].tolist() == [0.8519902959994747, -1.397486750784896, 0.9200379839720423]


def test_saa_point_restarts_per_class():
    a = saa_point(31337, 1, [0, 1], 0, 4)
    b = saa_point(31337, 1, [0, 1], 0, 2)
    assert a.shape == (2, 4)
    assert np.array_equal(a[:, :2], b)


@pytest.mark.parametrize(
    ("seed", "n", "stage", "opening", "entity", "dim", "value"),
    [
        (42, 10, 0, 0, 0, 4, 1.9744144240320656),
        (42, 10, 0, 3, 2, 4, 0.5056721505841162),
        (42, 10, 0, 9, 3, 4, 0.6164850813882218),
        (42, 10, 5, 4, 1, 4, 0.3670565237668804),
        (123456789, 7, 0, 6, 0, 4, 0.7927934246293882),
        (42, 1, 0, 0, 0, 1, -0.7874663555353922),
    ],
)
def test_lhs_tree_values(seed, n, stage, opening, entity, dim, value):
    assert lhs_batch(seed, stage, n, dim)[opening, entity] == value


def test_lhs_is_a_latin_hypercube():
    values = lhs_batch(3, 0, 20, 3)
    from scipy.stats import norm

    strata = np.floor(norm.cdf(values) * 20).astype(int)
    for d in range(3):
        assert sorted(strata[:, d].tolist()) == list(range(20))


def test_lhs_point_vector_and_simulation_error():
    got = lhs_point(31337, 1, 2, 0, 4, 4)
    assert got.tolist() == [
        -0.1562209218577475,
        0.2795761643040435,
        -0.8443034263269323,
        0.89760709163271,
    ]
    with pytest.raises(ValidationError) as err:
        lhs_point(31337, 0, 2147483647, 0, 20, 4)
    assert err.value.kind == "UnsupportedSamplingScheme"


def test_sobol_direction_numbers():
    v = direction_numbers(4)
    assert [int(x) for x in v[1, :5]] == [
        0x80000000,
        0xC0000000,
        0xA0000000,
        0xF0000000,
        0x88000000,
    ]
    assert [int(x) for x in v[2, :5]] == [
        0x80000000,
        0xC0000000,
        0x60000000,
        0x90000000,
        0xE8000000,
    ]
    assert [int(x) for x in v[3, :5]] == [
        0x80000000,
        0xC0000000,
        0x20000000,
        0x50000000,
        0xF8000000,
    ]
    assert int(v[0, 31]) == 1


def test_sobol_scrambling_words():
    gen = Pcg64.from_u64(derive_stage_seed(42, 0))
    assert (gen.next_u32() | 1, gen.next_u32()) == (1077127829, 595298166)
    assert (gen.next_u32() | 1, gen.next_u32()) == (2638771279, 2840900626)


@pytest.mark.parametrize(
    ("seed", "n", "stage", "opening", "entity", "value"),
    [
        (42, 10, 0, 0, 0, -1.086614282532243),
        (42, 10, 0, 0, 3, 0.8264455449248488),
        (42, 10, 0, 1, 0, 0.3547289123161057),
        (42, 10, 0, 6, 2, -0.18342888117638217),
        (42, 7, 3, 5, 1, 2.06535608426523),
        (123456789, 16, 0, 15, 3, 1.667827217206182),
    ],
)
def test_sobol_tree_values(seed, n, stage, opening, entity, value):
    assert sobol_batch(seed, stage, n, 4)[opening, entity] == value


def test_sobol_dimension_limit():
    with pytest.raises(ValidationError) as err:
        direction_numbers(21202)
    assert err.value.kind == "DimensionExceedsCapacity"


def test_halton_primes_and_permutations():
    assert halton_primes(4) == (2, 3, 5, 7)
    assert halton_primes(8) == (2, 3, 5, 7, 11, 13, 17, 19)
    perms = halton_permutations(Pcg64.from_u64(derive_stage_seed(42, 0)), 4, 10)
    assert perms[0] == [[1, 0], [1, 0], [0, 1], [0, 1]]
    assert perms[1] == [[0, 2, 1], [0, 1, 2], [2, 1, 0]]
    assert perms[2] == [[3, 4, 1, 2, 0], [0, 4, 3, 2, 1]]
    assert perms[3] == [[1, 0, 4, 6, 3, 5, 2], [5, 4, 3, 1, 6, 0, 2]]


@pytest.mark.parametrize(
    ("seed", "n", "stage", "opening", "entity", "value"),
    [
        (42, 10, 0, 0, 0, -8.21),
        (42, 10, 0, 1, 0, -8.21),
        (42, 10, 0, 1, 1, 0.43072729997586806),
        (42, 10, 0, 5, 2, 0.7063025629685147),
        (42, 10, 0, 9, 3, 0.3935984168527711),
        (123456789, 7, 2, 6, 3, -8.21),
    ],
)
def test_halton_tree_values(seed, n, stage, opening, entity, value):
    assert halton_batch(seed, stage, n, 4)[opening, entity] == value


def test_out_of_sample_qmc_points():
    assert sobol_point(31337, 0, 2147483647, 0, 4).tolist() == [
        1.8935802755443778,
        0.40875111803111486,
        1.4892350859720118,
        0.0211596905414801,
    ]
    assert halton_point(31337, 0, 2147483647, 0, 20, 4).tolist() == [
        -0.15731068480368265,
        1.6809024591456596,
        0.17042247289465656,
        1.2894148168310853,
    ]
    assert sobol_point(31337, 1, 3, 0, 4).tolist() == [
        0.8124237486953831,
        -0.04123930380795226,
        -0.9563408420694863,
        1.3925864887613593,
    ]
