"""Atomic file writes (spec 00 §8, spec 04 §2).

Every output file is serialised to a hidden temporary sibling in the *same* folder, flushed and
fsynced, then moved over the final name with ``os.replace`` (atomic on POSIX within one file
system). An interrupted run therefore leaves either the previous complete file or none, never a
half-written file that reads as valid. ``_SUCCESS`` markers and metadata files are written last
by the callers, so their presence certifies the folder.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from pycobre.errors import CobreIOError

__all__ = [
    "PARQUET_COMPRESSION",
    "PARQUET_COMPRESSION_LEVEL",
    "PARQUET_ROW_GROUP_SIZE",
    "SUCCESS_MARKER",
    "atomic_path",
    "parquet_bytes",
    "replace_with_bytes",
    "sync_all",
    "write_bytes_atomic",
    "write_json_atomic",
    "write_parquet_atomic",
    "write_success_marker",
    "write_text_atomic",
]

#: Cobre's Parquet settings (spec 04 §2): Zstd level 3, 100 000-row groups, dictionary on.
PARQUET_COMPRESSION = "zstd"
PARQUET_COMPRESSION_LEVEL = 3
PARQUET_ROW_GROUP_SIZE = 100_000
SUCCESS_MARKER = "_SUCCESS"

# temporaries of ``replace_with_bytes``: unique per process by a counter (``O_EXCL`` catches
# the rest); ``secrets`` costs a syscall per name, which thousands of partitions notice
_TMP_COUNTER = itertools.count()


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself (directory entry); best effort where unsupported."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_temp(final: Path) -> str:
    """Create an empty, uniquely named sibling honouring the umask (mkstemp would force 0600)."""
    for _ in range(100):
        name = final.parent / f".{final.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return str(name)
    raise FileExistsError(f"no free temporary name next to {final}")


def sync_all() -> None:
    """Flush every non-durable write at once, before a ``_SUCCESS``/metadata file certifies them.

    Thousands of partition files with two fsyncs each cost seconds (about 4 ms per fsync on
    these machines); one ``os.sync()`` costs milliseconds.
    """
    os.sync()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success fsync it and rename it over ``path``.

    The caller writes the temporary file by any means (e.g. a library that wants a file name).
    On error the temporary file is removed and the final file is left untouched.
    """
    final = Path(path)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp_name = _create_temp(final)
    except OSError as exc:
        raise CobreIOError(
            f"cannot create output file {final}: {exc.strerror or exc}",
            kind="OutputWriteFailed",
            context={"file": str(final)},
        ) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        if durable:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, CobreIOError):
            raise CobreIOError(
                f"cannot write output file {final}: {exc.strerror or exc}",
                kind="OutputWriteFailed",
                context={"file": str(final)},
            ) from exc
        raise
    if durable:
        _fsync_dir(final.parent)


def _write_with(path: str | os.PathLike[str], mode: str, writer: Callable[[IO[Any]], None]) -> Path:
    final = Path(path)
    with atomic_path(final) as tmp:
        kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with open(tmp, mode, **kwargs) as fh:
            writer(fh)
            fh.flush()
    return final


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes | bytearray | memoryview) -> Path:
    """Write ``data`` to ``path`` atomically; returns the final path."""
    return _write_with(path, "wb", lambda fh: fh.write(bytes(data)))


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` verbatim (no newline translation, nothing appended)."""
    return _write_with(path, "w", lambda fh: fh.write(text))


def write_json_atomic(
    path: str | os.PathLike[str],
    obj: Any,
    *,
    indent: int | None = 2,
    trailing_newline: bool = False,
) -> Path:
    """Write ``obj`` as JSON (2-space indent, no trailing newline, as Cobre's writer)."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False)
    if trailing_newline:
        text += "\n"
    return write_text_atomic(path, text)


def replace_with_bytes(
    path: str | os.PathLike[str], data: bytes | memoryview, *, durable: bool = True
) -> Path:
    """Write ``data`` to a hidden sibling of ``path`` with plain ``os`` calls, then rename it
    over ``path``; fsync file and folder when ``durable``.

    The lean path for files serialised in memory: ~0.3 ms less per file than opening the
    temporary file through Arrow or ``open()``, which matters for the thousands of simulation
    partitions (docs/dev/performance.md, "Simulation"). Same atomicity as :func:`atomic_path`.
    """
    path = os.fspath(path)  # plain strings: pathlib costs ~20 µs per file here
    directory, name = os.path.split(path)
    directory = directory or "."
    view = memoryview(data)
    created = False
    tmp = path
    try:
        try:
            os.mkdir(directory)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(directory, exist_ok=True)
        while True:
            tmp = f"{directory}/.{name}.{os.getpid()}-{next(_TMP_COUNTER)}.tmp"
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:  # a leftover of a dead process with the same pid
                continue
        created = True
        try:
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        if created:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise CobreIOError(
            f"cannot write output file {path}: {exc.strerror or exc}",
            kind="OutputWriteFailed",
            context={"file": str(path)},
        ) from exc
    if durable:
        _fsync_dir(Path(directory))
    return Path(path)


def parquet_bytes(
    table: pa.Table,
    *,
    row_group_size: int = PARQUET_ROW_GROUP_SIZE,
    store_schema: bool = True,
) -> pa.Buffer:
    """``table`` serialised with Cobre's Parquet settings (spec 04 §2), in memory.

    ``store_schema=False`` omits the ``ARROW:schema`` footer key, as Cobre's parquet-rs files
    do (~1.5 KB and ~40 µs less per small file); the Parquet types alone then describe the
    columns (every simulation type reads back identically).
    """
    sink = pa.BufferOutputStream()
    pq.write_table(
        table,
        sink,
        compression=PARQUET_COMPRESSION,
        compression_level=PARQUET_COMPRESSION_LEVEL,
        row_group_size=row_group_size,
        use_dictionary=True,
        store_schema=store_schema,
    )
    return sink.getvalue()


def write_parquet_atomic(
    table: pa.Table,
    path: str | os.PathLike[str],
    *,
    row_group_size: int = PARQUET_ROW_GROUP_SIZE,
    durable: bool = True,
    store_schema: bool = True,
) -> Path:
    """Write ``table`` with Cobre's Parquet settings (spec 04 §2) atomically.

    The table's schema (types, nullability, column order) is written exactly as given; callers
    own the schema. Serialised in memory (:func:`parquet_bytes`), then
    :func:`replace_with_bytes`. ``durable=False`` skips the fsyncs (the rename stays atomic);
    the caller then runs ``sync_all()`` before writing the marker that certifies the folder.
    """
    data = parquet_bytes(table, row_group_size=row_group_size, store_schema=store_schema)
    return replace_with_bytes(path, data, durable=durable)


def write_success_marker(directory: str | os.PathLike[str]) -> Path:
    """Write the empty ``_SUCCESS`` marker into ``directory`` (call after its metadata file)."""
    return write_bytes_atomic(Path(directory) / SUCCESS_MARKER, b"")
