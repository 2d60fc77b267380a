"""Vectorised ``StageCuts`` codec (issue #8): same bytes as the builder, same errors as the views."""

from __future__ import annotations

import struct
from pathlib import Path

import flatbuffers
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycobre.errors import CobreIOError
from pycobre.io.policy.flatbuffer_view import root_table
from pycobre.io.policy.stage_cuts import (
    StageCuts,
    decode_stage_cuts,
    decode_stage_cuts_views,
    encode_stage_cuts,
    encode_stage_cuts_builder,
    slot,
)
from pycobre.io.policy.stage_cuts_fast import decode_cut_records, encode_regular

COBRE_CUTS = sorted((Path(__file__).parents[1] / "interop" / "data").glob("**/cuts/stage_*.bin"))
U64_MAX = 2**64 - 1


def _pool(n: int, dim: int, seed: int = 0, empty_records: int = 0) -> StageCuts:
    """Random pool: huge/wrapped cut ids, sentinel iterations, inactive cuts, empty records."""
    rng = np.random.default_rng(seed)
    cut_ids = rng.integers(0, U64_MAX, n, dtype=np.uint64, endpoint=True)
    cut_ids[: min(n, 2)] = [U64_MAX, U64_MAX - 1][: min(n, 2)]
    iterations = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    coefs = rng.normal(size=(n, dim)) * 10.0 ** rng.integers(-300, 300, (n, dim))
    intercepts = rng.normal(size=n) * 1e10
    active = rng.random(n) < 0.7
    empty = slice(0, min(n, empty_records))
    cut_ids[empty], iterations[empty], coefs[empty], intercepts[empty] = 0, 0, 0.0, 0.0
    active[empty] = False
    return StageCuts(
        stage_id=int(rng.integers(0, 2**32)),
        state_dimension=dim,
        capacity=n + int(rng.integers(0, 100)),
        warm_start_count=int(rng.integers(0, n + 1)),
        cut_ids=cut_ids,
        slot_indices=np.arange(n),
        iterations=iterations,
        forward_pass_indices=rng.integers(0, 2**32, n, dtype=np.uint64),
        intercepts=intercepts,
        coefficients=coefs,
        is_active=active,
        active_cut_indices=[],
        populated_count=n,
    ).with_derived_active_indices()


def _uses_fast_decoder(buf: bytes) -> bool:
    root = root_table(buf, "x", "StageCuts")
    start, n = root.vector(slot(4), 4, "cuts")
    dim = int(root.scalar(slot(1), "u32"))
    return n > 0 and decode_cut_records(buf, start, n, dim) is not None


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7, 64])
@pytest.mark.parametrize("dim", [1, 2, 3, 4, 5, 8, 13, 20])
def test_fast_encoder_bytes_equal_builder(n, dim):
    stage = _pool(n, dim, seed=100 * n + dim, empty_records=n // 3)
    reference = encode_stage_cuts_builder(stage)
    fast = encode_regular(stage)
    assert fast is not None
    assert fast == reference
    assert len(fast) % (8 if n else 4) == 0
    back = decode_stage_cuts(fast)
    assert back == stage
    assert _identical(back, decode_stage_cuts_views(reference))
    assert _uses_fast_decoder(fast) == (n > 0)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 40),
    dim=st.integers(0, 20),
    seed=st.integers(0, 2**32 - 1),
    derived=st.booleans(),
)
def test_fast_encoder_random_pools(n, dim, seed, derived):
    stage = _pool(n, dim, seed=seed, empty_records=seed % 5)
    if not derived:  # active_cut_indices is stored as given, any length
        stage.active_cut_indices = np.arange(seed % 7, dtype=np.uint32)
    fast = encode_regular(stage)
    assert fast == encode_stage_cuts_builder(stage)
    assert decode_stage_cuts(fast) == stage


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_terminal_stage_layout(k):
    """No cuts: 4-byte alignment, so the finish padding does not depend on ``k``."""
    stage = StageCuts.empty(11, 4, capacity=1028, warm_start_count=7)
    stage.active_cut_indices = np.arange(k, dtype=np.uint32)
    buf = encode_regular(stage)
    assert buf == encode_stage_cuts_builder(stage)
    assert len(buf) == 64 + 4 * k
    assert decode_stage_cuts(buf) == stage


def test_all_empty_records_and_special_floats():
    stage = _pool(5, 3, empty_records=5)
    assert not stage.is_active.any() and stage.active_cut_indices.size == 0
    stage.intercepts[:] = [-0.0, np.inf, -np.inf, np.nan, 5e-324]
    buf = encode_regular(stage)
    assert buf == encode_stage_cuts_builder(stage)
    back = decode_stage_cuts(buf)
    assert np.array_equal(back.intercepts.view(np.uint64), stage.intercepts.view(np.uint64))


def test_state_at_generation_takes_builder_path_both_ways():
    stage = _pool(4, 2)
    stage.state_at_generation = {1: np.array([1.5, -2.0]), 3: np.zeros(0)}
    assert encode_regular(stage) is None
    buf = encode_stage_cuts(stage)
    assert buf == encode_stage_cuts_builder(stage)
    assert not _uses_fast_decoder(buf)
    back = decode_stage_cuts(buf)
    assert back.state_at_generation.keys() == {1}
    assert np.array_equal(back.state_at_generation[1], [1.5, -2.0])
    # empty vectors in the dict are what Cobre writes anyway: still the fast layout
    stage.state_at_generation = {0: np.zeros(0)}
    assert encode_regular(stage) == encode_stage_cuts_builder(stage)


def test_out_of_range_scalar_falls_back_to_builder_error():
    stage = _pool(2, 2)
    stage.capacity = 2**32
    assert encode_regular(stage) is None
    with pytest.raises(TypeError, match="bad number 4294967296 for type uint32"):
        encode_stage_cuts(stage)


