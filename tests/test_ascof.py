"""Tests for ASCOF carer-reported outcomes."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import pandas as pd
import pytest
from conftest import MIRROR

from carerlib.data.ascof import (
    ASCOF_COLUMNS,
    CARER_MEASURES,
    OUTCOME_COLUMNS,
    read_ascof_outcomes,
)
from carerlib.errors import DataError
from carerlib.measures.ascof import COMPARISON_COLUMNS, carer_outcomes

DATA = MIRROR
ASCOF = DATA / "ascof" / "asc-outcomes-la-2015-16-to-2022-23.csv"
SOUTHEND = "E06000033"
QOL = "Outcome, ASC Carer Quality of Life"
INFO = "Outcome, Ease of finding information about support : carers"
SURVEY_YEARS = ["2016-17", "2018-19", "2021-22"]


@pytest.fixture(scope="module")
def ascof() -> pd.DataFrame:
    if not ASCOF.exists():
        pytest.skip(f"official data mirror not found: {ASCOF} (set CARERLIB_DATA_MIRROR)")
    return read_ascof_outcomes(ASCOF)


@pytest.fixture(scope="module")
def raw_rows() -> list[dict[str, str]]:
    """The file read independently with the csv module."""
    if not ASCOF.exists():
        pytest.skip(f"official data mirror not found: {ASCOF}")
    with open(ASCOF, newline="") as handle:
        return list(csv.DictReader(handle))


def test_reader_layout(ascof: pd.DataFrame, raw_rows: list[dict[str, str]]) -> None:
    assert list(ascof.columns) == ASCOF_COLUMNS
    assert {row["Grouping"] for row in raw_rows} == {"LA_Raw"}
    assert len(ascof) == len(raw_rows)
    carers = ascof[ascof["measure"].isin(list(CARER_MEASURES))]
    assert sorted(carers["financial_year"].unique()) == SURVEY_YEARS
    # 152 council rows per carer measure and survey year (some without a value).
    assert carers.groupby(["measure", "financial_year"]).size().eq(152).all()
    # rank_order is "desc" for 1D but "DESC" for 3D: both mean higher is better.
    assert {row["rank_order"] for row in raw_rows if row["Measure"] in CARER_MEASURES} == {
        "desc",
        "DESC",
        "",
    }
    assert carers["higher_is_better"].dropna().all()


def _independent(raw_rows: list[dict[str, str]], measure: str, year: str) -> list[float]:
    return [
        float(row["Value"])
        for row in raw_rows
        if row["Measure"] == measure and row["Financial year"] == year and row["Value"] != ""
    ]


@pytest.mark.parametrize(
    ("measure", "year", "value", "n_ranked"),
    [
        (QOL, "2016-17", 8.2, 151),
        (QOL, "2018-19", 8.1, 151),
        (QOL, "2021-22", 8.2, 149),
        (INFO, "2016-17", 66.5, 151),
        (INFO, "2018-19", 69.8, 151),
        (INFO, "2021-22", 52.6, 149),
    ],
)
def test_southend_carer_outcomes(
    ascof: pd.DataFrame,
    raw_rows: list[dict[str, str]],
    measure: str,
    year: str,
    value: float,
    n_ranked: int,
) -> None:
    result = carer_outcomes(ascof, SOUTHEND)
    assert list(result.table.columns) == OUTCOME_COLUMNS + COMPARISON_COLUMNS
    assert result.notes == []
    row = result.table[
        (result.table["measure"] == measure) & (result.table["financial_year"] == year)
    ].iloc[0]
    values = _independent(raw_rows, measure, year)
    assert row["value"] == value
    assert row["n_ranked"] == len(values) == n_ranked
    # Rank 1 = highest; ties share the best rank.
    assert row["rank"] == 1 + sum(v > value for v in values)
    assert row["england_median"] == pytest.approx(statistics.median(values))
    region = [
        float(r["Value"])
        for r in raw_rows
        if r["Measure"] == measure
        and r["Financial year"] == year
        and r["Region"] == "East of England"
        and r["Value"] != ""
    ]
    assert row["region"] == "East of England"
    assert row["region_median"] == pytest.approx(statistics.median(region))
    assert row["area_name"] == "Southend-on-Sea"
    assert row["ascof"] == CARER_MEASURES[measure].ascof


def test_england_median_matches_published_median(ascof: pd.DataFrame) -> None:
    for code in ascof.loc[ascof["measure"].isin(list(CARER_MEASURES)), "area_code"].unique()[:20]:
        table = carer_outcomes(ascof, code).table
        published = ascof.set_index(["area_code", "measure", "financial_year"])["published_median"]
        keys = list(zip(table["area_code"], table["measure"], table["financial_year"], strict=True))
        assert table["england_median"].to_numpy() == pytest.approx(published.loc[keys].to_numpy())


def test_district_is_empty_with_a_reason(ascof: pd.DataFrame) -> None:
    result = carer_outcomes(ascof, "E07000070")  # Chelmsford: a district, no social care duty
    assert result.table.empty
    assert list(result.table.columns) == OUTCOME_COLUMNS + COMPARISON_COLUMNS
    assert "not in the ASCOF file" in result.notes[0]


def test_unpublished_value_is_noted(ascof: pd.DataFrame) -> None:
    result = carer_outcomes(ascof, "E09000012")  # Hackney: no 2021-22 carer survey results
    latest = result.table[result.table["financial_year"] == "2021-22"]
    assert latest["value"].isna().all() and latest["rank"].isna().all()
    assert any("2021-22" in note for note in result.notes)


def test_reorganised_council_notes_missing_year(ascof: pd.DataFrame) -> None:
    # Northamptonshire (E10000021) was replaced by two unitaries in April 2021.
    result = carer_outcomes(ascof, "E10000021")
    assert sorted(result.table["financial_year"].unique()) == ["2016-17", "2018-19"]
    assert any("no row for E10000021 in 2021-22" in note for note in result.notes)


def test_rank_direction_toy() -> None:
    frame = pd.DataFrame(
        {
            "financial_year": "2021-22",
            "area_code": ["A", "B", "C", "D"],
            "area_name": ["A", "B", "C", "D"],
            "council_type": "Unitary Authorities",
            "region": ["R1", "R1", "R2", "R2"],
            "measure": QOL,
            "code": "ASC1",
            "value": [7.0, 8.0, 8.0, None],
            "published_median": 8.0,
            "higher_is_better": pd.array([True] * 4, dtype="boolean"),
        }
    )
    # Values 7, 8, 8 (D unpublished): B and C tie for first, A is third of 3 ranked.
    table = carer_outcomes(frame, "A").table
    assert table["rank"].tolist() == [3]
    assert table["n_ranked"].tolist() == [3]
    assert table["england_median"].tolist() == [8.0]
    assert table["region_median"].tolist() == [7.5]  # median of A (7) and B (8)
    assert carer_outcomes(frame, "B").table["rank"].tolist() == [1]


def test_reader_errors(tmp_path: Path) -> None:
    header = (
        "Financial year,Local authority code,Local authority name,Grouping,Entity_Name,Region,"
        "Measure,Code,Value,MEDIAN,MADs_from_median,rank_order\n"
    )
    good = f'2021-22,E1,A,LA_Raw,Counties,R,"{QOL}",ASC1,7.5,7.2,1,desc\n'
    path = tmp_path / "ascof.csv"
    path.write_text(header + good.replace("7.5", "seven"))
    with pytest.raises(DataError, match="not a valid value") as caught:
        read_ascof_outcomes(path)
    assert caught.value.row == 2
    path.write_text(header.replace("Region,", "") + good.replace(",R,", ","))
    with pytest.raises(DataError, match="column 'Region': missing column"):
        read_ascof_outcomes(path)
    path.write_text(header.replace("Region,", "") + good)
    with pytest.raises(DataError, match="row 2: has 12 fields but the header has 11"):
        read_ascof_outcomes(path)
    path.write_text("")
    with pytest.raises(DataError, match="empty"):
        read_ascof_outcomes(path)
    path.write_text(header)
    with pytest.raises(DataError, match="no data rows"):
        read_ascof_outcomes(path)
    path.write_text(header + good.replace("2021-22", "2021"))
    with pytest.raises(DataError, match="financial year"):
        read_ascof_outcomes(path)


# --- "similar" within the councils' spread ----------------------------------------------------


def test_a_gap_of_a_tenth_is_similar_not_better(ascof):
    """Sheffield scored 7.3 in 2021-22 against the England median 7.2: Oflog's extract puts it
    0.33 median absolute deviations from the median (MAD 0.3), so it is "similar"."""
    row = carer_outcomes(ascof, "E08000019").table.set_index(["ascof", "financial_year"]).loc[
        ("1D", "2021-22")]
    assert (row["value"], row["england_median"]) == (7.3, 7.2)
    assert row["mad"] == pytest.approx(0.3)
    assert row["flag"] == "similar"


def test_clear_gaps_are_flagged_with_a_rank_band(ascof):
    table = carer_outcomes(ascof, SOUTHEND).table.set_index(["ascof", "financial_year"])
    southend = table.loc[("1D", "2021-22")]
    assert southend["value"] == 8.2 and southend["flag"] == "higher"  # 1.0 above, MAD 0.3
    assert (southend["rank"], southend["rank_band"]) == (2, "top quarter")
    manchester = carer_outcomes(ascof, "E08000003").table.set_index(["ascof", "financial_year"])
    assert manchester.loc[("1D", "2018-19"), "flag"] == "lower"  # 6.9 against 7.4
    assert manchester.loc[("1D", "2018-19"), "rank_band"] == "bottom quarter"  # 125 of 151


def test_rank_bands_and_threshold_from_params():
    from carerlib.measures.ascof import SimilarWithin, compare_with_median, rank_band
    from carerlib.params import load_params

    assert [rank_band(r, 100) for r in (1, 25, 26, 50, 51, 75, 76, 100)] == [
        "top quarter", "top quarter", "second quarter", "second quarter", "third quarter",
        "third quarter", "bottom quarter", "bottom quarter"]
    assert compare_with_median(7.6, 7.2, 0.3, 1.0) == "higher"
    assert compare_with_median(7.5, 7.2, 0.3, 1.0) == "similar"
    assert compare_with_median(7.5, 7.2, 0.3, 0.5) == "higher"
    similar = load_params().health.ascof_similar
    assert isinstance(similar, SimilarWithin) and similar.mads == 1.0 and "Oflog" in similar.source
