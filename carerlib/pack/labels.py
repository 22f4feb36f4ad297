"""Words and number formats for tables a commissioner reads.

The pack's tables keep machine-friendly column names (`carers_2011`, `prevalence_change_pp`) so
that the CSV and XLSX exports stay easy to reuse; the HTML shows them through this vocabulary:
headers in words, values formatted by their kind (counts with thousands separators, percentages
with %, money with £ and its price year, ratios to 2 decimal places) and hours-of-care bands in
their natural order.
"""

from __future__ import annotations

import functools
import html
import math
import numbers
import re
from typing import Literal

import numpy as np
import pandas as pd

from carerlib.data import bands

Kind = Literal["count", "percent", "money", "ratio", "score", "year", "text"]

#: Readable header and kind for the machine column names used in carerlib's tables.
COLUMNS: dict[str, tuple[str, Kind]] = {
    "area_name": ("Area", "text"),
    "area_code": ("Area code", "text"),
    "band": ("Hours of care a week", "text"),
    "band_label": ("Hours of care a week", "text"),
    "hours of care": ("Hours of care a week", "text"),
    "carers": ("Carers", "count"),
    "carers_2011": ("Carers in 2011", "count"),
    "carers_2021": ("Carers in 2021", "count"),
    "change": ("Change in carers", "count"),
    "percent_change": ("Change in carers (%)", "text"),
    "population": ("Residents", "count"),
    "share_of_carers": ("Share of carers", "percent"),
    "prevalence": ("Share of residents caring", "percent"),
    "prevalence_lower": ("Interval: lower", "percent"),
    "prevalence_upper": ("Interval: upper", "percent"),
    "prevalence_2011": ("Share caring in 2011", "percent"),
    "prevalence_2021": ("Share caring in 2021", "percent"),
    "prevalence_change_pp": ("Change in share caring (percentage points)", "ratio"),
    "share of census carers": ("Share of census carers", "percent"),
    "known carers": ("Carers known to services", "count"),
    "rate": ("Rate", "percent"),
    "expected_poor_health": ("Expected in poor health", "count"),
    "financial_year": ("Survey year", "text"),
    "ascof": ("ASCOF measure", "text"),
    "label": ("Measure", "text"),
    "value": ("Value", "ratio"),
    "england_median": ("England median", "ratio"),
    "region": ("Region", "text"),
    "region_median": ("Region median", "ratio"),
    "rank": ("Rank", "count"),
    "n_ranked": ("Councils ranked", "count"),
    "n_peers": ("Areas compared", "count"),
    "year": ("Year", "year"),
    "from": ("From", "year"),
    "to": ("To", "year"),
    "vintage": ("Projection", "text"),
    "group": ("Age group", "text"),
    "ages": ("Ages", "text"),
    "method": ("Method", "text"),
    "projected": ("Projected carers", "count"),
    "source": ("Source", "text"),
    "hours_per_week": ("Total hours of care a week", "count"),
    "cost_per_hour": ("Cost an hour", "money"),
    "value_per_week": ("Value a week", "money"),
    "value_per_year": ("Value a year", "money"),
    "measure": ("Measure", "text"),
    "deterministic": ("Central estimate", "ratio"),
    "mean": ("Mean", "ratio"),
    "median": ("Median", "ratio"),
    "low": ("Low", "ratio"),
    "high": ("High", "ratio"),
    "input": ("Input", "text"),
    "output_at_low": ("Net saving with the input low", "money"),
    "output_at_high": ("Net saving with the input high", "money"),
    "swing": ("Swing", "money"),
    "base_value": ("Assumed value", "ratio"),
    "break_even_value": ("Break-even value", "ratio"),
    "saving_when": ("Saving when the input is", "text"),
    "plausible": ("Plausible?", "text"),
    "share_at_risk": ("Share at risk", "percent"),
    "net_saving": ("Net saving", "money"),
    "scenario": ("Scenario", "text"),
    "organisation": ("Organisation", "text"),
    "cluster": ("Cluster", "text"),
    "breaks": ("Breaks", "money"),
    "other": ("Other support", "money"),
    "total": ("Total", "money"),
    "indicative_breaks": ("Indicative number of breaks", "count"),
    "service": ("Service", "text"),
    "families": ("Families", "count"),
    "alternative_cost_per_family": ("Alternative cost a family", "money"),
    "respite_cost_per_family": ("Respite cost a family", "money"),
    "avoided_per_family": ("Avoided a family", "money"),
    "cost_avoided": ("Cost avoided", "money"),
    "scheme": ("Scheme", "text"),
    "provider": ("Provider", "text"),
    "investment": ("Investment", "money"),
    "ratio": ("Return per £1", "ratio"),
    "period": ("Period", "text"),
    "kind": ("Kind of return", "text"),
    "item": ("Item", "text"),
    "price_year": ("Price year", "text"),
    "value_uplifted": ("Restated value", "money"),
    "factor": ("Uplift factor", "ratio"),
    "index_from": ("Index in its year", "ratio"),
    "index_to": ("Index in the reporting year", "ratio"),
    "step": ("Step", "text"),
    "formula": ("Formula", "text"),
    "intention": ("Commissioning intention", "text"),
    "weighted_score": ("Weighted score", "ratio"),
    "dataset": ("Dataset", "text"),
    "file": ("File", "text"),
    "sha256": ("SHA-256", "text"),
    "assumption": ("Assumption", "text"),
    "census": ("Census", "year"),
    "note": ("Note", "text"),
    "share": ("Share", "percent"),
    "reduction": ("Reduction", "percent"),
}

