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


def test_nullable_blanks_are_shown_blank_not_an_error():
    # Hackney, Lewisham and the Isles of Scilly have no 2021-22 ASCOF rank: a nullable Int64
    # column holds pd.NA, which cannot be compared (their packs failed in the national batch).
    frame = pd.DataFrame({"financial_year": ["2018-19", "2021-22"], "value": [6.9, None],
                          "rank": pd.array([125, None], dtype="Int64"), "n_ranked": [151, 149]})
    shown = labels.readable(frame)
    assert shown["Rank"].tolist() == ["125", ""]
    assert shown["Value"].tolist() == ["6.90", ""]
    assert labels.in_band_order(frame.astype({"financial_year": "string"})).equals(
        frame.astype({"financial_year": "string"}))


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


# Southend-on-Sea potential support ratio (15–64 per 65+), as exported in
# tables/potential_support_ratio.csv: Census 2011 and 2021, the 2022-based projection's first
# years and the 2018-based projection's 2021 value.
SUPPORT_RATIO = pd.DataFrame({
    "source": ["Census 2011", "Census 2021", "2022-based projection", "2022-based projection",
               "2018-based projection", "2018-based projection"],
    "year": [2011, 2021, 2022, 2023, 2021, 2022],
    "potential support ratio": [3.6351386453665824, 3.2935678944474986, 3.25386616356516,
                                3.2393132212789664, 3.1836788143279735, 3.1727283884956834],
    "change (%)": [0.0, -9.396361026131872, 0.0, -0.4472507950434079, -1.66542695901708,
                   -2.0036537437006063],
})


def test_wide_by_year_gives_one_row_a_year_and_a_column_a_series():
    wide, formats = labels.wide_by_year(
        SUPPORT_RATIO, "source", {"potential support ratio": "ratio", "change (%)": "change (%)"},
        {"year": "{}", "potential support ratio": "{:.3f}", "change (%)": "{:+.1f}"})
    assert list(wide.columns) == [
        "year", "Census 2011: ratio", "Census 2011: change (%)", "Census 2021: ratio",
        "Census 2021: change (%)", "2022-based projection: ratio",
        "2022-based projection: change (%)", "2018-based projection: ratio",
        "2018-based projection: change (%)"]
    assert wide["year"].tolist() == [2011, 2021, 2022, 2023]
    assert formats["Census 2021: ratio"] == "{:.3f}"
    assert formats["2018-based projection: change (%)"] == "{:+.1f}"
    for row in SUPPORT_RATIO.itertuples(index=False):
        at = wide.set_index("year").loc[row.year]
        assert at[f"{row.source}: ratio"] == row[2]
        assert at[f"{row.source}: change (%)"] == row[3]
    # Every value of the long frame is in the wide one, and nothing else is.
    assert int(wide.drop(columns="year").notna().sum().sum()) == 2 * len(SUPPORT_RATIO)
    shown = labels.readable(wide, formats)
    assert shown.loc[1].to_dict()["Census 2021: ratio"] == "3.294"
    assert shown.loc[1].to_dict()["Census 2021: change (%)"] == "-9.4"
    assert shown.loc[0, "2022-based projection: ratio"] == ""  # no 2022-based figure for 2011


def test_wide_by_year_series_alone_names_the_column():
    # Southend-on-Sea, people aged 65+ in the 2022-based projection (older_population.csv).
    older = pd.DataFrame({"series": ["Aged 65+, 2022-based projection"] * 2, "year": [2022, 2023],
                          "population": [34983.0, 35354.386]})
    wide, formats = labels.wide_by_year(older, "series", {"population": ""},
                                        {"population": "{:,.0f}"})
    assert wide.to_dict("list") == {"year": [2022, 2023],
                                    "Aged 65+, 2022-based projection": [34983.0, 35354.386]}
    assert labels.readable(wide, formats)["Aged 65+, 2022-based projection"].tolist() == [
        "34,983", "35,354"]


def test_wide_by_year_refuses_two_rows_for_one_year_and_series():
    twice = pd.concat([SUPPORT_RATIO.head(1)] * 2)
    with pytest.raises(ValueError, match="more than one row"):
        labels.wide_by_year(twice, "source", {"potential support ratio": ""})


@pytest.mark.parametrize(("value", "spec", "expected"), [
    # The Southend worked example's net saving with a break preventing only 25% of breakdowns.
    (-36120.0, "£{:,.0f}", "−£36,120"),
    (155520.0, "£{:,.0f}", "£155,520"),
    (-36120.0, "£{:+,.0f}", "−£36,120"),
    (155520.0, "£{:+,.0f}", "+£155,520"),
    (0.0, "£{:+,.0f}", "£0"),
    (-0.5, "£{:,.2f}", "−£0.50"),
    (-9.396361026131872, "{:+.1f}", "-9.4"),
])
def test_money_puts_its_sign_before_the_pound(value, spec, expected):
    assert labels.format_value(value, spec) == expected


def test_negative_money_in_a_table_reads_minus_pound():
    shown = labels.readable(pd.DataFrame({"net_saving": [-36120.0, 155520.0]}))
    assert shown["Net saving (£)"].tolist() == ["−£36,120", "£155,520"]
    assert labels.numeric_columns(shown) == ["Net saving (£)"]


def test_only_long_codes_may_break_anywhere_in_print():
    page = labels.table_html(pd.DataFrame({
        "sha256": ["0f3a2b9c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"],
        "kind": ["cashable"]}))
    assert '<td class="carerlib-code">0f3a2b9c' in page
    assert "<td>cashable</td>" in page
    assert 'lang="en-GB"' in page


def test_tables_with_many_columns_are_marked_wide():
    narrow = labels.table_html(pd.DataFrame({str(i): [i] for i in range(labels.WIDE_COLUMNS)}))
    wide = labels.table_html(pd.DataFrame({str(i): [i] for i in range(labels.WIDE_COLUMNS + 1)}))
    assert 'class="carerlib-table"' in narrow
    assert 'class="carerlib-table carerlib-wide"' in wide


def test_a_display_frame_is_shown_but_the_data_is_kept():
    import plotly.graph_objects as go

    wide, formats = labels.wide_by_year(
        SUPPORT_RATIO, "source", {"potential support ratio": "ratio"},
        {"potential support ratio": "{:.3f}"})
    chart = Chart(go.Figure(), SUPPORT_RATIO, "ONS", {"potential support ratio": "{:.3f}"},
                  "potential_support_ratio", shown=wide, shown_formats=formats)
    page = block_html(chart)
    assert '<th scope="col" class="carerlib-num">Census 2011: ratio</th>' in page
    assert "<td class=\"carerlib-num\">3.635</td>" in page
    assert "Potential support ratio</th>" not in page  # the long layout is not shown
    assert chart.data is SUPPORT_RATIO
