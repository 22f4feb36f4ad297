"""Future-demand tables computed once for every area, then read per area, give each area the
same rows as computing the area alone; a pack reading them from the store names the same
datasets in its sources table; a changed parameter gets its own stored table."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from carerlib.data import parsed
from carerlib.data.datastore import DataStore
from carerlib.data.official import OfficialData
from carerlib.pack.sections.context import load_context
from carerlib.params import load_params

future = importlib.import_module("carerlib.pack.sections.future")

GROUPS = {"X00000001": {"name": "Mid Essex", "members": ["E07000067", "E07000070", "E07000074"]}}
#: A unitary, a district, a county, a London borough, a Welsh authority, an authority created
#: after 2018 (Buckinghamshire: the sum of four predecessors), a region and a group.
AREAS = ["E06000033", "E07000066", "E10000012", "E09000022", "W06000015", "E06000060",
         "E12000006", "X00000001"]
TABLES = {"dependency": future._dependency_rows, "growth": future._growth_rows,
          "older": future._older_rows, "projected": future._projected_rows,
          "coverage": future._coverage_rows}


def _same(national: pd.DataFrame, alone: pd.DataFrame) -> None:
    """Equal rows, columns, text and dtypes; numbers equal to 1e-12 (a sum over every area
    adds in a different order from a sum over one)."""
    national, alone = national.reset_index(drop=True), alone.reset_index(drop=True)
    if alone.empty:  # an area no projection covers: no rows either way
        assert national.empty
        return
    assert list(national.columns) == list(alone.columns)
    assert len(national) == len(alone)
    for column in alone.columns:
        if pd.api.types.is_float_dtype(alone[column]):
            assert np.allclose(national[column], alone[column], rtol=1e-12, atol=0,
                               equal_nan=True), column
        else:
            assert national[column].astype(str).tolist() == alone[column].astype(str).tolist()


@pytest.fixture(scope="module")
def store_env(mirror, tmp_path_factory):
    cache = tmp_path_factory.mktemp("national-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CARERLIB_CACHE", str(cache))
        patch.setenv("CARERLIB_PARSED", "1")
        yield mirror, cache


@pytest.mark.parametrize("code", AREAS)
def test_national_tables_give_each_area_its_own_rows(store_env, code):
    mirror, _ = store_env
    data = OfficialData(DataStore(mirror), GROUPS)
    ctx = load_context(code, load_params(code), official=data)
    for name, build in TABLES.items():
        _same(future._area_table(ctx, name, build), build(ctx, code))


def test_a_pack_reading_stored_tables_names_the_same_datasets(store_env):
    mirror, cache = store_env
    code = "E06000033"
    first = OfficialData(DataStore(mirror), GROUPS)
    future.future(load_context(code, load_params(code), official=first))  # builds and stores
    assert sorted(p.name.split("-")[0] for p in (cache / "parsed").glob("*/future_*.parquet"))
    fresh = OfficialData(DataStore(mirror), GROUPS)
    ctx = load_context(code, load_params(code), official=fresh)
    fresh.used.clear()
    result = future.future(ctx)
    # Read from the store: the projection frames themselves are never loaded by the pack...
    assert not {"projection_2016", "projection_2018"} & set(vars(fresh))
    # ...yet the sources table still names every projection behind the figures.
    assert {"snpp2016", "snpp2018", "snpp2022"} <= fresh.used
    # Southend's support ratio, 2022-based: 3.254 in 2022 to 2.881 in 2031 (METHODS.md, -11.5%).
    psr = result.figures
    assert round(psr["potential_support_ratio_start"], 3) == 3.254


def test_another_working_age_range_is_a_separate_stored_table(store_env):
    mirror, cache = store_env
    code = "E06000033"
    params = load_params(code)
    other = params.model_copy(update={"dependency": params.dependency.model_copy(
        update={"working_ages": [20, 64]})})
    data = OfficialData(DataStore(mirror), GROUPS)
    default = future.dependency_over_time(load_context(code, params, official=data))
    changed = future.dependency_over_time(load_context(code, other, official=data))
    labels = set(changed.loc[changed["measure"] == "potential_support_ratio", "label"])
    assert any("20–64" in label for label in labels)
    assert not any("20–64" in label for label in
                   set(default.loc[default["measure"] == "potential_support_ratio", "label"]))
    names = {p.name for p in (cache / "parsed").glob("*/future_dependency-*.parquet")}
    assert len(names) == 2


def test_code_digest_changes_with_the_source(tmp_path, monkeypatch):
    package = tmp_path / "digestpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "m.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = parsed.code_digest("digestpkg")
    (package / "m.py").write_text("X = 2\n")
    assert parsed.code_digest("digestpkg") != before


def test_census_tables_loaded_from_the_store_equal_fresh_ones(store_env):
    """The Census tables every pack uses (totals, bands, change since 2011), loaded from the
    store, are exactly the frames computed from the national frames."""
    from carerlib.measures import change, needs

    mirror, _ = store_env
    code = "E06000033"
    load_context(code, load_params(code), official=OfficialData(DataStore(mirror), GROUPS))
    data = OfficialData(DataStore(mirror), GROUPS)
    ctx = load_context(code, load_params(code), official=data)  # reads the stored tables
    assert any(k.startswith("census_totals") for k in data.__dict__["_parsed_tables"])
    conf = ctx.params.confidence_level
    pd.testing.assert_frame_equal(ctx.census.totals_2021,
                                  needs.carers_total(data.care_2021, conf), check_exact=True)
    pd.testing.assert_frame_equal(ctx.census.broad_2021,
                                  needs.carers_by_band(data.care_2021, "broad", conf),
                                  check_exact=True)
    pd.testing.assert_frame_equal(ctx.census.fine_2021,
                                  needs.carers_by_band(data.care_2021, "fine", conf),
                                  check_exact=True)
    changes = change.like_for_like_change(data.care_2011, data.care_2021, data.ages_2011)
    pd.testing.assert_frame_equal(ctx.census.my_change,
                                  changes[changes["area_code"] == code], check_exact=True)
    # Southend: 15,019 carers aged 5+ in 2021 (METHODS.md).
    assert int(ctx.census.mine["carers"]) == 15_019
    from carerlib.pack.sections.context import shared_table

    for official in (OfficialData(DataStore(mirror), GROUPS), data):  # built, then loaded
        stored = shared_table(official, "census_broad_2011", lambda o=official: (
            needs.carers_by_band(o.care_2011, "broad", conf)), ("care_2011",), confidence=conf)
    pd.testing.assert_frame_equal(stored, needs.carers_by_band(data.care_2011, "broad", conf),
                                  check_exact=True)
    # Southend 2011: 17,682 carers (METHODS.md), the value section's earlier census year.
    assert int(stored.loc[stored["area_code"] == code, "carers"].sum()) == 17_682


@pytest.mark.parametrize("code", ["E06000033", "E10000012", "E07000070", "W06000015"])
def test_ascof_outcomes_from_stored_comparators_equal_fresh_ones(store_env, code):
    """The health section reads every council's ASCOF comparators (medians, ranks) from the
    store; a council's outcomes and notes are exactly those computed from the file."""
    from carerlib.measures import ascof

    health = importlib.import_module("carerlib.pack.sections.health")
    mirror, _ = store_env
    for _ in range(2):  # the first builds and stores the comparators, the second loads them
        data = OfficialData(DataStore(mirror), GROUPS)
        ctx = load_context(code, load_params(code), official=data)
        health.ascof_outcomes(ctx)
    assert any(k.startswith("ascof_comparators") for k in data.__dict__["_parsed_tables"])
    stored = next(v for k, v in data.__dict__["_parsed_tables"].items()
                  if k.startswith("ascof_comparators"))
    fresh = ascof.carer_outcomes(data.ascof, code)
    with_stored = ascof.carer_outcomes(data.ascof, code, comparators=stored)
    pd.testing.assert_frame_equal(with_stored.table, fresh.table, check_exact=True)
    assert with_stored.notes == fresh.notes
    if code == "E06000033":  # Southend's 2021-22 quality of life: 8.2 (METHODS.md figure)
        row = fresh.table[(fresh.table["ascof"] == "1D")
                          & (fresh.table["financial_year"] == "2021-22")]
        assert float(row["value"].iloc[0]) == pytest.approx(8.2)


