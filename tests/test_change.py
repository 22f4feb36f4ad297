"""Like-for-like change 2011 -> 2021 against published counts and the raw QS103EW file."""

from __future__ import annotations

import csv
import re

import pytest

from carerlib.measures import change

SOUTHEND, ENGLAND_AND_WALES = "E06000033", "K04000001"


@pytest.fixture(scope="module")
def table(official):
    return change.like_for_like_change(official.care_2011, official.care_2021, official.ages_2011)


def _row(table, area, band="all_carers"):
    hit = table[(table["area_code"] == area) & (table["band"] == band)]
    assert len(hit) == 1
    return hit.iloc[0]


def _raw_qs103_aged_5_plus(mirror) -> dict[str, int]:
    """Residents aged 5+ per 2011 district, summed from QS103EW single-year columns by hand."""
    single = re.compile(r"^Age: Age (\d+)( and over)?; measures: Value$")
    out = {}
    with open(mirror / "census2011" / "qs103ew-lad2011.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("Rural Urban", "Total") != "Total":
                continue
            out[row["geography code"]] = sum(
                int(value) for column, value in row.items()
                if (hit := single.match(column)) and int(hit.group(1)) >= 5
                and (hit.group(2) is None or int(hit.group(1)) == 100))
    return out


def test_southend_carers_2011_to_2021(table):
    row = _row(table, SOUTHEND)
    assert (row["carers_2011"], row["carers_2021"]) == (17_682, 15_019)
    assert row["change"] == -2_663
    assert row["percent_change"] == pytest.approx(-15.06, abs=0.005)
    # The heavy end grew: 50+ hours 4,139 -> 4,568 (+429, +10.4%).
    heavy = _row(table, SOUTHEND, "50_plus")
    assert (heavy["carers_2011"], heavy["carers_2021"], heavy["change"]) == (4_139, 4_568, 429)
    assert heavy["percent_change"] == pytest.approx(10.36, abs=0.005)
    light = _row(table, SOUTHEND, "up_to_19")
    assert (light["carers_2011"], light["carers_2021"]) == (11_412, 7_405)


def test_england_and_wales(table):
    row = _row(table, ENGLAND_AND_WALES)
    assert (row["carers_2011"], row["carers_2021"]) == (5_800_246, 4_989_002)
    assert row["change"] == -811_244
    assert row["population_5plus_2021"] == 56_365_485


def test_southend_2011_denominator_aged_5_plus_from_single_years(table, mirror):
    raw = _raw_qs103_aged_5_plus(mirror)
    row = _row(table, SOUTHEND)
    # 173,658 residents of all ages less 11,213 children under 5.
    assert raw[SOUTHEND] == 162_445 == row["population_5plus_2011"]
    assert row["population_5plus_2021"] == 170_444
    # 17,682 / 162,445 = 10.885% (10.18% over all ages); 15,019 / 170,444 = 8.812%.
    assert row["prevalence_2011"] == pytest.approx(0.108849, abs=1e-6)
    assert row["prevalence_2021"] == pytest.approx(0.088117, abs=1e-6)
    assert row["prevalence_change_pp"] == pytest.approx(-2.073, abs=5e-4)
    # Every 2011 district summed by hand gives the England and Wales denominator.
    assert sum(raw.values()) == _row(table, ENGLAND_AND_WALES)["population_5plus_2011"]
    assert sum(raw.values()) == 52_579_162


def test_every_area_has_three_bands_and_a_total(table, official):
    assert table["area_code"].nunique() == official.care_2021["area_code"].nunique()
    assert (table.groupby("area_code").size() == 4).all()
    parts = table[table["band"] != change.ALL_CARERS].groupby("area_code")[
        ["carers_2011", "carers_2021"]].sum()
    whole = table[table["band"] == change.ALL_CARERS].set_index("area_code")[
        ["carers_2011", "carers_2021"]]
    assert parts.sort_index().equals(whole.sort_index())
    # Merged authority: Buckinghamshire (2021) = its four 2011 districts in QS301EW, by hand:
    # Aylesbury Vale 16,566 + Chiltern 9,664 + South Bucks 6,893 + Wycombe 16,391.
    assert _row(table, "E06000060")["carers_2011"] == 49_514


def test_caveat_travels_with_the_table(table):
    assert table.attrs["caveat"] == change.CAVEAT
    assert (table["caveat"] == change.CAVEAT).all()
    assert "wording" in change.CAVEAT and "under 5" in change.CAVEAT
    assert table.loc[table["band"] == "all_carers", "band_label"].eq("All carers").all()
