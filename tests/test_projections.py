"""Tests for projection readers and carer projections (indirect standardisation and POPPI)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import MIRROR, need_file

from carerlib.data.projections import (
    ALL_HOURS,
    POPULATION_COLUMNS,
    PROJECTION_COLUMNS,
    age_coverage,
    read_national_care_rates,
    read_snpp2016,
    read_snpp2022,
)
from carerlib.errors import DataError
from carerlib.measures.projections import (
    METHOD_INDIRECT,
    METHOD_INDIRECT_ALL_HOURS,
    METHOD_POPPI,
    expected_carers,
    project_carers,
    project_carers_poppi,
)

DATA = MIRROR
SNPP2022 = DATA / "population" / "snpp2022-migcat-persons-essex-southend-thurrock-all-ages.csv"
SNPP2016 = DATA / "population" / "snpp2016-persons-age60plus-ltla.csv"
RATES = DATA / "census2021" / "ew-unpaid-care-rates-by-age-sex-2021.csv"
TS007 = DATA / "census2021" / "census2021-ts007-ltla.csv"
SOUTHEND = "E06000033"



@pytest.fixture(scope="module")
def snpp2022() -> pd.DataFrame:
    return read_snpp2022(need_file(SNPP2022))


@pytest.fixture(scope="module")
def snpp2016() -> pd.DataFrame:
    return read_snpp2016(need_file(SNPP2016))


@pytest.fixture(scope="module")
def rates() -> pd.DataFrame:
    return read_national_care_rates(need_file(RATES))


@pytest.fixture(scope="module")
def southend_2021() -> pd.DataFrame:
    """Census 2021 TS007 single years of age for Southend, read here with plain pandas."""
    ts007 = pd.read_csv(need_file(TS007))
    row = ts007.loc[ts007["geography code"] == SOUTHEND].iloc[0]
    ages: dict[int, float] = {}
    for column in ts007.columns:
        if column == "Age: Aged under 1 year; measures: Value":
            ages[0] = float(row[column])
        elif m := re.fullmatch(r"Age: Aged (\d+) years?(?: and over)?; measures: Value", column):
            ages[int(m.group(1))] = float(row[column])
    assert sorted(ages) == list(range(101))
    return pd.DataFrame(
        {
            "area_code": SOUTHEND,
            "area_name": "Southend-on-Sea",
            "year": 2021,
            "age": list(ages),
            "population": list(ages.values()),
        }
    )


@pytest.fixture()
def southend_observed() -> pd.DataFrame:
    """Census 2021 TS039: Southend carers aged 5+ by hours band (15,019 in all)."""
    return pd.DataFrame(
        {
            "area_code": [SOUTHEND] * 4,
            "band": ["up_to_19", "20_to_49", "50_plus", ALL_HOURS],
            "carers": [7405.0, 3046.0, 4568.0, 15019.0],
        }
    )


def _group(frame: pd.DataFrame, code: str, year: int, min_age: int) -> float:
    rows = frame[(frame["area_code"] == code) & (frame["year"] == year) & (frame["age"] >= min_age)]
    return float(rows["population"].sum())


# ---------------------------------------------------------------------------- readers


def test_snpp2022_southend_65_plus_in_2041(snpp2022: pd.DataFrame) -> None:
    assert round(_group(snpp2022, SOUTHEND, 2041, 65)) == 44_260


def test_snpp2016_southend_65_plus_in_2041(snpp2016: pd.DataFrame) -> None:
    assert round(_group(snpp2016, SOUTHEND, 2041, 65)) == 54_754


def test_snpp2022_tidy_shape(snpp2022: pd.DataFrame) -> None:
    assert list(snpp2022.columns) == POPULATION_COLUMNS
    assert snpp2022["area_code"].nunique() == 14
    assert sorted(snpp2022["year"].unique()) == list(range(2022, 2048))
    assert age_coverage(snpp2022) == (0, 90)
    assert snpp2022.groupby(["area_code", "year"]).size().eq(91).all()
    assert snpp2022["year"].dtype.kind == "i" and snpp2022["age"].dtype.kind == "i"
    assert snpp2022.loc[snpp2022["area_code"] == SOUTHEND, "area_name"].iloc[0] == (
        "Southend-on-Sea"
    )
    assert snpp2022.attrs["vintage"].startswith("ONS 2022-based")


def test_snpp2022_ages_add_to_published_all_ages(snpp2022: pd.DataFrame) -> None:
    with open(SNPP2022, newline="") as handle:
        totals = {
            (row["AREA_CODE"], year): float(value)
            for row in csv.DictReader(handle)
            if row["AGE_GROUP"] == "All ages"
            for year, value in row.items()
            if year.isdigit()
        }
    summed = snpp2022.groupby(["area_code", "year"])["population"].sum()
    assert len(totals) == len(summed) == 14 * 26
    for (code, year), total in totals.items():
        assert summed[(code, int(year))] == pytest.approx(total, abs=0.01)


def test_snpp2016_covers_60_plus_only(snpp2016: pd.DataFrame) -> None:
    assert age_coverage(snpp2016) == (60, 90)
    assert snpp2016.attrs["age_coverage"] == (60, 90)
    assert snpp2016["area_code"].nunique() == 326
    assert (snpp2016["area_name"] == snpp2016["area_code"]).all()
    assert sorted(snpp2016["year"].unique()) == list(range(2016, 2042))


def test_national_rates_persons_recomputed_from_counts(rates: pd.DataFrame) -> None:
    persons = rates[(rates["sex"] == "persons") & (rates["band"] == ALL_HOURS)]
    assert len(persons) == 17  # 18 census bands less the under-5s, who were not asked
    assert persons["min_age"].min() == 5
    top = persons[persons["min_age"] == 85].iloc[0]
    assert pd.isna(top["max_age"])
    # Sum the sexes, then divide: (45,331 + 60,329) / (911,870 + 543,006).
    assert top["rate"] == pytest.approx((45_331 + 60_329) / (911_870 + 543_006))
    assert set(rates["sex"]) == {"female", "male", "persons"}
    assert set(rates["band"]) == {ALL_HOURS}


# ---------------------------------------------------------------------------- reader errors


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "snpp.csv"
    path.write_text(text)
    return path


GOOD = (
    "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2022,2023\n"
    "E1,Town,Population,persons,0,10,11\n"
    "E1,Town,Population,persons,1,20,21\n"
    "E1,Town,Population,persons,2 and over,30,31\n"
    "E1,Town,Population,persons,All ages,60,63\n"
)


def test_reader_toy_file(tmp_path: Path) -> None:
    tidy = read_snpp2022(_write(tmp_path, GOOD))
    assert tidy["population"].tolist() == [10, 20, 30, 11, 21, 31]
    assert age_coverage(tidy) == (0, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("All ages,60,63", "All ages,60,70"), "'All ages' is"),
        (GOOD.replace("persons,1,20", "persons,1,x"), "not a number"),
        (GOOD.replace("persons,1,20", "persons,1,-20"), "negative"),
        (GOOD.replace("persons,1,20", "persons,one,20"), "not recognised"),
        (GOOD.replace("AGE_GROUP", "AGE"), "column .AGE_GROUP.: missing column"),
        ("", "empty"),
        (GOOD.splitlines()[0] + "\n", "header but no data rows"),
    ],
)
def test_reader_rejects_bad_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_snpp2022(_write(tmp_path, text))


def test_reader_error_names_file_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        read_snpp2022(_write(tmp_path, GOOD.replace("persons,1,20", "persons,1,x")))
    assert caught.value.row == 3 and caught.value.column == "2022"


# ---------------------------------------------------------------------------- toy arithmetic


def _toy_rates() -> pd.DataFrame:
    # Two national age bands: 5-49 at 10% and 50+ at 20%.
    return pd.DataFrame(
        {
            "band": [ALL_HOURS, ALL_HOURS],
            "min_age": [5, 50],
            "max_age": pd.array([49, None], dtype="Int64"),
            "sex": ["persons", "persons"],
            "carers": [10.0, 20.0],
            "population": [100.0, 100.0],
            "rate": [0.1, 0.2],
        }
    )


def _toy_population(year_ages: dict[int, dict[int, float]], code: str = "A") -> pd.DataFrame:
    rows = [
        (code, "Area A", year, age, people)
        for year, ages in year_ages.items()
        for age, people in ages.items()
    ]
    return pd.DataFrame(rows, columns=POPULATION_COLUMNS)


def test_indirect_standardisation_toy_example() -> None:
    # Base year 2021: 1,000 aged 30 and 500 aged 70 (plus 100 aged 2, below the rates' ages).
    #   expected(2021) = 0.1 x 1,000 + 0.2 x 500 = 100 + 100 = 200
    #   observed 250   -> ratio = 250 / 200 = 1.25
    # 2030: 900 aged 30, 700 aged 70 -> expected = 90 + 140 = 230 -> projected = 1.25 x 230 = 287.5
    # 2040: 800 aged 30, 900 aged 70 -> expected = 80 + 180 = 260 -> projected = 1.25 x 260 = 325
    base = _toy_population({2021: {2: 100.0, 30: 1000.0, 70: 500.0}})
    projection = _toy_population({2030: {30: 900.0, 70: 700.0}, 2040: {30: 800.0, 70: 900.0}})
    observed = pd.DataFrame({"area_code": ["A"], "band": [ALL_HOURS], "carers": [250.0]})

    result = project_carers(observed, base, projection, _toy_rates(), vintage="toy")

    assert list(result.table.columns) == PROJECTION_COLUMNS
    assert result.table["expected"].tolist() == pytest.approx([230.0, 260.0])
    assert result.table["ratio"].tolist() == pytest.approx([1.25, 1.25])
    assert result.table["projected"].tolist() == pytest.approx([287.5, 325.0])
    assert result.table["method"].eq(METHOD_INDIRECT).all()
    assert result.table["vintage"].eq("toy").all()
    assert result.table["ages"].eq("30+").all()  # youngest age present in the toy projection
    # POPPI-style: no local ratio, so projected = expected.
    poppi = project_carers_poppi(projection, _toy_rates(), vintage="toy").table
    assert poppi["projected"].tolist() == pytest.approx([230.0, 260.0])
    assert poppi["method"].eq(METHOD_POPPI).all()


def test_open_top_age_takes_the_open_band_rate() -> None:
    # Age 90 is the open "90 and over" group; it falls in the 50+ band (rate 0.2): 0.2 x 50 = 10.
    population = _toy_population({2030: {4: 1000.0, 90: 50.0}})
    expected = expected_carers(population, _toy_rates())
    assert expected["expected"].tolist() == pytest.approx([10.0])
    assert expected["min_age"].tolist() == [90]


def test_missing_area_is_a_note_not_an_error() -> None:
    base = _toy_population({2021: {5: 0.0, 30: 1000.0}}).pipe(
        lambda f: pd.concat([f, f.assign(area_code="B")])
    )
    projection = _toy_population({2030: {30: 900.0}})
    observed = pd.DataFrame(
        {"area_code": ["A", "B"], "band": [ALL_HOURS] * 2, "carers": [5.0, 6.0]}
    )
    result = project_carers(observed, base, projection, _toy_rates())
    assert set(result.table["area_code"]) == {"A"}
    assert "no projection data for B" in result.notes


def test_observed_carers_must_be_valid() -> None:
    base = _toy_population({2021: {5: 0.0, 30: 1000.0}})
    bad = pd.DataFrame({"area_code": ["A"], "band": [ALL_HOURS], "carers": [-1.0]})
    with pytest.raises(DataError, match="negative"):
        project_carers(bad, base, base, _toy_rates())
    with pytest.raises(DataError, match="carers"):
        project_carers(bad.drop(columns="carers"), base, base, _toy_rates())


def test_base_population_must_reach_the_youngest_carers() -> None:
    base = _toy_population({2021: {60: 1000.0}})
    observed = pd.DataFrame({"area_code": ["A"], "band": [ALL_HOURS], "carers": [5.0]})
    with pytest.raises(DataError, match="starts at age 60"):
        project_carers(observed, base, base, _toy_rates())


# ---------------------------------------------------------------------------- Southend


def test_base_year_reproduces_observed_carers_exactly(
    southend_2021: pd.DataFrame, southend_observed: pd.DataFrame, rates: pd.DataFrame
) -> None:
    # TS007 aged 5+ is 170,443 (TS039 says 170,444: tables are perturbed separately).
    assert _group(southend_2021, SOUTHEND, 2021, 5) == pytest.approx(170_444, abs=18)
    result = project_carers(southend_observed, southend_2021, southend_2021, rates)
    table = result.table.set_index("band")
    assert table.loc[ALL_HOURS, "projected"] == pytest.approx(15_019, rel=1e-12)
    assert table.loc["up_to_19", "projected"] == pytest.approx(7_405, rel=1e-12)
    assert table.loc["20_to_49", "projected"] == pytest.approx(3_046, rel=1e-12)
    assert table.loc["50_plus", "projected"] == pytest.approx(4_568, rel=1e-12)
    bands = table.drop(index=ALL_HOURS)
    assert bands["projected"].sum() == pytest.approx(15_019)
    assert bands["method"].eq(METHOD_INDIRECT_ALL_HOURS).all()
    assert table.loc[ALL_HOURS, "method"] == METHOD_INDIRECT
    assert table["ages"].eq("5+").all()
    # Southend has slightly fewer carers than national rates predict for its age structure.
    assert 0.9 < table.loc[ALL_HOURS, "ratio"] < 1.0


def test_southend_2022_based_projection_grows(
    southend_2021: pd.DataFrame,
    southend_observed: pd.DataFrame,
    rates: pd.DataFrame,
    snpp2022: pd.DataFrame,
) -> None:
    result = project_carers(southend_observed, southend_2021, snpp2022, rates)
    assert result.notes == []
    table = result.table
    assert table["vintage"].str.startswith("ONS 2022-based").all()
    assert (table["projected"] > 0).all()
    every = table[table["band"] == ALL_HOURS].set_index("year")["projected"]
    assert list(every.index) == list(range(2022, 2048))
    assert every[2022] < every[2031] < every[2041]
    # Bands keep Southend's 2021 mix of hours, so they add up to the all-hours projection.
    by_year = table[table["band"] != ALL_HOURS].groupby("year")["projected"].sum()
    assert by_year.to_numpy() == pytest.approx(every.to_numpy())


def test_southend_2016_based_projects_60_plus_only(
    southend_2021: pd.DataFrame,
    southend_observed: pd.DataFrame,
    rates: pd.DataFrame,
    snpp2016: pd.DataFrame,
) -> None:
    welsh = pd.DataFrame({"area_code": ["W06000001"], "band": [ALL_HOURS], "carers": [100.0]})
    observed = pd.concat([southend_observed, welsh], ignore_index=True)
    base = pd.concat([southend_2021, southend_2021.assign(area_code="W06000001")])
    result = project_carers(observed, base, snpp2016, rates)
    assert set(result.table["area_code"]) == {SOUTHEND}
    assert result.table["ages"].eq("60+").all()
    assert any("60+ only" in note for note in result.notes)
    assert "no projection data for W06000001" in result.notes  # Wales is not in the file
    every = result.table[result.table["band"] == ALL_HOURS].set_index("year")["projected"]
    assert (every > 0).all() and every[2041] > every[2021]
    # Fewer than all carers: 60+ is only part of the 5+ population.
    assert every[2021] < 15_019


def test_poppi_and_indirect_differ_by_the_ratio(
    southend_2021: pd.DataFrame,
    southend_observed: pd.DataFrame,
    rates: pd.DataFrame,
    snpp2022: pd.DataFrame,
) -> None:
    poppi = project_carers_poppi(snpp2022, rates).table
    indirect = project_carers(southend_observed, southend_2021, snpp2022, rates).table
    p = poppi[poppi["area_code"] == SOUTHEND].set_index("year")["projected"]
    i = indirect[indirect["band"] == ALL_HOURS].set_index("year")
    assert (i["projected"] / p).to_numpy() == pytest.approx(i["ratio"].to_numpy())
    assert set(poppi["area_code"]) == set(snpp2022["area_code"])


def test_works_with_the_package_census_readers(rates: pd.DataFrame, snpp2022: pd.DataFrame) -> None:
    """Contract check with carerlib.data.census (TS007 ages) when that module is present."""
    census = pytest.importorskip("carerlib.data.census")
    if not hasattr(census, "read_ts007"):
        pytest.skip("carerlib.data.census has no read_ts007 yet")
    base = census.read_ts007(need_file(TS007))
    observed = pd.DataFrame({"area_code": [SOUTHEND], "band": [ALL_HOURS], "carers": [15_019.0]})
    exact = project_carers(observed, base[base["area_code"] == SOUTHEND], base, rates).table
    assert exact.loc[exact["area_code"] == SOUTHEND, "projected"].iloc[0] == pytest.approx(15_019)
    result = project_carers(observed, base, snpp2022, rates)
    assert result.notes == [] and (result.table["projected"] > 0).all()
