"""Input field declarations as data (spec 00 §3a): one :class:`FileSpec` per case file.

``FILES`` maps each recognised relative path of spec 01 §1 except ``config.json`` to its
declaration; ``CONFIG`` declares ``config.json`` (spec 03; defaults applied by
:mod:`pycobre.io.config`). ``REQUIRED_FILES`` lists the 8 files
that must exist (``config.json`` included).
"""

from __future__ import annotations

from pycobre.io.fields.config_file import CONFIG
from pycobre.io.fields.constraint_files import (
    CONSTRAINT_FILES,
    GENERIC_VARIABLE_TARGET,
    GENERIC_VARIABLES,
    STAGE_LEVEL_VARIABLES,
)
from pycobre.io.fields.root_files import ROOT_FILES
from pycobre.io.fields.scenario_files import SCENARIO_FILES
from pycobre.io.fields.spec import Field, FileSpec
from pycobre.io.fields.system_files import SYSTEM_FILES

CONFIG_PATH = "config.json"

#: relative path -> declaration, in spec 01 §1 order (config.json excluded, see module doc).
FILES: dict[str, FileSpec] = {
    spec.path: spec for spec in (*ROOT_FILES, *SYSTEM_FILES, *SCENARIO_FILES, *CONSTRAINT_FILES)
}
#: The 8 required paths (spec 01 §1).
REQUIRED_FILES: tuple[str, ...] = (CONFIG_PATH,) + tuple(p for p, s in FILES.items() if s.required)
#: Every recognised path (40).
ALL_PATHS: tuple[str, ...] = (CONFIG_PATH, *FILES)

__all__ = [
    "ALL_PATHS",
    "CONFIG",
    "CONFIG_PATH",
    "FILES",
    "Field",
    "FileSpec",
    "GENERIC_VARIABLES",
    "GENERIC_VARIABLE_TARGET",
    "REQUIRED_FILES",
    "STAGE_LEVEL_VARIABLES",
]
