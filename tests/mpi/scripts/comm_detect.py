"""Print ``backend rank size launcher-variable``; importing pycobre must not import mpi4py."""

import sys

import pycobre  # noqa: F401
import pycobre.comm as comm_pkg

assert "mpi4py" not in sys.modules, "import pycobre imported mpi4py"
comm = comm_pkg.create_communicator()
sys.stdout.write(f"{comm.backend} {comm.rank} {comm.size} {comm_pkg.detect_launcher().variable}\n")
