"""Policy checkpoint codec (spec 05): hand-built policies, wire details, corrupt files."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycobre.errors import CheckpointError, CobreIOError, OutputNotFoundError
from pycobre.io.policy import (
    PolicyData,
    PolicyMetadata,
    StageBasis,
    StageCuts,
    StageStates,
    decode_stage_basis,
    decode_stage_cuts,
    decode_stage_states,
    encode_stage_basis,
    encode_stage_cuts,
    encode_stage_states,
    read_policy,
    stage_file_name,
    write_policy,
)


def _stage(stage_id: int = 0, dim: int = 2) -> StageCuts:
    """Three slots: an empty record (iteration 0), then cuts of iterations 1 and 2 (M = 1)."""
    return StageCuts(
        stage_id=stage_id,
        state_dimension=dim,
        capacity=4,
        warm_start_count=0,
        cut_ids=[0, 1, 2],
        slot_indices=[0, 1, 2],
        iterations=[0, 1, 2],
        forward_pass_indices=[0, 0, 0],
        intercepts=[0.0, 10.5, -3.25],
        coefficients=np.array([[0.0] * dim, [1.0] * dim, [-2.0] * dim]),
        is_active=[False, True, False],
        active_cut_indices=[],
        populated_count=3,
    ).with_derived_active_indices()


def _meta(num_stages: int = 2, dim: int = 2) -> PolicyMetadata:
    return PolicyMetadata(
        cobre_version="0.5.1",
        created_at="2026-01-02T03:04:05Z",
        completed_iterations=2,
        final_lower_bound=123.5,
        best_upper_bound=None,
        state_dimension=dim,
        num_stages=num_stages,
        max_iterations=3,
        forward_passes=1,
        warm_start_cuts=0,
        warm_start_counts=[0] * num_stages,
        rng_seed=42,
        total_visited_states=0,
    )


def _policy() -> PolicyData:
    basis = StageBasis(0, 2, [1, 0, 2], [1, 1, 3, 4], num_cut_rows=3)
    return PolicyData(
        metadata=_meta(),
        cuts=[_stage(0), StageCuts.empty(1, 2, capacity=4)],
        bases=[basis, None],
        states=[StageStates(0, 2, [[1.0, 2.0], [3.0, 4.0]]), StageStates(1, 2, np.zeros((0, 2)))],
    )


def test_stage_cuts_round_trip_and_values():
    stage = _stage()
    buf = encode_stage_cuts(stage)
    back = decode_stage_cuts(buf)
    assert back == stage
    assert back.active_cut_indices.tolist() == [1]
    assert back.coefficients[2].tolist() == [-2.0, -2.0]
    assert encode_stage_cuts(back) == buf


def test_no_identifier_and_root_offset_first():
    buf = encode_stage_cuts(_stage())
    root = struct.unpack_from("<I", buf, 0)[0]
    assert 4 <= root < len(buf)
    # the root table's vtable covers all 7 StageCuts fields: (7 + 2) * 2 = 18 bytes
    vt = root - struct.unpack_from("<i", buf, root)[0]
    assert struct.unpack_from("<H", buf, vt)[0] == 18


def test_defaults_are_written_and_deprecated_slot_is_zero():
    """ForceDefaults: an all-zero empty record still stores every field; slot 12 stays empty."""
    buf = encode_stage_cuts(_stage())
    root = struct.unpack_from("<I", buf, 0)[0]
    vt = root - struct.unpack_from("<i", buf, root)[0]
    cuts_field = struct.unpack_from("<H", buf, vt + 12)[0]  # StageCuts.cuts, id 4
    cuts_vec = root + cuts_field + struct.unpack_from("<I", buf, root + cuts_field)[0]
    first = cuts_vec + 4 + struct.unpack_from("<I", buf, cuts_vec + 4)[0]
    cut_vt = first - struct.unpack_from("<i", buf, first)[0]
    vt_size = struct.unpack_from("<H", buf, cut_vt)[0]
    entries = [
        struct.unpack_from("<H", buf, cut_vt + 4 + 2 * i)[0] for i in range((vt_size - 4) // 2)
    ]
    assert vt_size == (8 + 2) * 2 + 2  # fields 0..8
    assert entries[4] == 0  # deprecated domination_count
    assert all(e != 0 for i, e in enumerate(entries) if i != 4)


def test_terminal_stage_has_present_empty_vectors():
    stage = StageCuts.empty(3, 5, capacity=9, warm_start_count=2)
    back = decode_stage_cuts(encode_stage_cuts(stage))
    assert (back.stage_id, back.capacity, back.warm_start_count, back.populated_count) == (
        3,
        9,
        2,
        0,
    )
    assert back.coefficients.shape == (0, 5)
    buf = encode_stage_cuts(stage)
    root = struct.unpack_from("<I", buf, 0)[0]
    vt = root - struct.unpack_from("<i", buf, root)[0]
    assert struct.unpack_from("<H", buf, vt + 12)[0] != 0  # cuts vector present
    assert struct.unpack_from("<H", buf, vt + 14)[0] != 0  # active_cut_indices present


def test_basis_and_states_round_trip():
    basis = StageBasis(4, 7, [0, 1, 2, 3, 4], [1, 1], num_cut_rows=12)
    assert decode_stage_basis(encode_stage_basis(basis)) == basis
    assert basis.num_columns == 5 and basis.num_rows == 2
    states = StageStates(2, 3, np.arange(6.0))
    back = decode_stage_states(encode_stage_states(states))
    assert back.count == 2 and back.data.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


def test_directory_round_trip_and_layout(tmp_path):
    out = write_policy(tmp_path / "policy", _policy())
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "basis/stage_000.bin",
        "cuts/stage_000.bin",
        "cuts/stage_001.bin",
        "metadata.json",
        "states/stage_000.bin",
        "states/stage_001.bin",
    ]
    back = read_policy(out)
    assert back.cuts == _policy().cuts
    assert back.bases[0] == _policy().bases[0] and back.bases[1] is None
    assert [s.count for s in back.states] == [2, 0]
    out2 = write_policy(tmp_path / "again", back)
    for f in out.rglob("*.bin"):
        assert (out2 / f.relative_to(out)).read_bytes() == f.read_bytes()
    assert (out2 / "metadata.json").read_bytes() == (out / "metadata.json").read_bytes()


def test_stage_file_name():
    assert stage_file_name(0) == "stage_000.bin" and stage_file_name(117) == "stage_117.bin"


def test_metadata_written_last_and_required(tmp_path):
    out = write_policy(tmp_path / "policy", _policy())
    meta = out / "metadata.json"
    assert meta.stat().st_mtime_ns >= max(p.stat().st_mtime_ns for p in out.rglob("*.bin"))
    meta.unlink()
    with pytest.raises(OutputNotFoundError, match="metadata.json"):
        read_policy(out)
    with pytest.raises(OutputNotFoundError, match="Policy directory not found"):
        read_policy(tmp_path / "nowhere")


def test_stage_count_mismatch_refused_on_write(tmp_path):
    bad = _policy()
    bad.metadata.num_stages = 3
    with pytest.raises(CheckpointError) as info:
        write_policy(tmp_path / "p", bad)
    assert info.value.operation == "write"


def test_dimension_disagreement_names_file(tmp_path):
    policy = _policy()
    policy.cuts[1] = StageCuts.empty(1, 3, capacity=4)
    out = write_policy(tmp_path / "policy", policy)
    with pytest.raises(CobreIOError) as info:
        read_policy(out)
    assert info.value.kind == "OutputCorrupted"
    assert info.value.context["file"].endswith("cuts/stage_001.bin")
    assert "state_dimension 3" in str(info.value)


def test_every_truncation_is_refused_cleanly():
    buf = encode_stage_cuts(_stage())
    refused = 0
    for n in range(len(buf)):
        with pytest.raises(CobreIOError) as info:
            decode_stage_cuts(buf[:n], source="cuts/stage_000.bin")
        assert "cuts/stage_000.bin" in str(info.value)
        assert info.value.context["file"] == "cuts/stage_000.bin"
        refused += 1
    assert refused == len(buf)


def test_truncated_file_on_disk_names_path(tmp_path):
    out = write_policy(tmp_path / "policy", _policy())
    path = out / "cuts" / "stage_000.bin"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(CobreIOError) as info:
        read_policy(out)
    assert info.value.context["file"] == str(path)


def test_huge_dimension_is_refused_not_allocated():
    buf = bytearray(encode_stage_cuts(_stage(dim=1)))
    root = struct.unpack_from("<I", buf, 0)[0]
    vt = root - struct.unpack_from("<i", buf, root)[0]
    dim_field = struct.unpack_from("<H", buf, vt + 6)[0]
    struct.pack_into("<I", buf, root + dim_field, 2**31)
    with pytest.raises(CobreIOError, match="cannot fit|coefficients"):
        decode_stage_cuts(bytes(buf), source="x.bin")


_REFERENCE = encode_stage_cuts(_stage())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(_REFERENCE) - 1), st.integers(0, 255)), min_size=1, max_size=6
    )
)
def test_random_corruption_never_crashes(flips):
    buf = bytearray(_REFERENCE)
    for pos, val in flips:
        buf[pos] = val
    for decode in (decode_stage_cuts, decode_stage_basis, decode_stage_states):
        try:
            decode(bytes(buf), source="f.bin")
        except CobreIOError as exc:
            assert exc.context["file"] == "f.bin"


def test_metadata_json_format():
    meta = _meta()
    meta.final_lower_bound = 1e16
    meta.best_upper_bound = 1e-5
    text = meta.to_json()
    assert text.startswith('{\n  "cobre_version": "0.5.1",\n  "created_at"')
    assert '"final_lower_bound": 1e16,' in text
    assert '"best_upper_bound": 0.00001,' in text
    assert '"warm_start_counts": [\n    0,\n    0\n  ],' in text
    assert not text.endswith("\n")
    assert PolicyMetadata.from_json(text).to_json() == text


def test_metadata_reader_defaults_and_unknown_keys():
    text = (
        '{"cobre_version": "0.4", "created_at": "x", "completed_iterations": 1, '
        '"final_lower_bound": 1, "state_dimension": 2, "num_stages": 3, "max_iterations": 4, '
        '"forward_passes": 1, "warm_start_cuts": 5, "rng_seed": 9, "config_hash": "abc"}'
    )
    m = PolicyMetadata.from_json(text)
    assert m.best_upper_bound is None and m.total_visited_states == 0
    assert m.warm_start_counts == [] and m.per_stage_warm_start_counts() == [5, 5, 5]
    assert m.extra == {"config_hash": "abc"}


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("not json", "invalid JSON"),
        ("[]", "not a JSON object"),
        ('{"cobre_version": "x"}', "missing key"),
    ],
)
def test_metadata_reader_rejects_bad_files(text, fragment):
    with pytest.raises(CobreIOError, match=fragment) as info:
        PolicyMetadata.from_json(text, source="p/metadata.json")
    assert info.value.context["file"] == "p/metadata.json"


def test_interrupted_overwrite_reads_as_incomplete(tmp_path, monkeypatch):
    import pycobre.io.policy.checkpoint as ckpt

    out = write_policy(tmp_path / "policy", _policy())
    calls = {"n": 0}
    real = ckpt.encode_stage_cuts

    def failing(stage):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real(stage)

    monkeypatch.setattr(ckpt, "encode_stage_cuts", failing)
    with pytest.raises(RuntimeError):
        write_policy(out, _policy())
    with pytest.raises(OutputNotFoundError, match="incomplete policy checkpoint"):
        read_policy(out)


@pytest.mark.parametrize(
    "value, text",
    [
        (1e16, "1e16"),
        (1e15, "1000000000000000.0"),
        (1e-5, "0.00001"),
        (3.14e-5, "0.0000314"),
        (1.5e-7, "1.5e-7"),
        (1e-14, "1e-14"),
        (0.0001, "0.0001"),
        (100.0, "100.0"),
        (-2.5, "-2.5"),
        (0.0, "0.0"),
        (1.23e20, "1.23e20"),
        (2626111.1111111124, "2626111.1111111124"),
        (float("nan"), "null"),
    ],
)
def test_rust_float_format(value, text):
    from pycobre.io.output.cobre_json import rust_float

    assert rust_float(value) == text
