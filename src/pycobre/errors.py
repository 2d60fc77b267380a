"""Exception hierarchy (spec 20 §12).

Each exception carries a stable ``kind`` plus structured ``context`` so that callers (the CLI,
``run``) can report *where* a problem is without parsing messages. Built-in bases are mixed in so
handlers written for Cobre's binding (``except ValueError`` / ``OSError``) keep working.
"""

from __future__ import annotations

import builtins
from typing import Any

__all__ = [
    "CobreError",
    "ValidationError",
    "PolicyIncompatibleError",
    "CobreIOError",
    "CaseNotFoundError",
    "OutputNotFoundError",
    "SolverError",
    "RunError",
    "CheckpointError",
    "CommunicationError",
    "WorkerError",
    "LOADER_KIND",
]

#: Registry kind -> Cobre loader category (spec 20 §12.4).
LOADER_KIND: dict[str, str] = {
    "MissingFile": "IoError",
    "ParseError": "ParseError",
    "SchemaViolation": "SchemaError",
    "TypeMismatch": "SchemaError",
    "OutOfRange": "SchemaError",
    "InvalidEnum": "SchemaError",
    "DuplicateId": "SchemaError",
    "MissingReference": "CrossReferenceError",
    "CoverageMismatch": "ConstraintError",
    "StageMismatch": "ConstraintError",
    "IncompatibleSettings": "ConstraintError",
    "PhysicalConstraint": "ConstraintError",
    "CapacityViolation": "ConstraintError",
    "PenaltyConsistency": "ConstraintError",
}


class CobreError(Exception):
    """Base of every pycobre error: ``kind``, ``message``, ``context``, ``suggestion``."""

    default_kind = "InternalError"

    def __init__(
        self,
        message: str,
        *,
        kind: str | None = None,
        context: dict[str, Any] | None = None,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind or self.default_kind
        self.context = dict(context or {})
        self.suggestion = suggestion

    def __str__(self) -> str:
        return self.message


class ValidationError(CobreError, ValueError):
    """Invalid case content; ``records`` holds every record found, the message the first."""

    default_kind = "SchemaViolation"

    def __init__(self, message: str, *, records: list[Any] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.records = list(records or [])


class PolicyIncompatibleError(ValidationError):
    default_kind = "IncompatibleSettings"


class CobreIOError(CobreError, OSError):
    """Reading or writing files failed (missing input, unwritable output, corrupt output)."""

    default_kind = "MissingFile"

    def __init__(self, message: str, **kw: Any) -> None:
        CobreError.__init__(self, message, **kw)

    def __str__(self) -> str:
        return self.message


IOError = CobreIOError  # noqa: A001 - exported as pycobre.errors.IOError only (spec 20 §12.1)


class CaseNotFoundError(CobreIOError, FileNotFoundError):
    default_kind = "MissingFile"


class OutputNotFoundError(CobreIOError, FileNotFoundError):
    default_kind = "OutputNotFound"


class SolverError(CobreError, RuntimeError):
    """An LP did not reach optimality; context names iteration, scenario, stage, rows/entities."""

    default_kind = "SolverFailure"

    def __init__(
        self,
        message: str,
        *,
        stage: int | None = None,
        iteration: int | None = None,
        opening: int | None = None,
        scenario: int | None = None,
        solver_status: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.stage = stage
        self.iteration = iteration
        self.opening = opening
        self.scenario = scenario
        self.solver_status = solver_status
        for key, value in (
            ("stage", stage),
            ("iteration", iteration),
            ("opening", opening),
            ("scenario", scenario),
            ("solver_status", solver_status),
        ):
            if value is not None:
                self.context.setdefault(key, value)


class RunError(CobreError, RuntimeError):
    """Compatibility wrapper raised by ``pycobre.run.run``; the original error is ``inner``."""

    def __init__(self, message: str, *, inner: BaseException | None = None, **kw: Any) -> None:
        if inner is not None and isinstance(inner, CobreError):
            kw.setdefault("kind", inner.kind)
            kw.setdefault("context", inner.context)
            kw.setdefault("suggestion", inner.suggestion)
        super().__init__(message, **kw)
        self.inner = inner


class CheckpointError(CobreError):
    default_kind = "CheckpointFailed"

    def __init__(
        self, message: str, *, checkpoint_path: str | None = None, operation: str = "read", **kw: Any
    ) -> None:
        super().__init__(message, **kw)
        self.checkpoint_path = checkpoint_path
        self.operation = operation
        self.context.setdefault("checkpoint_path", checkpoint_path)
        self.context.setdefault("operation", operation)


class CommunicationError(CobreError):
    default_kind = "MpiError"

    def __init__(self, message: str, *, operation: str = "", rank: int | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.operation = operation
        self.rank = rank


class WorkerError(CobreError):
    default_kind = "WorkerFailed"

    def __init__(
        self,
        message: str,
        *,
        rank: int = 0,
        exit_code: int | None = None,
        inner: BaseException | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.rank = rank
        self.exit_code = exit_code
        self.inner = inner


# Keep the built-in reachable for modules that star-import this one.
_builtin_IOError = builtins.OSError
