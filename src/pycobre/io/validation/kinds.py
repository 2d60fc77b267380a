"""Record kinds: the registry kinds of spec 20 §12.3 and Cobre's diagnostic kinds (spec 02 §3).

Every record carries a registry ``kind`` (what scripts match on) and, in its context, the Cobre
kind (what the CLI prints, so reports read like Cobre's). Keeping both tables here means a rule
only names one of them and the other is derived.
"""

from __future__ import annotations

from pycobre.errors import LOADER_KIND

#: Cobre diagnostic kind (spec 02 §3) -> default registry kind (spec 20 §12.3).
COBRE_TO_REGISTRY: dict[str, str] = {
    "FileNotFound": "MissingFile",
    "ParseError": "ParseError",
    "SchemaViolation": "SchemaViolation",
    "InvalidReference": "MissingReference",
    "DuplicateId": "DuplicateId",
    "InvalidValue": "PhysicalConstraint",
    "CycleDetected": "PhysicalConstraint",
    "DimensionMismatch": "CoverageMismatch",
    "BusinessRuleViolation": "PhysicalConstraint",
    "WarmStartIncompatible": "IncompatibleSettings",
    "ResumeIncompatible": "IncompatibleSettings",
    "NotImplemented": "IncompatibleSettings",
    "UnusedEntity": "PhysicalConstraint",
    "ModelQuality": "PhysicalConstraint",
}

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
    "InternalError": "NotImplemented",
}

#: Cobre kinds that are warnings by default (spec 02 §3).
WARNING_KINDS = frozenset({"UnusedEntity", "ModelQuality"})


def loader_kind(kind: str) -> str:
    """Coarse Cobre loader category of a registry kind (spec 20 §12.4)."""
    return LOADER_KIND.get(kind, "ConstraintError")