#: Tables with more columns than this print in a smaller font (class carerlib-wide).
WIDE_COLUMNS = 7

#: Longest run of characters a printed cell keeps unbroken (longer ones are codes).
LONG_WORD = 24

#: How each kind of value is shown when the table gives no format of its own.
FORMATS: dict[Kind, str] = {
    "count": "{:,.0f}", "percent": "{:.1%}", "money": "£{:,.0f}", "ratio": "{:,.2f}",
    "score": "{:.1f}", "year": "{}", "text": "{}",
}


def header(column: str, price_year: str | None = None) -> str:
    """The column's header in words; money columns say £ and, when known, the price year."""
    column = str(column)
    label, kind = COLUMNS.get(column, (None, "text"))
    if label is None:
        label = column.replace("_", " ").strip()
        label = label[:1].upper() + label[1:]
    if kind == "money":
        label += f" (£, {price_year} prices)" if price_year else " (£)"
    return label


def kind_of(column: str, values: pd.Series) -> Kind:
    """A column's kind: from the vocabulary, else from its values (whole numbers are counts)."""
    if str(column) in COLUMNS:
        return COLUMNS[str(column)][1]
    if pd.api.types.is_integer_dtype(values):
        return "count"
    if pd.api.types.is_float_dtype(values):
        numbers_ = values.to_numpy(dtype="float64", na_value=np.nan)
        finite = numbers_[~np.isnan(numbers_)]
        whole = finite.size > 0 and bool((finite == np.round(finite)).all())
        return "count" if whole and np.abs(finite).max() >= 100 else "ratio"
    return "text"


#: The minus sign of printed money (U+2212), placed before the £: −£36,120.
MINUS = "\u2212"


def format_money(value: float, spec: str) -> str:
    """Money with its sign before the £ (−£36,120, or +£36,120 when `spec` asks for a sign):
    `spec` is a money format such as "£{:,.0f}" or "£{:+,.0f}"."""
    body = spec.replace("£", "", 1).replace("{:+", "{:", 1)
    sign = MINUS if value < 0 else ("+" if "{:+" in spec and value > 0 else "")
    return sign + "£" + body.format(abs(value))


