"""Policy checkpoint directory (spec 05 §1, §5): read and write the whole tree.

Write order follows spec 00 §8: every stage file is written atomically first and
``metadata.json`` last, so a directory without ``metadata.json`` is an incomplete checkpoint.
Partial files of an earlier run are not cleaned up (as in Cobre), but a stage file that this
write does not produce is never mistaken for part of it because readers go by ``num_stages``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pycobre.errors import CheckpointError, CobreIOError, OutputNotFoundError
from pycobre.io.output.atomic import write_bytes_atomic as _atomic_bytes
from pycobre.io.output.atomic import write_text_atomic as _atomic_text
from pycobre.io.policy.flatbuffer_view import corrupt
from pycobre.io.policy.metadata import PolicyMetadata
from pycobre.io.policy.stage_basis import StageBasis, decode_stage_basis, encode_stage_basis
from pycobre.io.policy.stage_cuts import StageCuts, decode_stage_cuts, encode_stage_cuts
from pycobre.io.policy.stage_states import StageStates, decode_stage_states, encode_stage_states

__all__ = [
    "PolicyData",
    "read_policy",
    "read_policy_metadata",
    "stage_file_name",
    "write_policy",
]

METADATA_FILE = "metadata.json"


def stage_file_name(stage: int) -> str:
    """``stage_NNN.bin`` (0-based, 3-digit zero padding)."""
    return f"stage_{stage:03d}.bin"


@dataclass(eq=False)
class PolicyData:
    """In-memory policy checkpoint: metadata, one ``StageCuts`` per study stage, bases, states.

    ``bases[t]`` is ``None`` for a stage without a stored basis; ``states`` is ``None`` when the
    checkpoint has no ``states/`` directory.
    """

    metadata: PolicyMetadata
    cuts: list[StageCuts]
    bases: list[StageBasis | None] = field(default_factory=list)
    states: list[StageStates] | None = None

    @property
    def num_stages(self) -> int:
        return len(self.cuts)

    @property
    def state_dimension(self) -> int:
        return int(self.metadata.state_dimension)


def _write_plain(path: Path, data: bytes | str) -> Path:
    """Direct write, for a private directory that is synced and renamed into place as a whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def write_policy(
    policy_dir: str | os.PathLike[str], policy: PolicyData, *, durable: bool = True
) -> Path:
    """Write a complete checkpoint (stage files first, ``metadata.json`` last).

    ``durable=False`` writes the files directly (no temp file, no fsync): only for a directory
    nobody reads until the caller syncs and renames it (``io.policy.swap``).
    """
    write_bytes_atomic = _write_plain if not durable else _atomic_bytes
    write_text_atomic = _write_plain if not durable else _atomic_text
    root = Path(policy_dir)
    meta = policy.metadata
    if len(policy.cuts) != meta.num_stages:
        raise CheckpointError(
            f"policy has {len(policy.cuts)} stage cut files but metadata num_stages is {meta.num_stages}",
            checkpoint_path=str(root),
            operation="write",
        )
    try:
        # an overwritten checkpoint must read as incomplete until its new metadata lands
        (root / METADATA_FILE).unlink(missing_ok=True)
        (root / "basis").mkdir(parents=True, exist_ok=True)  # always created (spec 05 §1)
        for t, stage in enumerate(policy.cuts):
            write_bytes_atomic(root / "cuts" / stage_file_name(t), encode_stage_cuts(stage))
        for t, basis in enumerate(policy.bases):
            if basis is not None:
                write_bytes_atomic(root / "basis" / stage_file_name(t), encode_stage_basis(basis))
        if policy.states is not None:
            for t, states in enumerate(policy.states):
                write_bytes_atomic(
                    root / "states" / stage_file_name(t), encode_stage_states(states)
                )
        write_text_atomic(root / METADATA_FILE, meta.to_json())
    except OSError as exc:
        raise CheckpointError(
            f"cannot write policy checkpoint {root}: {exc}",
            checkpoint_path=str(root),
            operation="write",
        ) from exc
    return root


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise CobreIOError(
            f"policy file missing: {path}",
            kind="OutputCorrupted",
            context={"file": str(path), "detail": "missing"},
        ) from exc
    except OSError as exc:
        raise CobreIOError(
            f"cannot read policy file {path}: {exc.strerror or exc}",
            kind="OutputCorrupted",
            context={"file": str(path)},
        ) from exc


def read_policy_metadata(policy_dir: str | os.PathLike[str]) -> PolicyMetadata:
    root = Path(policy_dir)
    if not root.is_dir():
        raise OutputNotFoundError(
            f"Policy directory not found: {root}",
            context={"path": str(root), "expected_content": "policy checkpoint"},
        )
    meta_path = root / METADATA_FILE
    if not meta_path.is_file():
        raise OutputNotFoundError(
            f"incomplete policy checkpoint {root}: {METADATA_FILE} is missing",
            context={"path": str(meta_path), "expected_content": METADATA_FILE},
        )
    raw = _read_file(meta_path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise corrupt(str(meta_path), "not UTF-8") from exc
    return PolicyMetadata.from_json(text, source=str(meta_path))


def read_policy(
    policy_dir: str | os.PathLike[str], *, load_bases: bool = True, load_states: bool = True
) -> PolicyData:
    """Read and verify a checkpoint; every inconsistency names the offending file."""
    root = Path(policy_dir)
    meta = read_policy_metadata(root)
    cuts: list[StageCuts] = []
    for t in range(meta.num_stages):
        path = root / "cuts" / stage_file_name(t)
        stage = decode_stage_cuts(_read_file(path), source=str(path))
        _check_stage(stage, t, meta, str(path))
        cuts.append(stage)
    bases: list[StageBasis | None] = []
    if load_bases:
        for t in range(meta.num_stages):
            path = root / "basis" / stage_file_name(t)
            if not path.is_file():
                bases.append(None)
                continue
            basis = decode_stage_basis(_read_file(path), source=str(path))
            if basis.stage_id != t:
                raise corrupt(str(path), f"stage_id {basis.stage_id} in the file of stage {t}")
            bases.append(basis)
    states: list[StageStates] | None = None
    if load_states and (root / "states").is_dir():
        states = []
        for t in range(meta.num_stages):
            path = root / "states" / stage_file_name(t)
            st = decode_stage_states(_read_file(path), source=str(path))
            if st.state_dimension not in (0, meta.state_dimension) or st.stage_id != t:
                raise corrupt(str(path), "stage_id or state_dimension disagrees with metadata.json")
            states.append(st)
    return PolicyData(metadata=meta, cuts=cuts, bases=bases, states=states)


def _check_stage(stage: StageCuts, t: int, meta: PolicyMetadata, source: str) -> None:
    if stage.stage_id != t:
        raise corrupt(source, f"stage_id {stage.stage_id} in the file of stage {t}")
    if stage.state_dimension != meta.state_dimension:
        raise corrupt(
            source,
            f"state_dimension {stage.state_dimension} but metadata.json says {meta.state_dimension}",
        )
    n = stage.n_records
    if stage.populated_count != n:
        raise corrupt(source, f"populated_count {stage.populated_count} but {n} cut records")
    if n and not np.array_equal(stage.slot_indices, np.arange(n)):
        raise corrupt(source, "cut slot_index values are not 0..populated_count-1 in order")
    idx = stage.active_cut_indices
    if idx.size and (int(idx.max()) >= n or (idx.size > 1 and (idx[1:] <= idx[:-1]).any())):
        raise corrupt(source, "active_cut_indices are not ascending slots of stored cuts")
