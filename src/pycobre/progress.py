"""Live progress display for ``pycobre run`` (stderr).

With a terminal it is a ``rich`` progress bar carrying iteration, bounds, gap, time per
iteration and ETA; otherwise (pipe, file, CI) it prints one plain line per iteration, so logs stay
readable. Library code never prints: only the CLI creates these displays.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

__all__ = [
    "ProgressEvent",
    "TrainingProgress",
    "SimulationProgressBar",
    "format_duration",
    "training_progress_event",
    "typed_training_events",
    "deliver",
    "simulation_reporter",
]


@dataclass(frozen=True)
class ProgressEvent:
    """What ``progress_callback`` receives (spec 20 §9.1); ``pycobre.events`` may re-export it."""

    phase: str
    iteration: int | None = None
    lower_bound: float | None = None
    upper_bound: float | None = None
    upper_bound_std: float | None = None
    ci_95: float | None = None
    gap: float | None = None
    wall_time_ms: int = 0
    iteration_time_ms: int | None = None
    scenarios_complete: int | None = None
    scenarios_total: int | None = None
    rules: tuple[Any, ...] = ()
    worker_id: int | None = None


def _event_class() -> type:
    """``pycobre.events.ProgressEvent`` when that module exists, else the local twin."""
    try:
        from pycobre.events import ProgressEvent as cls
    except ImportError:  # pragma: no cover - events module absent
        cls = ProgressEvent
    return cls


def training_progress_event(rec: Any) -> Any:
    """The ``ProgressEvent`` of one training iteration record (spec 20 §9.1)."""
    ub = rec.upper_bound_mean
    return _event_class()(
        phase="training",
        iteration=int(rec.iteration),
        lower_bound=float(rec.lower_bound),
        upper_bound=float(ub),
        upper_bound_std=float(rec.upper_bound_std),
        ci_95=float(rec.ci_95),
        gap=(ub - rec.lower_bound) / abs(ub) if ub else None,
        wall_time_ms=int(rec.wall_time_ms),
        iteration_time_ms=int(rec.time_total_ms),
        rules=tuple(rec.rules),
    )


def typed_training_events(rec: Any, n_stages: int) -> list[Any]:
    """Spec 20 §9.2 events of one iteration (built by ``pycobre.training.event_stream``)."""
    try:
        from pycobre.training.event_stream import typed_events_from_record
    except ImportError:  # pragma: no cover - object layer absent: hand out the record
        return [rec]
    return list(typed_events_from_record(rec, n_stages))


def _is_stop(answer: Any) -> bool:
    name = "StopTraining"
    return type(answer).__name__ == name or getattr(answer, "__name__", "") == name


def deliver(callback: Callable[[Any], object], event: Any) -> bool:
    """Call a user callback; ``True`` when it asks to stop (raises or returns StopTraining)."""
    try:
        return _is_stop(callback(event))
    except Exception as exc:
        if _is_stop(exc):
            return True
        raise


def simulation_reporter(display: Any, callback: Callable[[Any], object] | None) -> Any:
    """``progress(completed, total)`` for the simulation: drives the display and the callback."""
    if callback is None:
        return display
    cls = _event_class()
    start = time.perf_counter()
    lock = threading.Lock()

    def report(completed: int, total: int) -> None:
        if display is not None:
            getattr(display, "update", display)(completed, total)
        with lock:  # callbacks are serialised even when workers report concurrently
            callback(
                cls(
                    phase="simulation",
                    wall_time_ms=int((time.perf_counter() - start) * 1e3),
                    scenarios_complete=int(completed),
                    scenarios_total=int(total),
                )
            )

    return report


def format_duration(seconds: float) -> str:
    """``3m 42s`` / ``1h 02m`` / ``12.3s`` as in Cobre's summaries."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    m, s = divmod(int(round(seconds)), 60)
    if m < 60:
        return f"{m}m {s:02d}s"
    h, m = divmod(m, 60)
    return f"{h}h {m:02d}m"


