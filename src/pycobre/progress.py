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
from typing import IO, Any

from pycobre.events import ProgressEvent

__all__ = [
    "ProgressEvent",
    "TrainingProgress",
    "SimulationProgressBar",
    "format_duration",
    "model_summary_lines",
    "training_progress_event",
    "typed_training_events",
    "deliver",
    "simulation_reporter",
]


def training_progress_event(rec: Any) -> ProgressEvent:
    """The ``ProgressEvent`` of one training iteration record (spec 20 §9.1)."""
    ub = rec.upper_bound_mean
    return ProgressEvent(
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
    start = time.perf_counter()
    lock = threading.Lock()

    def report(completed: int, total: int) -> None:
        if display is not None:
            getattr(display, "update", display)(completed, total)
        with lock:  # callbacks are serialised even when workers report concurrently
            callback(
                ProgressEvent(
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


def _clock(seconds: float) -> str:
    """``0:01:05``: the format of rich's elapsed/remaining columns, so the live line is uniform."""
    m, s = divmod(int(round(seconds)), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}"


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


def _console(stream: IO[str], color: bool | None, width: int) -> Any:
    """The ``rich`` console of a display: ``color`` True forces a terminal, False turns it off."""
    from rich.console import Console

    return Console(
        file=stream, force_terminal=True if color else None, no_color=color is False, width=width
    )


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.6e}"


def _short(x: float | None) -> str:
    """Compact bound for the live line (``6.0824e10``): 80 columns must hold a whole line."""
    if x is None:
        return "-"
    mantissa, exponent = f"{x:.4e}".split("e")
    return f"{mantissa}e{int(exponent)}"


#: below this terminal width the live line drops the bar and the elapsed clock
_WIDE = 110


def model_summary_lines(hydro_models: dict | None, provenance: dict | None) -> list[str]:
    """Execution-info lines on the hydro models and the stochastic model (spec 06 §3 step 3),
    from ``run()``'s ``hydro_models`` and ``training/model_provenance.json``."""
    lines = []
    if hydro_models:
        n_const = int(hydro_models.get("n_constant", 0))
        n_fpha = int(hydro_models.get("n_fpha", 0))
        fpha = f"{n_fpha} FPHA"
        if n_fpha:
            fpha += f" ({int(hydro_models.get('total_planes', 0))} planes)"
        lines.append(
            f"  hydro models: {n_const} constant productivity, {fpha}, "
            f"{int(hydro_models.get('n_evaporation', 0))} with evaporation"
        )
    if provenance:
        path = provenance.get("estimation_path", "?")
        parts = [
            f"seasonal stats {provenance.get('seasonal_stats_source', '?')}",
            f"AR {provenance.get('ar_coefficients_source', '?')}",
        ]
        if provenance.get("ar_method"):
            parts[-1] += f" ({provenance['ar_method']}, max order {provenance.get('ar_max_order')})"
        parts += [
            f"correlation {provenance.get('correlation_source', '?')}",
            f"opening tree {provenance.get('opening_tree_source', '?')}",
        ]
        fallbacks = provenance.get("white_noise_fallbacks") or []
        if fallbacks:
            parts.append(f"{len(fallbacks)} white-noise fallback(s)")
        lines.append(f"  inflow model: {path} ({', '.join(parts)})")
    return lines


class TrainingProgress:
    """Context manager; call :meth:`update` with each iteration record.

    The live (rich) display starts at the first iteration, so loading and preprocessing do not
    show an idle bar, and :meth:`finish` ends it before the simulation bar starts.
    """

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
        self._first_iteration: int | None = None
        self._stamps: list[tuple[int, float]] = []  # (iteration, time) of recent updates
        self._wide = True

    def __enter__(self) -> TrainingProgress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.finish()

    def describe_model(self, hydro_models: dict | None, provenance: dict | None) -> None:
        """Print the model lines of the execution info (called by ``run`` after preprocessing,
        before the first iteration)."""
        if self.quiet:
            return
        for line in model_summary_lines(hydro_models, provenance):
            _print(line, self)

    def finish(self) -> None:
        """Stop the live display, leaving its last line on screen (idempotent)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _start_rich(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        width = self.width or _width(self.stream)
        self._wide = width >= _WIDE
        console = _console(self.stream, self.color, width)
        if width >= _WIDE:
            columns: list[Any] = [
                TextColumn("[bold]Training"),
                BarColumn(bar_width=20),
                MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"),
                TimeElapsedColumn(),
                TextColumn("{task.fields[eta]}"),
            ]
        else:  # one text column: a line too long loses its tail (ETA), never the counter
            columns = [TextColumn("[bold]Training[/bold] {task.fields[count]} "
                                  "{task.fields[info]} {task.fields[eta]}")]
        self._progress = Progress(*columns, console=console, transient=False)
        self._progress.start()
        self._task = self._progress.add_task(
            "training", total=self.total, info="", eta="", count=""
        )

    def _eta(self, rec: Any) -> float | None:
        """Remaining time from the pace of the last (up to 10) iterations; iterations slow down
        as cuts accumulate, so the recent pace predicts better than the average since start."""
        if self.total is None:
            return None
        iteration = int(rec.iteration)
        now = time.perf_counter()
        self._stamps.append((iteration, now))
        del self._stamps[:-11]
        (k0, t0), (k1, t1) = self._stamps[0], self._stamps[-1]
        per = (t1 - t0) / (k1 - k0) if k1 > k0 else float(rec.time_total_ms) / 1e3
        return max(0.0, per * (self.total - iteration))

    def update(self, rec: Any) -> None:
        if self.quiet:
            return
        if self._first_iteration is None:
            self._first_iteration = int(rec.iteration)
        gap = getattr(rec, "gap_percent", None)
        gap_s = "-" if gap is None else f"{gap:.2f}%"
        eta = self._eta(rec)
        eta_s = "" if eta is None else f"ETA {format_duration(eta)}"
        if self.use_rich:
            eta_s = "" if eta is None else f"ETA {_clock(eta)}"  # rich's own clock format
            if self._progress is None:
                self._start_rich()
            sep = "  " if self._wide else " "  # 80 columns hold the whole narrow line
            info = sep.join((
                f"LB {_short(rec.lower_bound)}",
                f"UB {_short(rec.upper_bound_mean)}",
                f"gap {gap_s}",
                f"{rec.time_total_ms} ms/iter",
            ))
            count = f"{rec.iteration}" + ("" if self.total is None else f"/{self.total}")
            self._progress.update(
                self._task, completed=rec.iteration, info=info, eta=eta_s, count=count
            )
            return
        info = (
            f"LB {_fmt(rec.lower_bound)}  UB {_fmt(rec.upper_bound_mean)}  gap {gap_s}  "
            f"{rec.time_total_ms} ms/iter"
        )
        total = "" if self.total is None else f"/{self.total}"
        _print(f"iteration {rec.iteration}{total}  {info}{'  ' + eta_s if eta_s else ''}", self)


def _print(line: str, display: Any) -> None:
    """One plain progress line; a closed stderr (``| head``) silences the display instead of
    failing the run."""
    try:
        print(line, file=display.stream, flush=True)
    except (BrokenPipeError, ValueError):
        display.quiet = True


class SimulationProgressBar:
    """Scenario counter for the simulation phase (same terminal/plain rule).

    ``update(completed, total)`` may be called from worker threads; the total is taken from the
    first call when not given up front.
    """

    def __init__(
        self,
        total: int | None = None,
        *,
        stream: IO[str] | None = None,
        quiet: bool = False,
        after: TrainingProgress | None = None,
        color: bool | None = None,
    ) -> None:
        self.after = after  # its live line is closed before this bar starts (no interleaving)
        self.color = color
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
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = _console(self.stream, self.color, _width(self.stream))
        self._progress = Progress(
            TextColumn("[bold]Simulation"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("scenarios"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self._progress.start()
        self._task = self._progress.add_task("simulation", total=self.total)

    def update(self, completed: int, total: int | None = None) -> None:
        if self.quiet:
            return
        with self._lock:
            if total is not None:
                self.total = total
            if self.after is not None:
                self.after.finish()
                self.after = None
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
                _print(f"simulation {completed}/{total_s} scenarios", self)