@pytest.mark.parametrize("code", ["E06000033", "E10000012", "W06000015"])
def test_peer_ranks_from_the_store_equal_fresh_ones(store_env, code):
    """Every area's rank among its peers is computed once and stored; an area's sentences and
    index figures are exactly those ranked afresh from the national totals."""
    from carerlib.measures import peers

    carers = importlib.import_module("carerlib.pack.sections.carers")
    mirror, _ = store_env
    parts = []
    for _ in range(2):  # the first builds and stores the ranks, the second loads them
        data = OfficialData(DataStore(mirror), GROUPS)
        ctx = load_context(code, load_params(code), official=data)
        parts.append(carers.peer_ranks(ctx))
    assert any(k.startswith("peer_ranks_2021") for k in data.__dict__["_parsed_tables"])
    fresh = peers.rank_among_peers(ctx.census.totals_2021, "prevalence", data.members)
    mine = fresh[fresh["area_code"] == code]
    assert len(mine) >= 1
    for part in parts:
        assert [b.text for b in part.blocks] == [
            "Share of residents caring: "
            f"{peers.describe_position(r['rank'], r['n_peers'], r['peer_group'])} "
            f"(percentile {r['percentile']:.0f})." for _, r in mine.iterrows()]
        assert dict(part.figures) == {
            f"rank_{r['peer_group'].replace(' ', '_').lower()}":
            f"{int(r['rank'])} of {int(r['n_peers'])}" for _, r in mine.iterrows()}


def test_primed_store_holds_every_table_a_pack_reads(mirror, tmp_path, monkeypatch):
    """A batch's second worker primes a cold store from the far end; afterwards a pack finds
    every national frame and table stored and builds none."""
    from carerlib.pack.prime import pack_order_frames, prime_store
    from carerlib.pack.sections import BUILDERS

    monkeypatch.setenv("CARERLIB_CACHE", str(tmp_path))
    monkeypatch.setenv("CARERLIB_PARSED", "1")
    monkeypatch.setenv("CARERLIB_DATA_MIRROR", str(mirror))
    assert prime_store("E06000033")
    stored = {p.name.split("-")[0].removesuffix(".parquet")
              for p in (tmp_path / "parsed").glob("*/*.parquet")}
    assert {f"future_{name}" for name, _ in future.AREA_TABLES} <= stored

    def no_building(*args, **kwargs):
        raise AssertionError("a table was built after priming")

    monkeypatch.setattr(parsed, "_build_and_store", no_building)
    ctx = load_context("E07000070", load_params("E07000070"))  # the data a pack would use
    assert set(pack_order_frames(ctx.data)) <= stored
    for build in BUILDERS:
        build(ctx)
