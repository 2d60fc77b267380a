"""HTML assembly: entity selection for small multiples, escaping, tables, summary formatting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pycobre.io.output.simulation_schemas import SIMULATION_SCHEMAS
from pycobre.report import open_run
from pycobre.report.html_blocks import flatten, png_width, table
from pycobre.report.html_page import build_sections, render_html
from pycobre.report.html_sections import plural
from pycobre.report.plots.fan_chart import select_entities


def _partition(sim: Path, entity: str, scenario: int, cols: dict) -> None:
    schema = SIMULATION_SCHEMAS[entity]
    n = len(next(iter(cols.values())))
    data = {f.name: cols.get(f.name, pa.nulls(n, f.type) if f.name == "block_id"
                             else np.zeros(n)) for f in schema}
    path = sim / entity / f"scenario_id={scenario:04d}" / "data.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(data, schema=schema), path)


def make_run(root: Path, n_hydros: int, names: dict[int, str] | None = None) -> Path:
    """Training manifest + markers, entities.csv and 3 scenarios x 2 stages of hydros/buses."""
    (root / "training" / "dictionaries").mkdir(parents=True)
    meta = {"cobre_version": "test", "status": "complete", "duration_seconds": 1.5,
            "iterations": {"completed": 3, "converged_at": None},
            "convergence": {"achieved": False, "final_gap_percent": 1.25,
                            "termination_reason": "iteration_limit"},
            "row_pool": {"total_generated": 6, "total_active": 5, "peak_active": 5}}
    (root / "training" / "metadata.json").write_text(json.dumps(meta))
    (root / "training" / "_SUCCESS").touch()
    rows = ["entity_type_code,entity_id,name,bus_id,system_id"]
    rows += [f"0,{h},{(names or {}).get(h, f'H{h}')},0,0" for h in range(n_hydros)]
    rows.append("2,0,<b>Main & bus</b>,0,0")
    (root / "training" / "dictionaries" / "entities.csv").write_text("\n".join(rows) + "\n")
    sim = root / "simulation"
    sim.mkdir()
    for s in range(3):
        st = np.repeat(np.arange(2, dtype=np.int32), n_hydros)
        hy = np.tile(np.arange(n_hydros, dtype=np.int32), 2)
        storage = 10.0 * (hy + 1) + s  # hydro h has mean storage 10(h+1) + 1
        _partition(sim, "hydros", s, {"stage_id": st, "block_id": np.zeros_like(st),
                                      "hydro_id": hy, "storage_initial_hm3": storage,
                                      "storage_final_hm3": storage})
        _partition(sim, "buses", s, {"stage_id": np.arange(2, dtype=np.int32),
                                     "block_id": np.zeros(2, np.int32),
                                     "bus_id": np.zeros(2, np.int32),
                                     "load_mw": np.ones(2), "load_mwh": np.full(2, 10.0),
                                     "spot_price": np.array([5.0, 7.0]),
                                     "deficit_mwh": np.array([0.0, 1.0 if s == 0 else 0.0])})
    (sim / "metadata.json").write_text(json.dumps(
        {"scenarios": {"total": 3, "completed": 3, "failed": 0}, "duration_seconds": 0.5}))
    (sim / "_SUCCESS").touch()
    return root


def test_select_entities_keeps_the_highest_scores_in_position_order():
    score = np.array([5.0, 1.0, 9.0, np.nan, 7.0])
    assert select_entities(score, 3).tolist() == [0, 2, 4]
    assert select_entities(score, 10).tolist() == [0, 1, 2, 3, 4]


def test_many_hydros_show_twelve_largest_with_a_note(tmp_path):
    run = open_run(make_run(tmp_path / "out", n_hydros=15))
    storage = next(s for s in build_sections(run) if s.anchor == "storage")
    assert "Showing 12 of 15 hydros (largest mean storage)." in storage.body
    # hydros 3..14 have the largest storage; the alt text lists their panels in id order
    expected = ", ".join(f"H{h} (hydro {h})" for h in range(3, 15))
    assert f'alt="Storage per hydro: {expected}"' in storage.body
    assert storage.body.count("data:image/png;base64,") == 1  # one figure of small multiples


def test_entity_names_and_values_are_html_escaped(tmp_path):
    html = render_html(open_run(make_run(tmp_path / "out", n_hydros=2)))
    assert "&lt;b&gt;Main &amp; bus&lt;/b&gt; (bus 0)" in html
    assert "<b>Main" not in html
    # deficit: 1 of 3 scenarios, at stage 1 only
    assert "33.3 %" in html
    assert "Showing all 2 hydros." in html and "Showing all 1 bus." in html


def test_overview_uses_metadata_and_summary_figures(tmp_path):
    html = render_html(open_run(make_run(tmp_path / "out", n_hydros=1)))
    assert '<div class="k">gap</div><div class="v">1.25 %</div>' in html
    assert '<div class="k">scenarios simulated</div><div class="v">3 of 3</div>' in html
    assert "expected cost" not in html  # no costs table in this tree
    assert "Training complete in 0.0s (3 iterations)" in html  # no convergence.parquet
    assert "  Cuts:         5 active / 6 generated" in html


def test_blocks_helpers():
    assert plural(1, "bus") == "1 bus" and plural(3, "bus") == "3 buses"
    assert plural(2, "hydro") == "2 hydros"
    assert flatten({"a": {"b": None, "c": [1, 2]}, "d": True}) == [
        ("a.b", "null"), ("a.c", "[1, 2]"), ("d", "true")]
    assert table(["x", "n"], [["<", "1"]], numeric={1}) == (
        '<table><thead><tr><th>x</th><th class="num">n</th></tr></thead>'
        '<tbody><tr><td>&lt;</td><td class="num">1</td></tr></tbody></table>')
    # 1x1 PNG header: width read from IHDR
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
           "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    assert png_width(png) == 1


def test_overview_upper_bound_and_time_agree_with_the_summary():
    # 1dtoy (one forward pass): std is 0, so no "± 0" card; the training time is the summary's
    # (sum of iteration times, 193 ms) rather than the manifest's wall time (0.254 s)
    small = Path(__file__).resolve().parents[1] / "data" / "outputs" / "1dtoy_small"
    html = render_html(open_run(small))
    assert '<div class="k">upper bound</div><div class="v">5.72792e5</div>' in html
    assert '<div class="k">training time</div><div class="v">0.2s</div>' in html
    assert "Training complete in 0.2s (128 iterations)" in html


def test_cards_set_the_spread_of_a_value_smaller():
    from pycobre.report.html_blocks import cards

    html = cards([("upper bound", "6.12404e10 ± 1.42e10"), ("gap", "<1 %")])
    assert '<div class="v">6.12404e10 <span class="pm">± 1.42e10</span></div>' in html
    assert '<div class="v">&lt;1 %</div>' in html