def _is_tty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _width(stream: IO[str]) -> int:
    """Terminal width; ``COLUMNS`` is the hint when the stream is not a terminal (spec 06 §2)."""
    if _is_tty(stream):
        return shutil.get_terminal_size((120, 24)).columns
    try:
        return max(40, int(os.environ.get("COLUMNS", "")))
    except ValueError:
        return 160


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.6e}"


class TrainingProgress:
    """Context manager; call :meth:`update` with each iteration record."""

    def __init__(
        self,
        total_iterations: int | None,
        *,
        stream: IO[str] | None = None,
        quiet: bool = False,
        rich: bool | None = None,
        color: bool | None = None,
        width: int | None = None,
    ) -> None:
        self.total = total_iterations
        self.width = width
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.use_rich = (not quiet) and (_is_tty(self.stream) if rich is None else rich)
        self.color = color
        self._progress: Any = None
        self._task: Any = None
        self._start = time.perf_counter()
        self._first_iteration: int | None = None

    def __enter__(self) -> TrainingProgress:
        self._start = time.perf_counter()
        if self.use_rich:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            console = Console(
                file=self.stream,
                force_terminal=True if self.color else None,
                no_color=self.color is False,
                width=self.width or _width(self.stream),
            )
            self._progress = Progress(
                TextColumn("[bold]Training"),
                BarColumn(bar_width=24),
                MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=console,
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("training", total=self.total, info="")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _eta(self, iteration: int) -> float | None:
        if self.total is None or self._first_iteration is None:
            return None
        done = iteration - self._first_iteration + 1
        if done <= 0:
            return None
        per = (time.perf_counter() - self._start) / done
        return max(0.0, per * (self.total - iteration))

    def update(self, rec: Any) -> None:
        if self.quiet:
            return
        if self._first_iteration is None:
            self._first_iteration = int(rec.iteration)
        gap = getattr(rec, "gap_percent", None)
        gap_s = "-" if gap is None else f"{gap:.2f}%"
        info = (
            f"LB {_fmt(rec.lower_bound)}  UB {_fmt(rec.upper_bound_mean)}  gap {gap_s}  "
            f"{rec.time_total_ms} ms/iter"
        )
        if self._progress is not None:
            self._progress.update(self._task, completed=rec.iteration, info=info)
            return
        eta = self._eta(int(rec.iteration))
        total = "" if self.total is None else f"/{self.total}"
        eta_s = "" if eta is None else f"  ETA {format_duration(eta)}"
        print(f"iteration {rec.iteration}{total}  {info}{eta_s}", file=self.stream, flush=True)


class SimulationProgressBar:
    """Scenario counter for the simulation phase (same terminal/plain rule).

    ``update(completed, total)`` may be called from worker threads; the total is taken from the
    first call when not given up front.
    """

    def __init__(
        self, total: int | None = None, *, stream: IO[str] | None = None, quiet: bool = False
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.use_rich = not quiet and _is_tty(self.stream)
        self._progress: Any = None
        self._task: Any = None
        self._last_print = 0.0
        self._lock = threading.Lock()

    def __enter__(self) -> SimulationProgressBar:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _start_rich(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(
            TextColumn("[bold]Simulation"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            console=Console(file=self.stream, width=_width(self.stream)),
        )
        self._progress.start()
        self._task = self._progress.add_task("simulation", total=self.total)

    def update(self, completed: int, total: int | None = None) -> None:
        if self.quiet:
            return
        with self._lock:
            if total is not None:
                self.total = total
            if self.use_rich:
                if self._progress is None:
                    self._start_rich()
                self._progress.update(self._task, completed=completed, total=self.total)
                return
            now = time.perf_counter()
            done = self.total is not None and completed >= self.total
            if done or now - self._last_print > 2.0:
                self._last_print = now
                total_s = "?" if self.total is None else str(self.total)
                print(f"simulation {completed}/{total_s} scenarios", file=self.stream, flush=True)
