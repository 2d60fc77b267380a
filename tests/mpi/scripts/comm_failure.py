"""One rank fails; the job must end (never hang) with that rank's message.

Usage: mpiexec -n 2 python comm_failure.py MODE
  raise       rank 1 raises inside ``fail_fast`` while rank 0 waits in an allgatherv -> abort
  excepthook  rank 1 raises uncaught (abort excepthook installed) while rank 0 waits -> abort
  timeout     rank 1 skips a collective and sleeps; rank 0 times out (PYCOBRE_COMM_TIMEOUT_S)
              inside ``fail_fast`` -> abort
  killed      rank 1 dies from SIGKILL (a hard crash, no Python handler) while rank 0 waits ->
              the launcher ends the job
  agree_unhandled  as ``agree`` inside ``fail_fast`` but nothing catches: every rank exits with
              its own traceback, without MPI_Abort
  agree       rank 1's work raises; ``raise_if_any_failed`` makes every rank raise, caught here,
              each rank prints what it saw and exits 0
"""

import os
import signal
import sys
import time

import numpy as np

from pycobre.comm import (
    create_communicator,
    fail_fast,
    install_abort_excepthook,
    raise_if_any_failed,
)
from pycobre.errors import SolverError, WorkerError


def say(text: str) -> None:
    """One write per line, so lines of different ranks never interleave."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main(mode: str) -> None:
    comm = create_communicator()
    r = comm.rank
    comm.barrier()
    if mode == "raise":
        with fail_fast(comm):
            if r == 1:
                raise SolverError("LP infeasible", stage=3, iteration=2)
            comm.allgatherv(np.zeros((1, 2)), [1] * comm.size)
    elif mode == "excepthook":
        install_abort_excepthook(comm)
        if r == 1:
            raise ValueError("boom outside any guard")
        comm.allgatherv(np.zeros((1, 2)), [1] * comm.size)
    elif mode == "timeout":
        with fail_fast(comm):
            if r == 1:
                time.sleep(60)  # never reaches the barrier in time
            comm.barrier()
    elif mode == "killed":
        with fail_fast(comm):
            if r == 1:
                os.kill(os.getpid(), signal.SIGKILL)
            comm.allgatherv(np.zeros((1, 2)), [1] * comm.size)
    elif mode == "agree_unhandled":
        install_abort_excepthook(comm)
        with fail_fast(comm):
            error = SolverError("LP infeasible", stage=3, iteration=2) if r == 1 else None
            raise_if_any_failed(comm, error)
    elif mode == "agree":
        error = None
        try:
            if r == 1:
                raise SolverError("LP infeasible", stage=3, iteration=2)
        except Exception as exc:  # the loop keeps the error and reports it collectively
            error = exc
        try:
            raise_if_any_failed(comm, error)
        except WorkerError as exc:
            say(f"rank {r} WorkerError rank={exc.rank} msg={exc}")
        except SolverError as exc:
            say(f"rank {r} SolverError own stage={exc.stage}")
        comm.barrier()
        return
    say(f"rank {r} finished normally")


if __name__ == "__main__":
    main(sys.argv[1])
