"""Tests for carerlib.explorer (scenarios, panels, widgets), driven as an analyst would.

Expected values are worked by hand from the published figures (Census 2021 TS039, ONS
projections, the Southend strategy's breaks sums), not recomputed with the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from carerlib.errors import CarerlibError
from carerlib.explorer.panels import headlines_html, plotly_bundle
from carerlib.explorer.scenarios import (
    breaks_scenario,
    find_area,
    resolve_area,
    sroi_scenario,
)
from carerlib.explorer.widgets import CHARTS, NEEDS_OFFICIAL, Explorer
from carerlib.measures.outlook import start_and_horizon
from carerlib.params import load_params

SOUTHEND, THURROCK = "E06000033", "E06000034"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"


def sroi_present_value_at(deadweight: float) -> float:
    """Present value of the default SROI outcomes with one deadweight, worked by hand.

    Year-1 impact x (1 - deadweight):
      health breakdown avoided  40 x £6,388 x (1 - 0.20)             = £204,416  drop-off 50%
      wellbeing improved        80 x £1,500 x (1 - 0.30)             =  £84,000  drop-off 50%
      stays in paid work         5 x £10,000 x (1 - 0.10) x (1 - 0.30) = £31,500  drop-off 30%
    Three years at 3.5%, year 1 discounted by a full year.
    """
    def years(drop_off: float) -> float:
        return 1 / 1.035 + (1 - drop_off) / 1.035**2 + (1 - drop_off) ** 2 / 1.035**3

    return (1 - deadweight) * ((204_416 + 84_000) * years(0.5) + 31_500 * years(0.3))


@pytest.fixture
def explorer(official) -> Explorer:
    return Explorer(official, SOUTHEND)


@pytest.fixture
def offline() -> Explorer:
    return Explorer(None)


# ---------------------------------------------------------------- area

def test_opens_on_southend_with_its_census_figures(explorer):
    h = explorer.headlines
    assert explorer.errors == []
    assert h["area_name"] == "Southend-on-Sea"
    assert h["carers_2021"] == 15_019  # 7,405 + 3,046 + 4,568 (TS039 broad bands)
    assert h["prevalence_2021"] == pytest.approx(15_019 / 170_444)
    # (7,405 x 5 + 3,046 x 25 + 4,568 x 50) hours a week x £18 x 52 weeks
    assert h["value_of_care_per_year"] == pytest.approx(341_575 * 18 * 52)
    assert "15,019" in explorer.summary.value
    assert "£319.7m" in explorer.summary.value


def test_choosing_thurrock_in_the_search_box_shows_thurrocks_figures(explorer):
    explorer.area.value = f"Thurrock ({THURROCK})"
    h = explorer.headlines
    assert explorer.area_code == THURROCK
    assert h["area_name"] == "Thurrock"
    assert h["carers_2021"] == 12_671
    assert "12,671" in explorer.summary.value and "15,019" not in explorer.summary.value
    assert "Thurrock" in explorer.figures["older_population"].layout.title.text
    assert set(explorer.tables["care_gap"]["year"]) >= {2022, 2041}


def test_typing_a_code_or_a_name_finds_the_area(explorer):
    explorer.area.value = THURROCK.lower()
    assert explorer.headlines["carers_2021"] == 12_671
    explorer.area.value = "southend-on-sea"
    assert explorer.headlines["carers_2021"] == 15_019
    assert explorer.area.value == f"Southend-on-Sea ({SOUTHEND})"


def test_text_that_is_no_area_keeps_the_current_area_and_says_so(explorer):
    explorer.area.value = "Narnia"
    assert explorer.area_code == SOUTHEND
    assert explorer.headlines["carers_2021"] == 15_019
    message = explorer.area_message.value
    assert "No area called &#x27;Narnia&#x27;" in message
    assert "Still showing Southend-on-Sea" in message
    explorer.area.value = "Lambeth"  # a good name clears the message
    assert explorer.area_message.value == ""


def test_typing_lambeth_by_name_or_code_selects_it(explorer):
    """Issue 13 item 6: typed names and codes work (the box no longer insists on a label)."""
    assert not explorer.area.ensure_option and not explorer.area.continuous_update
    explorer.area.value = "Lambeth"
    assert explorer.area_code == "E09000022"
    assert explorer.area.value == "Lambeth (E09000022)"
    assert explorer.headlines["area_name"] == "Lambeth"
    assert explorer.headlines["carers_2021"] == 18_839  # 9,947 + 4,424 + 4,468 (TS039 broad bands)
    explorer.area.value = SOUTHEND
    explorer.area.value = "E09000022"
    assert explorer.area_code == "E09000022"


def test_find_area_takes_part_of_one_name_and_lists_several():
    options = {"Essex (E10000012)": "E10000012", "Basildon (E07000066)": "E07000066",
               "North Essex (X9)": "X9", "Lambeth (E09000022)": "E09000022"}
    assert find_area("lambe", options).code == "E09000022"  # part of exactly one label
    assert find_area("Essex", options).code == "E10000012"  # a whole name wins over parts
    several = find_area("ss", options)
    assert several.code is None
    assert several.message.startswith("'ss' matches 2 areas (Essex (E10000012); North Essex (X9))")
    unknown = find_area("Narnia", options)
    assert unknown.code is None and unknown.message.startswith("No area called 'Narnia'")
    assert find_area("  ", options).message.startswith("Type an area name or code")


def test_resolve_area_accepts_labels_codes_and_unique_names_only():
    options = {"Essex (E10000012)": "E10000012", "Basildon (E07000066)": "E07000066",
               "Twin (X1)": "X1", "Twin (X2)": "X2"}
    assert resolve_area("Essex (E10000012)", options) == "E10000012"
    assert resolve_area(" e07000066 ", options) == "E07000066"
    assert resolve_area("BASILDON", options) == "E07000066"
    assert resolve_area("Twin", options) is None  # two areas share the name
    assert resolve_area("Bas", options) is None


def test_areas_listed_as_name_and_code_for_every_level(explorer):
    labels = list(explorer.area.options)
    assert "Southend-on-Sea (E06000033)" in labels
    assert "Essex (E10000012)" in labels  # a county
    assert "East of England (E12000006)" in labels  # a region
    assert "England and Wales (K04000001)" in labels


def test_unknown_area_code_is_refused(official):
    with pytest.raises(CarerlibError, match="E99999999: not an area the explorer can show"):
        Explorer(official, "E99999999")


def test_value_of_care_follows_the_cost_per_hour(explorer):
    explorer.cost_per_hour.value = 36.0
    assert explorer.headlines["value_of_care_per_year"] == pytest.approx(341_575 * 36 * 52)
    assert "£36.00 an hour" in explorer.summary.value


# ---------------------------------------------------------------- breaks

def test_breaks_start_at_the_southend_strategys_sum(explorer):
    h = explorer.headlines
    assert h["net_saving"] == pytest.approx(155_520)  # 40 x £6,388 - 40 x £2,500
    assert h["return_per_pound"] == pytest.approx(255_520 / 100_000)
    assert h["break_even_share"] == pytest.approx(2_500 / 6_388)


def test_raising_the_share_at_risk_raises_the_net_saving(explorer):
    before = explorer.figures["breaks"]
    explorer.share_at_risk.value = 0.5
    h = explorer.headlines
    assert h["net_saving"] == pytest.approx(50 * (6_388 - 2_500))  # £194,400
    assert h["carers_given_breaks"] == pytest.approx(50)
    assert "£194,400" in explorer.summary.value
    assert explorer.figures["breaks"] is not before
    assert "£194,400" in explorer.figures["breaks"].layout.title.text


def test_raising_the_break_cost_lowers_the_net_saving(explorer):
    explorer.break_cost.value = 3_000
    assert explorer.headlines["net_saving"] == pytest.approx(40 * (6_388 - 3_000))  # £135,520
    assert explorer.headlines["break_even_share"] == pytest.approx(3_000 / 6_388)


def test_unit_costs_and_share_prevented_move_the_saving(explorer):
    explorer.rehab_cost.value = 5_000  # damage avoided £5,000 + 2 x £1,067 = £7,134
    assert explorer.headlines["net_saving"] == pytest.approx(40 * (7_134 - 2_500))
    explorer.rehab_cost.value = 4_254
    explorer.residential_cost.value = 1_200  # £4,254 + 2 x £1,200 = £6,654
    assert explorer.headlines["net_saving"] == pytest.approx(40 * (6_654 - 2_500))
    explorer.residential_cost.value = 1_067
    explorer.share_prevented.value = 0.5  # half the breakdowns prevented
    assert explorer.headlines["net_saving"] == pytest.approx(40 * 0.5 * 6_388 - 100_000)


def test_breaks_scenario_validates_like_params():
    params = load_params(SOUTHEND).breaks
    assert breaks_scenario(params).net_saving == pytest.approx(155_520)
    with pytest.raises(ValidationError):
        breaks_scenario(params, share_at_risk=1.4)


# ---------------------------------------------------------------- SROI

def test_deadweight_for_every_outcome_lowers_the_sroi_ratio(explorer):
    params = load_params(SOUTHEND).breaks.sroi
    assert explorer.headlines["sroi_deadweight"] is None
    assert explorer.headlines["sroi_ratio"] == pytest.approx(sroi_scenario(params).ratio)
    explorer.deadweight.value = 0.0
    assert explorer.one_deadweight.value  # moving the slider applies it
    assert explorer.headlines["sroi_ratio"] == pytest.approx(sroi_present_value_at(0) / 100_000)
    assert explorer.headlines["sroi_ratio"] == pytest.approx(5.4326, abs=1e-4)
    explorer.deadweight.value = 0.5
    assert explorer.headlines["sroi_ratio"] == pytest.approx(sroi_present_value_at(0.5) / 1e5)
    explorer.deadweight.value = 1.0
    assert explorer.headlines["sroi_ratio"] == 0
    assert explorer.tables["sroi"]["present_value"].eq(0).all()
    explorer.one_deadweight.value = False  # back to each outcome's own deadweight
    assert explorer.headlines["sroi_ratio"] == pytest.approx(sroi_scenario(params).ratio)


# ---------------------------------------------------------------- projections

def test_care_gap_ratio_follows_the_chosen_ages(explorer):
    h = explorer.headlines
    assert (h["care_gap_start_year"], h["care_gap_end_year"]) == (2022, 2041)
    assert h["care_gap_start"] == pytest.approx(10.50, abs=0.005)  # 50-74 per 85+, 2022-based
    explorer.carer_ages.value = (55, 64)
    assert explorer.headlines["care_gap_start"] == pytest.approx(4.595, abs=0.001)
    assert "55–64" in explorer.summary.value
    explorer.carer_ages.value = (50, 74)
    explorer.oldest_from.value = 90
    assert explorer.headlines["care_gap_start"] == pytest.approx(27.09, abs=0.01)
    first = explorer.tables["care_gap"].set_index("year")["value"]
    assert first.loc[2022] == pytest.approx(27.09, abs=0.01)


def test_switching_projection_vintage_changes_the_series(explorer):
    assert explorer.headlines["older_end_year"] == 2041
    assert explorer.headlines["older_people_end"] == pytest.approx(44_260, abs=1)
    before = explorer.tables["older_population"]
    explorer.vintage.value = "2016-based"
    h = explorer.headlines
    assert h["vintage"] == "2016-based"
    assert h["older_people_end"] == pytest.approx(54_754, abs=1)
    after = explorer.tables["older_population"]
    assert after["year"].min() == 2016 and before["year"].min() == 2022
    # The 2016-based projections start at age 60: no 50-74 care gap, and the note says why.
    assert h["care_gap_start"] is None
    assert any("starts at age 60" in note for note in h["notes"])
    assert "starts at age 60" in explorer.summary.value
    explorer.carer_ages.value = (60, 74)
    assert explorer.headlines["care_gap_start"] is not None
    assert not any("Care-gap" in note for note in explorer.headlines["notes"])


def test_area_outside_a_projection_says_so(explorer):
    explorer.select_area("E06000001")  # Hartlepool: not in the 2022-based extract
    h = explorer.headlines
    assert h["carers_2021"] > 0 and h["care_gap_start"] is None
    assert any("do not cover Hartlepool" in note for note in h["notes"])
    explorer.vintage.value = "2016-based"
    assert explorer.headlines["older_people_end"] > 0


def test_start_and_horizon_picks_the_latest_horizon_year_in_the_series():
    import pandas as pd

    series = pd.DataFrame({"year": [2022, 2031, 2035], "value": [3.0, 2.5, 2.0], "note": ""})
    got = start_and_horizon(series, [2031, 2041])
    assert (got["start_year"], got["start"], got["end_year"], got["end"]) == (2022, 3.0, 2031, 2.5)
    assert start_and_horizon(series.iloc[:0], [2031])["note"]


# ---------------------------------------------------------------- reset, offline, output

def test_reset_puts_every_control_back_to_params(explorer):
    explorer.share_at_risk.value = 0.9
    explorer.deadweight.value = 0.8
    explorer.carer_ages.value = (55, 64)
    explorer.reset.click()
    h = explorer.headlines
    assert h["net_saving"] == pytest.approx(155_520)
    assert h["sroi_deadweight"] is None
    assert h["care_gap_start"] == pytest.approx(10.50, abs=0.005)


def test_without_official_data_breaks_still_work_and_area_figures_say_why(offline):
    h = offline.headlines
    assert offline.errors == []
    assert h["mode"] == "sample" and "carers_2021" not in h
    assert h["sample_carers"] == 17_682 and h["sample_year"] == 2011
    assert NEEDS_OFFICIAL in h["notes"]
    assert "official Census tables" in offline.summary.value
    assert offline.vintage.disabled and offline.carer_ages.disabled
    assert h["net_saving"] == pytest.approx(155_520)
    offline.share_at_risk.value = 0.5
    assert offline.headlines["net_saving"] == pytest.approx(194_400)


def test_headline_text_from_data_is_escaped():
    page = headlines_html({"area_name": "<script>alert(1)</script>", "mode": "official",
                           "support_ratio_label": "<img src=x>", "notes": ["a & <b>"]})
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<img" not in page and "&lt;img src=x&gt;" in page
    assert "a &amp; &lt;b&gt;" in page


def test_every_chart_is_drawn_and_serialises_for_jupyterlab(explorer):
    assert set(explorer.figures) == set(CHARTS) == set(explorer.tables)
    for figure in explorer.figures.values():
        bundle = plotly_bundle(figure)
        assert json.dumps(bundle)
        assert bundle["application/vnd.plotly.v1+json"]["data"]


def test_notebook_only_calls_carerlib_and_is_stripped():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    source = "".join("".join(c["source"]) for c in code)
    assert "from carerlib.explorer.widgets import Explorer" in source
    assert "import pandas" not in source and "def " not in source


def test_slider_values_sit_on_their_grid_and_echoes_are_ignored(explorer):
    """A browser snaps sliders to their step and echoes the value back: params values must
    survive that, so the workbook opens on the published figures."""
    for slider in explorer.breaks_controls:
        steps = (slider.value - slider.min) / slider.step
        assert steps == pytest.approx(round(steps), abs=1e-9), slider.description
    ratio = explorer.headlines["sroi_ratio"]
    explorer.deadweight.value = explorer.deadweight.value + 1e-12  # a browser echo
    assert explorer.one_deadweight.value is False
    assert explorer.headlines["sroi_ratio"] == ratio


# ---------------------------------------------------------------- the explorer agrees with the pack

def test_explorer_headlines_equal_the_built_packs(golden_packs, explorer):
    """One implementation for both (issue 10): the explorer's headline figures for Southend are
    the figures its evidence pack prints (headlines.json and the tables behind the charts)."""
    import pandas as pd

    folder = golden_packs / SOUTHEND
    pack = json.loads((folder / "headlines.json").read_text(encoding="utf-8"))["figures"]
    h = explorer.headlines
    assert h["carers_2021"] == pack["carers_2021"] == 15_019
    assert h["prevalence_2021"] == pytest.approx(pack["prevalence_2021"], rel=1e-12)
    value = pd.read_csv(folder / "tables" / "economic_value.csv").set_index("year")
    assert h["value_of_care_per_year"] == pytest.approx(value.loc[2021, "value_per_year"])
    assert (h["support_ratio_start"], h["support_ratio_end"]) == pytest.approx(
        (pack["potential_support_ratio_start"], pack["potential_support_ratio_end"]), rel=1e-12)
    years = f"{h['support_ratio_start_year']}–{h['support_ratio_end_year']}"
    assert years == pack["potential_support_ratio_years"] == "2022–2041"
    older = pd.read_csv(folder / "tables" / "older_population.csv")
    at_horizon = older[(older["vintage"] == h["vintage"]) & (older["group"] == "65+")
                       & (older["year"] == h["older_end_year"])]["population"]
    assert h["older_people_end"] == pytest.approx(float(at_horizon.iloc[0]), rel=1e-12)


# ---------------------------------------------------------------- layout (issue 13 item 7)

def _all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all_widgets(child)


def test_figures_and_chart_sit_in_a_column_beside_the_controls(explorer):
    row = explorer.widget
    assert row.layout.flex_flow == "row wrap"  # side by side; wraps under only when narrow
    controls, figures = row.children
    inside = set(map(id, _all_widgets(controls)))
    assert id(explorer.area) in inside and id(explorer.deadweight) in inside
    assert figures.children == (explorer.summary, explorer.chart_choice, explorer.chart_view)


def test_no_widget_leaves_its_tooltip_unset(explorer):
    """JupyterLab writes an unset tooltip as title="null" on the widget's label."""
    described = [w for w in _all_widgets(explorer.widget) if hasattr(w, "description")]
    assert len(described) > 20  # every control, heading and figures table
    assert [w for w in described if w.tooltip is None] == []


def test_moving_a_control_brings_its_chart_under_the_figures(explorer):
    assert explorer.chart_choice.value == "care_gap"
    explorer.share_at_risk.value = 0.5
    assert explorer.chart_choice.value == "breaks"
    explorer.deadweight.value = 0.4
    assert explorer.chart_choice.value == "sroi"
    explorer.oldest_from.value = 90
    assert explorer.chart_choice.value == "care_gap"
    explorer.share_at_risk.value = 0.5 + 1e-12  # a browser echo switches nothing
    assert explorer.chart_choice.value == "care_gap"


def test_chart_titles_wrap_to_the_figures_column(explorer):
    for name, figure in explorer.figures.items():
        lines = figure.layout.title.text.split("<br>")
        assert all(len(line) <= 48 for line in lines), name
    title = explorer.figures["care_gap"].layout.title.text.replace("<br>", " ")
    assert title == ("10.5 people aged 50–74 for every person aged 85+ in Southend-on-Sea in "
                     "2022; 7.2 by 2041")
