"""Tests for dependency ratios and age-group growth."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import MIRROR, need_file
from hypothesis import given, settings
from hypothesis import strategies as st

from carerlib.data.projections import read_snpp2016, read_snpp2022
from carerlib.errors import DataError
from carerlib.measures.dependency import (
    MEASURE_COLUMNS,
    age_group_growth,
    age_group_population,
    care_gap_ratio,
    dependency_table,
    old_age_dependency_ratio,
    potential_support_ratio,
)

DATA = MIRROR
SNPP2022 = DATA / "population" / "snpp2022-migcat-persons-essex-southend-thurrock-all-ages.csv"
SNPP2016 = DATA / "population" / "snpp2016-persons-age60plus-ltla.csv"
SOUTHEND = "E06000033"



def _toy(ages: dict[int, float], year: int = 2030, code: str = "A") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": code,
            "area_name": "Area " + code,
            "year": year,
            "age": list(ages),
            "population": list(ages.values()),
        }
    )


def _value(table: pd.DataFrame, code: str, year: int, measure: str) -> float:
    row = table[(table["area_code"] == code) & (table["year"] == year)]
    return float(row.loc[row["measure"] == measure, "value"].iloc[0])


# ---------------------------------------------------------------------------- toy arithmetic

# Ages 10, 15, 16, 50, 64, 70, 85 and an open top group 90 (= 90 and over).
TOY = {10: 5.0, 15: 10.0, 16: 20.0, 50: 30.0, 64: 40.0, 70: 25.0, 85: 10.0, 90: 5.0}


def test_potential_support_ratio_toy() -> None:
    # 15-64: 10 + 20 + 30 + 40 = 100; 65+: 25 + 10 + 5 = 40; 100 / 40 = 2.5
    table = potential_support_ratio(_toy(TOY))
    assert list(table.columns) == MEASURE_COLUMNS
    assert table["value"].tolist() == pytest.approx([2.5])
    assert table["note"].tolist() == [""]


def test_old_age_dependency_ratio_toy() -> None:
    # 16-64: 20 + 30 + 40 = 90; 65+: 40; 1,000 x 40 / 90 = 444.44
    table = old_age_dependency_ratio(_toy(TOY))
    assert table["value"].tolist() == pytest.approx([1000 * 40 / 90])


def test_care_gap_ratio_toy_and_parameters() -> None:
    # 50-74: 30 + 40 + 25 = 95; 85+: 10 + 5 = 15; 95 / 15 = 6.333
    assert care_gap_ratio(_toy(TOY))["value"].tolist() == pytest.approx([95 / 15])
    # AARP-style 45-64 per 80+: (30 + 40) / 15 = 4.667
    aarp = care_gap_ratio(_toy(TOY), carer_ages=(45, 64), oldest_from=80)
    assert aarp["value"].tolist() == pytest.approx([70 / 15])
    assert "45\u201364" in aarp["label"].iloc[0]


def test_age_group_growth_toy() -> None:
    # 85+ goes from 15 to 18 (+20%); 15-64 from 100 to 90 (-10%).
    later = {**TOY, 85: 12.0, 90: 6.0, 64: 30.0}
    frame = pd.concat([_toy(TOY, 2020), _toy(later, 2030)])
    old = age_group_growth(frame, 85, None, 2020, 2030)
    assert old["value"].tolist() == pytest.approx([20.0])
    assert old["year"].tolist() == [2030]
    working = age_group_growth(frame, 15, 64, 2020, 2030)
    assert working["value"].tolist() == pytest.approx([-10.0])
    missing = age_group_growth(frame, 85, None, 2020, 2050)
    assert missing["value"].isna().all() and "2050" in missing["note"].iloc[0]


def test_open_top_group_is_never_split() -> None:
    # 80-94 would need ages inside the open "90 and over" group.
    group = age_group_population(_toy(TOY), 80, 94)
    assert group["population"].isna().all()
    assert "90 and over" in group["note"].iloc[0]
    # 85-89 ends below the open group; 90+ is the open group itself.
    assert age_group_population(_toy(TOY), 85, 89)["population"].tolist() == [10.0]
    assert age_group_population(_toy(TOY), 90)["population"].tolist() == [5.0]


def test_missing_ages_give_nan_with_a_reason() -> None:
    old_only = _toy({60: 100.0, 70: 50.0, 90: 10.0})
    table = dependency_table(old_only)
    assert table["value"].isna().all()
    assert table["note"].str.contains("starts at age 60").all()


def test_bad_population_is_a_data_error() -> None:
    with pytest.raises(DataError, match="population"):
        potential_support_ratio(_toy(TOY).drop(columns="population"))
    with pytest.raises(DataError, match="negative"):
        potential_support_ratio(_toy({**TOY, 70: -1.0}))


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(
        st.floats(min_value=1.0, max_value=1e5, allow_nan=False), min_size=91, max_size=91
    ),
    scale=st.floats(min_value=0.01, max_value=1e3, allow_nan=False),
)
def test_ratios_positive_and_scale_free(counts: list[float], scale: float) -> None:
    frame = _toy(dict(enumerate(counts)))
    scaled = frame.assign(population=frame["population"] * scale)
    before = dependency_table(frame)
    after = dependency_table(scaled)
    assert (before["value"] > 0).all()
    assert after["value"].to_numpy() == pytest.approx(before["value"].to_numpy(), rel=1e-9)


# ---------------------------------------------------------------------------- Southend


@pytest.fixture(scope="module")
def snpp2022() -> pd.DataFrame:
    return read_snpp2022(need_file(SNPP2022))


def test_southend_potential_support_ratio(snpp2022: pd.DataFrame) -> None:
    table = dependency_table(snpp2022, base_year=2022)
    psr = "potential_support_ratio"
    assert round(_value(table, SOUTHEND, 2022, psr), 3) == 3.254
    assert round(_value(table, SOUTHEND, 2031, psr), 3) == 2.881
    assert round(_value(table, SOUTHEND, 2041, psr), 3) == 2.663
    change = table[
        (table["area_code"] == SOUTHEND) & (table["year"] == 2031) & (table["measure"] == psr)
    ]["percent_change"].iloc[0]
    assert round(change, 1) == -11.5


def test_southend_care_gap_ratio(snpp2022: pd.DataFrame) -> None:
    table = care_gap_ratio(snpp2022)
    assert round(_value(table, SOUTHEND, 2022, "care_gap_ratio"), 1) == 10.5
    assert round(_value(table, SOUTHEND, 2031, "care_gap_ratio"), 2) == 8.77
    assert round(_value(table, SOUTHEND, 2041, "care_gap_ratio"), 2) == 7.21


def test_all_areas_and_years_at_once(snpp2022: pd.DataFrame) -> None:
    table = dependency_table(snpp2022)
    assert len(table) == 3 * 14 * 26
    assert table["note"].eq("").all() and (table["value"] > 0).all()


def test_2016_based_has_no_working_ages() -> None:
    snpp2016 = read_snpp2016(need_file(SNPP2016))
    southend = snpp2016[snpp2016["area_code"] == SOUTHEND]
    table = dependency_table(southend)
    assert table["value"].isna().all()
    assert table["note"].str.contains("starts at age 60").all()
    # Older groups are still available: 85+ growth 2016 to 2041.
    growth = age_group_growth(southend, 85, None, 2016, 2041)
    assert growth["note"].tolist() == [""] and growth["value"].iloc[0] > 0
