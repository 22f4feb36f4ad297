"""The XLSX workbook holds each table's values as they are: numbers as numbers, blanks empty,
text as text (never a formula), one sheet per table with a short, unique name."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd

from carerlib.pack.export import csv_safe, workbook_bytes


def _cells(book: bytes) -> dict[str, list[tuple]]:
    sheets = openpyxl.load_workbook(io.BytesIO(book))
    return {name: list(sheets[name].iter_rows(values_only=True)) for name in sheets.sheetnames}


def test_workbook_keeps_values_and_kinds():
    frame = pd.DataFrame({
        "area_name": ["Southend-on-Sea", "=1+1", ""],
        "carers": [15019, 4568, 7405],
        "prevalence": [0.0881169, np.nan, 0.5],
        "rank": pd.array([3, pd.NA, 1], dtype="Int64"),
        "published": [True, False, True],
    })
    rows = _cells(workbook_bytes({"carers_by_band_2021": frame}))["carers_by_band_2021"]
    assert rows[0] == ("area_name", "carers", "prevalence", "rank", "published")
    assert rows[1] == ("Southend-on-Sea", 15019, 0.0881169, 3, True)
    assert rows[2] == ("=1+1", 4568, None, None, False)  # text, not a formula; blanks empty
    assert rows[3] == (None, 7405, 0.5, 1, True)
    assert isinstance(rows[1][1], int) and isinstance(rows[1][2], float)
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"t": frame}))).active
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_sheet_names_are_short_and_unique():
    frame = pd.DataFrame({"x": [1]})
    long = "projected_carers_by_age_and_projection_vintage"
    book = _cells(workbook_bytes({long: frame, long + "_2": frame, "a/b": frame}))
    assert list(book) == [long[:31], long[:29] + "_2", "a_b"]


def test_csv_safe_neutralises_text_and_keeps_numbers():
    frame = pd.DataFrame({"=name": ["@cmd", "ok", None], "count": [-5, 10, 3]})
    safe = csv_safe(frame)
    assert list(safe.columns) == ["'=name", "count"]
    assert safe["'=name"].tolist()[:2] == ["'@cmd", "ok"]
    assert safe["count"].tolist() == [-5, 10, 3] and safe["count"].dtype == frame["count"].dtype


def test_csv_safe_returns_a_frame_needing_nothing_as_it_is():
    frame = pd.DataFrame({"area": ["Southend-on-Sea", None], "count": [1, 2],
                          "note": pd.array(["a - b", pd.NA], dtype="string")})
    assert csv_safe(frame) is frame
    mixed = pd.DataFrame({"area": pd.Categorical(["=x", "y"])})  # not text: always rebuilt
    assert csv_safe(mixed)["area"].tolist() == ["'=x", "y"]


def test_pack_exporter_remembers_markdown_and_renders_as_nbconvert_does():
    """Each markdown cell's HTML is remembered by its text, so the page is the same as
    nbconvert's own rendering, and a cell with attachments is rendered afresh."""
    import nbformat
    from nbconvert import HTMLExporter

    from carerlib.pack import runner

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Future demand\n\nA *note* with <b>HTML</b> & more"),
        nbformat.v4.new_markdown_cell("## Future demand\n\nA *note* with <b>HTML</b> & more"),
        nbformat.v4.new_markdown_cell("![x](attachment:x.png)", attachments={
            "x.png": {"image/png": "iVBORw0KGgo="}}),
    ])

    class NbconvertOwn(runner.PackExporter):
        markdown2html = HTMLExporter.markdown2html

    options = {"template_name": "carerlib_pack",
               "extra_template_basedirs": [str(runner.TEMPLATES)], "exclude_input": True}
    ours, own = runner.PackExporter(**options), NbconvertOwn(**options)
    first = ours.from_notebook_node(nbformat.from_dict(nb))[0]
    assert list(ours._markdown) == [("## Future demand\n\nA *note* with <b>HTML</b> & more", "")]
    assert ours.from_notebook_node(nbformat.from_dict(nb))[0] == first
    assert own.from_notebook_node(nbformat.from_dict(nb))[0] == first
    assert "data:image/png;base64,iVBORw0KGgo=" in first