def is_blank(value: object) -> bool:
    """No value: None, pandas' NA or a float NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def format_value(value, spec: str) -> str:
    """`value` formatted with `spec`; blanks stay blank and text passes through unchanged.
    Money (a spec starting with £) puts its sign before the £."""
    kind = type(value)
    if kind is str:  # the commonest cells first: a table has thousands of them
        return value
    if kind is float or kind is int:
        return "" if value != value else _format_number(value, spec)  # NaN is blank
    if is_blank(value):
        return ""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return _format_number(value, spec)
    return str(value)


def _format_number(value, spec: str) -> str:
    if spec.startswith("£") and spec.count("{") == 1:
        return format_money(value, spec)
    return spec.format(value)


@functools.cache
def _band_ranks() -> dict[str, tuple[int, int]]:
    """Sort key of every hours-of-care band label (fewest hours first)."""
    ranks: dict[str, tuple[int, int]] = {}
    for band in bands.BROAD + bands.FINE:
        ranks.setdefault(band.label, (band.min_hours, band.max_hours or 10_000))
    return ranks


def _band_rank(label) -> tuple[int, int] | None:
    """Sort key of an hours-of-care band label (fewest hours first), None if not a band (or
    not text at all: a blank in a nullable column is pd.NA, which cannot be compared)."""
    return _band_ranks().get(label) if isinstance(label, str) else None


def _is_band_column(values: pd.Series, cells: list) -> bool:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    return any(_band_rank(v) is not None for v in cells)


Column = tuple[object, pd.Series, list]  # name, values, values as a list


def _band_order(columns: list[Column]) -> list[int] | None:
    """Row positions putting hours-of-care bands in their natural order (see `in_band_order`),
    or None when no column holds bands."""
    at = next((i for i, (_, values, cells) in enumerate(columns)
               if _is_band_column(values, cells)), None)
    if at is None:
        return None
    band_cells, rows = columns[at][2], len(columns[at][2])
    ranks = [_band_rank(v) or (10_001, 0) for v in band_cells]
    left = [cells for _, _, cells in columns[:at]]
    group = (["|".join(map(str, row)) for row in zip(*left, strict=True)] if left
             else [""] * rows)
    first_seen = {g: i for i, g in reversed(list(enumerate(group)))}
    return sorted(range(rows), key=lambda i: (first_seen[group[i]], ranks[i], i))


def _columns(data: pd.DataFrame) -> list[Column]:
    return [(name, values, values.tolist()) for name, values in data.items()]


def in_band_order(data: pd.DataFrame) -> pd.DataFrame:
    """Rows with hours-of-care bands in their natural order (fewest hours first) within each
    group of the columns to their left; other rows (totals) keep their place after them."""
    order = _band_order(_columns(data))
    return data if order is None else data.iloc[order]


def _readable_cells(data: pd.DataFrame, formats: dict[str, str] | None,
                    price_year: str | None) -> dict[str, list[str]]:
    """`readable` as header -> the column's cells (each column read once)."""
    formats = formats or {}
    columns = _columns(data)
    order = _band_order(columns)
    out: dict[str, list[str]] = {}
    for column, values, cells in columns:
        spec = formats.get(column) or FORMATS[kind_of(column, values)]
        name = header(column, price_year)
        if name in out:  # two machine names with one reading: keep both, told apart
            name = f"{name} ({column})"
        if order is not None:
            cells = [cells[i] for i in order]
        out[name] = [format_value(v, spec) for v in cells]
    return out


def readable(data: pd.DataFrame, formats: dict[str, str] | None = None,
             price_year: str | None = None) -> pd.DataFrame:
    """The table as a commissioner reads it: bands in order, values formatted by kind (a
    table's own format for a column wins) and headers in words. Every cell becomes text."""
    out = _readable_cells(data, formats, price_year)
    return pd.DataFrame(out, columns=list(out), index=range(len(data)), dtype=object)


