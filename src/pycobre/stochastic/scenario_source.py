"""``training.scenario_source`` / ``simulation.scenario_source`` parsing (spec 03 §4, spec 11 §11)."""

from __future__ import annotations

from dataclasses import dataclass

from pycobre.errors import ValidationError
from pycobre.stochastic.located_error import located_error

__all__ = ["ScenarioSource", "parse_scenario_source", "SCHEMES"]

SCHEMES = ("in_sample", "out_of_sample", "historical", "external")
_CLASS_KEYS = ("inflow", "load", "ncs")


@dataclass(frozen=True)
class ScenarioSource:
    seed: int | None = None
    inflow: str = "in_sample"
    load: str = "in_sample"
    ncs: str = "in_sample"
    historical_years: tuple[int, ...] | None = None

    def scheme(self, cls: str) -> str:
        return getattr(self, cls)

    @property
    def all_in_sample(self) -> bool:
        return all(self.scheme(c) == "in_sample" for c in _CLASS_KEYS)


def _err(message: str, field: str, kind: str = "SchemaViolation") -> ValidationError:
    err = located_error(kind, message, file="config.json", field=field)
    err.context = {"file": "config.json", "field": field}
    return err


def parse_scenario_source(data: dict | None, where: str) -> ScenarioSource:
    """Validate one scenario_source object; ``where`` names it in errors."""
    if not data:
        return ScenarioSource()
    schemes = {}
    for cls in _CLASS_KEYS:
        entry = data.get(cls) or {}
        unknown = set(entry) - {"scheme"}
        if unknown:
            raise _err(f"{where}.{cls}: unknown key(s) {sorted(unknown)}", f"{where}.{cls}")
        scheme = entry.get("scheme", "in_sample")
        allowed = SCHEMES if cls == "inflow" else tuple(s for s in SCHEMES if s != "historical")
        if scheme == "historical" and cls != "inflow":
            raise _err(
                f"{where}.{cls}.scheme: 'historical' is only available for inflow",
                f"{where}.{cls}.scheme",
                "MissingScenarioSource",
            )
        if scheme not in allowed:
            raise _err(
                f"{where}.{cls}.scheme: '{scheme}' is not one of {list(allowed)}",
                f"{where}.{cls}.scheme",
                "InvalidEnum",
            )
        schemes[cls] = scheme
    seed = data.get("seed")
    if seed is None and any(s != "in_sample" for s in schemes.values()):
        raise _err(
            f"{where}.seed is required when a class uses a scheme other than in_sample",
            f"{where}.seed",
            "MissingScenarioSource",
        )
    years = data.get("historical_years")
    hist_years = None
    if years is not None:
        if isinstance(years, dict):
            lo, hi = int(years["from"]), int(years["to"])
            if lo > hi:
                raise _err(f"{where}.historical_years: from > to", f"{where}.historical_years")
            hist_years = tuple(range(lo, hi + 1))
        else:
            hist_years = tuple(int(y) for y in years)
    return ScenarioSource(
        None if seed is None else abs(int(seed)),
        schemes["inflow"],
        schemes["load"],
        schemes["ncs"],
        hist_years,
    )
