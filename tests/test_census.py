"""Census readers: real layouts and published figures, and one-line errors for bad input."""

from __future__ import annotations

import pytest
from conftest import TS039_HEADER, TS039_ROWS, ts039_text

from carerlib.data import census
from carerlib.errors import DataError


def _write(tmp_path, text, name="ts039.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_ts039_tidy_and_hierarchy(tmp_path):
    frame = census.read_ts039(_write(tmp_path, ts039_text()))
    southend = frame[frame["area_code"] == "E06000033"].set_index("category")["count"]
    assert southend["all_residents"] == 170_444
    assert southend["up_to_19"] == southend["up_to_9"] + southend["10_to_19"] == 7_405
    assert southend["20_to_49"] == 3_046 and southend["50_plus"] == 4_568
    assert list(frame.columns) == ["area_code", "area_name", "year", "category", "count"]
    assert frame.attrs["denominator"] == "usual residents aged 5 and over"


def test_real_ts039_southend(mirror):
    frame = census.read_ts039(mirror / "census2021" / "census2021-ts039-ltla.csv")
    assert frame["area_code"].nunique() == 331
    southend = frame[frame["area_code"] == "E06000033"].set_index("category")["count"]
    assert southend[["up_to_9", "10_to_19", "20_to_34", "35_to_49", "50_plus"]].tolist() == [
        5_320, 2_085, 1_390, 1_656, 4_568]


def test_real_qs301_and_ages(mirror):
    care = census.read_qs301(mirror / "census2011" / "qs301ew-lad2011.csv")
    southend = care[care["area_code"] == "E06000033"].set_index("category")["count"]
    assert southend.to_dict() == {"all_residents": 173_658, "no_care": 155_976,
                                  "up_to_19": 11_412, "20_to_49": 2_131, "50_plus": 4_139}
    ages_2011 = census.read_qs103(mirror / "census2011" / "qs103ew-lad2011.csv")
    assert ages_2011[ages_2011["area_code"] == "E06000033"]["population"].sum() == 173_658
    ages = census.read_ts007(mirror / "census2021" / "census2021-ts007-ltla.csv")
    assert set(ages["age"]) == set(range(101))  # single years only; "85 and over" is dropped
    southend = ages[(ages["area_code"] == "E06000033") & (ages["age"] >= 5)]
    assert abs(southend["population"].sum() - 170_444) <= 18  # TS007 and TS039 are perturbed


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        (["2021,Southend-on-Sea,E06000033,170444,7405,5320,2085,3046,1390,1656,4568"],
         TS039_HEADER.replace(",Provision of unpaid care: Provides no unpaid care", ""),
         "column 'Provides no unpaid care': missing column"),
        (TS039_ROWS, TS039_HEADER.replace(",Provision of unpaid care: Provides no unpaid care", ""),
         "row 2: has 12 fields but the header has 11"),
        (["2021,Southend-on-Sea,E06000033,170444,155425,7405,5320,2085,3046,1390,1656,many"],
         TS039_HEADER, "row 2, column 'Provision of unpaid care: Provides 50 or more hours"),
        (["2021,Southend-on-Sea,E06000033,170444,155425,7405,5320,2085,3046,1390,1656,-4568"],
         TS039_HEADER, "count is negative (-4568)"),
        (["2021,Southend-on-Sea,E06000033,170444,155425,7405,5320,2000,3046,1390,1656,4568"],
         TS039_HEADER, "row 2, column 'Provision of unpaid care: Provides 19 hours or less unpaid "
         "care a week': parts do not add up to their total (up_to_9 + 10_to_19 = 7,320"),
        (["2021,Southend-on-Sea,E06000033,170444,155425,7405,5320,2085,3046,1390,1656,4568",
          "2021,Nowhere,Z99,10,10,0,0,0,0,0,0,0"], TS039_HEADER, "row 3, column 'geography code': "
         "unknown area code 'Z99'"),
        ([], TS039_HEADER, "file has a header but no data rows"),
    ],
)
def test_ts039_bad_input_one_line_error(tmp_path, rows, header, expected):
    path = _write(tmp_path, ts039_text(rows, header))
    with pytest.raises(DataError) as caught:
        census.read_ts039(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert expected in message


def test_empty_file_and_unknown_known_area(tmp_path):
    empty = _write(tmp_path, "", "empty.csv")
    with pytest.raises(DataError, match="empty.csv: file is empty"):
        census.read_ts039(empty)
    path = _write(tmp_path, ts039_text())
    with pytest.raises(DataError, match="row 3, column 'geography code': unknown area code "
                                        "'E06000099'"):
        census.read_ts039(path, known_areas={"E06000033"})


def test_lad2011_lookup_maps_merged_and_recoded(mirror):
    lookup = census.read_lad2011_lad2021_lookup(mirror / "lookups" / "lad2011-lad2021-ew.csv")
    mapping = dict(zip(lookup["lad2011_code"], lookup["lad2021_code"], strict=True))
    assert mapping["E06000048"] == mapping["E06000057"] == "E06000057"  # Northumberland recoded
    assert mapping["E06000033"] == "E06000033"
