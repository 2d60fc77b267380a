"""L4 dimensional layer: optional per-entity data covers every entity/stage that needs it
(spec 02 §2.4). Each rule runs only when its optional file is present."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pycobre.io.validation.collector import Collector
from pycobre.io.validation.hydro_models import models_by_hydro, uses_fpha, uses_model
from pycobre.io.validation.view import REGISTRIES, CaseView

INFLOW_STATS = "scenarios/inflow_seasonal_stats.parquet"
LOAD_STATS = "scenarios/load_seasonal_stats.parquet"
CORRELATION = "scenarios/correlation.json"
HYPERPLANES = "system/fpha_hyperplanes.parquet"
GEOMETRY = "system/hydro_geometry.parquet"


def _active_stages(entity: dict[str, Any], stage_ids: list[int]) -> list[int]:
    entry, exit_ = entity.get("entry_stage_id"), entity.get("exit_stage_id")
    return [
        s for s in stage_ids
        if (entry is None or s >= entry) and (exit_ is None or s < exit_)
    ]


def _coverage(view: CaseView, sink: Collector, *, rel: str, registry: str, column: str,
              what: str, lifecycle: bool) -> None:
    table = view.table(rel)
    if table is None or column not in table.column_names or "stage_id" not in table.column_names:
        return
    have = set(zip(table.column(column).to_pylist(), table.column("stage_id").to_pylist(),
                   strict=True))
    stage_ids = sorted(view.study_stage_ids)
    reg = REGISTRIES[registry]
    for ent in view.entities(registry):
        stages = _active_stages(ent, stage_ids) if lifecycle else stage_ids
        missing = [s for s in stages if (ent["id"], s) not in have]
        if not missing:
            continue
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        sink.add(
            "CoverageMismatch",
            f"{reg.label} '{view.name_of(registry, ent)}' has no {what} for stage(s) {shown}",
            file=rel, entity=ent["id"], field="stage_id",
            missing_dimension="stage_id", expected_coverage=f"every study stage of every {reg.label}",
            missing_stages=missing,
            suggestion=f"add one row per ({column}, stage_id) to {rel}",
        )


def check_dimensions(view: CaseView, sink: Collector) -> None:
    _coverage(view, sink, rel=INFLOW_STATS, registry="hydros", column="hydro_id",
              what="inflow seasonal statistics", lifecycle=True)
    _coverage(view, sink, rel=LOAD_STATS, registry="buses", column="bus_id",
              what="load seasonal statistics", lifecycle=False)
    _correlation_shapes(view, sink)
    _fpha_rows(view, sink)


def _correlation_shapes(view: CaseView, sink: Collector) -> None:
    doc = view.doc(CORRELATION)
    if not doc:
        return
    profiles = doc.get("profiles") or {}
    for pname, profile in profiles.items():
        for g, group in enumerate((profile or {}).get("correlation_groups") or []):
            n = len(group.get("entities") or [])
            matrix = group.get("matrix") or []
            field = f"profiles.{pname}.correlation_groups[{g}].matrix"
            if len(matrix) != n:
                sink.add("CoverageMismatch", f"correlation group '{group.get('name')}' has "
                         f"{len(matrix)} matrix rows for {n} entities", file=CORRELATION,
                         entity=group.get("name"), field=field, missing_dimension="matrix rows",
                         expected_coverage=n)
            for r, row in enumerate(matrix):
                if isinstance(row, list) and len(row) != n:
                    sink.add("CoverageMismatch", f"correlation group '{group.get('name')}' "
                             f"matrix row {r} has {len(row)} entries for {n} entities",
                             file=CORRELATION, entity=group.get("name"), field=f"{field}[{r}]",
                             missing_dimension="matrix columns", expected_coverage=n)
    for i, item in enumerate(doc.get("schedule") or []):
        name = item.get("profile_name")
        if name not in profiles:
            sink.add("CoverageMismatch", f"schedule entry {i} names unknown profile '{name}'",
                     file=CORRELATION, entity=name, field=f"schedule[{i}].profile_name",
                     missing_dimension="profile", expected_coverage=sorted(profiles))


def _fpha_rows(view: CaseView, sink: Collector) -> None:
    models = models_by_hydro(view)
    names = {h["id"]: view.name_of("hydros", h) for h in view.entities("hydros")}
    planes = view.table(HYPERPLANES)
    if planes is not None and "hydro_id" in planes.column_names:
        counts = Counter(planes.column("hydro_id").to_pylist())
        for hid, used in models.items():
            if uses_fpha(used, "precomputed") and counts.get(hid, 0) < 1:
                sink.add("CoverageMismatch", f"hydro '{names[hid]}' uses FPHA but has no "
                         f"hyperplane rows in {HYPERPLANES}", file=HYPERPLANES, entity=hid,
                         field="hydro_id", missing_dimension="plane_id", expected_coverage=">= 1")
    geometry = view.table(GEOMETRY)
    if geometry is not None and "hydro_id" in geometry.column_names:
        counts = Counter(geometry.column("hydro_id").to_pylist())
        for hid, used in models.items():
            needs = uses_fpha(used, "computed") or uses_model(used, "linearized_head")
            if needs and counts.get(hid, 0) < 2:
                sink.add("CoverageMismatch", f"hydro '{names[hid]}' needs at least 2 geometry "
                         f"rows in {GEOMETRY}, found {counts.get(hid, 0)}", file=GEOMETRY,
                         entity=hid, field="hydro_id", missing_dimension="volume_hm3",
                         expected_coverage=">= 2")
