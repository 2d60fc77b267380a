"""Resource limits: sizes far beyond production scale (spec 22 §1) are refused at validation.

Without them an absurd number (a billion scenarios, a million openings, an iteration limit that
pre-allocates terabytes of cut slots) would only surface as an allocation failure deep inside
training. Each limit leaves two to three orders of magnitude of headroom over the production
tier; ``docs/dev/limits.md`` gives the reasoning for each number.
"""

from __future__ import annotations

#: Study stages (production 60, worst case 120; ten years weekly is 520).
MAX_STUDY_STAGES = 10_000
#: Blocks in one stage (production 1–24; hourly blocks of a leap-year month: 744).
MAX_BLOCKS_PER_STAGE = 10_000
#: Backward openings of one stage, ``stages[].num_scenarios`` (production 10).
MAX_OPENINGS_PER_STAGE = 10_000
#: Forward passes per iteration (production 192).
MAX_FORWARD_PASSES = 100_000
#: Largest ``iteration_limit`` (production 50).
MAX_ITERATIONS = 1_000_000
#: Cut slots pre-allocated per stage, ``(iteration limit + 1) * forward passes`` (prod 9,792).
MAX_CUT_SLOTS_PER_STAGE = 10_000_000
#: Memory of all cut pools at full capacity (production ≈ 14.3 GB, spec 21 §11.7).
MAX_CUT_POOL_BYTES = 64 * 2**30
#: Memory of the backward opening tree, stages × openings × noise dimension × 8 bytes.
MAX_OPENING_TREE_BYTES = 8 * 2**30
#: Simulation scenarios (production 2,000).
MAX_SIMULATION_SCENARIOS = 1_000_000
#: Rows of one input Parquet file, read from its footer before the data (a compressed file can
#: expand to far more memory than its size; production's largest table is ≈ 20 million rows).
MAX_PARQUET_ROWS = 200_000_000
#: Bytes of one input JSON file (production registries are well under 1 MiB).
MAX_JSON_BYTES = 512 * 2**20

#: Largest magnitude of a floating-point input value, in any unit (MW, hm³, m³/s, $/MWh, ...).
#: Physical data stays below ~1e7; far larger values only break the LP numerically (HiGHS
#: treats 1e20 as infinite), so they are refused where they are written.
MAX_ABS_VALUE = 1e12

#: Default iteration count used for pool capacity when no iteration limit is set (spec 12 §5.1).
DEFAULT_MAX_ITERATIONS = 100

#: Bytes per cut slot besides its coefficients (intercept, flags and counters of ``CutPool``).
CUT_SLOT_OVERHEAD_BYTES = 8 + 1 + 1 + 8 + 4 + 8 + 8 + 4


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover
