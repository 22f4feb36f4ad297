"""The ONS 2018-based projections (5-year bands, every English authority): the reader keeps the
published bands, and OfficialData shapes them onto 2021 areas. Figures are the MANIFEST's checks."""

from __future__ import annotations

import pytest
from conftest import need_file

from carerlib.data.projections import VINTAGE_SNPP2018, read_snpp2018
from carerlib.errors import DataError

pytestmark = pytest.mark.integration

HEADER = '"","CODE","AREA","AGE GROUP","2018","2019"\n'


@pytest.fixture(scope="module")
def snpp2018(mirror):
    path = need_file(mirror / "population" / "snpp2018-persons-5yr-lad2018-england.csv")
    return read_snpp2018(path)


def _total(frame, code, year):
    rows = frame[(frame["area_code"] == code) & (frame["year"] == year)]
    return float(rows["population"].sum())


def test_reader_keeps_published_bands_and_manifest_figures(snpp2018):
    southend = snpp2018[(snpp2018["area_code"] == "E06000033") & (snpp2018["year"] == 2018)]
    assert list(southend["age"]) == list(range(0, 95, 5))
    assert southend["max_age"].iloc[0] == 4 and southend["max_age"].isna().iloc[-1]
    assert _total(snpp2018, "E06000033", 2018) == 182_463
    assert _total(snpp2018, "E06000033", 2040) == pytest.approx(203_587.3, abs=0.5)
    assert _total(snpp2018, "E92000001", 2040) == pytest.approx(61_157_868, abs=0.5)
    assert _total(snpp2018, "E10000012", 2018) == 1_477_764
    assert snpp2018.attrs["vintage"] == VINTAGE_SNPP2018


def test_districts_add_to_england(snpp2018):
    districts = snpp2018[snpp2018["area_code"].str[:3].isin(["E06", "E07", "E08", "E09"])]
    assert districts["area_code"].nunique() == 326
    assert districts.loc[districts["year"] == 2040, "population"].sum() == pytest.approx(
        61_157_868, abs=5)


def test_official_data_covers_merged_authorities_counties_and_groups(official, snpp2018):
    frame = official.projection_2018
    assert _total(frame, "E06000033", 2018) == 182_463
    assert _total(frame, "E10000012", 2018) == 1_477_764  # Essex: the sum of its 12 districts
    bucks = ["E07000004", "E07000005", "E07000006", "E07000007"]
    for year in (2018, 2043):
        parts = sum(_total(snpp2018, code, year) for code in bucks)
        assert _total(frame, "E06000060", year) == pytest.approx(parts)
    for code in ("E06000058", "E06000059", "E06000061", "E06000062", "E07000244", "E07000245",
                 "E07000246", "E12000007", "E92000001", "X00000001"):
        assert _total(frame, code, 2030) > 0, code
    mid_essex = sum(_total(frame, c, 2030) for c in ("E07000067", "E07000070", "E07000074"))
    assert _total(frame, "X00000001", 2030) == pytest.approx(mid_essex)
    assert not frame["area_code"].str.startswith("W").any()  # no Welsh projection in the file


def test_2016_based_file_also_reaches_merged_authorities(official):
    frame = official.projection_2016
    assert {"E06000059", "E06000060", "E06000061"} <= set(frame["area_code"])


def test_bands_that_do_not_add_up_name_area_and_year(tmp_path):
    path = tmp_path / "snpp.csv"
    rows = [f'"{i}","E06000099","Test","{band}"," 10"," 10.0"'
            for i, band in enumerate(["0-4", "5-9", "10+"], start=1)]
    rows.append('"4","E06000099","Test","All ages"," 30"," 31.5"')
    path.write_text(HEADER + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"snpp\.csv.*E06000099 in 2019"):
        read_snpp2018(path)


def test_unknown_band_is_named(tmp_path):
    path = tmp_path / "snpp.csv"
    path.write_text(HEADER + '"1","E06000099","Test","0 to 4"," 10"," 10.0"\n')
    with pytest.raises(DataError, match=r"row 2.*AGE GROUP|AGE GROUP.*row 2|'0 to 4'"):
        read_snpp2018(path)
