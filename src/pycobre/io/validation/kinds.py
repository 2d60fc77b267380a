"""Record kinds: the registry kinds of spec 20 §12.3 and Cobre's diagnostic kinds (spec 02 §3).

Every record carries a registry ``kind`` (what scripts match on) and, in its context, the Cobre
kind (what the CLI prints, so reports read like Cobre's). A rule names the registry kind and,
when the default mapping below is not the right Cobre kind, the Cobre kind explicitly.
"""

from __future__ import annotations

from pycobre.errors import LOADER_KIND

#: Registry kind -> Cobre kind used when a rule names only the registry kind.
REGISTRY_TO_COBRE: dict[str, str] = {
    "MissingFile": "FileNotFound",
    "ParseError": "ParseError",
    "SchemaViolation": "SchemaViolation",
    "TypeMismatch": "SchemaViolation",
    "OutOfRange": "SchemaViolation",
    "InvalidEnum": "SchemaViolation",
    "DuplicateId": "DuplicateId",
    "MissingReference": "InvalidReference",
    "CoverageMismatch": "DimensionMismatch",
    "StageMismatch": "BusinessRuleViolation",
    "IncompatibleSettings": "BusinessRuleViolation",
    "PhysicalConstraint": "InvalidValue",
    "CapacityViolation": "InvalidValue",
    "PenaltyConsistency": "InvalidValue",
    "InternalError": "InternalError",  # not a Cobre kind: a pycobre bug, shown as such
}

#: Cobre kinds that are warnings by default (spec 02 §3).
WARNING_KINDS = frozenset({"UnusedEntity", "ModelQuality"})


def loader_kind(kind: str) -> str:
    """Coarse Cobre loader category of a registry kind (spec 20 §12.4)."""
    return LOADER_KIND.get(kind, "ConstraintError")
