"""``pycobre.results`` readers: formats, partition rules, errors (spec 20 §8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from pycobre.errors import CobreIOError, OutputNotFoundError
from pycobre.results import (
    load_convergence,
    load_policy,
    load_results,
    load_simulation,
    load_simulation_arrow,
    to_frame,
)

OUT = Path(__file__).parents[1] / "interop" / "data" / "d13_cobre_output"


@pytest.fixture()
def out(tmp_path):
    return shutil.copytree(OUT, tmp_path / "out")


def test_simulation_arrow_scenario_column_first_and_ordered():
    t = load_simulation_arrow(OUT, "costs")
    assert t.column_names[0] == "scenario_id"
    assert t.schema.field("scenario_id").type == pa.int64()
    assert t.column("scenario_id").to_pylist() == [0, 0, 1, 1, 2, 2]
    assert t.column("stage_id").to_pylist() == [0, 1] * 3
    all_tables = load_simulation_arrow(OUT)
    assert list(all_tables) == ["costs", "thermals", "buses", "violations/generic"]


def test_numpy_format_nulls():
    cols = load_simulation(OUT, "costs", format="numpy")
    assert isinstance(cols["block_id"], np.ma.MaskedArray) and cols["block_id"].mask.all()
    assert cols["total_cost"].dtype == np.float64
    th = load_simulation(OUT, "thermals", format="numpy")
    assert np.isnan(th["gnl_committed_mw"]).all()
    assert th["operative_state_code"].tolist() == [1] * len(th["operative_state_code"])


def test_frames():
    t = load_simulation_arrow(OUT, "buses")
    assert to_frame(t, "pandas").shape == (t.num_rows, t.num_columns)
    assert load_simulation(OUT, "buses", format="polars").shape == (t.num_rows, t.num_columns)
    assert load_convergence(OUT, format="arrow").column("iteration").to_pylist()[0] == 1
    with pytest.raises(ValueError, match="unknown format"):
        load_convergence(OUT, format="xml")


def test_empty_entity_dir_and_bad_partition(out):
    (out / "simulation" / "hydros").mkdir()
    assert load_simulation(out, "hydros") == []
    assert load_simulation_arrow(out, "hydros").column_names == ["scenario_id"]
    (out / "simulation" / "costs" / "junk").mkdir()
    with pytest.raises(OSError, match="junk"):
        load_simulation(out, "costs")


def test_missing_things_raise_file_not_found(out, tmp_path):
    with pytest.raises(FileNotFoundError):
        load_simulation(out, "exchanges")
    with pytest.raises(FileNotFoundError):
        load_results(tmp_path / "nope")
    (out / "training" / "_SUCCESS").unlink()
    with pytest.raises(OutputNotFoundError, match="_SUCCESS"):
        load_results(out)
    with pytest.raises(FileNotFoundError):
        load_policy(tmp_path)


def test_malformed_manifest_is_value_error(out):
    (out / "simulation" / "metadata.json").write_text("{oops")
    with pytest.raises(ValueError, match="metadata.json"):
        load_results(out)


def test_simulation_complete_flag(out):
    assert load_results(out)["simulation"]["complete"] is True
    (out / "simulation" / "_SUCCESS").unlink()
    assert load_results(out)["simulation"]["complete"] is False


def test_policy_locations(out):
    direct = load_policy(out / "policy")
    assert direct == load_policy(out)
    shutil.move(out / "policy", out / "training" / "policy")
    assert load_policy(out) == direct
    assert direct["metadata"]["num_stages"] == len(direct["stage_cuts"]) == 2


def test_corrupt_policy_is_oserror(out):
    path = out / "policy" / "cuts" / "stage_000.bin"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(CobreIOError) as info:
        load_policy(out)
    assert isinstance(info.value, OSError) and info.value.context["file"] == str(path)
