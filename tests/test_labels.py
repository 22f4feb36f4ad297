"""The commissioner's vocabulary for tables: headers in words, values by kind, bands in order."""

from __future__ import annotations

import pandas as pd
import pytest

from carerlib.pack import labels
from carerlib.pack.report import Chart, Table, block_html


@pytest.mark.parametrize(("column", "price_year", "expected"), [
    ("carers_2011", None, "Carers in 2011"),
    ("prevalence_change_pp", None, "Change in share caring (percentage points)"),
    ("n_ranked", None, "Councils ranked"),
    ("value_per_year", "2023/24", "Value a year (£, 2023/24 prices)"),
    ("cost_avoided", None, "Cost avoided (£)"),
    ("some_new_column", None, "Some new column"),
    ("hours of care", None, "Hours of care a week"),
    ("2031", None, "2031"),
])
def test_headers_in_words(column, price_year, expected):
    assert labels.header(column, price_year) == expected


def test_values_formatted_by_kind():
    # Southend-on-Sea, Census 2021 TS039 (MANIFEST): 15,019 carers of 170,444 residents aged 5+.
    frame = pd.DataFrame({"carers": [15019], "population": [170444],
                          "prevalence": [15019 / 170444], "cost_per_hour": [25.0],
                          "weighted_score": [3.583333], "year": [2021], "mystery": [0.4567]})
    shown = labels.readable(frame, {"cost_per_hour": "£{:,.2f}"}, price_year="2023/24")
    assert shown.iloc[0].to_dict() == {
        "Carers": "15,019", "Residents": "170,444", "Share of residents caring": "8.8%",
        "Cost an hour (£, 2023/24 prices)": "£25.00", "Weighted score": "3.58",
        "Year": "2021", "Mystery": "0.46"}


def test_two_columns_with_one_reading_are_both_kept():
    shown = labels.readable(pd.DataFrame({"band": ["x"], "hours of care": ["y"]}))
    assert list(shown.columns) == ["Hours of care a week", "Hours of care a week (hours of care)"]


def test_blanks_stay_blank_and_text_passes_through():
    frame = pd.DataFrame({"carers": [None, 12.0], "note": ["<b>x</b>", None]})
    shown = labels.readable(frame)
    assert shown["Carers"].tolist() == ["", "12"]
    assert shown["Note"].tolist() == ["<b>x</b>", ""]


def test_hours_bands_in_natural_order_within_groups():
    # The pivot in the future section sorts band labels alphabetically; the page must not.
    frame = pd.DataFrame({
        "vintage": ["2018-based"] * 3 + ["2016-based"] * 3,
        "band": ["20 to 49 hours a week", "50 or more hours a week", "19 hours or less a week"] * 2,
        "2031": [1, 2, 3, 4, 5, 6]})
    ordered = labels.in_band_order(frame)
    assert ordered["band"].tolist() == ["19 hours or less a week", "20 to 49 hours a week",
                                        "50 or more hours a week"] * 2
    assert ordered["vintage"].tolist() == ["2018-based"] * 3 + ["2016-based"] * 3
    assert ordered["2031"].tolist() == [3, 1, 2, 6, 4, 5]


def test_totals_stay_after_the_bands():
    frame = pd.DataFrame({"hours of care": ["All carers", "50 or more hours a week",
                                            "9 hours or less a week"], "carers": [3, 2, 1]})
    assert labels.in_band_order(frame)["hours of care"].tolist() == [
        "9 hours or less a week", "50 or more hours a week", "All carers"]


def test_table_html_has_caption_scoped_headers_and_a_scrolling_box():
    page = labels.table_html(pd.DataFrame({"carers_2021": [15019], "area_name": ["A & B"]}),
                             caption="Carers <2021>")
    assert "<caption>Carers &lt;2021&gt;</caption>" in page
    assert '<th scope="col" class="carerlib-num">Carers in 2021</th>' in page
    assert '<td class="carerlib-num">15,019</td>' in page
    assert "<td>A &amp; B</td>" in page
    assert 'role="region" tabindex="0" aria-label="Carers &lt;2021&gt;"' in page
    assert "Scroll sideways" in page


def test_numeric_columns_are_those_with_only_numbers():
    shown = pd.DataFrame({"a": ["£1,200", "", "-3.5%"], "b": ["12", "n/a", ""],
                          "c": ["+0.25 pp", "7", "1,000"]})
    assert labels.numeric_columns(shown) == ["a", "c"]


def test_table_block_uses_a_caption_not_a_heading():
    page = block_html(Table("Carers by band", pd.DataFrame({"carers": [1]}), "ONS"))
    assert "<h4>" not in page and "<caption>Carers by band</caption>" in page


def test_chart_is_a_named_figure_described_by_its_numbers():
    import plotly.graph_objects as go

    figure = go.Figure(go.Bar(x=["a"], y=[1]), layout={"title": {"text": "Most care <b>a</b>"}})
    page = block_html(Chart(figure, pd.DataFrame({"carers": [1]}), "ONS", name="bars"))
    target = page.split('aria-describedby="')[1].split('"')[0]
    assert page.startswith('<figure class="carerlib-chart" aria-label="Most care a')
    assert f'<table class="carerlib-table" id="{target}">' in page
    assert "<caption>The numbers behind the chart: Most care a" in page
