"""How the breaks section's numbers read on the page (the Southend worked example, 002 §6): each
row in its own unit, money with −£, measure names in words; the exported data stay numeric."""

from __future__ import annotations

import pytest

from carerlib.pack.report import block_html
from carerlib.pack.sections.breaks import CURVE_POINTS, breaks_result, in_unit
from carerlib.params import load_params


@pytest.fixture(scope="module")
def section():
    return breaks_result(load_params("E06000033").breaks).section


def _block(section, name):
    return next(b for b in section.blocks if getattr(b, "name", "") == name)


def test_sensitivity_low_and_high_in_each_inputs_unit(section):
    chart = _block(section, "sensitivity")
    rows = chart.shown.set_index("Input")
    prevents = rows.loc["Share of breakdowns a break prevents"]
    assert (prevents["Low"], prevents["High"]) == ("25.0%", "100.0%")
    low_money = next(c for c in rows.columns if c.startswith("Net saving with the input low"))
    assert low_money.endswith("(£, published prices (2010/11, 2012/13))")
    # With a break preventing only a quarter of breakdowns the scheme loses £36,120.
    assert prevents[low_money] == "−£36,120"
    rehab = rows.loc["Rehabilitation episode cost (£)"]
    assert (rehab["Low"], rehab["High"]) == ("£3,000", "£5,500")
    assert rows.loc["Weeks of residential care needed", "High"] == "4.0 weeks"
    # The export keeps the numbers.
    data = chart.data.set_index("input")
    assert data.loc["Share of breakdowns a break prevents", "output_at_low"] == -36120.0
    assert data.loc["Rehabilitation episode cost (£)", "low"] == 3000.0


def test_break_even_values_and_notes_read_naturally(section):
    table = _block(section, "break_even")
    rows = table.shown.set_index(table.shown.columns[0])
    assert rows.loc["Share of breakdowns a break prevents", "Break-even value"] == "39.1%"
    assert rows.loc["Rehabilitation episode cost (£)", "Break-even value"] == "£366"
    assert rows.loc["Cost of a year's breaks per carer (£)", "Break-even value"] == "£6,388"
    assert rows.loc["Residential care cost a week (£)", "Assumed value"] == "£1,067"
    assert rows.loc["Weeks of residential care needed", "Note"].startswith(
        "break-even would be −1.6 weeks, below zero")
    assert rows.loc["Residential care cost a week (£)", "Note"].startswith(
        "break-even would be −£877, below zero")
    data = table.data.set_index("input")
    assert data.loc["Share of breakdowns a break prevents", "break_even_value"] == pytest.approx(
        0.3913587977457733)
    assert "-877" in data.loc["Residential care cost a week (£)", "note"]


def test_monte_carlo_measures_in_words_and_rows_by_kind(section):
    chart = _block(section, "monte_carlo")
    rows = chart.shown.set_index(chart.shown.columns[0])
    assert list(rows.index) == ["Net saving (£)", "Return per £1", "Costs avoided (£)",
                                "Cost of the breaks (£)"]
    assert rows.loc["Net saving (£)", "Central estimate"] == "£155,520"
    assert rows.loc["Return per £1", "Central estimate"] == "2.56"
    assert rows.loc["Cost of the breaks (£)", "Central estimate"] == "£100,000"
    assert rows.loc["Net saving (£)", "Chance of a saving"].endswith("%")
    assert rows.loc["Return per £1", "Chance of a saving"] == ""
    page = block_html(chart)
    assert "net_saving" not in page and "return_per_pound" not in page
    assert chart.data["measure"].tolist() == ["net_saving", "return_per_pound", "gross_saving",
                                              "cost"]


def test_break_even_curve_one_row_a_share_with_signed_money(section):
    chart = _block(section, "break_even_curve")
    shown = chart.shown
    assert len(shown) == CURVE_POINTS
    cohort = next(c for c in shown.columns if c.startswith("breaks for the whole cohort"))
    page = block_html(chart)
    assert "−£250,000" in page and "£-" not in page
    assert shown.loc[0, cohort] == -250000.0
    assert len(chart.data) == 2 * CURVE_POINTS


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (-877.0, "£", "−£877"), (0.3913587977457733, "share", "39.1%"),
    (-1.644, "weeks", "−1.6 weeks"), (2.5552, "ratio", "2.56"), (100.0, "count", "100"),
    (float("nan"), "£", ""),
])
def test_in_unit(value, unit, expected):
    assert in_unit(value, unit) == expected


def test_worked_example_made_once_per_params_and_each_pack_gets_its_own_copy():
    """The worked example's parts depend on the breaks params alone, so a process makes them
    once; a pack that changes its tables, charts or statements changes nothing for the next."""
    import importlib

    import plotly.io as pio

    from carerlib.pack.report import Chart, Statement, Table

    section_module = importlib.import_module("carerlib.pack.sections.breaks")

    params = load_params("E06000033").breaks
    section_module._worked_example.cache_clear()
    fresh = breaks_result(params).section
    html_before = [block_html(b) for b in fresh.blocks if not isinstance(b, Chart)]
    first = breaks_result(params).section
    for block in first.blocks:  # one pack changes everything it can
        if isinstance(block, Table | Chart):
            block.data["changed"] = 1  # in place
            if block.shown is not None:
                block.shown["changed"] = 1
            block.formats.clear()
        if isinstance(block, Chart):
            block.figure.update_layout(title_text="changed")
            block.figure.data[0].update(name="changed")
        if isinstance(block, Statement):
            block.figure = "changed"
    second = breaks_result(params).section
    assert section_module._worked_example.cache_info().currsize == 1
    assert [block_html(b) for b in second.blocks if not isinstance(b, Chart)] == html_before
    for ours, theirs in zip(second.blocks, fresh.blocks, strict=True):
        if isinstance(ours, Table | Chart):
            assert ours.data.equals(theirs.data) and "changed" not in ours.data
        if isinstance(ours, Chart):
            assert pio.to_json(ours.figure) == pio.to_json(theirs.figure)
    other = params.model_copy(update={"note": "Another scenario"})
    assert "Another scenario" in block_html(breaks_result(other).section.blocks[0])
    assert section_module._worked_example.cache_info().currsize == 2  # other params: anew
