"""An analyst's own copy of the evidence notebook is the pack: a section removed and a local
chart added show up exactly so in the HTML, its contents list, the tables, the headlines and the
index of packs; editing the copy rebuilds the pack in a batch."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import openpyxl
import pytest
from golden import HASHES, pack_hashes

from carerlib.pack.batch import run_batch
from carerlib.pack.runner import build_pack

pytestmark = pytest.mark.integration

STANDARD = Path(__file__).resolve().parents[1] / "notebooks" / "evidence_pack.ipynb"
SOUTHEND = "E06000033"
SECTIONS = ["Summary", "Who the carers are", "Future demand", "Carers' health and outcomes",
            "Reach of support", "Economic value of unpaid care",
            "Breaks for carers: costs, returns and uncertainty",
            "Prioritising commissioning intentions", "Methods, sources and caveats"]
LOCAL_HEADING = "Carers registered with the local carers' centre"
LOCAL_CELL = """import plotly.graph_objects as go
from carerlib.pack.book import chart

fig = go.Figure(go.Bar(x=["Leigh", "Shoebury", "Westcliff"], y=[120, 95, 143], name="registered"))
fig.update_layout(title="Westcliff has the most carers registered with the centre")
show(chart(fig, name="local_carers_centre", source="Carers' centre records (test figures)"))"""


def own_copy(folder: Path) -> Path:
    """The standard notebook without its Reach cells, with a local heading and chart after
    the economic value section."""
    nb = nbformat.read(STANDARD, as_version=4)
    nb.cells = [c for c in nb.cells if c.get("id") not in ("reach-heading", "reach")]
    at = next(i for i, c in enumerate(nb.cells) if c.get("id") == "value") + 1
    nb.cells[at:at] = [nbformat.v4.new_markdown_cell(f"## {LOCAL_HEADING}\n\nOur own count."),
                       nbformat.v4.new_code_cell(LOCAL_CELL)]
    path = folder / "my_pack.ipynb"
    nbformat.write(nb, path)
    return path


def headings(page: str) -> list[str]:
    """The section headings (h2 with an id; the contents list's own h2 is not a section)."""
    return [html.unescape(re.sub(r"<[^>]+>", "", h)).replace("¶", "").strip()
            for h in re.findall(r"<h2 id=\"(?!carerlib-contents)[^>]*>(.*?)</h2>", page, re.S)]


def contents(page: str) -> list[str]:
    nav = re.search(r'<nav class="carerlib-toc".*?</nav>', page, re.S).group(0)
    return [html.unescape(t) for t in re.findall(r"<li><a [^>]+>(.*?)</a></li>", nav)]


@pytest.fixture(scope="module")
def own_pack(mirror, tmp_path_factory):
    folder = tmp_path_factory.mktemp("own")
    notebook = own_copy(folder)
    result = build_pack(SOUTHEND, out_root=folder / "packs", notebook=notebook)
    return result, notebook


def test_html_and_contents_follow_the_notebook(own_pack):
    result, _ = own_pack
    page = result.html.read_text(encoding="utf-8")
    expected = [s for s in SECTIONS if s != "Reach of support"]
    expected.insert(expected.index("Economic value of unpaid care") + 1, LOCAL_HEADING)
    assert headings(page) == expected
    assert contents(page) == expected
    assert "Services know at most" not in page  # the Reach summary line went with its section
    assert "Westcliff has the most carers registered with the centre" in page
    assert "Built from a custom notebook:" in page and "my_pack.ipynb" in page


def test_tables_and_headlines_follow_the_notebook(own_pack):
    result, _ = own_pack
    golden = json.loads(HASHES.read_text(encoding="utf-8"))[SOUTHEND]
    actual = pack_hashes(result.folder)
    # Every standard table but reach is exported unchanged, plus the analyst's chart data.
    tables = {k for k in golden if k.startswith("tables/")}
    assert {k for k in actual if k.startswith("tables/")} == (
        tables - {"tables/reach.csv"} | {"tables/local_carers_centre.csv"})
    assert all(actual[k] == golden[k] for k in tables - {"tables/reach.csv"})
    local = (result.folder / "tables" / "local_carers_centre.csv").read_text()
    assert local.splitlines() == ["series,x,y", "registered,Leigh,120", "registered,Shoebury,95",
                                  "registered,Westcliff,143"]
    book = openpyxl.load_workbook(result.folder / f"{SOUTHEND}.xlsx", read_only=True)
    assert "local_carers_centre" in book.sheetnames and "reach" not in book.sheetnames
    headlines = json.loads((result.folder / "headlines.json").read_text())
    assert not any(s.startswith("Services know at most") for s in headlines["statements"])
    assert headlines["statements"][0].startswith("15,019 usual residents aged 5 and over")
    assert headlines["figures"]["carers_2021"] == 15_019
    assert headlines["notebook"].startswith("custom: my_pack.ipynb (sha256 ")
    inputs = json.loads((result.folder / "inputs.json").read_text())
    assert inputs["custom_notebook"] == str(own_pack[1].resolve())


def test_editing_the_own_notebook_rebuilds_it_in_a_batch(own_pack, tmp_path):
    _, notebook = own_pack
    copy = tmp_path / "my_pack.ipynb"
    copy.write_text(notebook.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "packs"
    assert run_batch([SOUTHEND], out_root=out, progress=False, notebook=copy).built == [SOUTHEND]
    assert run_batch([SOUTHEND], out_root=out, progress=False,
                     notebook=copy).skipped == [SOUTHEND]
    nb = nbformat.read(copy, as_version=4)
    local = next(c for c in nb.cells if "Our own count." in c.source)
    local.source = local.source.replace("Our own count.", "Our own count, 2024.")
    nbformat.write(nb, copy)
    again = run_batch([SOUTHEND], out_root=out, progress=False, notebook=copy)
    assert again.built == [SOUTHEND]
    assert "Our own count, 2024." in (out / SOUTHEND / "index.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "custom: my_pack.ipynb" in index


def test_notebook_option_wins_over_params(own_pack, tmp_path, capsys):
    from carerlib.cli import main

    _, notebook = own_pack
    params = tmp_path / "nb.yaml"
    params.write_text("pack:\n  notebook: no_such_notebook.ipynb\n")
    assert main(["pack", SOUTHEND, "--params", str(params), "--out", str(tmp_path)]) == 2
    assert "no_such_notebook.ipynb: notebook not found" in capsys.readouterr().err
    assert main(["pack", SOUTHEND, "--params", str(params), "--out", str(tmp_path),
                 "--notebook", str(notebook)]) == 0
    page = (tmp_path / SOUTHEND / "index.html").read_text(encoding="utf-8")
    assert LOCAL_HEADING.replace("'", "&#39;") in page or LOCAL_HEADING in page
