"""The fitted FPHA planes as a table (``hydro_models/fpha_hyperplanes.parquet``, spec 04 §5).

Same 11-column schema and sort order as the input ``system/fpha_hyperplanes.parquet`` (spec 01
§6.10), so the file can be reused as a ``precomputed`` input: ``gamma_0`` unscaled with the
plant's ``kappa`` (the LP uses ``kappa * gamma_0``, spec 10 §7.2/§7.3), ``stage_id`` null (planes
are fitted once per hydro and used at every FPHA stage) and the validity columns null — what
Cobre 0.5.1 writes for d07.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from pycobre.lp.production import PlaneSource, _entries, resolve_production

__all__ = ["FPHA_SCHEMA", "computed_fpha_table"]

FPHA_SCHEMA = pa.schema(
    [
        pa.field("hydro_id", pa.int32(), nullable=False),
        pa.field("stage_id", pa.int32()),
        pa.field("plane_id", pa.int32(), nullable=False),
        pa.field("gamma_0", pa.float64(), nullable=False),
        pa.field("gamma_v", pa.float64(), nullable=False),
        pa.field("gamma_q", pa.float64(), nullable=False),
        pa.field("gamma_s", pa.float64(), nullable=False),
        pa.field("kappa", pa.float64()),
        pa.field("valid_v_min_hm3", pa.float64()),
        pa.field("valid_v_max_hm3", pa.float64()),
        pa.field("valid_q_max_m3s", pa.float64()),
    ]
)


def computed_fpha_table(system: Any, templates: Any = None) -> pa.Table | None:
    """Planes of every hydro whose FPHA source is ``computed``; None when there is none.

    ``templates`` is accepted for the caller's convenience (``pycobre.run``); the planes are
    refitted from the system (deterministic, milliseconds per hydro) with the configuration
    the templates used: the first study stage's ``fpha_config`` of each hydro.
    """
    entries = _entries(system)
    source = PlaneSource(system)
    first_cfg: dict[int, dict] = {}
    fitted: list[int] = []
    for t, st in enumerate(system.study_stages):
        for h in system.hydros:
            p = resolve_production(system, h, st, entries)
            if not p.fpha:
                continue
            hid = int(h.id)
            if t == 0:
                first_cfg[hid] = p.config or {}
            cfg = first_cfg.get(hid) or p.config or {}
            if cfg.get("source", "precomputed") == "computed" and hid not in fitted:
                source.planes(h, st, p.config or {}, first_cfg.get(hid) or {})
                fitted.append(hid)
    if not fitted:
        return None
    cols: dict[str, list] = {f.name: [] for f in FPHA_SCHEMA}
    for hid in sorted(fitted):
        rep = source.fitted_report[hid]
        n = len(rep["gamma_0"])
        cols["hydro_id"] += [hid] * n
        cols["stage_id"] += [None] * n
        cols["plane_id"] += list(range(n))
        for name in ("gamma_0", "gamma_v", "gamma_q", "gamma_s"):
            cols[name] += [float(x) for x in rep[name]]
        cols["kappa"] += [float(rep["kappa"])] * n
        for name in ("valid_v_min_hm3", "valid_v_max_hm3", "valid_q_max_m3s"):
            cols[name] += [None] * n
    return pa.table(cols, schema=FPHA_SCHEMA)
