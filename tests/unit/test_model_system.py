"""The immutable data model: construction rules, immutability, reprs, counts (spec 20 §5)."""

from __future__ import annotations

import dataclasses

import pytest
from tests.unit._case_copies import DETERMINISTIC, EXAMPLES

import pycobre
from pycobre.io import load_case
from pycobre.model import Block, Bus, Case, Hydro, Line, Stage, System, Thermal


@pytest.fixture(scope="module")
def ree():
    return load_case(EXAMPLES / "4ree")


def test_system_not_constructable_without_arguments():
    with pytest.raises(TypeError):
        System()


def test_case_aliases_point_to_system():
    assert Case is System
    assert pycobre.System is System and pycobre.Case is System


def test_system_is_frozen(ree):
    with pytest.raises(AttributeError):
        ree.buses = []
    with pytest.raises(AttributeError):
        ree.n_buses = 3
    with pytest.raises(AttributeError):
        del ree.config


def test_entities_are_frozen(ree):
    hydro = ree.hydros[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        hydro.bus_id = 7
    with pytest.raises(dataclasses.FrozenInstanceError):
        ree.stages[0].blocks[0].hours = 1.0


def test_collections_are_fresh_lists(ree):
    buses = ree.buses
    assert isinstance(buses, list)
    buses.clear()
    assert ree.n_buses == 5 and len(ree.buses) == 5


def test_resolved_arrays_read_only(ree):
    arr = ree.resolved.thermal_cost_per_mwh
    with pytest.raises(ValueError):
        arr[0, 0] = 1.0
    with pytest.raises(AttributeError):
        ree.resolved.thermal_cost_per_mwh = arr


def test_system_repr(ree):
    assert repr(ree) == "System(n_buses=5, n_lines=5, n_hydros=4, n_thermals=126, n_stages=12)"


def test_entity_reprs(ree):
    assert repr(ree.buses[0]) == "Bus(id=0, name='SUDESTE')"
    line = ree.lines[0]
    assert repr(line).startswith("Line(id=0, name=")
    assert f"source_bus_id={line.source_bus_id}" in repr(line)
    assert f"target_bus_id={line.target_bus_id}" in repr(line)
    assert "bus_id=" in repr(ree.thermals[0]) and repr(ree.thermals[0]).startswith("Thermal(id=")
    assert repr(ree.hydros[0]).startswith("Hydro(id=")


def test_types_and_flat_attribute_names(ree):
    assert all(isinstance(b, Bus) for b in ree.buses)
    assert all(isinstance(t, Thermal) for t in ree.thermals)
    assert all(isinstance(h, Hydro) for h in ree.hydros)
    assert all(isinstance(ln, Line) for ln in ree.lines)
    h = ree.hydros[0]
    assert h.min_storage_hm3 == h.reservoir.min_storage_hm3
    assert h.max_turbined_m3s == h.generation.max_turbined_m3s
    assert h.generation_model == h.generation.model
    ln = ree.lines[0]
    assert ln.direct_capacity_mw == ln.capacity.direct_mw
    th = ree.thermals[0]
    assert th.max_generation_mw == th.generation.max_mw


def test_ids_ascending(ree):
    for coll in (ree.buses, ree.lines, ree.hydros, ree.thermals, ree.stages):
        ids = [e.id for e in coll]
        assert ids == sorted(ids)


def test_stage_and_block_records():
    s = load_case(DETERMINISTIC / "d14-block-factors")
    st = s.stages[0]
    assert isinstance(st, Stage) and st.index == 0 and st.is_study
    assert st.blocks == (Block(0, st.blocks[0].name, 400.0), Block(1, st.blocks[1].name, 330.0))
    assert st.hours == 730.0
    assert s.stages[1].index == 1


def test_counts_and_state_dimension_with_pre_study_stages():
    s = load_case(DETERMINISTIC / "d12-par-annual")
    assert s.n_pre_study_stages == 2
    assert s.n_study_stages == 24
    assert s.n_stages == 26  # Cobre semantics: study + pre-study
    assert [st.id for st in s.pre_study_stages] == [-2, -1]
    assert all(st.index is None for st in s.pre_study_stages)
    assert [st.index for st in s.study_stages] == list(range(24))
    assert s.n_lags == 0 and s.state_dimension == 2  # no AR table / annual component on disk


def test_topology(ree):
    topo = ree.topology
    assert topo["buses"] == [0, 1, 2, 3, 4]
    assert len(topo["lines"]) == 5
    assert set(topo["cascade"]) == {h.id for h in ree.hydros}


def test_position_lookup(ree):
    last = ree.thermals[-1]
    assert ree.position("thermals", last.id) == ree.n_thermals - 1
    with pytest.raises(KeyError):
        ree.position("thermals", -5)


def test_system_pickles_and_compares_equal(ree):
    import pickle

    clone = pickle.loads(pickle.dumps(ree))
    assert clone == ree
    assert clone.case_dir == ree.case_dir
    assert clone.initial_conditions.storage == ree.initial_conditions.storage
    assert not clone.resolved.hydro_spillage_cost.flags.writeable


def test_deficit_segments_read_as_the_spec_dicts(ree):
    """Spec 20 §5.3: ``[{"depth_mw": float | None, "cost_per_mwh": float}]``, last unbounded."""
    segs = ree.buses[0].deficit_segments  # SUDESTE: one unbounded tier at 1420.34 $/MWh
    assert [dict(s) for s in segs] == [{"depth_mw": None, "cost_per_mwh": 1420.34}]
    assert segs[0] == {"depth_mw": None, "cost_per_mwh": 1420.34}
    assert segs[0] != {"depth_mw": None, "cost_per_mwh": 1000.0}
    assert segs[0]["cost_per_mwh"] == segs[0].cost_per_mwh == 1420.34