@pytest.mark.skipif(not COBRE_CUTS, reason="no Cobre policy fixtures")
@pytest.mark.parametrize("path", COBRE_CUTS, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_cobre_reference_files(path):
    raw = path.read_bytes()
    stage = decode_stage_cuts(raw, source=str(path))
    assert _identical(stage, decode_stage_cuts_views(raw, source=str(path)))
    assert _uses_fast_decoder(raw) == (stage.n_records > 0)
    assert encode_regular(stage) == raw
    assert encode_stage_cuts(stage) == raw


def test_cobre_fixtures_cover_cut_pools():
    assert len(COBRE_CUTS) >= 10
    assert sum(decode_stage_cuts(p.read_bytes()).n_records for p in COBRE_CUTS) > 20


def _outcome(decode, buf: bytes):
    try:
        return "ok", decode(buf, source="cuts/stage_007.bin")
    except CobreIOError as exc:
        assert exc.context["file"] == "cuts/stage_007.bin"
        return "error", (exc.kind, str(exc))


def _identical(a: StageCuts, b: StageCuts) -> bool:
    """Field-wise equality by value, dtype and bits (NaN-safe, unlike ``==``)."""
    names = (
        "stage_id", "state_dimension", "capacity", "warm_start_count", "populated_count",
        "cut_ids", "slot_indices", "iterations", "forward_pass_indices", "intercepts",
        "coefficients", "is_active", "active_cut_indices",
    )  # fmt: skip
    for name in names:
        x, y = np.asarray(getattr(a, name)), np.asarray(getattr(b, name))
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            return False
    return a.state_at_generation.keys() == b.state_at_generation.keys()


def _same_outcome(buf: bytes) -> str:
    fast, views = _outcome(decode_stage_cuts, buf), _outcome(decode_stage_cuts_views, buf)
    assert fast[0] == views[0], (fast, views)
    if fast[0] == "ok":
        assert _identical(fast[1], views[1])
    else:
        assert fast[1] == views[1]
    return fast[0]


def test_truncations_raise_the_view_path_errors():
    buf = encode_stage_cuts(_pool(4, 3, empty_records=1))
    for n in range(len(buf)):
        assert _same_outcome(buf[:n]) == "error"


def test_every_single_byte_corruption_matches_view_path():
    buf = encode_stage_cuts(_pool(3, 2, empty_records=1))
    kinds = set()
    for pos in range(len(buf)):
        for change in (0x00, 0xFF, buf[pos] ^ 0x80, buf[pos] ^ 0x01):
            bad = bytearray(buf)
            bad[pos] = change
            kinds.add(_same_outcome(bytes(bad)))
    assert kinds == {"ok", "error"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8))
def test_random_corruption_matches_view_path(flips):
    bad = bytearray(encode_stage_cuts(_pool(6, 3, seed=3, empty_records=2)))
    for pos, val in flips:
        bad[pos % len(bad)] = val
    _same_outcome(bytes(bad))


def test_coefficient_count_mismatch_message():
    stage = _pool(3, 2)
    buf = bytearray(encode_stage_cuts(stage))
    root = struct.unpack_from("<I", buf, 0)[0]
    struct.pack_into("<I", buf, root + 24, 3)  # state_dimension field (vtable entry 24)
    with pytest.raises(CobreIOError, match="cut 0 has 2 coefficients but state_dimension is 3"):
        decode_stage_cuts(bytes(buf), source="s.bin")


def _encode_without_defaults(stage: StageCuts) -> bytes:
    """A standard writer that omits default scalars (flatc's default), not Cobre's layout."""
    b = flatbuffers.Builder(1024)
    offsets = []
    for i in range(stage.n_records):
        coefs = b.CreateNumpyVector(stage.coefficients[i].astype("<f8"))
        b.StartObject(9)
        b.PrependUint64Slot(0, int(stage.cut_ids[i]), 0)
        b.PrependUint32Slot(1, int(stage.slot_indices[i]), 0)
        b.PrependUint32Slot(2, int(stage.iterations[i]), 0)
        b.PrependFloat64Slot(5, float(stage.intercepts[i]), 0.0)
        b.PrependUOffsetTRelativeSlot(6, coefs, 0)
        b.PrependBoolSlot(8, bool(stage.is_active[i]), False)
        offsets.append(b.EndObject())
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    cuts = b.EndVector()
    b.StartObject(7)
    b.PrependUint32Slot(1, stage.state_dimension, 0)
    b.PrependUOffsetTRelativeSlot(4, cuts, 0)
    b.PrependUint32Slot(6, stage.populated_count, 0)
    b.Finish(b.EndObject())
    return bytes(b.Output())


def test_other_writers_absent_fields_read_as_defaults():
    # one cut = one vtable, with forward_pass_index, state_at_generation absent: fast path
    single = _pool(1, 3, seed=9)
    single.forward_pass_indices[:] = 0
    single.is_active[:] = True
    buf = _encode_without_defaults(single)
    assert _uses_fast_decoder(buf)
    back = decode_stage_cuts(buf)
    assert _identical(back, decode_stage_cuts_views(buf))
    assert np.array_equal(back.coefficients, single.coefficients)
    assert back.cut_ids[0] == single.cut_ids[0] and back.forward_pass_indices[0] == 0
    assert back.stage_id == 0 and back.active_cut_indices.size == 0
    # a vtable per alignment / default pattern: view path, same values
    mixed = _pool(6, 2, seed=4, empty_records=2)
    buf = _encode_without_defaults(mixed)
    assert not _uses_fast_decoder(buf)
    assert _identical(decode_stage_cuts(buf), decode_stage_cuts_views(buf))
