"""``train_async`` / ``simulate_async`` (spec 20 §7.4, optional): the synchronous calls on an
executor thread, so an asyncio program is not blocked while the LPs are solved.

Callbacks run on the executor thread; use ``loop.call_soon_threadsafe`` to touch loop state.
Ctrl-C handling is left to the event loop (signal handlers belong to the main thread).
"""

from __future__ import annotations

import functools
from typing import Any

from pycobre.training.results import SimulationResult, TrainingResult
from pycobre.training.simulate_api import simulate
from pycobre.training.train_api import train

__all__ = ["train_async", "simulate_async"]


async def train_async(*args: Any, **kwargs: Any) -> TrainingResult:
    """Same arguments as :func:`pycobre.train`."""
    import asyncio  # here, not at module level: ~20 ms of every pycobre start-up otherwise

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(train, *args, **kwargs))


async def simulate_async(*args: Any, **kwargs: Any) -> SimulationResult:
    """Same arguments as :func:`pycobre.simulate`."""
    import asyncio

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(simulate, *args, **kwargs))
