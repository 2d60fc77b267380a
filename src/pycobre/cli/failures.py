"""Turning exceptions into an exit code and a readable stderr report (spec 02 §5.3, §6).

No traceback is ever printed for bad input; an unexpected exception is reported as a bug with
exit code 4 (internal).
"""

from __future__ import annotations

import errno
import re
import sys
from typing import TextIO

from pycobre.cli.color import paint
from pycobre.errors import (
    LOADER_KIND,
    CheckpointError,
    CobreError,
    CobreIOError,
    CommunicationError,
    OutputNotFoundError,
    RunError,
    SolverError,
    ValidationError,
    WorkerError,
)

EXIT_OK = 0
EXIT_VALIDATION = 1
EXIT_IO = 2
EXIT_SOLVER = 3
EXIT_INTERNAL = 4

VALIDATE_HINT = "run `pycobre validate <CASE_DIR>` for a full diagnostic report"
IO_HINT = "check that the path exists and you have read/write permissions"
SOLVER_HINT = "check constraint bounds (hydros may have conflicting min/max storage)"
DISK_FULL_HINT = (
    "the disk holding the output folder is full: free some space or pass --output on another "
    "disk; folders without a _SUCCESS marker are incomplete"
)
READ_ONLY_HINT = (
    "the output folder cannot be written (read-only file system or no permission): pass "
    "--output with a writable folder; existing outputs there were left as they were"
)
MEMORY_HINT = (
    "lower the iteration limit, forward passes, openings or simulation scenarios "
    "(see docs/dev/limits.md), or use a machine with more memory"
)
INTERNAL_HINTS = (
    "this may indicate a software or environment problem",
    "report this at https://github.com/pycobre/pycobre/issues",
)


def exit_code_for(exc: BaseException) -> int:
    """Exit code class of ``exc`` (spec 02 §6)."""
    if isinstance(exc, RunError) and exc.inner is not None:
        return exit_code_for(exc.inner)
    if isinstance(exc, WorkerError) and exc.inner is not None:
        return exit_code_for(exc.inner)
    if isinstance(exc, ValidationError):
        return EXIT_VALIDATION
    if isinstance(exc, OutputNotFoundError) and exc.context.get("purpose") == "policy":
        return EXIT_INTERNAL  # missing policy directory for warm-start/resume/simulation-only
    if isinstance(exc, CobreIOError):
        return EXIT_INTERNAL if exc.kind == "OutputCorrupted" else EXIT_IO
    if isinstance(exc, SolverError):
        return EXIT_SOLVER
    if isinstance(exc, (CommunicationError, CheckpointError, WorkerError)):
        return EXIT_INTERNAL
    if isinstance(exc, CobreError):
        # e.g. IncompatibleSettings raised for call arguments: a validation-class problem
        loader = LOADER_KIND.get(exc.kind)
        return EXIT_VALIDATION if loader not in (None, "IoError") else EXIT_INTERNAL
    if isinstance(exc, OSError):
        return EXIT_IO
    return EXIT_INTERNAL


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it wraps (``inner``, ``__cause__``, ``__context__``)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [getattr(e, "inner", None), e.__cause__, e.__context__]
    return seen


_ERRNO_TEXT = re.compile(r"\[errno (\d+)\]", re.IGNORECASE)


def os_errno(exc: BaseException) -> int | None:
    """The ``errno`` behind a (possibly wrapped) write failure, also from pyarrow's text."""
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno:
            return int(e.errno)
        match = _ERRNO_TEXT.search(str(e))
        if match:
            return int(match.group(1))
        if "No space left on device" in str(e):
            return errno.ENOSPC
        if "Read-only file system" in str(e):
            return errno.EROFS
    return None


def out_of_memory(exc: BaseException) -> MemoryError | None:
    return next((e for e in _chain(exc) if isinstance(e, MemoryError)), None)


def hints_for(exc: BaseException) -> list[str]:
    code = exit_code_for(exc)
    hints: list[str] = []
    suggestion = getattr(exc, "suggestion", None)
    if suggestion:
        hints.append(str(suggestion))
    number = os_errno(exc) if code in (EXIT_IO, EXIT_INTERNAL) else None
    if number in (errno.ENOSPC, errno.EDQUOT):
        return [*hints, DISK_FULL_HINT]
    if number in (errno.EROFS, errno.EACCES, errno.EPERM) and code == EXIT_IO:
        return [*hints, READ_ONLY_HINT]
    if out_of_memory(exc) is not None:
        return [*hints, MEMORY_HINT]
    if code == EXIT_VALIDATION:
        hints.append(VALIDATE_HINT)
    elif code == EXIT_IO:
        hints.append(IO_HINT)
    elif code == EXIT_SOLVER:
        hints += [SOLVER_HINT, VALIDATE_HINT]
    elif not isinstance(exc, CobreError):
        hints += list(INTERNAL_HINTS)
    return hints


def print_error(message: str, hints: list[str], *, color: bool, stream: TextIO | None = None
                ) -> None:
    out = stream or sys.stderr
    print(f"{paint('error:', 'bold', 'red', enabled=color)} {message}", file=out)
    for hint in hints:
        print(f"  -> {hint}", file=out)


def report_exception(exc: BaseException, *, color: bool) -> int:
    """Print ``exc`` as ``error: ...`` plus hints; return its exit code."""
    oom = out_of_memory(exc)
    if oom is not None:
        message = f"out of memory: {oom or 'an allocation failed'}"
    elif isinstance(exc, CobreError):
        message = exc.message
    elif isinstance(exc, OSError):
        message = f"I/O error: {exc}"
    else:
        message = (f"internal error ({type(exc).__name__}: {exc}); this is a bug in pycobre, "
                   "not a problem with your input")
    print_error(message, hints_for(exc), color=color)
    return exit_code_for(exc)
