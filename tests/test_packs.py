"""Integration: real packs built by papermill + nbconvert from the official-data mirror (and from
the embedded sample), checked as a commissioner would read them."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest

from carerlib.errors import CarerlibError, ParamsError
from carerlib.pack.batch import run_batch
from carerlib.pack.runner import build_pack

pytestmark = pytest.mark.integration

SECTIONS = ["Summary", "Who the carers are", "Future demand", "Carers' health and outcomes",
            "Reach of support", "Economic value of unpaid care",
            "Breaks for carers: costs, returns and uncertainty",
            "Prioritising commissioning intentions", "Methods, sources and caveats"]


def text_of(page: str) -> str:
    """Visible text, roughly: tags removed, entities for £ and & restored."""
    plain = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    plain = re.sub(r"<[^>]+>", " ", plain).replace("&amp;", "&").replace("&#163;", "£")
    return re.sub(r"\s+", " ", plain)


def assert_clean_html(page: str) -> None:
    assert not re.search(r"class=\"[^\"]*(highlight|jp-InputPrompt|jp-Editor)", page)  # no code
    assert "build_evidence(" not in page
    assert not re.search(r"class=\"[^\"]*jp-OutputArea-error", page)  # no error outputs
    assert "Traceback" not in page
    assert not re.search(r'<script[^>]+src="https?://', page)  # nothing from a CDN
    assert not re.search(r'<link[^>]+href="https?://', page)
    assert "Plotly.newPlot" in page


@pytest.fixture(scope="module")
def southend(mirror, tmp_path_factory):
    out = tmp_path_factory.mktemp("packs")
    result = build_pack("E06000033", out_root=out)
    return result, result.html.read_text(encoding="utf-8")


def test_southend_pack_headlines(southend):
    result, page = southend
    assert_clean_html(page)
    text = text_of(page)
    assert "Unpaid carers: commissioning evidence pack: Southend-on-Sea" in text
    for heading in SECTIONS:
        assert re.search(rf"<h2[^>]*>{re.escape(heading)}",
                         page.replace("&amp;", "&").replace("&#39;", "'")), heading
    assert "Contents" in text
    # Headline figures (hand-checked in tests/test_needs.py and METHODS.md).
    assert ("15,019 usual residents aged 5 and over in Southend-on-Sea provide unpaid care: "
            "8.8%") in text
    assert "9.3% of the 17,682 carers counted by the Census 2011" in text
    assert "On 2011 counts it was £297.0m a year (£5.71m a week)" in text
    assert "17,682 carers in 2011 and 15,019 in 2021 (-15.1%)" in text
    assert "187th highest of 331 (all LTLAs)" in text
    assert ("8.2 out of 12 in 2021-22, above the England median of 7.2 (half of councils score "
            "within 0.3 of it; rank 2 of 149 councils, top quarter)") in text
    assert "3.25 people aged 15–64 for every person aged 65+ in 2022" in text
    assert "2.66 by 2041 (-18.2%)" in text
    assert "£155,520" in text and "£6,355" in text and "6,388" in text
    assert "Office for National Statistics licensed under the Open Government Licence v3.0" in text
    assert 'src="../assets/plotly.min.js"' in page
    assert (result.folder.parent / "assets" / "plotly.min.js").stat().st_size > 1_000_000


def test_southend_pack_tables_written(southend):
    result, _ = southend
    folder = result.folder
    assert (folder / "E06000033.ipynb").exists()
    carers = (folder / "tables" / "carers_by_band_2021.csv").read_text()
    assert "5320" in carers and "4568" in carers
    book = openpyxl.load_workbook(folder / "E06000033.xlsx", read_only=True)
    assert "economic_value" in book.sheetnames and "area_breaks_scenario" in book.sheetnames
    assert "commitments" not in book.sheetnames  # Southend's params give none
    headlines = json.loads((folder / "headlines.json").read_text())
    assert headlines["figures"]["carers_2021"] == 15_019
    assert json.loads((folder / "inputs.json").read_text())["area_code"] == "E06000033"


def test_sample_pack_says_what_needs_official_data(tmp_path, monkeypatch):
    monkeypatch.delenv("CARERLIB_DATA_MIRROR", raising=False)
    result = build_pack("E06000033", out_root=tmp_path, self_contained=True)
    page = result.html.read_text(encoding="utf-8")
    assert_clean_html(page)
    text = text_of(page)
    assert "embedded sample" in text
    assert "need the official Census tables" in text
    assert "17,682 carers in 2011 against 15,973 in 2001, a change of +10.7%" in text
    assert "5.7%" in text and "9.3%" in text  # 1,009 and 1,650 of 17,682
    assert "../assets/plotly.min.js" not in page and not (tmp_path / "assets").exists()


def test_failed_build_keeps_earlier_pack(southend, tmp_path):
    result, page = southend
    out = result.folder.parent
    bad = tmp_path / "bad.yaml"
    bad.write_text("breaks:\n  health_breakdown:\n    share_at_risk:\n      value: 1.4\n")
    with pytest.raises(ParamsError, match="share_at_risk"):
        build_pack("E06000033", params_file=bad, out_root=out)
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "x", "metadata": {
            "tags": ["parameters"]}, "outputs": [], "source": "area_code = None"},
            {"cell_type": "code", "execution_count": None, "id": "y", "metadata": {},
             "outputs": [], "source": "raise ValueError('boom')"}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(CarerlibError, match="E06000033: notebook broken.ipynb failed in cell 2: "
                                            "ValueError: boom"):
        build_pack("E06000033", out_root=out, notebook=broken)
    assert result.html.read_text(encoding="utf-8") == page
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_batch_survives_a_failure_and_skips_unchanged(mirror, tmp_path):
    report = run_batch(["E06000034", "E99999999"], workers=2, out_root=tmp_path,
                       progress=False)
    assert report.built == ["E06000034"]
    assert "E99999999: unknown area code" in report.failed["E99999999"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="./E06000034/index.html"' in index and "Thurrock" in index
    assert "E99999999" not in index
    again = run_batch(["E06000034"], out_root=tmp_path, progress=False)
    assert again.skipped == ["E06000034"] and again.built == []
    forced = run_batch(["E06000034"], out_root=tmp_path, progress=False, force=True)
    assert forced.built == ["E06000034"]


@pytest.fixture(scope="module")
def borough_packs(mirror, tmp_path_factory):
    out = tmp_path_factory.mktemp("boroughs")
    report = run_batch(["E10000012", "E06000034", "W06000015", "MID_ESSEX"], workers=2,
                       out_root=out, progress=False)
    assert report.failed == {}
    return out


@pytest.mark.parametrize(("code", "name", "carers"), [
    ("E10000012", "Essex", "124,443"),       # county = sum of its 12 districts
    ("E06000034", "Thurrock", "12,671"),
    ("W06000015", "Cardiff", None),
    ("MID_ESSEX", "Mid Essex", "32,581"),    # NHS place from params groups
])
def test_borough_packs(borough_packs, code, name, carers):
    folder = borough_packs / code
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert_clean_html(page)
    text = text_of(page)
    assert f"Unpaid carers: commissioning evidence pack: {name}" in text
    for heading in SECTIONS:
        assert re.search(rf"<h2[^>]*>{re.escape(heading)}",
                         page.replace("&amp;", "&").replace("&#39;", "'")), heading
    if carers:
        assert f"{carers} usual residents aged 5 and over in {name} provide unpaid care" in text
    assert list((folder / "tables").glob("*.csv"))
    assert (folder / f"{code}.xlsx").stat().st_size > 0
    index = (borough_packs / "index.html").read_text(encoding="utf-8")
    assert f'href="./{code}/index.html"' in index


def test_welsh_pack_compares_with_england_and_wales(borough_packs):
    text = text_of((borough_packs / "W06000015" / "index.html").read_text(encoding="utf-8"))
    assert "England and Wales (8.9%)" in text
    assert "No Welsh population projection is loaded" in text  # said plainly, not failed


def test_names_from_params_are_escaped(mirror, tmp_path):
    extra = tmp_path / "evil.yaml"
    extra.write_text('groups:\n  EVIL_GROUP:\n    name: "<script>alert(1)</script> & Co"\n'
                     "    members: [E07000067, E07000070]\n")
    result = build_pack("EVIL_GROUP", params_file=extra, out_root=tmp_path / "out")
    page = result.html.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page


def test_all_selects_every_ltla_utla_and_region(mirror):
    from carerlib.pack.batch import select_areas

    codes = select_areas(every=True)
    # 331 LTLAs, 24 counties that are not also LTLAs, 9 English regions and Wales.
    assert len(codes) == 365
    assert {"E06000033", "E10000012", "E12000006", "W92000004"} <= set(codes)
    assert not {"E92000001", "K04000001", "MID_ESSEX"} & set(codes)
    assert select_areas(group="south_essex") == ["E06000033", "E06000034"]
    with pytest.raises(CarerlibError, match="batches.nowhere: no such batch"):
        select_areas(group="nowhere")
