"""Helpers for the fault tests: a case copy with a patched config, `pycobre run` in a child
process that can be SIGKILLed at a chosen moment, and checks on what an output folder claims."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pyarrow.parquet as pq
from tests.cli._cases import case_copy


def patched_case(tmp: pathlib.Path, name: str, **config: Any) -> pathlib.Path:
    """Copy ``name`` (without any ``output/`` left in the source tree) and set config keys given
    as ``training__forward_passes=2`` (double underscore = nesting)."""
    case = case_copy(tmp, name)
    import shutil

    shutil.rmtree(case / "output", ignore_errors=True)
    set_config(case, **config)
    return case


def set_config(case: pathlib.Path, **config: Any) -> None:
    path = case / "config.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    for key, value in config.items():
        node = doc
        parts = key.split("__")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")


def iteration_limit(n: int) -> list[dict[str, Any]]:
    return [{"type": "iteration_limit", "limit": n}]


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m pycobre --color never ARGS`` to completion."""
    return subprocess.run([sys.executable, "-m", "pycobre", "--color", "never", *args],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})


def run_and_kill(args: list[str], log: pathlib.Path, when: Callable[[str], bool],
                 timeout: float = 120) -> str:
    """Start ``pycobre run ARGS`` (stderr to ``log``), SIGKILL it once ``when(stderr so far)``
    holds; returns the stderr. Fails if the process ends by itself first."""
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.Popen([sys.executable, "-m", "pycobre", "--color", "never", "run",
                                 *args], stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + timeout
        try:
            while True:
                text = log.read_text(encoding="utf-8", errors="replace")
                if when(text):
                    proc.send_signal(signal.SIGKILL)
                    break
                if proc.poll() is not None:
                    raise AssertionError(f"run ended (rc {proc.returncode}) before the kill:\n"
                                         + text[-2000:])
                if time.monotonic() > deadline:
                    raise AssertionError("kill condition never met:\n" + text[-2000:])
                time.sleep(0.02)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return log.read_text(encoding="utf-8", errors="replace")


def markers(out: pathlib.Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("_SUCCESS"))


def every_file_reads(out: pathlib.Path) -> list[str]:
    """Names of files under ``out`` that do not read back (a half-written file would)."""
    bad = []
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        try:
            if path.suffix == ".parquet":
                pq.read_table(path)
            elif path.suffix == ".json":
                json.loads(path.read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001 - collected and reported by the caller
            bad.append(f"{path.relative_to(out)}: {exc}")
    return bad


def leftovers(out: pathlib.Path) -> list[str]:
    """Temporary files of the atomic writers (``.<name>.<hex>.tmp``) or half-swapped policy
    folders (``.policy.new``) still in ``out``."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.name.endswith(".tmp") or p.name.startswith(".policy"))


def lower_bound(out: pathlib.Path) -> tuple[int, float]:
    meta = json.loads((out / "policy" / "metadata.json").read_text(encoding="utf-8"))
    return int(meta["completed_iterations"]), float(meta["final_lower_bound"])
