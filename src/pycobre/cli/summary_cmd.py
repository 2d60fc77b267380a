"""`pycobre summary OUTPUT_DIR` (spec 06 §6): re-print the end-of-run summary on stderr."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "summary",
        help="Re-print the human summary of a finished run",
        description="Re-print the training/simulation summary of a finished run (stderr).",
    )
    parser.add_argument("output_dir", metavar="OUTPUT_DIR", help="output directory of a run")
    return parser


def execute(args: argparse.Namespace) -> int:
    from pycobre.report.run_files import open_run
    from pycobre.report.summary_text import summary_lines

    run = open_run(args.output_dir)
    if run.simulation is not None and not run.simulation_complete:
        print(f"warning: simulation output incomplete: {run.simulation_dir / '_SUCCESS'} "
              "not found", file=sys.stderr)
    print("\n".join(summary_lines(run)), file=sys.stderr)
    return 0
