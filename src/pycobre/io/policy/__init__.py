"""Policy checkpoints in Cobre's FlatBuffers format (spec 05), byte-compatible with Cobre 0.5.1."""

from __future__ import annotations

from pycobre.io.policy.checkpoint import (
    PolicyData,
    read_policy,
    read_policy_metadata,
    stage_file_name,
    write_policy,
)
from pycobre.io.policy.metadata import PolicyMetadata, format_json_like_cobre, utc_timestamp
from pycobre.io.policy.policy_api import Policy
from pycobre.io.policy.pool_records import load_stage_into_pool, stage_cuts_from_pool
from pycobre.io.policy.stage_basis import StageBasis, decode_stage_basis, encode_stage_basis
from pycobre.io.policy.stage_cuts import StageCuts, decode_stage_cuts, encode_stage_cuts
from pycobre.io.policy.stage_states import StageStates, decode_stage_states, encode_stage_states

__all__ = [
    "Policy",
    "PolicyData",
    "PolicyMetadata",
    "StageBasis",
    "StageCuts",
    "StageStates",
    "decode_stage_basis",
    "decode_stage_cuts",
    "decode_stage_states",
    "encode_stage_basis",
    "encode_stage_cuts",
    "encode_stage_states",
    "format_json_like_cobre",
    "load_stage_into_pool",
    "read_policy",
    "read_policy_metadata",
    "stage_cuts_from_pool",
    "stage_file_name",
    "utc_timestamp",
    "write_policy",
]
