"""Compare the file set and Parquet schemas of two output directories (pycobre vs Cobre 0.5.1).

    $COBRE_PYTHON -c "import cobre.run; cobre.run.run('examples/1dtoy', output_dir='/tmp/c')"
    python -m pycobre run examples/1dtoy --output /tmp/p     # or pycobre.run.run
    python benchmarks/interop_files.py /tmp/c /tmp/p
    python benchmarks/interop_files.py /tmp/c --write-manifest tests/interop/data/1dtoy_cobre_manifest.json

A *manifest* summarises a directory: simulation partitions are collapsed to one pattern
(``scenario_id=*``) with their count and the sorted scenario ids, and every Parquet pattern keeps
its Arrow schema as ``[name, type, nullable]`` triples (all files of a pattern must agree). The
comparison prints files present on one side only and every schema difference; exit status 1 on
any difference. ``tests/interop/test_interop_files.py`` checks pycobre's 1dtoy output against the
committed manifest of Cobre's output.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

PARTITION = re.compile(r"scenario_id=(\d+)")


def _schema(path: Path) -> list[list[Any]]:
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    return [[f.name, str(f.type), bool(f.nullable)] for f in schema]


def manifest(root: str | Path) -> dict[str, Any]:
    """``{"files": {pattern: {"count", "scenario_ids"?, "schema"?}}}`` for ``root``.

    Contiguous scenario ids are written as ``"first..last"`` to keep the manifest small.
    """
    root = Path(root)
    files: dict[str, dict[str, Any]] = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(root).as_posix()
        m = PARTITION.search(rel)
        pattern = PARTITION.sub("scenario_id=*", rel)
        entry = files.setdefault(pattern, {"count": 0})
        entry["count"] += 1
        if m:
            entry.setdefault("scenario_ids", []).append(int(m.group(1)))
        if p.suffix == ".parquet":
            schema = _schema(p)
            if entry.setdefault("schema", schema) != schema:
                raise ValueError(f"{rel}: schema differs from other files of {pattern}")
    for entry in files.values():
        if "scenario_ids" in entry:
            ids = sorted(entry["scenario_ids"])
            contiguous = ids == list(range(ids[0], ids[-1] + 1))
            entry["scenario_ids"] = f"{ids[0]}..{ids[-1]}" if contiguous else ids
    return {"files": files}


def compare(reference: dict[str, Any], candidate: dict[str, Any]) -> list[str]:
    """Human-readable differences (empty list: same file set and same schemas)."""
    ref, cand = reference["files"], candidate["files"]
    diffs = [f"only in reference: {k}" for k in sorted(set(ref) - set(cand))]
    diffs += [f"only in candidate: {k}" for k in sorted(set(cand) - set(ref))]
    for k in sorted(set(ref) & set(cand)):
        a, b = ref[k], cand[k]
        if a["count"] != b["count"] or a.get("scenario_ids") != b.get("scenario_ids"):
            diffs.append(f"{k}: {a['count']} files vs {b['count']}")
        sa, sb = a.get("schema"), b.get("schema")
        if sa != sb:
            na, nb = {c[0]: c for c in sa or []}, {c[0]: c for c in sb or []}
            for col in sorted(set(na) | set(nb)):
                if na.get(col) != nb.get(col):
                    diffs.append(f"{k}: column {col}: {na.get(col)} vs {nb.get(col)}")
            if [c[0] for c in sa or []] != [c[0] for c in sb or []]:
                diffs.append(f"{k}: column order differs")
    return diffs


def _load(arg: str) -> dict[str, Any]:
    p = Path(arg)
    return json.loads(p.read_text()) if p.is_file() else manifest(p)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", help="Cobre output dir or manifest JSON")
    ap.add_argument("candidate", nargs="?", help="pycobre output dir or manifest JSON")
    ap.add_argument("--write-manifest", type=Path, help="write the reference manifest here")
    args = ap.parse_args()
    ref = _load(args.reference)
    if args.write_manifest:
        args.write_manifest.write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
        print(f"wrote {args.write_manifest} ({len(ref['files'])} patterns)")
    if args.candidate is None:
        return 0
    diffs = compare(ref, _load(args.candidate))
    n_files = sum(e["count"] for e in ref["files"].values())
    n_parquet = sum(1 for e in ref["files"].values() if "schema" in e)
    for d in diffs:
        print(d)
    print(
        f"{len(ref['files'])} patterns ({n_files} files, {n_parquet} Parquet schemas): "
        + ("identical file set and schemas" if not diffs else f"{len(diffs)} differences")
    )
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
