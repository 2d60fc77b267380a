"""The edge's reports for resource faults: disk full, read-only folder, out of memory."""

from __future__ import annotations

import errno

from pycobre.cli.failures import (
    DISK_FULL_HINT,
    EXIT_INTERNAL,
    EXIT_IO,
    IO_HINT,
    MEMORY_HINT,
    READ_ONLY_HINT,
    os_errno,
    report_exception,
)
from pycobre.errors import CobreIOError, RunError


def _wrapped(err: OSError, message: str) -> CobreIOError:
    try:
        try:
            raise err
        except OSError as inner:
            raise CobreIOError(message, kind="OutputWriteFailed") from inner
    except CobreIOError as outer:
        return outer


def test_disk_full_gets_its_own_hint(capsys):
    exc = _wrapped(OSError(errno.ENOSPC, "No space left on device"),
                   "cannot write output file out/training/convergence.parquet")
    assert os_errno(exc) == errno.ENOSPC
    assert report_exception(exc, color=False) == EXIT_IO
    err = capsys.readouterr().err
    assert "error: cannot write output file out/training/convergence.parquet" in err
    assert DISK_FULL_HINT in err and IO_HINT not in err


def test_pyarrow_text_errno_is_recognised():
    exc = CobreIOError("cannot write output file x.parquet: Error writing bytes to file. "
                       "Detail: [errno 28] No space left on device", kind="OutputWriteFailed")
    assert os_errno(exc) == errno.ENOSPC


def test_read_only_gets_its_own_hint(capsys):
    exc = _wrapped(OSError(errno.EROFS, "Read-only file system"), "cannot create output file y")
    assert report_exception(exc, color=False) == EXIT_IO
    assert READ_ONLY_HINT in capsys.readouterr().err


def test_out_of_memory_is_reported_without_calling_it_a_bug(capsys):
    exc = RunError("Unable to allocate 7.28 TiB",
                   inner=MemoryError("Unable to allocate 7.28 TiB for an array"))
    assert report_exception(exc, color=False) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "error: out of memory: Unable to allocate 7.28 TiB for an array" in err
    assert MEMORY_HINT in err and "bug" not in err


def test_plain_io_error_keeps_the_generic_hint(capsys):
    exc = CobreIOError("case directory not found: nowhere", kind="CaseNotFound")
    assert os_errno(exc) is None
    assert report_exception(exc, color=False) == EXIT_IO
    assert IO_HINT in capsys.readouterr().err


def test_sigterm_calls_the_verbs_interrupt_handler():
    import os
    import signal

    from pycobre.cli.main import _sigterm_as_interrupt

    seen = []
    before = signal.getsignal(signal.SIGTERM)
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        with _sigterm_as_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
        assert seen == [signal.SIGINT]
        assert signal.getsignal(signal.SIGTERM) == before  # restored
    finally:
        signal.signal(signal.SIGINT, previous)


def test_sigterm_without_a_handler_is_a_keyboard_interrupt():
    import os
    import signal

    import pytest

    from pycobre.cli.main import _sigterm_as_interrupt

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), _sigterm_as_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
    finally:
        signal.signal(signal.SIGINT, previous)
