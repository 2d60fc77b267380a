"""How fast can this file system create simulation partitions?  (No pycobre involved.)

    python benchmarks/fs_create.py DIR [-S 2000] [--rounds 3] [--keep]

Creates the file pattern of a 2,000-scenario simulation (5 entity folders × S ``scenario_id=NNNN``
folders, one 8 KB file each, written to a temporary name and renamed, as pycobre writes
partitions), then removes it, ``--rounds`` times; prints wall and system seconds per round and
for the removal. On some virtual disks (ext4 with online ``discard``) creation slows down round
after round, for minutes, after many files were deleted: a property of the disk that any writer
of these 10,000 files pays, Cobre included.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

ENTITIES = ("buses", "costs", "exchanges", "hydros", "thermals")


def one_round(root: Path, scenarios: int, payload: bytes) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), os.times()
    for s in range(scenarios):
        for entity in ENTITIES:
            folder = f"{root}/{entity}/scenario_id={s:04d}"
            os.makedirs(folder, exist_ok=True)
            tmp = f"{folder}/.data.parquet.{os.getpid()}-{s}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            os.write(fd, payload)
            os.close(fd)
            os.replace(tmp, f"{folder}/data.parquet")
    c1 = os.times()
    return time.perf_counter() - t0, c1.system - c0.system


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("-S", "--scenarios", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="leave the last round's files")
    args = ap.parse_args(argv)
    payload = b"x" * 8192
    for r in range(args.rounds):
        root = args.dir / f"fs_create_{os.getpid()}"
        wall, system = one_round(root, args.scenarios, payload)
        line = f"round {r + 1}: {5 * args.scenarios:,} files in {wall:.2f} s (system {system:.2f} s)"
        if args.keep and r == args.rounds - 1:
            print(line)
            break
        t0 = time.perf_counter()
        shutil.rmtree(root)
        print(f"{line}; removed in {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
