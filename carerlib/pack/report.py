"""Building blocks of an evidence pack and how they are shown in a notebook.

carerlib computes a pack as a list of `Section`s holding text, tables and charts; the notebook only
calls `show(section)`. Tables are escaped HTML; charts carry their numbers as a table on demand.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from carerlib.pack import labels


@dataclass
class Text:
    """A paragraph of plain text (escaped when shown)."""
    text: str
    kind: str = "p"  # p | note | missing


@dataclass
class Statement:
    """A figure with what it means for commissioning (the Southend §5.4 two-column layout)."""
    figure: str
    meaning: str
    source: str


@dataclass
class Table:
    title: str
    data: pd.DataFrame
    source: str
    formats: dict[str, str] = field(default_factory=dict)  # column -> format spec, e.g. "{:.1%}"
    name: str = ""  # file stem when tables are exported
    price_year: str = ""  # shown with £ in money column headers (HTML only)
    # How the page shows the table when it differs from the exported `data` (e.g. one row per
    # year); the CSV and XLSX always hold `data`.
    shown: pd.DataFrame | None = None
    shown_formats: dict[str, str] = field(default_factory=dict)


@dataclass
class Chart:
    figure: go.Figure
    data: pd.DataFrame
    source: str
    formats: dict[str, str] = field(default_factory=dict)
    name: str = ""
    price_year: str = ""  # shown with £ in money column headers (HTML only)
    # The numbers table as the page shows it, when it differs from the exported `data`.
    shown: pd.DataFrame | None = None
    shown_formats: dict[str, str] = field(default_factory=dict)


@dataclass
class Section:
    key: str
    title: str
    blocks: list = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]


def format_frame(data: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """Format numbers for people: thousands separators, percentages, pounds."""
    out = data.copy()
    for column in out.columns:
        spec = formats.get(column)
        if spec is None and pd.api.types.is_integer_dtype(out[column]):
            spec = "{:,}"
        elif spec is None and pd.api.types.is_float_dtype(out[column]):
            spec = "{:,.2f}"
        out[column] = out[column].map(lambda v, s=spec or "{}": labels.format_value(v, s))
    return out.astype(str)


def table_html(data: pd.DataFrame, formats: dict[str, str] | None = None,
               caption: str = "", price_year: str | None = None, table_id: str = "") -> str:
    """An accessible, readable HTML table (see carerlib.pack.labels); every cell is escaped."""
    return labels.table_html(data, formats, caption, price_year, table_id)


def _numbers_id(block) -> str:
    """A stable id for a chart's numbers table (its aria-describedby target)."""
    key = f"{block.name}|{block.figure.layout.title.text or ''}"
    return "carerlib-numbers-" + hashlib.sha1(key.encode()).hexdigest()[:10]


def display_frame(block: Table | Chart) -> tuple[pd.DataFrame, dict[str, str]]:
    """The frame a table or chart shows on the page and its formats: its display layout when
    it has one, else the exported data."""
    if block.shown is not None:
        return block.shown, block.shown_formats
    return block.data, block.formats


def block_html(block) -> str:
    """HTML for one block (used by the notebook display and by tests)."""
    if isinstance(block, Text):
        css = {"p": "", "note": "carerlib-note", "missing": "carerlib-missing"}[block.kind]
        return f'<p class="{css}">{html.escape(block.text)}</p>'
    if isinstance(block, Statement):
        return (
            '<table class="carerlib-statement"><caption class="carerlib-visually-hidden">'
            "A figure and what it means for commissioning</caption>"
            '<tr><th scope="col">What the figures say</th>'
            '<th scope="col">What this means for commissioning</th></tr>'
            f"<tr><td>{html.escape(block.figure)}</td><td>{html.escape(block.meaning)}</td></tr>"
            f'</table><p class="carerlib-source">Source: {html.escape(block.source)}</p>'
        )
    if isinstance(block, Table):
        return (table_html(*display_frame(block), block.title, block.price_year or None)
                + f'<p class="carerlib-source">Source: {html.escape(block.source)}</p>')
    if isinstance(block, Chart):
        return _chart_html(block, block.figure.to_plotly_json())
    raise TypeError(f"cannot show {type(block).__name__}")


