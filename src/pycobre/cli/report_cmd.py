"""`pycobre report RESULTS_DIR [--html FILE]` (spec 06 §5).

Prints the JSON summary of a finished run to stdout. ``--html FILE`` (pycobre addition) also
writes a self-contained HTML report with plots. Missing directory / manifest / ``_SUCCESS`` →
exit 2; malformed JSON → exit 4 (via the dispatcher's error mapping).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "report",
        help="Print a JSON summary of a finished run",
        description="Print a JSON summary of a finished run (stdout); optionally write an HTML "
        "report with convergence, cost, storage, price and deficit plots.",
    )
    parser.add_argument("results_dir", metavar="RESULTS_DIR", help="output directory of a run")
    parser.add_argument("--html", metavar="FILE", default=None,
                        help="also write a self-contained HTML report to FILE")
    return parser


def execute(args: argparse.Namespace) -> int:
    from pycobre.report.json_report import report_json
    from pycobre.report.run_files import open_run

    run = open_run(args.results_dir)
    if run.simulation is not None and not run.simulation_complete:
        print(f"warning: simulation output incomplete: {run.simulation_dir / '_SUCCESS'} "
              "not found", file=sys.stderr)
    if args.html:
        from pycobre.report.html_page import write_html_report

        path = write_html_report(run, args.html)
        print(f"HTML report written to {path}", file=sys.stderr)
    sys.stdout.write(report_json(run) + "\n")
    return 0
