"""Communicator conformance under an MPI launcher (spec 21 §7.3); run by every rank.

Usage: mpiexec -n R python comm_conformance.py R
Each rank checks every result itself and prints ``rank r conformance OK`` at the end; any
mismatch raises, and ``fail_fast`` turns that into a job abort naming the rank.
"""

import sys
import time

import numpy as np

from pycobre.comm import (
    MpiCommunicator,
    ReduceOp,
    WorkSplit,
    allreduce_counts,
    create_communicator,
    fail_fast,
    gather_rows,
)
from pycobre.errors import CommunicationError


def say(text: str) -> None:
    """One write per line, so lines of different ranks never interleave."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def rows_of(rank: int, n: int, width: int = 3) -> np.ndarray:
    return rank * 1000.0 + np.arange(n * width, dtype=np.float64).reshape(n, width)


def check(comm, expected_size: int) -> None:
    r, R = comm.rank, comm.size
    assert type(comm).__name__ == "MpiCommunicator", type(comm)
    assert R == expected_size, (R, expected_size)
    assert comm.topology.backend == "mpi" and comm.topology.world_size == R
    assert sorted(x for ranks in comm.topology.hosts.values() for x in ranks) == list(range(R))

    # allgatherv, rank-ordered, rank 0 contributes zero rows
    counts = list(range(R))
    got = comm.allgatherv(rows_of(r, r), counts)
    want = np.concatenate([rows_of(s, s) for s in range(R)])
    assert got.shape == (sum(counts), 3) and np.array_equal(got, want)
    # counts learned by the communicator
    assert np.array_equal(comm.allgatherv(rows_of(r, r)), want)
    # every rank empty
    empty = comm.allgatherv(np.zeros((0, 4)), [0] * R)
    assert empty.shape == (0, 4)

    # structured records (the cut wire format of spec 21 §4)
    D = 5
    cut = np.dtype(
        [
            ("slot", "u4"),
            ("iteration", "u4"),
            ("fp", "u4"),
            ("pad", "u4"),
            ("intercept", "f8"),
            ("coefficients", "f8", (D,)),
        ]
    )
    mine = np.zeros(r + 1, dtype=cut)
    mine["slot"] = np.arange(r + 1) + 10 * r
    mine["intercept"] = np.arange(r + 1) * 0.5 + r
    mine["coefficients"] = r + np.arange((r + 1) * D).reshape(r + 1, D) / 7.0
    recs = comm.allgatherv(mine, [s + 1 for s in range(R)])
    off = 0
    for s in range(R):
        part = recs[off : off + s + 1]
        assert np.array_equal(part["slot"], np.arange(s + 1) + 10 * s)
        assert np.array_equal(
            part["coefficients"], s + np.arange((s + 1) * D).reshape(s + 1, D) / 7.0
        )
        off += s + 1

    # allgather
    ag = comm.allgather(np.array([r, -r], dtype=np.int32))
    assert np.array_equal(ag, np.array([[s, -s] for s in range(R)], dtype=np.int32))

    # allreduce for every operator
    x = np.array([0.1 * (r + 1), 1e16 if r == 0 else 1.0, -r], dtype=np.float64)
    s = comm.allreduce(x, ReduceOp.SUM)
    fold = np.array([0.1 * 1, 1e16, 0.0])
    for q in range(1, R):  # rank order 0..R-1
        fold = fold + np.array([0.1 * (q + 1), 1.0, -q])
    assert np.array_equal(s, fold), (s, fold)
    assert np.array_equal(
        comm.allreduce(np.array([r, 5 - r], np.int64), ReduceOp.SUM),
        np.array([R * (R - 1) // 2, 5 * R - R * (R - 1) // 2]),
    )
    assert np.array_equal(
        comm.allreduce(np.array([r, -r], np.float64), ReduceOp.MIN), [0, -(R - 1)]
    )
    assert np.array_equal(comm.allreduce(np.array([r, -r], np.int32), ReduceOp.MAX), [R - 1, 0])
    assert np.array_equal(
        comm.allreduce(np.array([1 << r, 0], np.uint32), ReduceOp.BOR), [(1 << R) - 1, 0]
    )
    flags = comm.allreduce(np.array([r == R - 1, False]), ReduceOp.BOR)
    assert flags.dtype == np.bool_ and flags.tolist() == [True, False]
    assert comm.allreduce(np.array([r == 0]), ReduceOp.MIN).tolist() == [R == 1]

    # broadcast from a non-zero root
    root = R - 1
    buf = np.arange(4.0) * (7 if r == root else 0)
    out = comm.broadcast(buf, root=root)
    assert np.array_equal(out, np.arange(4.0) * 7)
    assert comm.broadcast_object({"from": r, "cfg": [1, 2]} if r == root else None, root=root) == {
        "from": root,
        "cfg": [1, 2],
    }
    assert comm.allgather_object(("r", r)) == [("r", s) for s in range(R)]
    comm.barrier()

    # a fixed sequence of mixed collectives with sizes from a shared seeded stream
    rng = np.random.default_rng(42)
    for step in range(40):
        kind = int(rng.integers(0, 3))
        cts = rng.integers(0, 4, size=R)
        if kind == 0:
            g = comm.allgatherv(rows_of(r, int(cts[r]), 2) + step, cts)
            assert np.array_equal(
                g, np.concatenate([rows_of(q, int(cts[q]), 2) + step for q in range(R)])
            )
        elif kind == 1:
            m = comm.allreduce(np.array([step * 10 + r]), ReduceOp.MAX)
            assert m[0] == step * 10 + R - 1
        else:
            b = comm.broadcast(np.array([step + (r == step % R)], np.int64), root=step % R)
            assert b[0] == step + 1

    # the SDDP helpers on top: a two-level split and a packed gather of (trial points, costs)
    M, T, Dn = 7, 3, 2
    split = WorkSplit.for_comm(comm, M, n_threads=2)
    local_trial = (
        np.stack([np.full((T, Dn), float(m)) for m in split.rank_block])
        if split.n_local
        else np.zeros((0, T, Dn))
    )
    local_cost = np.array([m * 1.5 for m in split.rank_block])
    trial, cost = gather_rows(comm, [local_trial, local_cost], split.counts)
    assert trial.shape == (M, T, Dn) and np.array_equal(trial[:, 0, 0], np.arange(M, dtype=float))
    assert np.array_equal(cost, np.arange(M) * 1.5)
    hist = allreduce_counts(comm, [np.array([0, 2, 2])], [np.array([1, r, 1])], 4)
    assert hist.tolist() == [R, 0, R * (R - 1) // 2 + R, 0]

    # failure cases that every rank detects locally (so nobody is left waiting)
    for bad in (
        lambda: comm.broadcast(np.zeros(1), root=R),
        lambda: comm.allgatherv(np.zeros((2, 1)), [1] * R),
        lambda: comm.allgatherv(np.zeros((1, 1)), [1] * (R + 1)),
    ):
        try:
            bad()
        except CommunicationError as exc:
            assert exc.rank == r and exc.operation in ("broadcast", "allgatherv")
        else:
            raise AssertionError("expected CommunicationError")

    # a peer that arrives late: rank 0 times out, the job carries on once the peer catches up
    timed = MpiCommunicator(timeout_s=0.5)
    if R == 1:
        pass
    elif r == 0:
        t0 = time.monotonic()
        try:
            timed.barrier()
        except CommunicationError as exc:
            assert "waited more than 0.5 s" in str(exc) and exc.context["detail"] == "timeout"
            assert 0.4 < time.monotonic() - t0 < 5
        else:
            raise AssertionError("rank 0 should have timed out")
    else:
        time.sleep(1.5)
        timed.barrier()
    comm.barrier()


def main() -> None:
    expected = int(sys.argv[1])
    comm = create_communicator()
    with fail_fast(comm):
        check(comm, expected)
    say(f"rank {comm.rank} conformance OK")


if __name__ == "__main__":
    main()
