"""LocalCommunicator semantics, argument errors, and the failure helpers with one rank."""

from __future__ import annotations

import numpy as np
import pytest

from pycobre.comm import (
    LocalCommunicator,
    ReduceOp,
    allreduce_counts,
    describe_failure,
    fail_fast,
    gather_rows,
    raise_if_any_failed,
)
from pycobre.errors import CommunicationError, SolverError


@pytest.fixture
def comm():
    return LocalCommunicator()


def test_identity_collectives(comm):
    assert (comm.rank, comm.size, comm.is_root, comm.backend) == (0, 1, True, "local")
    assert comm.topology.backend == "local" and comm.topology.world_size == 1
    assert list(comm.topology.hosts.values()) == [(0,)]
    x = np.arange(6.0).reshape(3, 2)
    g = comm.allgatherv(x, [3])
    assert np.array_equal(g, x) and g is not x
    g[0, 0] = 99.0
    assert x[0, 0] == 0.0  # a copy, not a view
    assert np.array_equal(comm.allgatherv(x), x)
    assert comm.allgather(np.array([4, 5])).tolist() == [[4, 5]]
    assert comm.allgatherv(np.zeros((0, 5)), [0]).shape == (0, 5)
    for op in ReduceOp:
        assert comm.allreduce(np.array([3, 1], np.int64), op).tolist() == [3, 1]
    b = np.array([1.5])
    assert comm.broadcast(b) is b
    assert comm.broadcast_object({"a": 1}) == {"a": 1}
    assert comm.allgather_object("x") == ["x"]
    assert comm.barrier() is None


def test_argument_errors_name_the_operation(comm):
    with pytest.raises(CommunicationError, match="invalid root") as e:
        comm.broadcast(np.zeros(1), root=1)
    assert e.value.operation == "broadcast" and e.value.rank == 0
    assert e.value.kind == "MpiError"
    with pytest.raises(CommunicationError, match="invalid buffer size") as e:
        comm.allgatherv(np.zeros((2, 3)), [3])
    assert e.value.context["detail"] == "invalid buffer size"
    assert e.value.operation == "allgatherv"
    with pytest.raises(CommunicationError, match="counts must hold 1"):
        comm.allgatherv(np.zeros((2, 3)), [1, 1])
    with pytest.raises(CommunicationError, match="empty buffer"):
        comm.allreduce(np.zeros(0), ReduceOp.SUM)
    with pytest.raises(CommunicationError, match="BOR needs an integer"):
        comm.allreduce(np.zeros(2), ReduceOp.BOR)
    with pytest.raises(CommunicationError, match="unknown operator"):
        comm.allreduce(np.zeros(2), "sum")


def test_abort_exits_with_code_and_message(comm, capsys):
    with pytest.raises(SystemExit) as e:
        comm.abort(3, "pycobre: rank 0 of 1 failed: boom")
    assert e.value.code == 3
    assert "rank 0 of 1 failed: boom" in capsys.readouterr().err


def test_gather_rows_packs_and_restores_shapes(comm):
    trial = np.arange(24.0).reshape(4, 3, 2)
    costs = np.array([1.0, 2.0, 3.0, 4.0])
    t2, c2 = gather_rows(comm, [trial, costs], [4])
    assert np.array_equal(t2, trial) and t2.shape == (4, 3, 2)
    assert np.array_equal(c2, costs) and c2.shape == (4,)
    mixed = gather_rows(comm, [trial, costs.astype(np.int32)], [4])  # dtypes may differ
    assert mixed[1].dtype == np.int32
    with pytest.raises(ValueError, match="same number of rows"):
        gather_rows(comm, [trial, costs[:3]], [4])
    with pytest.raises(CommunicationError, match="invalid buffer size"):
        gather_rows(comm, [trial, costs], [3])
    with pytest.raises(ValueError, match="at least one"):
        gather_rows(comm, [], [0])


def test_allreduce_counts_sums_parts_exactly(comm):
    out = allreduce_counts(
        comm,
        [np.array([0, 2]), np.array([2, 3]), np.array([], np.int64)],
        [np.array([1, 4]), np.array([2, 7]), np.array([], np.int64)],
        5,
    )
    assert out.dtype == np.int64 and out.tolist() == [1, 0, 6, 7, 0]


def test_failure_helpers_with_one_rank(comm):
    raise_if_any_failed(comm, None)  # nothing failed: returns
    err = SolverError("LP infeasible", stage=4, iteration=1)
    with pytest.raises(SolverError) as e:
        raise_if_any_failed(comm, err)
    assert e.value is err
    with pytest.raises(KeyError):  # one rank: fail_fast re-raises unchanged
        with fail_fast(comm):
            raise KeyError("x")
    text = describe_failure(2, 4, err, with_traceback=False)
    assert text == (
        "pycobre: rank 2 of 4 failed: SolverError [SolverFailure]: LP infeasible"
        " (stage=4, iteration=1)"
    )
    assert describe_failure(0, 2, ValueError("v")).startswith(
        "pycobre: rank 0 of 2 failed: ValueError: v"
    )
