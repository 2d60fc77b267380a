"""``pycobre validate CASE_DIR [--json]`` (spec 06 §4, spec 02 §5–6).

Exit codes: 0 valid (warnings allowed), 1 validation errors, 2 I/O (missing directory or
required file, unreadable file), 4 internal.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pycobre.cli.color import resolve_color
from pycobre.cli.failures import (
    EXIT_INTERNAL,
    EXIT_IO,
    EXIT_OK,
    EXIT_VALIDATION,
    IO_HINT,
    print_error,
)
from pycobre.cli.validation_report import json_report, text_report


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("validate", help="Run the validation pipeline and print a "
                                   "report", description="Validate a case directory.")
    parser.add_argument("case_dir", metavar="CASE_DIR", help="case directory")
    parser.add_argument("--json", action="store_true",
                        help="print the JSON report (error_count, warning_count, errors, "
                        "warnings) instead of text")
    return parser


def exit_code(result: Any) -> int:
    if result.valid:
        return EXIT_OK
    loaders = {r.loader_kind for r in result.errors}
    if any(r.kind == "InternalError" for r in result.errors):
        return EXIT_INTERNAL
    if "IoError" in loaders:
        return EXIT_IO
    return EXIT_VALIDATION


def execute(args: argparse.Namespace) -> int:
    from pycobre.io.validate import validate

    case_dir = str(args.case_dir)
    path = Path(case_dir)
    if not args.json:
        err_color = resolve_color(args.color, sys.stderr)
        if not path.exists():
            print_error(f"case directory not found: {case_dir}", [IO_HINT], color=err_color)
            return EXIT_IO
        if not path.is_dir():
            print_error(f"case path is not a directory: {case_dir}",
                        ["pass the case directory (the folder holding config.json)"],
                        color=err_color)
            return EXIT_IO
    result = validate(path)
    if args.json:
        print(json_report(result))
    else:
        print(text_report(result, case_dir, color=resolve_color(args.color, sys.stdout)))
    return exit_code(result)
