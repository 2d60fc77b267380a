"""A failing rank must end the whole job, never leave the others waiting (spec 21 §9 "Errors").

Two tools, for two situations:

* ``fail_fast(comm)`` wraps the whole SPMD body of a rank: any exception escaping it prints
  ``pycobre: rank r of R failed: ...`` (plus the traceback) to stderr and calls ``comm.abort``,
  which ends every rank — the last line of defence, for errors at unforeseen places. Errors
  raised by ``raise_if_any_failed`` pass through unchanged: every rank is raising them at the
  same time, so each can exit normally with its own message.
* ``raise_if_any_failed(comm, error)`` is a collective placed after each block of local work:
  every rank says whether its work raised; if any did, *all* ranks raise together (the first
  failing rank re-raises its own exception, the others a ``WorkerError`` naming it). The loop
  then unwinds on every rank the same way, so rank 0 can still write what was trained.
"""

from __future__ import annotations

import contextlib
import sys
import time
import traceback
from collections.abc import Iterator
from types import TracebackType

import numpy as np

from pycobre.comm.communicator import Communicator
from pycobre.errors import CobreError, WorkerError

#: set on exceptions that ``raise_if_any_failed`` raised on every rank at once
AGREED = "_pycobre_raised_on_all_ranks"

__all__ = ["fail_fast", "raise_if_any_failed", "describe_failure", "install_abort_excepthook"]


def describe_failure(
    rank: int, size: int, exc: BaseException, *, with_traceback: bool = True
) -> str:
    """One headline naming rank, exception type and message (and error kind), then the traceback."""
    kind = where = ""
    if isinstance(exc, CobreError):
        kind = f" [{exc.kind}]"
        items = [f"{k}={v}" for k, v in exc.context.items() if v is not None]
        where = f" ({', '.join(items)})" if items else ""
    head = f"pycobre: rank {rank} of {size} failed: {type(exc).__name__}{kind}: {exc}{where}"
    if not with_traceback:
        return head
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return f"{head}\n{tb.rstrip()}"


@contextlib.contextmanager
def fail_fast(comm: Communicator, *, code: int = 1) -> Iterator[None]:
    """Abort the whole job if the body raises on this rank (re-raise unchanged when ``size == 1``)."""
    try:
        yield
    except SystemExit as exc:
        if comm.size <= 1 or exc.code in (0, None):
            raise
        comm.abort(
            exc.code if isinstance(exc.code, int) else code,
            describe_failure(comm.rank, comm.size, exc),
        )
    except BaseException as exc:
        if comm.size <= 1 or getattr(exc, AGREED, False):
            raise  # one rank, or every rank is raising this together: nobody is left waiting
        comm.abort(
            130 if isinstance(exc, KeyboardInterrupt) else code,
            describe_failure(comm.rank, comm.size, exc),
        )


#: Seconds a rank that only reports another rank's failure waits before raising.
_REPORTER_GRACE_S = 0.5


def raise_if_any_failed(comm: Communicator, error: BaseException | None) -> None:
    """Collective: if any rank's ``error`` is set, raise on every rank (see module doc).

    Costs one 1-byte ``allgather`` when nothing failed. With ``size == 1`` the error is simply
    re-raised.
    """
    if comm.size <= 1:
        if error is not None:
            raise error
        return
    flags = comm.allgather(np.array([error is not None], dtype=np.int8)).reshape(-1)
    failed = np.flatnonzero(flags)
    if failed.size == 0:
        return
    first = int(failed[0])
    headline = (
        describe_failure(first, comm.size, error, with_traceback=False)
        if comm.rank == first
        else None
    )
    headline = str(comm.broadcast_object(headline, root=first))
    if comm.rank == first and error is not None:
        setattr(error, AGREED, True)
        raise error
    more = "" if failed.size == 1 else f" ({failed.size} ranks failed: {failed.tolist()})"
    agreed = WorkerError(
        f"{headline}{more}",
        rank=first,
        exit_code=None,
        inner=error,
        context={"failed_ranks": failed.tolist(), "reporting_rank": comm.rank},
    )
    setattr(agreed, AGREED, True)
    # The failing rank's own message names the file/field; a launcher that sees this rank exit
    # non-zero may kill the others before that message is printed, so let it go out first.
    time.sleep(_REPORTER_GRACE_S)
    raise agreed


def install_abort_excepthook(comm: Communicator) -> None:
    """Make an uncaught exception on any rank abort the job (for MPI entry points such as the CLI)."""
    if comm.size <= 1:
        return
    previous = sys.excepthook

    def hook(tp: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if getattr(exc, AGREED, False):  # raised on every rank together: a normal exit is safe
            previous(tp, exc, tb)
            return
        try:
            exc.__traceback__ = tb
            comm.abort(1, describe_failure(comm.rank, comm.size, exc))
        except BaseException:  # pragma: no cover - abort does not return
            previous(tp, exc, tb)

    sys.excepthook = hook
