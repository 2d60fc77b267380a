"""``python -m pycobre`` runs the CLI (also the entry used under ``mpiexec``/``srun``)."""

from pycobre.cli.main import main

raise SystemExit(main())
