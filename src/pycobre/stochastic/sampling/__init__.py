"""Noise sampling methods of ``stages.json`` ``sampling_method`` (spec 11 §10).

Each method has a *batch* form (all openings of one stage of the backward tree) and a *point*
form (one out-of-sample forward scenario); both reproduce Cobre's draw order exactly (§16.7).
"""

SAMPLING_METHODS = ("saa", "lhs", "qmc_sobol", "qmc_halton", "historical_residuals", "selective")