def wide_by_year(data: pd.DataFrame, series: str, values: dict[str, str],
                 formats: dict[str, str] | None = None,
                 year: str = "year") -> tuple[pd.DataFrame, dict[str, str]]:
    """A long time series laid out to be read: one row per year and one column per series
    (per series and value when `values` names more than one), with its formats.

    `values` maps each value column to the words after the series name in its headers ("" for
    the series name alone, e.g. {"value": "ratio", "change (%)": "change (%)"} gives
    "Census 2011: ratio" and "Census 2011: change (%)"). Series keep the order they first appear
    in; a year a series lacks is blank. Each number is moved, never changed."""
    if data.duplicated([year, series]).any():
        raise ValueError(f"more than one row per {year} and {series}: cannot lay out by year")
    formats = formats or {}
    years = sorted(data[year].unique())
    wide = {year: pd.Series(years)}
    shown_formats = {year: formats.get(year, "{}")}
    for name, rows in data.groupby(series, sort=False, dropna=False):
        by_year = rows.set_index(year)
        for column, words in values.items():
            heading = f"{name}: {words}" if words else str(name)
            wide[heading] = by_year[column].reindex(years).reset_index(drop=True)
            if column in formats:
                shown_formats[heading] = formats[column]
    return pd.DataFrame(wide), shown_formats


_NUMBER = re.compile(r"^[+\-−]?£?[\d,]*\.?\d+(%| pp)?$")  # a shown number: 1,234 £5 −3.2% +1 pp


def _all_numbers(cells: list[str]) -> bool:
    cells = [v for v in cells if v != ""]
    return bool(cells) and all(_NUMBER.match(v) for v in cells)


def numeric_columns(shown: pd.DataFrame) -> list[str]:
    """Columns of a readable table whose every non-blank cell is a number (right-aligned)."""
    return [column for column in shown.columns if _all_numbers(shown[column].tolist())]


def has_long_word(text: str) -> bool:
    """Whether `text` holds a run of characters too long to fit a table column unbroken (a
    checksum or a file path, longer than LONG_WORD): only such cells may break anywhere."""
    return any(len(word) > LONG_WORD for word in str(text).split())


def table_html(data: pd.DataFrame, formats: dict[str, str] | None = None, caption: str = "",
               price_year: str | None = None, table_id: str = "") -> str:
    """A readable, accessible HTML table (caption, column headers with scope, numbers
    right-aligned) in a focusable box that scrolls sideways when the table is wider than the
    page, with a line saying so. Every header and cell is HTML-escaped."""
    shown = _readable_cells(data, formats, price_year)
    numeric = {column for column, cells in shown.items() if _all_numbers(cells)}

    def cls(column: str, text: str = "") -> str:
        if column in numeric:
            return ' class="carerlib-num"'
        return ' class="carerlib-code"' if has_long_word(text) else ""

    columns = list(shown)
    head = "".join(f'<th scope="col"{cls(c)}>{html.escape(c)}</th>' for c in columns)
    rows = "".join(
        "<tr>" + "".join(f"<td{cls(c, v)}>{html.escape(v)}</td>"
                         for c, v in zip(columns, row, strict=True)) + "</tr>"
        for row in zip(*shown.values(), strict=True))
    wide = " carerlib-wide" if len(columns) > WIDE_COLUMNS else ""
    ident = f' id="{html.escape(table_id, quote=True)}"' if table_id else ""
    name = html.escape(caption or "Table", quote=True)
    caption_html = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<div class="carerlib-scroll-outer" lang="en-GB">'
            '<p class="carerlib-scroll-cue" aria-hidden="true">'
            "Scroll sideways to see every column.</p>"
            f'<div class="carerlib-scroll" role="region" tabindex="0" aria-label="{name}">'
            f'<table class="carerlib-table{wide}"{ident}>{caption_html}'
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table></div></div>")
