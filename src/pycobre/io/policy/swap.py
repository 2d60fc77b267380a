"""Replace a policy directory as a whole, so that a kill never leaves no usable checkpoint.

A checkpoint is first written complete into ``.<name>.new`` next to the target (stage files,
extras, ``metadata.json`` last), then the old directory is moved to ``.<name>.old`` and the new
one renamed into place; the old one is deleted afterwards. A process killed at any point leaves
either the previous or the new complete checkpoint under ``<name>``, or — between the two
renames — none there but a complete ``.<name>.old``/``.<name>.new``, which
:func:`recover_policy_dir` moves back (spec 00 §8, spec 21 §11.4).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path

from pycobre.errors import CheckpointError
from pycobre.io.output.atomic import sync_all
from pycobre.io.policy.checkpoint import (
    METADATA_FILE,
    PolicyData,
    read_policy_metadata,
    write_policy,
)

__all__ = ["replace_policy_dir", "recover_policy_dir", "discard_side_copies"]


def _side(root: Path, tag: str) -> Path:
    return root.parent / f".{root.name}.{tag}"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


#: background deletions of replaced checkpoints, joined before the next swap of the same dir
_cleanup: dict[Path, threading.Thread] = {}


def _wait_cleanup(root: Path) -> None:
    thread = _cleanup.pop(root, None)
    if thread is not None:
        thread.join()


def replace_policy_dir(
    policy_dir: str | os.PathLike[str],
    policy: PolicyData,
    extras: Mapping[str, bytes] | None = None,
    *,
    background_cleanup: bool = False,
) -> Path:
    """Write ``policy`` (plus ``extras``: file name -> bytes) and swap it in atomically.

    ``background_cleanup``: delete the replaced copy in a thread (periodic checkpoints: removing
    a directory costs more than writing one on some file systems); the final write of a run
    deletes it before returning, so the output holds only ``<name>``.
    """
    root = Path(policy_dir)
    new, old = _side(root, "new"), _side(root, "old")
    _wait_cleanup(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(new, ignore_errors=True)
    try:
        for name, data in (extras or {}).items():
            (new / name).parent.mkdir(parents=True, exist_ok=True)
            (new / name).write_bytes(data)  # before metadata.json: part of the complete set
        # private until renamed: plain writes, then one sync instead of two fsyncs per file
        write_policy(new, policy, durable=False)
        sync_all()
    except BaseException as exc:
        # a half-written copy only holds disk space (often on a disk that is already full)
        shutil.rmtree(new, ignore_errors=True)
        if isinstance(exc, OSError):
            raise CheckpointError(
                f"cannot write policy checkpoint {new}: {exc}",
                checkpoint_path=str(new),
                operation="write",
            ) from exc
        raise
    try:
        shutil.rmtree(old, ignore_errors=True)
        if root.exists():
            os.replace(root, old)
        os.replace(new, root)
        _fsync_dir(root.parent)
    except OSError as exc:
        raise CheckpointError(
            f"cannot move the new checkpoint into place at {root}: {exc}",
            checkpoint_path=str(root),
            operation="write",
        ) from exc
    if background_cleanup:
        thread = threading.Thread(
            target=shutil.rmtree, args=(old,), kwargs={"ignore_errors": True}, daemon=True
        )
        thread.start()
        _cleanup[root] = thread
    else:
        shutil.rmtree(old, ignore_errors=True)
    return root


def discard_side_copies(policy_dir: str | os.PathLike[str]) -> None:
    """Remove ``.<name>.new``/``.<name>.old`` left by a failed or killed swap.

    Only once ``<name>`` itself is complete (after :func:`recover_policy_dir`): until then a side
    copy may be the only loadable checkpoint.
    """
    root = Path(policy_dir)
    if not (root / METADATA_FILE).is_file():
        return
    _wait_cleanup(root)
    for tag in ("new", "old"):
        shutil.rmtree(_side(root, tag), ignore_errors=True)


def recover_policy_dir(policy_dir: str | os.PathLike[str]) -> Path:
    """If ``<name>`` is missing or incomplete, move back a complete side copy (newest first)."""
    root = Path(policy_dir)
    if (root / METADATA_FILE).is_file():
        return root
    best, best_it = None, -1
    for side in (_side(root, "new"), _side(root, "old")):
        if not (side / METADATA_FILE).is_file():
            continue
        try:
            it = int(read_policy_metadata(side).completed_iterations)
        except Exception:  # noqa: BLE001 - an unreadable side copy is not a candidate
            continue
        if it > best_it:
            best, best_it = side, it
    if best is not None:
        if root.exists():
            shutil.rmtree(root)
        os.replace(best, root)
    return root
