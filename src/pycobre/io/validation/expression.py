"""Generic-constraint expressions for the L2 and L3 checks.

There is one grammar and one parser (``pycobre.io.read.generic_expression``, spec 10 §10), so
``validate`` and ``load_case`` accept exactly the same expressions. The text is tokenized,
never evaluated. This module adds what the rules need: the registry each variable refers to.
"""

from __future__ import annotations

from pycobre.io.fields import GENERIC_VARIABLES, STAGE_LEVEL_VARIABLES
from pycobre.io.read.generic_expression import ExpressionError, parse_expression

__all__ = ["ExpressionError", "STAGE_ONLY", "VARIABLE_REGISTRY", "parse_expression"]

_REGISTRY_OF_PREFIX = (
    ("hydro_", "hydros"),
    ("thermal_", "thermals"),
    ("line_", "lines"),
    ("bus_", "buses"),
    ("pumping_", "pumping_stations"),
    ("contract_", "contracts"),
    ("non_controllable_", "non_controllable_sources"),
)

#: variable name -> registry of the entity it refers to.
VARIABLE_REGISTRY: dict[str, str] = {
    name: next(reg for prefix, reg in _REGISTRY_OF_PREFIX if name.startswith(prefix))
    for name in GENERIC_VARIABLES
}

#: stage-level variables: a block argument is an error (the parser rejects it).
STAGE_ONLY = frozenset(STAGE_LEVEL_VARIABLES)
