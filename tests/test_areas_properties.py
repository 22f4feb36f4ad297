"""Aggregation properties (hypothesis) and golden county/group totals from the official files.

The properties check counts against an independent oracle (plain sets of member districts built
alongside the random geography), not against the membership table under test.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carerlib.data import areas, census
from carerlib.measures import needs
from carerlib.measures.stats import wilson_interval

ESSEX = "E10000012"
MID_ESSEX = ("E07000067", "E07000070", "E07000074")  # Braintree, Chelmsford, Maldon
REGIONS = ("E12000001", "E12000002", "E12000003")


@st.composite
def geographies(draw):
    """Random LTLAs with counts, UTLAs (some unitary), regions and user groups.

    Returns (tree, groups, frame, oracle) where oracle maps every area code to the set of its
    member LTLAs.
    """
    n = draw(st.integers(1, 8))
    ltlas = [f"E07{i:06d}" for i in range(n)]
    n_utlas = draw(st.integers(1, n))
    utla_of = draw(st.lists(st.integers(0, n_utlas - 1), min_size=n, max_size=n))
    region_of = draw(st.lists(st.integers(0, len(REGIONS) - 1), min_size=n_utlas,
                              max_size=n_utlas))
    unitary = draw(st.lists(st.booleans(), min_size=n_utlas, max_size=n_utlas))
    utla_codes = []
    for u in range(n_utlas):
        members = [ltlas[i] for i in range(n) if utla_of[i] == u]
        # A unitary authority is one district whose UTLA code is its own code.
        single = len(members) == 1 and unitary[u]
        utla_codes.append(members[0] if single else f"E10{u:06d}")
    tree = pd.DataFrame({
        "ltla_code": ltlas, "ltla_name": [f"District {c}" for c in ltlas],
        "utla_code": [utla_codes[u] for u in utla_of],
        "utla_name": [f"Upper {utla_codes[u]}" for u in utla_of],
        "region_code": [REGIONS[region_of[u]] for u in utla_of],
        "region_name": [f"Region {REGIONS[region_of[u]]}" for u in utla_of],
        "country_code": areas.ENGLAND, "country_name": "England"})
    group_sets = draw(st.lists(st.sets(st.sampled_from(ltlas), min_size=1), max_size=3))
    groups = {f"X{g:08d}": {"name": f"Group {g}", "members": sorted(s)}
              for g, s in enumerate(group_sets)}

    population = draw(st.lists(st.integers(0, 500_000), min_size=n, max_size=n))
    carers = [draw(st.integers(0, p)) for p in population]
    frame = pd.DataFrame({"area_code": ltlas, "area_name": tree["ltla_name"], "year": 2021,
                          "carers": carers, "population": population})

    oracle: dict[str, set[str]] = {}
    for i, code in enumerate(ltlas):
        u = utla_of[i]
        for area in (code, utla_codes[u], REGIONS[region_of[u]], areas.ENGLAND,
                     areas.ENGLAND_AND_WALES):
            oracle.setdefault(area, set()).add(code)
    for code, group in groups.items():
        oracle[code] = set(group["members"])
    return tree, groups, frame, oracle


def _aggregated(tree, groups, frame):
    members = areas.membership(tree, groups)
    return areas.aggregate(frame, members, ["carers", "population"], ["year"])


@settings(max_examples=150, deadline=None)
@given(geographies())
def test_sum_of_parts_is_the_whole(geo):
    tree, groups, frame, oracle = geo
    out = _aggregated(tree, groups, frame).set_index("area_code")
    assert set(out.index) == set(oracle)
    assert not out.index.duplicated().any()  # a unitary is one area, counted once
    parts = frame.set_index("area_code")
    for area, members in oracle.items():
        for column in ("carers", "population"):
            assert out.loc[area, column] == parts.loc[sorted(members), column].sum()
    # The whole country is every district exactly once, however the layers overlap.
    assert out.loc[areas.ENGLAND_AND_WALES, "population"] == frame["population"].sum()


@settings(max_examples=150, deadline=None)
@given(geographies())
def test_rates_from_summed_counts_lie_between_the_parts(geo):
    tree, groups, frame, oracle = geo
    out = _aggregated(tree, groups, frame).set_index("area_code")
    parts = frame.set_index("area_code")
    for area, members in oracle.items():
        if out.loc[area, "population"] == 0:
            continue
        rate = out.loc[area, "carers"] / out.loc[area, "population"]
        assert 0 <= rate <= 1
        # Exact arithmetic: a pooled rate is a weighted mean of its parts' rates.
        rates = [Fraction(int(parts.loc[m, "carers"]), int(parts.loc[m, "population"]))
                 for m in members if parts.loc[m, "population"] > 0]
        pooled = Fraction(int(out.loc[area, "carers"]), int(out.loc[area, "population"]))
        assert min(rates) <= pooled <= max(rates)
        assert float(min(rates)) - 1e-12 <= rate <= float(max(rates)) + 1e-12


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**8), st.floats(0, 1)), min_size=1, max_size=20),
       st.floats(0.5, 0.999))
def test_wilson_interval_contains_estimate_within_0_and_1(cases, confidence):
    totals = np.array([n for n, _ in cases])
    counts = np.array([round(n * share) for n, share in cases])
    lower, upper = wilson_interval(counts, totals, confidence)
    point = counts / totals
    assert np.all(lower >= -1e-12) and np.all(upper <= 1 + 1e-12)
    assert np.all(lower <= point + 1e-12) and np.all(point <= upper + 1e-12)
    assert np.all(lower < upper)


def test_essex_aged_5_plus_districts_against_utla_file(official, mirror):
    utla = census.read_ts007(mirror / "census2021" / "census2021-ts007-utla.csv")
    essex_file = utla[utla["area_code"] == ESSEX]
    districts = official.ages_2021[official.ages_2021["area_code"] == ESSEX]
    assert official.tree.loc[official.tree["utla_code"] == ESSEX, "ltla_code"].nunique() == 12
    # All ages: the 12 districts sum to 1,503,539; the UTLA row says 1,503,520 (MANIFEST).
    assert districts["population"].sum() == 1_503_539
    assert essex_file["population"].sum() == 1_503_520
    # Aged 5+: 1,420,398 from the districts, 1,420,379 in the UTLA file (independent
    # perturbation per geography), and TS039's own denominator is 1,420,382.
    from_districts = districts.loc[districts["age"] >= 5, "population"].sum()
    from_file = essex_file.loc[essex_file["age"] >= 5, "population"].sum()
    assert (from_districts, from_file) == (1_420_398, 1_420_379)
    assert abs(from_districts - from_file) <= 30
    ts039 = official.care_2021
    denominator = ts039.loc[(ts039["area_code"] == ESSEX) & (ts039["category"] == "all_residents"),
                            "count"].item()
    assert abs(denominator - from_file) <= 30


def test_mid_essex_group_is_braintree_chelmsford_maldon(official):
    care = official.care_2021
    group = care[care["area_code"] == "X00000001"].set_index("category")["count"]
    parts = care[care["area_code"].isin(MID_ESSEX)].groupby("category")["count"].sum()
    assert group.sort_index().equals(parts.sort_index())
    # From the TS039 rows by hand: 146,815 + 171,642 + 63,166 residents aged 5+;
    # carers 12,653 + 13,700 + 6,228; 50+ hours 3,796 + 3,691 + 1,816.
    assert group["all_residents"] == 381_623
    assert group["50_plus"] == 9_303
    total = needs.carers_total(care).set_index("area_code").loc["X00000001"]
    assert total["carers"] == 32_581
    assert total["prevalence"] == pytest.approx(32_581 / 381_623)
    # The group is an extra view: it does not add to Essex or England.
    essex = care[(care["area_code"] == ESSEX) & (care["category"] == "all_residents")]
    assert essex["count"].item() == 1_420_382
