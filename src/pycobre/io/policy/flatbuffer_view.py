"""Bounds-checked reading of FlatBuffers tables (the verifier of spec 05 §2).

Policy files come from disk and may be truncated or corrupted; every offset is checked against
the buffer before it is followed, so a bad file becomes a :class:`CobreIOError` (kind
``OutputCorrupted``) naming the file instead of a crash or a silent garbage read. Only the
features the policy schema uses are supported: scalar fields, scalar vectors and vectors of
tables. Absent fields read as their default (0 / false / empty), as FlatBuffers requires.
"""

from __future__ import annotations

import struct

import numpy as np

from pycobre.errors import CobreIOError

__all__ = ["TableView", "corrupt", "root_table"]

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_SCALARS = {
    "bool": (struct.Struct("<?"), 1),
    "u8": (struct.Struct("<B"), 1),
    "u32": (struct.Struct("<I"), 4),
    "u64": (struct.Struct("<Q"), 8),
    "f64": (struct.Struct("<d"), 8),
}


def corrupt(source: str, detail: str) -> CobreIOError:
    """The error for an unreadable policy file (spec 20 §12.3 ``OutputCorrupted``)."""
    return CobreIOError(
        f"corrupt policy file {source}: {detail}",
        kind="OutputCorrupted",
        context={"file": source, "detail": detail},
    )


class TableView:
    """One table inside a buffer; fields are addressed by vtable slot (``(id + 2) * 2``)."""

    __slots__ = ("buf", "pos", "source", "_vt", "_vt_size", "_size", "_what")

    def __init__(self, buf: bytes, pos: int, source: str, what: str) -> None:
        self.buf = buf
        self.pos = pos
        self.source = source
        self._what = what
        n = len(buf)
        if pos < 0 or pos + 4 > n:
            raise corrupt(source, f"{what} table offset {pos} outside the {n}-byte buffer")
        vt = pos - _I32.unpack_from(buf, pos)[0]
        if vt < 0 or vt + 4 > n:
            raise corrupt(source, f"{what} vtable offset {vt} outside the buffer")
        vt_size, size = _U16.unpack_from(buf, vt)[0], _U16.unpack_from(buf, vt + 2)[0]
        if vt_size < 4 or vt_size % 2 or vt + vt_size > n:
            raise corrupt(source, f"{what} vtable has invalid size {vt_size}")
        if size < 4 or pos + size > n:
            raise corrupt(source, f"{what} table of {size} bytes runs past the buffer end")
        self._vt, self._vt_size, self._size = vt, vt_size, size

    def _field(self, slot: int, width: int) -> int:
        """Absolute position of a field, or 0 when absent."""
        if slot + 2 > self._vt_size:
            return 0
        off = _U16.unpack_from(self.buf, self._vt + slot)[0]
        if off == 0:
            return 0
        if off < 4 or off + width > self._size:
            raise corrupt(self.source, f"{self._what} field at slot {slot} lies outside its table")
        return self.pos + off

    def scalar(self, slot: int, kind: str) -> int | float | bool:
        fmt, width = _SCALARS[kind]
        at = self._field(slot, width)
        if at == 0:
            return fmt.unpack(bytes(width))[0]
        return fmt.unpack_from(self.buf, at)[0]

    def vector(self, slot: int, elem: int, name: str) -> tuple[int, int]:
        """(data position, element count) of a vector field; (0, 0) when absent."""
        at = self._field(slot, 4)
        if at == 0:
            return 0, 0
        target = at + _U32.unpack_from(self.buf, at)[0]
        if target + 4 > len(self.buf):
            raise corrupt(self.source, f"{self._what}.{name} vector offset outside the buffer")
        count = _U32.unpack_from(self.buf, target)[0]
        if target + 4 + count * elem > len(self.buf):
            raise corrupt(
                self.source,
                f"{self._what}.{name} vector of {count} elements runs past the buffer end",
            )
        return target + 4, count

    def array(self, slot: int, dtype: str, name: str) -> np.ndarray:
        """A scalar vector as a fresh NumPy array (little-endian on disk)."""
        dt = np.dtype(dtype).newbyteorder("<")
        start, count = self.vector(slot, dt.itemsize, name)
        if count == 0:
            return np.zeros(0, dtype=dtype)
        return np.frombuffer(self.buf, dtype=dt, count=count, offset=start).astype(dtype)

    def has_vector(self, slot: int) -> bool:
        return self._field(slot, 4) != 0

    def tables(self, slot: int, name: str) -> list[TableView]:
        """A vector of tables."""
        start, count = self.vector(slot, 4, name)
        if count == 0:
            return []
        rel = np.frombuffer(self.buf, dtype="<u4", count=count, offset=start).astype(np.int64)
        positions = start + 4 * np.arange(count, dtype=np.int64) + rel
        return [
            TableView(self.buf, int(p), self.source, f"{name}[{i}]")
            for i, p in enumerate(positions)
        ]


def root_table(buf: bytes, source: str, what: str) -> TableView:
    """The root table of a buffer finished without identifier or size prefix."""
    if len(buf) < 12:
        raise corrupt(source, f"file is {len(buf)} bytes, too short for a FlatBuffers {what}")
    return TableView(buf, _U32.unpack_from(buf, 0)[0], source, what)
