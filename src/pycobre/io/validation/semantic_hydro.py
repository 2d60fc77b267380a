"""L5a semantic rules for hydros, thermals and the other equipment (spec 02 §2.5)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from pycobre.io.arrow_numpy import to_numpy
from pycobre.io.validation.collector import Collector
from pycobre.io.validation.hydro_models import models_by_hydro, uses_fpha, uses_model
from pycobre.io.validation.view import REGISTRIES, CaseView

GEOMETRY = "system/hydro_geometry.parquet"
HYPERPLANES = "system/fpha_hyperplanes.parquet"

#: (registry, dotted min field, dotted max field) pairs that must satisfy min <= max.
MIN_MAX_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("hydros", "reservoir.min_storage_hm3", "reservoir.max_storage_hm3"),
    ("hydros", "generation.min_turbined_m3s", "generation.max_turbined_m3s"),
    ("hydros", "outflow.min_outflow_m3s", "outflow.max_outflow_m3s"),
    ("hydros", "generation.min_generation_mw", "generation.max_generation_mw"),
    ("thermals", "generation.min_mw", "generation.max_mw"),
    ("pumping_stations", "flow.min_m3s", "flow.max_m3s"),
    ("contracts", "limits.min_mw", "limits.max_mw"),
)

LIFECYCLE = ("hydros", "lines", "thermals", "non_controllable_sources", "pumping_stations",
             "contracts")


def _dig(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def check_hydro_thermal(view: CaseView, sink: Collector) -> None:
    _cascade_acyclic(view, sink)
    _min_max(view, sink)
    _lifecycle(view, sink)
    _filling(view, sink)
    _geometry(view, sink)
    _hyperplanes(view, sink)
    _model_inputs_present(view, sink)
    _unused(view, sink)


def _cascade_acyclic(view: CaseView, sink: Collector) -> None:
    hydros = {h["id"]: h for h in view.entities("hydros")}
    position = {h["id"]: i for i, h in enumerate(view.entities("hydros"))}
    down = {hid: h.get("downstream_id") for hid, h in hydros.items()}
    state: dict[int, int] = {}  # 0 = on the current path, 1 = done
    reported: set[frozenset[int]] = set()
    for start in sorted(hydros):
        path: list[int] = []
        node: Any = start
        while node in hydros and node not in state:
            state[node] = 0
            path.append(node)
            node = down[node]
        if node in hydros and state.get(node) == 0:
            cycle = path[path.index(node):]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                names = " -> ".join(f"'{view.name_of('hydros', hydros[c])}'" for c in cycle)
                sink.add(
                    "PhysicalConstraint",
                    f"hydro cascade has a cycle: {names} -> "
                    f"'{view.name_of('hydros', hydros[cycle[0]])}'",
                    file=REGISTRIES["hydros"].file, entity=cycle[0],
                    field=f"hydros[{position[cycle[0]]}].downstream_id",
                    cobre_kind="CycleDetected", rule="cascade_acyclic", cycle=cycle,
                    detail="downstream_id links must end at a tailwater (null)",
                )
        for n in path:
            state[n] = 1


def _min_max(view: CaseView, sink: Collector) -> None:
    for registry, fmin, fmax in MIN_MAX_PAIRS:
        reg = REGISTRIES[registry]
        for idx, ent in enumerate(view.entities(registry)):
            lo, hi = _dig(ent, fmin), _dig(ent, fmax)
            if lo is None or hi is None or lo <= hi:
                continue
            sink.add(
                "CapacityViolation",
                f"{reg.label} '{view.name_of(registry, ent)}': {fmin.split('.')[-1]} ({lo}) is "
                f"greater than {fmax.split('.')[-1]} ({hi})",
                file=reg.file, entity=ent.get("id"), field=f"{reg.key}[{idx}].{fmin}",
                cobre_kind="InvalidValue", field_min=fmin, value_min=lo, field_max=fmax,
                value_max=hi,
            )


def _lifecycle(view: CaseView, sink: Collector) -> None:
    for registry in LIFECYCLE:
        reg = REGISTRIES[registry]
        for idx, ent in enumerate(view.entities(registry)):
            entry, exit_ = ent.get("entry_stage_id"), ent.get("exit_stage_id")
            if entry is None or exit_ is None or entry < exit_:
                continue
            sink.add(
                "StageMismatch",
                f"{reg.label} '{view.name_of(registry, ent)}': entry_stage_id ({entry}) must be "
                f"less than exit_stage_id ({exit_})",
                file=reg.file, entity=ent.get("id"), field=f"{reg.key}[{idx}].entry_stage_id",
                cobre_kind="InvalidValue", stage_id=entry, detail="entry_stage_id >= exit_stage_id",
            )


def _filling(view: CaseView, sink: Collector) -> None:
    for idx, hydro in enumerate(view.entities("hydros")):
        filling = hydro.get("filling")
        if not isinstance(filling, dict):
            continue
        start = filling.get("start_stage_id")
        if start in view.study_stage_ids:
            continue
        sink.add(
            "StageMismatch",
            f"hydro '{view.name_of('hydros', hydro)}': filling.start_stage_id {start} is not a "
            "study stage",
            file=REGISTRIES["hydros"].file, entity=hydro.get("id"),
            field=f"hydros[{idx}].filling.start_stage_id", cobre_kind="InvalidValue",
            stage_id=start, detail="must be the id of a stage in stages.json 'stages'",
        )


def _geometry(view: CaseView, sink: Collector) -> None:
    table = view.table(GEOMETRY)
    needed = {"hydro_id", "volume_hm3", "height_m", "area_km2"}
    if table is None or not needed <= set(table.column_names):
        return
    hid = np.asarray(to_numpy(table.column("hydro_id")))
    rules = (("volume_hm3", True, "strictly increasing"), ("height_m", False, "non-decreasing"),
             ("area_km2", False, "non-decreasing"))
    for column, strict, words in rules:
        values = np.asarray(to_numpy(table.column(column)), dtype=float)
        for h in np.unique(hid).tolist():
            v = values[hid == h]
            step = np.diff(v)
            bad = step <= 0 if strict else step < 0
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                sink.add(
                    "PhysicalConstraint",
                    f"hydro {h}: {column} must be {words} in {GEOMETRY} "
                    f"({v[k]} followed by {v[k + 1]})",
                    file=GEOMETRY, entity=h, field=column, cobre_kind="BusinessRuleViolation",
                    rule=f"geometry_{column}_{words.replace(' ', '_').replace('-', '_')}",
                    detail=f"point {k + 1} of hydro {h}",
                )


def _model_inputs_present(view: CaseView, sink: Collector) -> None:
    """Rule 11 and the geometry need of spec 01 §6.8 when the whole file is absent (L4 only
    checks coverage of files that exist)."""
    models = models_by_hydro(view)
    names = {h["id"]: view.name_of("hydros", h) for h in view.entities("hydros")}
    for h, used in sorted(models.items()):
        if uses_fpha(used, "precomputed") and HYPERPLANES not in view.raw.tables \
                and HYPERPLANES not in view.raw.present:
            sink.add("PhysicalConstraint", f"hydro '{names[h]}' uses precomputed FPHA but "
                     f"{HYPERPLANES} is missing", file=HYPERPLANES, entity=h, field="hydro_id",
                     cobre_kind="BusinessRuleViolation", rule="fpha_plane_per_stage",
                     suggestion=f"add {HYPERPLANES} or use fpha_config.source = 'computed'")
        needs_geometry = uses_fpha(used, "computed") or uses_model(used, "linearized_head")
        if needs_geometry and GEOMETRY not in view.raw.present:
            sink.add("PhysicalConstraint", f"hydro '{names[h]}' needs a volume-height-area "
                     f"curve but {GEOMETRY} is missing", file=GEOMETRY, entity=h,
                     field="hydro_id", cobre_kind="BusinessRuleViolation",
                     rule="geometry_required",
                     suggestion=f"add at least 2 rows for hydro {h} to {GEOMETRY}")


def _hyperplanes(view: CaseView, sink: Collector) -> None:
    table = view.table(HYPERPLANES)
    if table is None or "hydro_id" not in table.column_names:
        return
    cols = set(table.column_names)
    hid = table.column("hydro_id").to_pylist()
    for column, sign in (("gamma_v", 1.0), ("gamma_s", -1.0)):
        if column not in cols:
            continue
        values = table.column(column).to_pylist()
        for row, (h, v) in enumerate(zip(hid, values, strict=True)):
            if v is not None and sign * v < 0:
                words = ">= 0" if sign > 0 else "<= 0"
                sink.add("PhysicalConstraint", f"row {row} of {HYPERPLANES}: {column} = {v} "
                         f"for hydro {h} must be {words}", file=HYPERPLANES, entity=h,
                         field=column, cobre_kind="BusinessRuleViolation",
                         rule=f"fpha_{column}_sign", row=row)
    stage_col = table.column("stage_id").to_pylist() if "stage_id" in cols else [None] * len(hid)
    covered: dict[int, set[Any]] = defaultdict(set)
    for h, s in zip(hid, stage_col, strict=True):
        covered[h].add(s)
    names = {h["id"]: view.name_of("hydros", h) for h in view.entities("hydros")}
    for h, used in models_by_hydro(view).items():
        if not uses_fpha(used, "precomputed") or h not in covered or None in covered[h]:
            continue  # no rows at all is the L4 rule; a null stage row covers every stage
        missing = sorted(view.study_stage_ids - covered[h])
        if missing:
            sink.add("PhysicalConstraint", f"hydro '{names[h]}' has no FPHA plane for stage(s) "
                     f"{', '.join(map(str, missing[:10]))}", file=HYPERPLANES, entity=h,
                     field="stage_id", cobre_kind="BusinessRuleViolation",
                     rule="fpha_plane_per_stage", missing_stages=missing)


def _unused(view: CaseView, sink: Collector) -> None:
    reg = REGISTRIES["thermals"]
    for idx, th in enumerate(view.entities("thermals")):
        if _dig(th, "generation.max_mw") == 0:
            sink.add("PhysicalConstraint", f"thermal '{view.name_of('thermals', th)}' has "
                     "max_mw = 0 and contributes nothing", file=reg.file, entity=th.get("id"),
                     field=f"thermals[{idx}].generation.max_mw", cobre_kind="UnusedEntity",
                     severity="warning", rule="unused_entity")
