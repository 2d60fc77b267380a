"""glibc heap setting that keeps HiGHS from growing the process heap on every cut addition.

Why: after rows are appended to a stage LP, HiGHS reallocates its per-solve work vectors (sized
by the LP's rows/columns, tens of KiB each) at the new size. With glibc's default (dynamic) mmap
threshold these land in the main heap between the long-lived, growing matrix storage, so the
freed ones cannot be given back and peak RSS grows by ~0.5 MiB per added cut row across the 36
XLarge stage LPs per rank — about 4x the cut data itself (measured with
``benchmarks/memory_per_rank.py``; ``tracemalloc`` sees none of it). Serving allocations of
32 KiB and more from ``mmap`` returns them to the system on free; the CPU cost was not
measurable on 4ree (``benchmarks/parallel_speedup.py --gil``). Results are unaffected (only
where memory comes from changes).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

__all__ = ["limit_heap_fragmentation", "MMAP_THRESHOLD"]

#: bytes; allocations at least this large are served by mmap (glibc M_MMAP_THRESHOLD)
MMAP_THRESHOLD = 32 * 1024
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
