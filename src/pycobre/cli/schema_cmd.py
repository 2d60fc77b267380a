"""``pycobre schema export [--output-dir DIR]`` (spec 06 §8)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pycobre.cli.color import resolve_color
from pycobre.cli.failures import EXIT_IO, EXIT_OK, print_error


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("schema", help="Write JSON Schema files for the input formats")
    actions = parser.add_subparsers(dest="action", metavar="<action>")
    actions.required = True
    export = actions.add_parser("export", help="write <name>.schema.json for every JSON input")
    export.add_argument("--output-dir", metavar="DIR", default=".",
                        help="target directory (default: current; created if absent)")
    return parser


def execute(args: argparse.Namespace) -> int:
    from pycobre.io.schema_export import export_schemas

    try:
        written = export_schemas(args.output_dir)
    except OSError as exc:
        print_error(f"cannot write schemas to '{args.output_dir}': {exc.strerror or exc}",
                    ["check that you have write permission"],
                    color=resolve_color(args.color, sys.stderr))
        return EXIT_IO
    print(f"Wrote {len(written)} JSON Schema files to {args.output_dir}", file=sys.stderr)
    return EXIT_OK
