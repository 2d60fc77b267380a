"""``policy/metadata.json`` (spec 05 §4): fields, reading, and Cobre-identical formatting.

Rendered with :func:`format_json_like_cobre` (serde_json layout and float format) so the file
is byte-identical to Cobre's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pycobre.errors import CobreIOError
from pycobre.io.output.cobre_json import format_json_like_cobre, rust_float

__all__ = ["PolicyMetadata", "format_json_like_cobre", "rust_float", "utc_timestamp"]

_KEYS = (
    "cobre_version",
    "created_at",
    "completed_iterations",
    "final_lower_bound",
    "best_upper_bound",
    "state_dimension",
    "num_stages",
    "max_iterations",
    "forward_passes",
    "warm_start_cuts",
    "warm_start_counts",
    "rng_seed",
    "total_visited_states",
)
_REQUIRED = tuple(
    k for k in _KEYS if k not in ("best_upper_bound", "warm_start_counts", "total_visited_states")
)
_INT_KEYS = (
    "completed_iterations",
    "state_dimension",
    "num_stages",
    "max_iterations",
    "forward_passes",
    "warm_start_cuts",
    "rng_seed",
    "total_visited_states",
)


def utc_timestamp(when: datetime | None = None) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, whole seconds (Cobre's ``created_at``)."""
    when = datetime.now(UTC) if when is None else when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PolicyMetadata:
    cobre_version: str
    created_at: str
    completed_iterations: int
    final_lower_bound: float
    best_upper_bound: float | None
    state_dimension: int
    num_stages: int
    max_iterations: int
    forward_passes: int
    warm_start_cuts: int
    warm_start_counts: list[int]
    rng_seed: int
    total_visited_states: int = 0
    #: keys not defined by Cobre, kept (in order) so a round trip loses nothing
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in _KEYS}
        out["final_lower_bound"] = float(self.final_lower_bound)
        if self.best_upper_bound is not None:
            out["best_upper_bound"] = float(self.best_upper_bound)
        out["warm_start_counts"] = [int(c) for c in self.warm_start_counts]
        out.update(self.extra)
        return out

    def to_json(self) -> str:
        return format_json_like_cobre(self.to_dict())

    def per_stage_warm_start_counts(self) -> list[int]:
        """Old files leave ``warm_start_counts`` empty: broadcast ``warm_start_cuts``."""
        if self.warm_start_counts:
            return list(self.warm_start_counts)
        return [self.warm_start_cuts] * self.num_stages

    @classmethod
    def from_json(cls, text: str, source: str = "metadata.json") -> PolicyMetadata:
        try:
            raw = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _bad(source, f"invalid JSON ({exc})") from exc
        if not isinstance(raw, dict):
            raise _bad(source, "top level is not a JSON object")
        missing = [k for k in _REQUIRED if k not in raw]
        if missing:
            raise _bad(source, f"missing key(s) {', '.join(missing)}")
        values: dict[str, Any] = {}
        for key in _INT_KEYS:
            v = raw.get(key, 0)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise _bad(source, f"{key} must be a non-negative integer, got {v!r}")
            values[key] = v
        for key in ("final_lower_bound", "best_upper_bound"):
            v = raw.get(key)
            if v is None and key == "best_upper_bound":
                values[key] = None
                continue
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise _bad(source, f"{key} must be a number, got {v!r}")
            values[key] = float(v)
        for key in ("cobre_version", "created_at"):
            if not isinstance(raw[key], str):
                raise _bad(source, f"{key} must be a string")
            values[key] = raw[key]
        counts = raw.get("warm_start_counts", [])
        if not isinstance(counts, list) or not all(
            isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in counts
        ):
            raise _bad(source, "warm_start_counts must be a list of non-negative integers")
        if counts and len(counts) != values["num_stages"]:
            raise _bad(
                source,
                f"warm_start_counts has {len(counts)} entries but num_stages is {values['num_stages']}",
            )
        values["warm_start_counts"] = counts
        extra = {k: v for k, v in raw.items() if k not in _KEYS}
        return cls(**values, extra=extra)


def _bad(source: str, detail: str) -> CobreIOError:
    return CobreIOError(
        f"corrupt policy metadata {source}: {detail}",
        kind="OutputCorrupted",
        context={"file": source, "detail": detail},
    )
