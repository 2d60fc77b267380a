"""Byte-for-byte compatibility with policy files written by Cobre 0.5.1 (spec 05 §2).

Fixtures in ``tests/interop/data`` come from Cobre itself (see the README there).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

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
    write_policy,
)

DATA = Path(__file__).parent / "data"
POLICIES = sorted(p for p in DATA.iterdir() if p.name.endswith("_policy"))
CODECS = {
    "cuts": (decode_stage_cuts, encode_stage_cuts),
    "basis": (decode_stage_basis, encode_stage_basis),
    "states": (decode_stage_states, encode_stage_states),
}


def _files(policy_dir: Path) -> list[Path]:
    return sorted(policy_dir.rglob("*.bin")) + [policy_dir / "metadata.json"]


@pytest.mark.parametrize("policy_dir", POLICIES, ids=lambda p: p.name)
def test_every_stage_file_reencodes_identically(policy_dir):
    n = 0
    for path in sorted(policy_dir.rglob("stage_*.bin")):
        decode, encode = CODECS[path.parent.name]
        raw = path.read_bytes()
        assert encode(decode(raw, str(path))) == raw, path
        n += 1
    # cuts and basis of every stage at least (2-stage d02/d04 fixtures: 4 files)
    stages = len(list((policy_dir / "cuts").glob("stage_*.bin")))
    assert stages >= 2 and n >= 2 * stages


@pytest.mark.parametrize("policy_dir", POLICIES, ids=lambda p: p.name)
def test_directory_round_trip_is_identical(policy_dir, tmp_path):
    out = write_policy(tmp_path / "policy", read_policy(policy_dir))
    for ref in _files(policy_dir):
        assert (out / ref.relative_to(policy_dir)).read_bytes() == ref.read_bytes(), ref


def test_d02_content_decoded():
    p = read_policy(DATA / "d02_fresh_policy")
    m = p.metadata
    assert (m.completed_iterations, m.state_dimension, m.num_stages) == (10, 1, 2)
    assert (m.forward_passes, m.max_iterations, m.rng_seed) == (1, 10, 42)
    assert m.warm_start_counts == [0, 0] and m.total_visited_states == 10
    assert m.final_lower_bound == pytest.approx(2626111.1111111124)
    c0, c1 = p.cuts
    # capacity = (max_iterations + 1) * M; slot 0 (iteration 0) is an empty record
    assert (c0.capacity, c0.populated_count, c0.n_records) == (11, 11, 11)
    assert c0.iterations.tolist() == list(range(11))
    assert c0.cut_ids.tolist() == list(range(11))
    assert not c0.is_active[0] and c0.is_active[1:].all()
    assert c0.intercepts[0] == 0.0 and c0.coefficients[0].tolist() == [0.0]
    assert c0.active_cut_indices.tolist() == list(range(1, 11))
    # terminal stage: no records but capacity kept
    assert (c1.capacity, c1.populated_count, c1.n_records) == (11, 0, 0)
    assert p.bases[1].num_cut_rows == 0
    assert [s.count for s in p.states] == [10, 0]


def test_warm_start_sentinels_decoded():
    p = read_policy(DATA / "1dtoy_warm_start_m3_policy")
    c = p.cuts[0]
    assert (c.warm_start_count, c.capacity, c.populated_count) == (10, 22, 22)
    loaded = slice(0, 10)
    assert (c.iterations[loaded] == 4294967295).all()
    # cut_id = (2^64 - 1) * M + fpi (mod 2^64) with M = 3
    expected = [(2**64 - 3 + int(f)) % 2**64 for f in c.forward_pass_indices[loaded]]
    assert c.cut_ids[loaded].tolist() == expected
    # iteration 0 of this run: three empty records after the loaded ones
    assert c.iterations[10:13].tolist() == [0, 0, 0] and not c.is_active[10:13].any()
    assert c.iterations[13:].tolist() == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert c.cut_ids[13:].tolist() == list(range(3, 12))
    assert p.metadata.warm_start_counts == [10, 10, 10, 0]


def test_rebuilt_from_arrays_gives_cobre_bytes(tmp_path):
    """Building every object from plain arrays (not the decoded objects) reproduces the files."""
    src = DATA / "1dtoy_warm_start_m3_policy"
    ref = read_policy(src)
    cuts = []
    for c in ref.cuts:
        rebuilt = StageCuts(
            stage_id=c.stage_id,
            state_dimension=c.state_dimension,
            capacity=c.capacity,
            warm_start_count=c.warm_start_count,
            cut_ids=np.array(c.cut_ids.tolist(), dtype=np.uint64),
            slot_indices=np.arange(c.n_records),
            iterations=np.array(c.iterations.tolist()),
            forward_pass_indices=np.array(c.forward_pass_indices.tolist()),
            intercepts=np.array(c.intercepts.tolist()),
            coefficients=np.array(c.coefficients.tolist()).reshape(-1, c.state_dimension),
            is_active=np.array(c.is_active.tolist()),
            active_cut_indices=np.zeros(0, np.uint32),
            populated_count=c.n_records,
        ).with_derived_active_indices()
        cuts.append(rebuilt)
    bases = [
        StageBasis(
            b.stage_id, b.iteration, b.column_status.tolist(), b.row_status.tolist(), b.num_cut_rows
        )
        for b in ref.bases
    ]
    states = [StageStates(s.stage_id, s.state_dimension, s.data.tolist()) for s in ref.states]
    meta = PolicyMetadata(**{k: v for k, v in vars(ref.metadata).items() if k != "extra"})
    out = write_policy(tmp_path / "p", PolicyData(meta, cuts, bases, states))
    for f in _files(src):
        assert (out / f.relative_to(src)).read_bytes() == f.read_bytes(), f


def test_missing_stage_file_names_it(tmp_path):
    policy = shutil.copytree(DATA / "d02_fresh_policy", tmp_path / "policy")
    (policy / "cuts" / "stage_001.bin").unlink()
    from pycobre.errors import CobreIOError

    with pytest.raises(CobreIOError) as info:
        read_policy(policy)
    assert info.value.context["file"].endswith("cuts/stage_001.bin")
