"""`pycobre report` (spec 06) — placeholder until its owner replaces this module."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("report", help="(not implemented yet)")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def execute(args: argparse.Namespace) -> int:
    print("error: `pycobre report` is not implemented yet", file=sys.stderr)
    return 1
