"""``pycobre init [--template NAME] [--list] [--force] [DIRECTORY]`` (spec 06 §7)."""

from __future__ import annotations

import argparse
import shutil
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from pycobre.cli.color import paint, resolve_color
from pycobre.cli.failures import EXIT_IO, EXIT_OK, EXIT_VALIDATION, print_error


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("init", help="Scaffold a case from an embedded template",
                                   description="Create a case directory from a template.")
    parser.add_argument("directory", metavar="DIRECTORY", nargs="?",
                        help="target directory (created if missing)")
    parser.add_argument("--template", metavar="NAME", help="template to copy (see --list)")
    parser.add_argument("--list", action="store_true", help="print available templates and exit")
    parser.add_argument("--force", action="store_true",
                        help="allow writing into a non-empty directory (overwrite)")
    return parser


def _template_files(name: str) -> list[tuple[str, Any]]:
    root = resources.files("pycobre.templates").joinpath(name)
    out: list[tuple[str, Any]] = []

    def walk(node: Any, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, rel + "/")
            elif not child.name.startswith(".") and child.name != "__init__.py":
                out.append((rel, child))

    walk(root, "")
    return out


def execute(args: argparse.Namespace) -> int:
    from pycobre.templates import FILE_DESCRIPTIONS, TEMPLATES

    color = resolve_color(args.color, sys.stderr)
    if args.list:
        if args.template or args.directory:
            print_error("--list cannot be combined with --template or DIRECTORY", [],
                        color=color)
            return EXIT_IO
        for name, text in TEMPLATES.items():
            print(f"{name:<16}  {text}")
        return EXIT_OK
    if not args.template or not args.directory:
        missing = "--template" if not args.template else "DIRECTORY"
        print_error(f"{missing} is required unless --list is given",
                    ["run `pycobre init --list` to see the templates"], color=color)
        return EXIT_IO
    if args.template not in TEMPLATES:
        print_error(f"unknown template '{args.template}'. Available templates: "
                    f"{', '.join(TEMPLATES)}", [], color=color)
        return EXIT_VALIDATION
    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        print_error(f"'{target}' exists and is not a directory", [], color=color)
        return EXIT_IO
    if target.is_dir() and any(target.iterdir()) and not args.force:
        print_error(f"directory '{target}' already exists and is not empty",
                    ["use --force to write the template into it (existing files are "
                     "overwritten)"], color=color)
        return EXIT_IO
    files = _template_files(args.template)
    try:
        for rel, source in files:
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            with resources.as_file(source) as src:
                shutil.copyfile(src, dest)
    except OSError as exc:
        print_error(f"cannot write '{target}': {exc.strerror or exc}",
                    ["check that you have write permission"], color=color)
        return EXIT_IO
    tick = paint("✔", "green", enabled=color)
    width = max(len(rel) for rel, _ in files)
    err = sys.stderr
    print(f"Created {target} case directory from template '{args.template}':", file=err)
    for rel, _ in files:
        print(f"  {tick} {rel:<{width}}  {FILE_DESCRIPTIONS.get(rel, '')}".rstrip(), file=err)
    print("\nNext steps:", file=err)
    print(f"  -> pycobre validate {target}", file=err)
    print(f"  -> pycobre run {target} --output {target}/results", file=err)
    return EXIT_OK
