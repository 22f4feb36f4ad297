"""Secondary-data gaps build with a sentence naming the gap; aggregates refuse incomplete sets;
faults outside the data (Ctrl-C, disk full, a missing notebook) are one line; text cells never
become spreadsheet formulas."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pytest
from hostile import edit_rows, fake_pack, has_code, link_mirror, tree_digest

from carerlib.cli import main
from carerlib.data.datastore import DataStore
from carerlib.data.official import OfficialData
from carerlib.errors import DataError
from carerlib.pack.preflight import check_pack
from carerlib.params import load_params

SOUTHEND, THURROCK, ESSEX, BASILDON, DORSET = (
    "E06000033", "E06000034", "E10000012", "E07000066", "E06000059")
EAST = "E12000006"

GAPS = [
    # name, file key, code to drop, quoted, extra row filter, area, words, unaffected area
    ("qs301_area_missing", "qs301", SOUTHEND, True, None, SOUTHEND,
     ("Change since 2011", "qs301ew-lad2011.csv", "Southend-on-Sea (E06000033)"), THURROCK),
    ("qs301_area_missing_region_sentence", "qs301", SOUTHEND, True, None, EAST,
     ("Change since 2011", "E06000033"), THURROCK),
    ("qs103_area_missing", "qs103", SOUTHEND, True, None, SOUTHEND,
     ("Change since 2011", "qs103ew-lad2011.csv", "E06000033"), THURROCK),
    ("qs301_predecessor_district_missing", "qs301", "E07000049", True, None, DORSET,
     ("Change since 2011", "East Dorset (E07000049)"), SOUTHEND),
    ("snpp2022_district_missing", "snpp2022", BASILDON, False, None, ESSEX,
     ("2022-based population projection", "Basildon (E07000066)"), SOUTHEND),
    ("snpp2016_district_missing", "snpp2016", BASILDON, False, None, ESSEX,
     ("2016-based population projection", "E07000066"), SOUTHEND),
    ("ascof_council_missing_latest_year", "ascof", SOUTHEND, False, "2021-22", SOUTHEND,
     ("Carer outcomes", "asc-outcomes", "E06000033"), THURROCK),
]


@pytest.mark.parametrize("case", GAPS, ids=[g[0] for g in GAPS])
def test_secondary_gap_builds_with_a_sentence(case, mirror, tmp_path, monkeypatch):
    _, key, code, quoted, year, area, words, unaffected = case
    hostile = link_mirror(mirror, tmp_path / "mirror")
    match = has_code(code, quoted)
    edit_rows(hostile, key, (lambda line: match(line) and year in line) if year else match)
    monkeypatch.setenv("CARERLIB_DATA_MIRROR", str(hostile))

    assert check_pack(area, load_params()) == "official"  # not refused: secondary data
    data = OfficialData(DataStore(hostile))
    data.care_2011, data.ages_2011, data.projection_2022, data.projection_2016, data.ascof  # noqa: B018
    sentences = data.gap_sentences(area)
    assert len(sentences) == 1, sentences
    for word in words:
        assert word in sentences[0]
    assert data.gap_sentences(unaffected) == []


def test_gap_is_found_again_when_the_frames_come_from_the_store(mirror, tmp_path, monkeypatch):
    """The parsed store never holds a frame whose build noted a gap, so a second pack (frames
    from the store, gaps asked for without loading stored frames) still names the gap."""
    hostile = link_mirror(mirror, tmp_path / "mirror")
    edit_rows(hostile, "snpp2016", has_code(BASILDON, False))
    monkeypatch.setenv("CARERLIB_CACHE", str(tmp_path / "cache"))
    first = OfficialData(DataStore(hostile))
    first.read_secondary()
    second = OfficialData(DataStore(hostile))
    second.read_secondary()
    assert "projection_2022" not in vars(second)  # stored without gaps: not loaded
    assert "projection_2016" in vars(second)  # its gap keeps it out of the store: rebuilt
    sentences = second.gap_sentences(ESSEX)
    assert len(sentences) == 1 and "E07000066" in sentences[0]
    assert second.gap_sentences(ESSEX) == first.gap_sentences(ESSEX)


def test_2011_gap_withholds_totals_instead_of_shrinking_them(official, mirror, tmp_path):
    hostile = link_mirror(mirror, tmp_path / "mirror")
    edit_rows(hostile, "qs301", has_code(SOUTHEND, quoted=True))
    gappy = OfficialData(DataStore(hostile)).care_2011
    assert SOUTHEND not in set(gappy["area_code"])
    assert EAST not in set(gappy["area_code"])  # the region would be 17,682 carers short
    full = official.care_2011
    mine = gappy[gappy["area_code"] == THURROCK].sort_values("category")["count"].to_list()
    assert mine == full[full["area_code"] == THURROCK].sort_values("category")["count"].to_list()


def test_aggregate_refuses_an_incomplete_set_of_members():
    from carerlib.data.areas import aggregate

    members = pd.DataFrame({"member": ["A", "B"], "area_code": ["C", "C"],
                            "area_name": ["County", "County"], "level": ["utla", "utla"]})
    frame = pd.DataFrame({"area_code": ["A"], "year": [2021], "count": [10]})
    frame.attrs["source"] = "some.csv"
    with pytest.raises(DataError, match="some.csv: no row for B, a member of C: refusing"):
        aggregate(frame, members, ["count"], ["year"])


# ------------------------------------------------------------------ faults outside the data

@pytest.fixture()
def earlier_pack(tmp_path, monkeypatch):
    out = tmp_path / "out"
    fake_pack(out, SOUTHEND)
    return out, tree_digest(out)


def _fault(exc):
    def execute_notebook(*args, **kwargs):
        raise exc
    return execute_notebook


@pytest.mark.parametrize(("name", "exc", "code", "words"), [
    ("ctrl_c_on_pack", KeyboardInterrupt(), 130, ("interrupted",)),
    ("disk_full", OSError(errno.ENOSPC, "No space left on device", "/out/x.ipynb"), 1,
     ("No space left on device", "/out/x.ipynb")),
    ("read_only_folder", PermissionError(errno.EACCES, "Permission denied", "/out/x"), 2,
     ("Permission denied", "/out/x")),
], ids=lambda v: v if isinstance(v, str) else "")
def test_fault_while_building_is_one_line(name, exc, code, words, mirror, earlier_pack,
                                          monkeypatch, capsys):
    out, before = earlier_pack
    monkeypatch.setattr("carerlib.pack.runner.pm.execute_notebook", _fault(exc))
    assert main(["pack", SOUTHEND, "--out", str(out)]) == code
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    for word in words:
        assert word in err
    assert tree_digest(out) == before  # no staging folder left, earlier pack untouched


def test_missing_notebook_is_one_line(mirror, earlier_pack, tmp_path, capsys):
    out, before = earlier_pack
    params = tmp_path / "nb.yaml"
    params.write_text("pack: {title: T, notebook: no_such_notebook.ipynb}\n")
    assert main(["pack", SOUTHEND, "--out", str(out), "--params", str(params)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
    assert "no_such_notebook.ipynb" in err
    assert tree_digest(out) == before


# ------------------------------------------------------------------ formula injection

HOSTILE_TEXT = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(A1:A9)", "-2+3", "@cmd", "\t=1+1",
                "\r=1+1"]


def _evidence(text: str):
    from types import SimpleNamespace

    from carerlib.pack.report import Section, Table

    frame = pd.DataFrame({"area_name": [text, "Southend-on-Sea"], text: [1, 2],
                          "carers": [-5, 10]})
    section = Section("s", "S")
    section.blocks.append(Table("t", frame, "src", {}, "names"))
    return SimpleNamespace(sections=[section], area_code=SOUTHEND, area_name=text,
                           mode="official", generated="now", headline_figures=dict)


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_text_cells_are_never_formulas(text, tmp_path):
    import csv

    import openpyxl

    from carerlib.pack.export import export_tables

    export_tables(_evidence(text), tmp_path)
    with open(tmp_path / "tables" / "names.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    shown = "'" + text.replace("\r", "\n")  # a bare CR would end the CSV row
    assert rows[0][1] == shown and rows[1][0] == shown  # header and cell neutralised
    assert rows[1][2] == "-5"  # numbers stay numbers
    sheet = openpyxl.load_workbook(tmp_path / f"{SOUTHEND}.xlsx").active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    # The XLSX keeps the text itself, as text (XML reads a bare CR back as a newline).
    assert text.replace("\r", "\n") in [c.value for c in cells]
    assert Path(tmp_path / "headlines.json").exists()


# ------------------------------------------------------------------ shown in the pack

def test_gap_sentence_and_local_note_are_in_the_pack(mirror, tmp_path, monkeypatch):
    from carerlib.pack.evidence import build_evidence
    from carerlib.pack.report import Text

    hostile = link_mirror(mirror, tmp_path / "mirror")
    edit_rows(hostile, "qs301", has_code(SOUTHEND, quoted=True))
    monkeypatch.setenv("CARERLIB_DATA_MIRROR", str(hostile))
    ev = build_evidence(SOUTHEND)
    texts = [b for b in ev.section("summary").blocks if isinstance(b, Text)]
    missing = [t.text for t in texts if t.kind == "missing"]
    assert len(missing) == 1 and "Change since 2011 is not shown" in missing[0]
    assert "Southend-on-Sea (E06000033)" in missing[0] and ev.gaps == (missing[0],)
    assert "carers_2011" not in ev.figures  # withheld, not computed from a short total
    notes = [t.text for t in texts if t.kind == "note"]
    assert "Local note: Budget for adult and community services fell 4.70% in 2012/13" in notes[0]
    assert ev.area_notes and ev.local_name == "Southend-on-Sea"


def test_pack_built_from_official_data_never_falls_back_to_the_sample(mirror, tmp_path,
                                                                      monkeypatch):
    from carerlib.pack.evidence import build_evidence

    hostile = link_mirror(mirror, tmp_path / "mirror")
    (hostile / "census2021" / "census2021-ts039-ltla.csv").unlink()
    monkeypatch.setenv("CARERLIB_DATA_MIRROR", str(hostile))
    with pytest.raises(DataError, match="census2021-ts039-ltla.csv: not found .* sample is not"):
        build_evidence(SOUTHEND)


def test_sample_only_when_no_official_data_is_configured(tmp_path, monkeypatch):
    from carerlib.pack.evidence import build_evidence

    monkeypatch.delenv("CARERLIB_DATA_MIRROR")
    monkeypatch.setenv("CARERLIB_CACHE", str(tmp_path / "empty-cache"))
    assert check_pack(SOUTHEND, load_params(SOUTHEND), tmp_path / "out") == "sample"
    ev = build_evidence(SOUTHEND)
    assert ev.mode == "sample" and ev.area_notes  # the local note shows in a sample pack too


@pytest.mark.parametrize(("files", "mode"), [
    ({"inputs.json": '{"mode": "official", "data": {}}'}, "official"),
    ({"inputs.json": '{"data": {"ts039_ltla": "ab"}}'}, "official"),  # before mode was recorded
    ({"inputs.json": '{"data": {"sample": "ab"}}'}, "sample"),
    ({"headlines.json": '{"mode": "official"}'}, "official"),
    ({"inputs.json": "not json"}, None),
    ({}, None),
])
def test_previous_mode_of_a_pack(files, mode, tmp_path):
    from carerlib.pack.preflight import previous_mode

    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert previous_mode(tmp_path) == mode


def test_existing_pack_that_is_a_file_is_one_line(mirror, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / SOUTHEND).write_text("a file where the pack folder goes\n")
    before = tree_digest(out)
    monkeypatch.setattr("carerlib.pack.runner.pm.execute_notebook", _fault(AssertionError()))
    assert main(["pack", SOUTHEND, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {out / SOUTHEND}: is a file where the pack folder goes; move it away " \
                  "and run again"
    assert tree_digest(out) == before and not list(out.glob(".*"))


def test_read_only_earlier_pack_is_one_line(mirror, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    fake_pack(out, SOUTHEND)
    before = tree_digest(out)
    real_access = os.access
    monkeypatch.setattr("carerlib.pack.preflight.os.access",  # root may write anything
                        lambda path, mode: Path(path) != out / SOUTHEND and real_access(path, mode))
    monkeypatch.setattr("carerlib.pack.runner.pm.execute_notebook", _fault(AssertionError()))
    assert main(["pack", SOUTHEND, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "is read-only" in err and "\n" not in err
    assert tree_digest(out) == before


def test_preflight_keeps_the_data_only_while_its_files_are_unchanged(mirror, tmp_path,
                                                                      monkeypatch):
    """A batch checks every area against the same national frames, kept between checks; a file
    changed in place (here losing Southend's rows) is read again and the area refused."""
    from carerlib.pack import preflight

    hostile = link_mirror(mirror, tmp_path / "mirror")
    monkeypatch.setenv("CARERLIB_DATA_MIRROR", str(hostile))
    assert check_pack(SOUTHEND, load_params()) == "official"
    kept = next(iter(preflight._CHECKED.values()))
    assert check_pack(THURROCK, load_params()) == "official"
    assert next(iter(preflight._CHECKED.values())) is kept
    edit_rows(hostile, "ts039", has_code(SOUTHEND))
    with pytest.raises(DataError, match=SOUTHEND):
        check_pack(SOUTHEND, load_params())
