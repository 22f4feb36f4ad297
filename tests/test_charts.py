"""The house charts are built from plain specs without plotly's validation (for speed); these
tests are that validation: every chart rebuilt through plotly's validators serialises to the same
JSON, so a spec plotly would reject or coerce differently fails here, not on a commissioner's
page."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from carerlib.pack import charts

YEARS = pd.DataFrame({"year": [2021, 2030, 2040] * 2, "value": [3.1, 2.7, 2.2, 3.4, 3.0, 2.5],
                      "source": ["2018-based"] * 3 + ["2022-based"] * 3})
BANDS = pd.DataFrame({"band": ["19 hours or less", "20 to 49 hours", "50 hours or more"],
                      "carers": [9000, 3000, 5000]})
AREAS = pd.DataFrame({"area": ["Southend", "Essex"], "p": [0.09, 0.1], "lo": [0.085, 0.098],
                      "hi": [0.095, 0.102]})
SENSITIVITY = pd.DataFrame({"input": ["cost", "weeks"], "output_at_low": [-3000.0, 100.0],
                            "output_at_high": [9000.0, 4000.0], "output_base": [2000.0] * 2})
CURVE = pd.DataFrame({"share": [0.1, 0.4, 0.7] * 2, "net": [-50.0, 10.0, 60.0, -40, 20, 80],
                      "scenario": ["low"] * 3 + ["high"] * 3})

BUILT = {
    "line": lambda: charts.line(YEARS, "year", "value", color="source", title="Ratio falls",
                                source="ONS <projections> & more", x_title="Year", y_title="R"),
    "line_single": lambda: charts.line(YEARS, "year", "value", title="T", source="S"),
    "bar": lambda: charts.bar(BANDS, "band", "carers", title="Most care 19 hours or less",
                              source="Census 2021"),
    "bar_grouped_h": lambda: charts.bar(CURVE, "scenario", "net", color="share",
                                        orientation="h", title="T", source="S"),
    "interval_dots": lambda: charts.interval_dots(AREAS, "area", "p", "lo", "hi", title="T",
                                                  source="S", highlight="Essex"),
    "tornado": lambda: charts.tornado(SENSITIVITY, title="T", source="S", x_title="£"),
    "histogram": lambda: charts.histogram(np.linspace(-5, 10, 500), title="T", source="S",
                                          x_title="£", markers={"lower": -2.0, "zero": 0.0}),
    "break_even": lambda: charts.break_even(CURVE, "share", "net", color="scenario",
                                            title="T", source="S", x_title="Share",
                                            y_title="£", assumed=0.25, break_even_at=0.391),
}


@pytest.mark.parametrize("kind", sorted(BUILT))
def test_chart_spec_is_what_plotly_validation_makes_of_it(kind):
    fig = BUILT[kind]()
    validated = go.Figure(fig.to_dict())  # raises on any invalid property
    assert json.loads(pio.to_json(validated)) == json.loads(pio.to_json(fig))


def test_chart_layout_is_the_house_style():
    layout = BUILT["tornado"]().layout
    assert layout.title.text == "T" and layout.title.xanchor == "left"
    assert list(layout.colorway) == charts.PALETTE
    assert layout.annotations[0].text == "Source: S"
    assert layout.xaxis.title.text == "£" and layout.height == 160 + 45 * 2
    assert [s.x0 for s in layout.shapes] == [2000.0, 0]  # the base case and zero


def test_marker_labels_sit_where_plotly_puts_them():
    labels = BUILT["break_even"]().layout.annotations[1:]
    assert [(a.text, a.x, a.y, a.xanchor, a.yanchor) for a in labels] == [
        ("assumed 25%", 0.25, 1, "right", "top"),
        ("break-even 39.1%", 0.391, 0, "left", "bottom")]


def test_source_line_is_escaped_and_wrapped():
    text = BUILT["line"]().layout.annotations[0].text
    assert text == "Source: ONS &lt;projections&gt; &amp; more"
    long = charts.source_annotation("x " * 120)["text"]
    assert long.count("<br>") == 1


def test_figures_do_not_share_house_state():
    """The specs hand plotly the module's palette and template themselves; plotly copies a
    spec when it builds a figure, so editing one figure changes neither them nor another."""
    first, second = BUILT["line"](), BUILT["line"]()
    first.layout.template.layout.font.size = 99
    first.layout.colorway = ["#000000"]
    assert second.layout.template.layout.font.size != 99
    assert charts.HOUSE_TEMPLATE_JSON["layout"]["font"].get("size") != 99
    assert charts.PALETTE[0] == "#0072B2"


@pytest.mark.parametrize("kind", sorted(BUILT))
def test_a_copied_figure_is_the_same_chart_and_shares_nothing(kind):
    fig = BUILT[kind]()
    before = pio.to_json(fig)
    copy = charts.copy_figure(fig)
    assert pio.to_json(copy) == before
    copy.update_layout(title_text="changed")
    copy.data[0].update(name="changed")
    copy.layout.annotations = ()
    assert pio.to_json(fig) == before
