"""``pycobre version``: version and build information, one item per line (spec 06 §9)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
from importlib import metadata
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    return subparsers.add_parser("version", help="Print version and build information")


def _highs_version() -> str:
    try:
        return metadata.version("highspy")
    except metadata.PackageNotFoundError:
        return "not installed"


def _comm() -> str:
    if os.environ.get("COBRE_COMM_BACKEND", "").lower() == "local":
        return "local"
    return "local, mpi" if importlib.util.find_spec("mpi4py") is not None else "local"


def _zstd() -> str:
    try:
        import pyarrow as pa

        return "enabled" if pa.Codec.is_available("zstd") else "disabled"
    except Exception:  # noqa: BLE001 - informational only
        return "unknown"


def execute(args: argparse.Namespace) -> int:
    from pycobre import __version__

    machine = platform.machine() or "unknown"
    system = platform.system().lower() or sys.platform
    print(f"pycobre v{__version__}")
    print(f"solver: HiGHS {_highs_version()} (highspy)")
    print(f"comm:   {_comm()}")
    print(f"zstd:   {_zstd()}")
    print(f"arch:   {machine}-{system}")
    print(f"build:  python {platform.python_version()}")
    return 0
