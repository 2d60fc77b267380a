"""Turn the training loop's per-iteration records into public events and deliver them.

The SDDP loop calls one hook per completed iteration with an ``IterationRecord``; this module
derives the ``ProgressEvent`` and the typed events of spec 20 §9.2 from it, calls the user's
callbacks, and converts a stop request (``StopTraining`` from a callback, or Ctrl-C noted by
:mod:`pycobre.training.interrupt`) into the loop's graceful stop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from pycobre.events import (
    BackwardPassComplete,
    ConvergenceUpdate,
    ForwardPassComplete,
    ForwardSyncComplete,
    IterationSummary,
    PolicySyncComplete,
    PolicyTemplateBakeComplete,
    ProgressEvent,
    SimulationProgress,
    StopTraining,
    TrainingEvent,
)

__all__ = [
    "relative_gap",
    "progress_event_from_record",
    "typed_events_from_record",
    "TrainingEventStream",
    "SimulationEventStream",
]

log = logging.getLogger("pycobre.training")
sim_log = logging.getLogger("pycobre.simulation")


def relative_gap(lower: float | None, upper: float | None) -> float | None:
    """``(UB - LB) / |UB|`` (spec 20 §9.1); ``None`` when undefined (no UB or UB == 0)."""
    if lower is None or upper is None or upper == 0:
        return None
    return (upper - lower) / abs(upper)


def progress_event_from_record(rec: Any, worker_id: int | None = None) -> ProgressEvent:
    """The ``ProgressEvent`` of one ``IterationRecord`` (usable by ``run()`` as well)."""
    return ProgressEvent(
        phase="training",
        iteration=int(rec.iteration),
        lower_bound=float(rec.lower_bound),
        upper_bound=float(rec.upper_bound_mean),
        upper_bound_std=float(rec.upper_bound_std),
        ci_95=float(rec.ci_95),
        gap=relative_gap(rec.lower_bound, rec.upper_bound_mean),
        wall_time_ms=int(rec.wall_time_ms),
        iteration_time_ms=int(rec.time_total_ms),
        rules=tuple(getattr(rec, "rules", ())),
        worker_id=worker_id,
    )


def typed_events_from_record(rec: Any, n_stages: int) -> list[TrainingEvent]:
    """Spec 20 §9.2 steps 1-5 and 7 for one iteration, in emission order.

    The loop runs every worker in this process, so synchronisation times are 0 and the local
    scenario count is the global one. Selection/budget events need per-stage data the record
    does not carry and are not emitted here.
    """
    k = int(rec.iteration)
    gap = relative_gap(rec.lower_bound, rec.upper_bound_mean)
    return [
        ForwardPassComplete(
            k, int(rec.forward_passes), rec.upper_bound_mean, rec.upper_bound_std,
            int(rec.time_forward_ms),
        ),
        ForwardSyncComplete(k, rec.upper_bound_mean, rec.upper_bound_std, 0),
        BackwardPassComplete(k, int(rec.cuts_added), max(n_stages - 1, 0),
                             int(rec.time_backward_ms)),
        PolicySyncComplete(k, int(rec.cuts_added), int(rec.cuts_active), int(rec.cuts_removed), 0),
        PolicyTemplateBakeComplete(k, n_stages, int(rec.cuts_active),
                                   int(getattr(rec, "cut_selection_ms", 0))),
        ConvergenceUpdate(k, rec.lower_bound, rec.upper_bound_mean, rec.upper_bound_std, gap,
                          tuple(getattr(rec, "rules", ()))),
        IterationSummary(
            iteration=k,
            lower_bound=rec.lower_bound,
            upper_bound=rec.upper_bound_mean,
            gap=gap,
            wall_time_ms=int(rec.wall_time_ms),
            iteration_time_ms=int(rec.time_total_ms),
            forward_ms=int(rec.time_forward_ms),
            backward_ms=int(rec.time_backward_ms),
            lp_solves=int(rec.lp_solves),
            solve_time_ms=float(getattr(rec, "solve_time_ms", 0.0)),
            lower_bound_eval_ms=int(getattr(rec, "lower_bound_ms", 0)),
        ),
    ]


class TrainingEventStream:
    """The loop's ``progress_callback``: delivers events and translates stop requests.

    ``callback_error`` remembers an exception raised by a user callback (other than
    ``StopTraining``) so the caller can re-raise it unchanged instead of wrapping it.
    """

    def __init__(
        self,
        *,
        n_stages: int,
        progress_callback: Callable[[ProgressEvent], object] | None,
        event_callback: Callable[[TrainingEvent], object] | None,
        shutdown: threading.Event,
        worker_id: int | None = None,
    ) -> None:
        self.n_stages = n_stages
        self.progress_callback = progress_callback
        self.event_callback = event_callback
        self.shutdown = shutdown
        self.worker_id = worker_id
        self.callback_error: BaseException | None = None
        self.stop_requested_by_callback = False

    def emit(self, event: TrainingEvent) -> None:
        """Deliver one typed event (start/finish/checkpoint events come from the caller)."""
        if self.event_callback is not None and self._deliver(self.event_callback, event):
            self.shutdown.set()  # the loop stops after its next iteration

    def _deliver(self, callback: Callable[[Any], object], event: Any) -> bool:
        """Call ``callback``; ``True`` when it asked to stop.

        Stop requests: raising ``StopTraining`` (spec 20 §9.1), or returning the
        ``StopTraining`` class or an instance of it. Any other return value is ignored.
        """
        try:
            answer = callback(event)
            if answer is StopTraining or isinstance(answer, StopTraining):
                self.stop_requested_by_callback = True
                return True
        except StopTraining:
            self.stop_requested_by_callback = True
            return True
        except BaseException as exc:
            self.callback_error = exc
            raise
        return False

    def __call__(self, rec: Any) -> None:
        log.info(
            "iteration %d  LB %.6e  UB %.6e  gap %s  %d ms",
            rec.iteration, rec.lower_bound, rec.upper_bound_mean,
            "-" if rec.gap_percent is None else f"{rec.gap_percent:.2f}%", rec.time_total_ms,
        )
        stop = False
        if self.event_callback is not None:
            for ev in typed_events_from_record(rec, self.n_stages):
                stop |= self._deliver(self.event_callback, ev)
        if self.progress_callback is not None:
            stop |= self._deliver(
                self.progress_callback, progress_event_from_record(rec, self.worker_id)
            )
        # a callback asked to stop, or Ctrl-C arrived during this iteration: stop at its end
        if stop or self.shutdown.is_set():
            raise StopTraining("stop requested")


class SimulationEventStream:
    """``progress(completed, total)`` hook of the simulation -> ProgressEvent/SimulationProgress.

    With several workers the hook runs on worker threads; the simulation serialises the calls.
    """

    def __init__(
        self,
        *,
        progress_callback: Callable[[ProgressEvent], object] | None,
        event_callback: Callable[[TrainingEvent], object] | None,
        worker_id: int | None = None,
    ) -> None:
        self.progress_callback = progress_callback
        self.event_callback = event_callback
        self.worker_id = worker_id
        self.started = time.perf_counter()

    def elapsed_ms(self) -> int:
        return int(round((time.perf_counter() - self.started) * 1e3))

    def emit(self, event: TrainingEvent) -> None:
        if self.event_callback is not None:
            self.event_callback(event)

    def update(self, completed: int, total: int) -> None:
        elapsed = self.elapsed_ms()
        if completed == total:
            sim_log.info("simulation: %d/%d scenarios in %d ms", completed, total, elapsed)
        if self.event_callback is not None:
            self.event_callback(SimulationProgress(int(completed), int(total), elapsed))
        if self.progress_callback is not None:
            self.progress_callback(
                ProgressEvent(
                    phase="simulation",
                    wall_time_ms=elapsed,
                    scenarios_complete=int(completed),
                    scenarios_total=int(total),
                    worker_id=self.worker_id,
                )
            )
