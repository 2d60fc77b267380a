"""Bit-exact random streams of spec 11 §16 (test vectors of §16.10)."""

import hashlib
import struct

import numpy as np
import pytest

from pycobre.stochastic.norm_quantile import norm_quantile
from pycobre.stochastic.pcg64 import Pcg64, Pcg64Lanes, seed_bytes_from_u64
from pycobre.stochastic.siphash import (
    derive_forward_seed,
    derive_forward_seed_grouped,
    derive_opening_seed,
    derive_stage_seed,
)
from pycobre.stochastic.ziggurat import ZIG_F, ZIG_X, normal_scalar, normals_lanes


def test_seed_derivation_vectors():
    assert derive_forward_seed(42, 0, 0, 0) == 4418977803187233897
    assert derive_stage_seed(42, 0) == 983776962555776753
    assert derive_stage_seed(123456789, 0) == 15825382063103715463
    assert derive_forward_seed_grouped(42, 1, 0, 0) == 10076475523381585999
    assert derive_opening_seed(42, 0, 0) == 4798411809987085555
    assert derive_forward_seed(42, 0, 2147483647, 0) == 5551513345363773792


def test_seed_derivation_vectorised_matches_scalar():
    openings = np.arange(5)
    out = derive_opening_seed(42, openings, 3)
    assert out.dtype == np.uint64
    assert [int(v) for v in out] == [derive_opening_seed(42, int(o), 3) for o in openings]


def test_seed_from_u64_bytes():
    expected = "a48fa17b58323d0aeab8a1cc690114b82b8cc87518b4f7548d446ea1e4df20f2"
    assert seed_bytes_from_u64(42).hex() == expected


STREAMS = [
    (
        42,
        4798411809987085555,
        0xF134612EF338815855179ACA6315894A,
        0x33335ED9378496308693681181ABA98B,
        [14706656050763477741, 11154459560475992769, 4790450469616471508],
        [0.7972494220117425, 0.6046844644184888, 0.2596908403171191],
        [0.40098936496495646, 0.22792558815859804, -0.45006509573059394],
    ),
    (
        7,
        16109554563580082864,
        0x29DD94EF8DC89953E6F61066A36AE25D,
        0x3C5783521E3DEA714FFA9D1EAD066B8F,
        [17693927440624082645, 16533982480133408523, 15253999090059783674],
        [0.9591897285462755, 0.8963089862398954, 0.8269209476267362],
        [0.8519902959994747, 2.2646195079573523, 0.28606786129399836],
    ),
    (
        0,
        8556445246977061536,
        0x9661AE62B775898B23A54A0371D5FD4F,
        0x5158E7FE1093BAB4142CEAEF629F427F,
        [18147086763169498992, 5804549701603956252, 241794492966996877],
        [0.9837555446455655, 0.3146652698389547, 0.013107705728492403],
        [1.5921648074353514, -0.9115534409336942, -1.409932608849424],
    ),
    (
        123456789,
        527808340080546647,
        0x5D7041604FCD9A83E2A8C45A46EB0F68,
        0xF9663DB0707AA792E11F304D109A062B,
        [10129089229155934142, 9886554575728778078, 5312456552800849258],
        [0.5490990273775193, 0.5359511974700822, 0.28798884678907666],
        [0.10909195507147153, 0.1277320517542273, -0.7158527794655899],
    ),
]


@pytest.mark.parametrize(
    ("tree_seed", "derived", "state", "inc", "words", "uniforms", "normals"), STREAMS
)
def test_opening_zero_stream(tree_seed, derived, state, inc, words, uniforms, normals):
    assert derive_opening_seed(tree_seed, 0, 0) == derived
    gen = Pcg64.from_u64(derived)
    assert (gen.state, gen.inc) == (state, inc)
    assert [gen.next_u64() for _ in range(3)] == words
    gen = Pcg64.from_u64(derived)
    assert [gen.random_f64() for _ in range(3)] == uniforms
    gen = Pcg64.from_u64(derived)
    assert [normal_scalar(gen) for _ in range(3)] == normals
    lanes = Pcg64Lanes.from_u64(np.array([derived, derived], dtype=np.uint64))
    assert normals_lanes(lanes, 3)[1].tolist() == normals


def test_lanes_match_numpy_pcg64_stepping():
    gen = Pcg64.from_u64(987654321)
    bit_gen = np.random.PCG64()
    state = bit_gen.state
    state["state"] = {"state": gen.state, "inc": gen.inc}
    bit_gen.state = state
    lanes = Pcg64Lanes.from_u64(np.array([987654321], dtype=np.uint64))
    expected = bit_gen.random_raw(50).tolist()
    assert [int(lanes.next_u64()[0]) for _ in range(50)] == expected