def _chart_html(block: Chart, figure: dict) -> str:
    """A chart's HTML from its figure as a dict (`figure.to_plotly_json()`, which a notebook
    display also carries: made once, not once for each)."""
    plot = pio.to_html(figure, validate=False, include_plotlyjs=False, full_html=False,
                       config={"displaylogo": False, "responsive": True})
    title = " ".join(re.sub(r"<[^>]+>", " ", block.figure.layout.title.text or "Chart").split())
    numbers_id = _numbers_id(block)
    return (
        f'<figure class="carerlib-chart" aria-label="{html.escape(title, quote=True)}" '
        f'aria-describedby="{numbers_id}">{plot}'
        "<details><summary>Show the numbers behind this chart</summary>"
        + table_html(*display_frame(block), f"The numbers behind the chart: {title}",
                     block.price_year or None, numbers_id)
        + "</details></figure>"
    )


def display_block(block) -> None:
    """Display one block in a notebook (charts interactive in Lab, with their numbers)."""
    from IPython.display import HTML, display

    if isinstance(block, Chart):
        figure = block.figure.to_plotly_json()
        display({
            "application/vnd.plotly.v1+json": figure,
            "text/html": _chart_html(block, figure),
            "text/plain": block.figure.layout.title.text or "chart",
        }, raw=True)
    else:
        display(HTML(block_html(block)))


def show(section: Section, level: int = 2) -> None:
    """Display a section in a notebook: heading, then each block (charts interactive in Lab).
    (The evidence notebook keeps headings in its markdown cells and uses carerlib.pack.book.)"""
    from IPython.display import Markdown, display

    display(Markdown(f"{'#' * level} {section.title}"))
    for block in section.blocks:
        display_block(block)


#: Where the runner notes that a pack was built from an analyst's own notebook.
NOTEBOOK_MARKER = "<!-- carerlib:notebook -->"


def _title_line(line: str) -> str:
    """One title line; "Data vintages: a; b" becomes a list labelled by its heading."""
    label, _, rest = line.partition(": ")
    if label != "Data vintages" or not rest:
        return f"<p>{html.escape(line)}</p>"
    items = "".join(f"<li>{html.escape(v)}</li>" for v in rest.split("; "))
    return (f'<p id="carerlib-vintages">Data vintages:</p>'
            f'<ul aria-labelledby="carerlib-vintages">{items}</ul>')


def title_html(title: str, area_name: str, area_code: str, lines: list[str]) -> str:
    """The pack's title block (area, vintages, date) followed by the contents-list marker."""
    items = "".join(_title_line(line) for line in lines)
    return (f'<div class="carerlib-title"><h1>{html.escape(title)}: {html.escape(area_name)}'
            f"</h1><p><strong>Area code:</strong> {html.escape(area_code)}</p>{items}"
            f"{NOTEBOOK_MARKER}</div><!-- carerlib:toc -->")


def title_lines(mode: str, vintages: list[str], generated: str, version: str) -> list[str]:
    """The title block's lines: what the pack was built from, data vintages, when and by what."""
    built_from = ("official data" if mode == "official"
                  else "embedded sample (figures printed in the local strategy)")
    return [f"Built from: {built_from}",
            "Data vintages: " + ("; ".join(vintages) or "see Methods"),
            f"Generated {generated} by carerlib {version}"]


def show_title(evidence) -> None:
    """Display the title block of an Evidence object."""
    from IPython.display import HTML, display

    lines = title_lines(evidence.mode, evidence.vintages, evidence.generated, evidence.version)
    display(HTML(title_html(evidence.params.pack.title, evidence.area_name,
                            evidence.area_code, lines)))
