"""glibc heap setting that keeps HiGHS from growing the process heap on every cut addition.

Why: after rows are appended to a stage LP, HiGHS reallocates its per-solve work vectors (sized
by the LP's rows/columns, tens of KiB each) at the new size. With glibc's default (dynamic) mmap
threshold these land in the main heap between the long-lived, growing matrix storage, so the
freed ones cannot be given back and peak RSS grows with every added cut row (XLarge, 1 rank,
M = 4: 6.4 MiB per iteration; ``benchmarks/lp_rss_per_iteration.py``; ``tracemalloc`` sees none
of it). A fixed threshold stops the dynamic growth; allocations at least that large are served
by ``mmap`` and returned on free.

The threshold is a speed/memory trade (measured 2026-11-26, XLarge RSS after 20 iterations and
2XLarge in-solve seconds for 2 iterations, M = 4): 32 KiB → 200 MiB / 22.3 s; **128 KiB → 225
MiB / 16.8 s**; 8 MiB → 268 MiB / 15.9 s; glibc default → 268 MiB. Below 128 KiB the 2XLarge
work vectors (4,842 rows: ~38 KiB each) are mapped and unmapped on every solve. Results are
unaffected (only where memory comes from changes). ``MALLOC_MMAP_THRESHOLD_`` in the
environment overrides it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

__all__ = ["limit_heap_fragmentation", "MMAP_THRESHOLD"]

#: bytes; allocations at least this large are served by mmap (glibc M_MMAP_THRESHOLD)
MMAP_THRESHOLD = 128 * 1024
_M_MMAP_THRESHOLD = -3  # glibc <malloc.h>
_done = False


def limit_heap_fragmentation() -> bool:
    """Set glibc's mmap threshold once per process (no-op elsewhere, or when the user set
    ``MALLOC_MMAP_THRESHOLD_`` themselves). Returns True when the setting was applied."""
    global _done
    if _done:
        return False
    _done = True
    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return False