def test_ziggurat_tables():
    def sha(a):
        return hashlib.sha256(struct.pack("<257d", *a.tolist())).hexdigest()

    assert sha(ZIG_X) == "7bc388aa829fd6869fb9b705f4b6d2879d0b220b3bc1cb7e7c1a4d1bfb0dfbb2"
    assert sha(ZIG_F) == "cbce58dfa577bcd3c28186b603071fcf3bdbea24c32db14811133312ce7697f9"
    assert ZIG_X[1] == float.fromhex("0x1.d3bb48209ad33p+1")
    assert ZIG_F[94] == float.fromhex("0x1.a6b7e0b1996dfp-3")


@pytest.mark.parametrize(
    ("opening", "derived", "value"),
    [
        (2365, 5499015427856294890, 3.774916262436952),  # tail (layer 0)
        (84, 14133081767542920917, 0.7133261947710912),  # wedge rejected, next word accepted
    ],
)
def test_rare_ziggurat_branches(opening, derived, value):
    assert derive_opening_seed(42, opening, 0) == derived
    assert normal_scalar(Pcg64.from_u64(derived)) == value
    lanes = Pcg64Lanes.from_u64(np.array([derive_opening_seed(42, 0, 0), derived], dtype=np.uint64))
    drawn = normals_lanes(lanes, 2)
    assert drawn[1, 0] == value
    # the lane keeps its own word order after the slow branch
    gen = Pcg64.from_u64(derived)
    normal_scalar(gen)
    assert drawn[1, 1] == normal_scalar(gen)


def test_bounded_integers():
    for t, expected in enumerate([3, 9, 9, 2]):
        assert Pcg64.from_u64(derive_forward_seed(42, 1, 0, t)).bounded(10) == expected
    assert Pcg64.from_u64(derive_forward_seed(42, 0, 2147483647, 0)).bounded(10) == 4
    got = [Pcg64.from_u64(derive_forward_seed(99, 1, 0, t)).bounded(200) for t in range(6)]
    assert got == [131, 91, 42, 20, 143, 34]
    gen = Pcg64.from_u64(derive_opening_seed(42, 5, 3))
    assert [gen.bounded(10) for _ in range(5)] == [4, 4, 0, 6, 3]
    lanes = Pcg64Lanes.from_u64(derive_forward_seed(99, 1, 0, np.arange(6)))
    assert lanes.bounded(200).tolist() == [131, 91, 42, 20, 143, 34]


def test_bounded_second_word_branch_consistent_between_forms():
    # n close to 2**32 makes the rejection branch (a second u32) frequent
    n = 2**32 - 3
    seeds = derive_opening_seed(5, np.arange(64), 1)
    lanes = Pcg64Lanes.from_u64(seeds)
    got = lanes.bounded(n).tolist()
    expected = [Pcg64.from_u64(int(s)).bounded(n) for s in seeds]
    assert got == expected
    after = lanes.next_u64().tolist()
    gens = [Pcg64.from_u64(int(s)) for s in seeds]
    for g in gens:
        g.bounded(n)
    assert after == [g.next_u64() for g in gens]


def test_lhs_uniform_and_open01_formulas():
    gen = Pcg64.from_u64(derive_stage_seed(42, 0))
    assert [gen.uniform01_52() for _ in range(3)] == [
        0.21550445846533117,
        0.5530372534735601,
        0.9349530806332795,
    ]
    gen = Pcg64.from_u64(1)
    word = Pcg64.from_u64(1).next_u64()
    assert gen.open01() == (word >> 12) * 2.0**-52 + 2.0**-53


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.975, 1.9599639845186783),
        (0.3, -0.5244005119066527),
        (0.01, -2.3263478739444947),
        (0.9999, 3.7190164853304406),
        (1e-25, -8.21),
        (2.0**-1022, -8.21),
        (0.5, 0.0),
    ],
)
def test_norm_quantile_vectors(p, expected):
    assert norm_quantile(p) == expected
    assert norm_quantile(np.array([p, 0.5]))[0] == expected


def test_vectorised_normals_match_sequential_sampler():
    # 3000 lanes x 6 draws exercise many wedge rejections and a few tail draws
    seeds = derive_opening_seed(2024, np.arange(3000), 7)
    got = normals_lanes(Pcg64Lanes.from_u64(seeds), 6)
    expected = []
    for s in seeds:
        gen = Pcg64.from_u64(int(s))
        expected.append([normal_scalar(gen) for _ in range(6)])
    assert np.array_equal(got, np.array(expected))
    assert np.abs(got).max() > 3.0  # the tail branch was reached
