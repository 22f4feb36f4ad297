"""The parsed store: national frames loaded from parquet equal the frames parsed from the CSVs
(values, dtypes, attrs and the datasets named in the sources table), and a changed input file or
reader means a new data version."""

from __future__ import annotations

import pandas as pd
import pytest

from carerlib.data import parsed
from carerlib.data.datastore import DataStore
from carerlib.data.official import OfficialData

FRAMES = ["care_2021_ltla", "tree", "members", "care_2021", "ages_2021", "care_2011",
          "ages_2011", "care_rates", "projection_2022", "projection_2016", "ascof"]
GROUPS = {"X00000001": {"name": "Mid Essex", "members": ["E07000067", "E07000070", "E07000074"]}}


def test_stored_frames_equal_parsed_csvs(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("CARERLIB_CACHE", str(tmp_path))
    monkeypatch.setenv("CARERLIB_PARSED", "0")
    from_csv = OfficialData(DataStore(mirror), GROUPS)
    expected = {name: getattr(from_csv, name) for name in FRAMES}
    monkeypatch.setenv("CARERLIB_PARSED", "1")
    first = OfficialData(DataStore(mirror), GROUPS)   # parses and writes the store
    for name in FRAMES:
        getattr(first, name)
    stored = sorted((tmp_path / "parsed").glob("*/*.parquet"))
    assert {p.stem for p in stored} >= set(FRAMES)
    second = OfficialData(DataStore(mirror), GROUPS)  # reads the store only
    for name in FRAMES:
        frame = getattr(second, name)
        pd.testing.assert_frame_equal(frame, expected[name], check_exact=True)
        assert frame.attrs == expected[name].attrs, name
    assert second.used == from_csv.used
    # Southend's Census 2021 carers (METHODS.md): 7,405 + 3,046 + 4,568 = 15,019.
    care = second.care_2021
    south = care[(care["area_code"] == "E06000033") & (care["category"] != "no_care")]
    assert "E06000033" in set(care["area_code"]) and len(south) > 0


def test_loaded_frame_names_the_datasets_it_was_built_from(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("CARERLIB_CACHE", str(tmp_path))
    assert len(OfficialData(DataStore(mirror)).care_2021) > 0  # builds the store
    fresh = OfficialData(DataStore(mirror))
    assert len(fresh.care_2021) > 0  # loads it
    assert fresh.used == {"ts039_ltla", "ltla_utla_lookup", "la_codes"}


def test_new_data_version_for_changed_file_or_groups(tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("x\n1\n")
    one = parsed.version_key({"a": csv}, {})
    assert parsed.version_key({"a": csv}, GROUPS) != one
    csv.write_text("x\n2\n")
    assert parsed.version_key({"a": csv}, {}) != one


def test_damaged_store_file_is_rebuilt(tmp_path):
    store = parsed.ParsedStore(tmp_path)
    frame = pd.DataFrame({"area_code": ["E06000033"], "count": [15019]})
    frame.attrs = {"source": "ts039", "age_coverage": (0, 90)}
    got, used = store.frame("care", lambda: (frame, ["ts039_ltla"]))
    store.path("care").write_bytes(b"not parquet")
    again, used_again = store.frame("care", lambda: (frame, ["ts039_ltla"]))
    pd.testing.assert_frame_equal(again, frame)
    loaded, used_loaded = store.frame("care", lambda: pytest.fail("should load, not build"))
    pd.testing.assert_frame_equal(loaded, frame)
    assert loaded.attrs == {"source": "ts039", "age_coverage": (0, 90)}
    assert used_loaded == ["ts039_ltla"]


def test_frame_whose_build_notes_something_is_never_stored(mirror, tmp_path, monkeypatch):
    """A build with a side effect (here: a gap noted for the pack) is rebuilt every time, so the
    note is never lost by loading the frame from parquet."""
    from functools import cached_property

    from carerlib.data.official import OfficialData as Base

    class Noting(Base):
        @cached_property
        def care_noted(self) -> pd.DataFrame:
            self.notes = [*getattr(self, "notes", []), "E06000033: 2011 row missing"]
            return self.care_2021_ltla.head(3)

    parsed.store_properties(Noting)
    monkeypatch.setenv("CARERLIB_CACHE", str(tmp_path))
    first = Noting(DataStore(mirror))
    assert len(first.care_noted) == 3 and first.notes == ["E06000033: 2011 row missing"]
    second = Noting(DataStore(mirror))
    assert len(second.care_noted) == 3 and second.notes == ["E06000033: 2011 row missing"]
    stored = {p.stem for p in (tmp_path / "parsed").glob("*/*.parquet")}
    assert "care_2021_ltla" in stored and "care_noted" not in stored


SECONDARY = ["care_2011", "ages_2011", "projection_2022", "projection_2018", "projection_2016",
             "ascof"]


def test_secondary_gaps_known_from_the_store_without_loading(mirror, tmp_path, monkeypatch):
    """A pack asks which secondary datasets miss its area: frames the store holds have no gaps
    (a build that notes one is never stored), so they are not loaded, yet the sources table
    names the same datasets as a build from the CSVs."""
    monkeypatch.setenv("CARERLIB_CACHE", str(tmp_path))
    monkeypatch.setenv("CARERLIB_PARSED", "0")
    from_csv = OfficialData(DataStore(mirror), GROUPS)
    from_csv.read_secondary()
    monkeypatch.setenv("CARERLIB_PARSED", "1")
    OfficialData(DataStore(mirror), GROUPS).read_secondary()  # builds and stores them
    warm = OfficialData(DataStore(mirror), GROUPS)
    warm.read_secondary()
    assert not [name for name in SECONDARY if name in warm.__dict__]  # none loaded
    assert warm.used == from_csv.used and warm.gaps == from_csv.gaps == []
    assert warm.gap_sentences("E06000033") == from_csv.gap_sentences("E06000033") == []


def test_frames_read_from_one_kept_table_do_not_share_data(tmp_path):
    """A process keeps each stored file (as an immutable Arrow table, and a pandas frame it never
    hands out); every read gets its own frame, so a notebook that changes one cannot change what
    the next area reads."""
    store = parsed.ParsedStore(tmp_path)
    frame = pd.DataFrame({"area_code": ["E06000033", "E06000034"], "count": [15019, 17000]})
    store.frame("care", lambda: (frame, ["ts039_ltla"]))
    first, _ = parsed.read_frame(store.path("care"))
    first.loc[0, "count"] = -1
    first["area_code"] = "changed"
    again, _ = parsed.read_frame(store.path("care"))
    pd.testing.assert_frame_equal(again, frame)
    mine, _ = parsed.read_frame(store.path("care"), "E06000034")
    assert mine["count"].tolist() == [17000] and list(mine.index) == [0]
    mine.loc[0, "count"] = -1  # one area's rows, changed by its notebook
    mine.attrs["changed"] = True
    again, _ = parsed.read_frame(store.path("care"), "E06000034")
    assert again["count"].tolist() == [17000] and "changed" not in again.attrs
    none, _ = parsed.read_frame(store.path("care"), "W06000015")
    assert none.empty and list(none.columns) == ["area_code", "count"]
    store.path("care").write_bytes(b"damaged")  # a rewritten file is read again, not kept
    with pytest.raises((OSError, ValueError)):
        parsed.read_frame(store.path("care"))


def test_reads_cut_from_the_kept_frame_equal_arrow_conversions(tmp_path):
    """Small stored tables are cut from a kept pandas frame instead of converted from Arrow on
    every read: the frames are the same, dtypes, order and index included."""
    store = parsed.ParsedStore(tmp_path)
    frame = pd.DataFrame({
        "area_code": ["E2", "E1", "E2", "E3", "E1"], "area_name": ["B", "A", "B", None, "A"],
        "year": [2021, 2021, 2030, 2021, 2030], "value": [1.5, float("nan"), 2.5, 3.0, 4.0],
        "flag": [True, False, True, False, True],
        "count": pd.array([1, None, 3, 4, 5], dtype="Int64"),
    }, index=pd.Index([10, 11, 12, 13, 14], name="row"))
    store.frame("mixed", lambda: (frame, []))
    kept = parsed._kept(store.path("mixed"))
    for code in (None, "E1", "E2", "E3", "W9"):
        pd.testing.assert_frame_equal(parsed._from_frame(kept, code),
                                      parsed._from_arrow(kept.table, code))


def _build_slowly(folder: str, counter: str) -> list:
    """Build frame "slow" in the store at `folder`, counting builds in the file `counter`."""
    import time
    from pathlib import Path

    def build():
        with open(counter, "a") as handle:
            handle.write("built\n")
        time.sleep(0.5)
        return pd.DataFrame({"area_code": ["E06000033"], "count": [15019]}), ["ts039_ltla"]

    frame, used = parsed.ParsedStore(Path(folder)).frame("slow", build)
    return [frame["count"].tolist(), used]


def test_processes_reaching_a_cold_frame_together_build_it_once(tmp_path):
    """Kernels of a batch on a cold cache reach the same frames at once: one builds each frame
    while the others wait for its build lock, then read what it stored."""
    import multiprocessing

    counter = tmp_path / "builds.txt"
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        results = pool.starmap(_build_slowly, [(str(tmp_path / "store"), str(counter))] * 3)
    assert counter.read_text().splitlines() == ["built"]
    assert results == [[[15019], ["ts039_ltla"]]] * 3
