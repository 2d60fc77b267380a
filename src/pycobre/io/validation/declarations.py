"""Adapter over the field declarations of ``pycobre.io.fields`` (model-io, spec 00 §3a).

The declarations are flat dotted names; the schema layer walks documents as trees. This module
turns one ``FileSpec`` into a tree of :class:`Node` once (cached) so both the JSON walker and the
JSON Schema exporter read the same structure.

Path grammar (see ``pycobre.io.fields.spec``): ``a.b`` nests objects, ``a[]`` is "each element of
array a", ``*`` is "each value of an object map" (``profiles.*``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pycobre.io.fields import FILES, Field, FileSpec

#: declared reference target (``Field.ref``) -> registry name used by the validation views.
REF_REGISTRY: dict[str, str] = {
    "bus": "buses",
    "line": "lines",
    "hydro": "hydros",
    "thermal": "thermals",
    "ncs": "non_controllable_sources",
    "pumping_station": "pumping_stations",
    "contract": "contracts",
    "generic_constraint": "constraints",
}


@dataclass
class Node:
    """One key of a JSON document: its declaration (or ``None`` for an implied object)."""

    decl: Field | None = None
    children: dict[str, Node] = field(default_factory=dict)
    items: Node | None = None  # element node when the key holds an array ("a[]")
    values: Node | None = None  # value node when the key holds a map ("a.*")

    def child(self, key: str) -> Node:
        return self.children.setdefault(key, Node())


def _segments(name: str) -> list[str]:
    return name.split(".")


@cache
def tree_of(path: str) -> Node:
    """Tree of the JSON declarations of ``path`` (relative to one entity for registries)."""
    spec = FILES[path]
    root = Node()
    for decl in spec.fields:
        node = root
        segs = _segments(decl.name)
        for i, seg in enumerate(segs):
            last = i == len(segs) - 1
            if seg == "*":
                node.values = node.values or Node()
                node = node.values
            elif seg.endswith("[]"):
                node = node.child(seg[:-2])
                if last:  # "a[]" alone would declare the elements; not used by model-io
                    node.items = node.items or Node(decl=decl)
                    break
                node.items = node.items or Node()
                node = node.items
            else:
                node = node.child(seg)
            if last:
                node.decl = decl
    return root


def entity_key(spec: FileSpec) -> str | None:
    """Field naming one element of a registry file in messages (``id``, else the first ``*_id``)."""
    names = [f.name for f in spec.fields if "." not in f.name and "[" not in f.name]
    if "id" in names:
        return "id"
    for n in names:
        if n.endswith("_id"):
            return n
    return None


def describe_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def walk_values(node: Any, segments: list[str], path: str) -> Iterator[tuple[str, Any]]:
    """Yield ``(concrete path, value)`` for every value a declared dotted name points at."""
    if not segments:
        yield path, node
        return
    seg, rest = segments[0], segments[1:]
    if seg == "*":
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk_values(value, rest, f"{path}.{key}")
        return
    if not isinstance(node, dict):
        return
    key = seg[:-2] if seg.endswith("[]") else seg
    value = node.get(key)
    where = f"{path}.{key}" if path else key
    if seg.endswith("[]"):
        if isinstance(value, list):
            for i, element in enumerate(value):
                yield from walk_values(element, rest, f"{where}[{i}]")
    else:
        yield from walk_values(value, rest, where)


def json_elements(spec: FileSpec, doc: Any) -> Iterator[tuple[Any, Any, str]]:
    """``(entity, element, path prefix)``: registry elements, or the whole root document."""
    if spec.collection is None:
        yield None, doc, ""
        return
    key = entity_key(spec)
    for i, element in enumerate(doc.get(spec.collection) or []):
        if isinstance(element, dict):
            yield element.get(key) if key else None, element, f"{spec.collection}[{i}]"
