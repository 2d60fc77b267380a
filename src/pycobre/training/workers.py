"""Process-wide worker count and backend resolution (spec 20 §11).

Resolution order for the number of SDDP workers: explicit argument -> :func:`set_workers` ->
``PYCOBRE_WORKERS`` -> ``COBRE_THREADS`` -> 1. Unlike Cobre's global thread pool the default may
change at any time; it applies to the next call.
"""

from __future__ import annotations

import os

from pycobre.errors import CobreError

__all__ = [
    "set_workers",
    "get_workers",
    "set_threads",
    "get_threads",
    "resolve_workers",
    "resolve_backend_name",
    "ENV_WORKERS",
]

ENV_WORKERS = ("PYCOBRE_WORKERS", "COBRE_THREADS")

_default_workers: int | None = None


def _check_count(value: object, source: str) -> int:
    try:
        n = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        n = None
    if n is None or isinstance(value, bool) or n < 1 or (isinstance(value, float) and n != value):
        raise CobreError(
            f"{source} must be an integer >= 1, got {value!r}",
            kind="IncompatibleSettings",
            context={"settings": source, "value": value},
        )
    return n


def set_workers(n: int | None) -> None:
    """Set the default number of workers for later calls; ``None`` restores env/1 resolution."""
    global _default_workers
    _default_workers = None if n is None else _check_count(n, "workers")


def get_workers() -> int:
    """The worker count a call without an explicit ``workers`` argument would use."""
    if _default_workers is not None:
        return _default_workers
    for key in ENV_WORKERS:
        value = os.environ.get(key, "").strip()
        if value:
            return _check_count(value, key)
    return 1


#: Cobre-design spellings (``cobre.set_threads`` / ``get_threads``)
set_threads = set_workers
get_threads = get_workers


def resolve_workers(*candidates: tuple[str, int | None]) -> int:
    """First explicit value among ``(name, value)`` pairs, else :func:`get_workers`.

    Several explicit values that disagree (``workers=2, num_workers=4``) raise ``ValueError``,
    the rule ``run(threads=, workers=)`` follows.
    """
    given = [(name, value) for name, value in candidates if value is not None]
    counts = {name: _check_count(value, name) for name, value in given}
    if len(set(counts.values())) > 1:
        desc = ", ".join(f"{k}={v}" for k, v in counts.items())
        raise ValueError(f"conflicting worker counts: {desc}")
    return next(iter(counts.values())) if counts else get_workers()


def resolve_backend_name(backend: str | None) -> str:
    """Validated backend name as it runs here (``"local"`` or ``"mpi"``).

    Unknown names raise ``CobreError(kind="IncompatibleSettings")``. Workers of one machine run
    as threads of this process (spec 00 §6), so ``process``/``shm``/``tcp`` resolve to
    ``"local"``.
    """
    from pycobre.comm.factory import resolve_backend

    return resolve_backend(backend)
