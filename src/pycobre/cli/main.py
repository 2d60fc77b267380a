"""The ``pycobre`` command: global ``--color`` option and one sub-command per verb (spec 06).

Verbs are pluggable: ``pycobre.cli.<verb>_cmd`` provides ``add_parser(subparsers)`` and
``execute(args) -> int``. Only the module of the verb being run is imported, so ``pycobre
version`` does not pay for the solver stack. The dispatcher is the edge of spec 00 §7: every
``CobreError`` becomes a readable message and an exit code, anything else a "this is a bug"
message with exit code 4 — never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from pycobre.cli.color import resolve_color
from pycobre.cli.failures import EXIT_INTERNAL, report_exception

#: verb -> (module, one-line help). Order = order in ``--help``.
VERBS: dict[str, tuple[str, str]] = {
    "init": ("pycobre.cli.init_cmd", "Scaffold a case from an embedded template"),
    "run": ("pycobre.cli.run_cmd", "Load, validate, train, simulate, write results"),
    "validate": ("pycobre.cli.validate_cmd", "Run the validation pipeline and print a report"),
    "report": ("pycobre.cli.report_cmd", "Print a JSON summary of a finished run"),
    "summary": ("pycobre.cli.summary_cmd", "Re-print the human summary of a finished run"),
    "schema": ("pycobre.cli.schema_cmd", "Write JSON Schema files for the input formats"),
    "version": ("pycobre.cli.version_cmd", "Print version and build information"),
}


def _selected_verb(argv: Sequence[str]) -> str | None:
    """First positional token after the global options (``--color X`` / ``--color=X``)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--color":
            skip = True
            continue
        if token.startswith("-"):
            continue
        return token if token in VERBS else None
    return None


def build_parser(verb: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pycobre",
        description="Stochastic hydrothermal planning (SDDP), compatible with Cobre cases.",
    )
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="ANSI colour (default: auto)")
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    sub.required = True
    for name, (module_name, summary) in VERBS.items():
        if name == verb:
            module = importlib.import_module(module_name)
            module.add_parser(sub)
        else:
            sub.add_parser(name, help=summary, add_help=False)
    return parser


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a scheduler's preemption) asks for the same graceful stop as Ctrl-C (spec 21
    §11.2): it calls whatever SIGINT handler the verb installed — for ``run``, stop after the
    current iteration and write the outputs — instead of dying with half the work unsaved."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigterm(signum: int, frame: Any) -> None:
        handler = signal.getsignal(signal.SIGINT)
        if callable(handler) and handler is not signal.default_int_handler:
            handler(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    verb = _selected_verb(args_list)
    color_flag = "auto"
    try:
        parser = build_parser(verb)
        try:
            args = parser.parse_args(args_list)
        except SystemExit as stop:  # argparse: --help (0) or a usage error (2)
            return int(stop.code or 0)
        color_flag = args.color
        module = importlib.import_module(VERBS[args.command][0])
        with _sigterm_as_interrupt():
            return int(module.execute(args) or 0)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the edge: no traceback reaches the user
        try:
            return report_exception(exc, color=resolve_color(color_flag, sys.stderr))
        except Exception:  # noqa: BLE001
            return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
