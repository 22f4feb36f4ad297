"""What the explorer shows, built from scenarios: the headline table and one builder per chart.

Each builder takes figures from `carerlib.explorer.scenarios` and returns what it makes (an HTML
string or a plotly figure with the table behind it); none touches a widget, so tests read the
titles and numbers directly and the widgets only place them.
"""

from __future__ import annotations

import html
import json
import math
import textwrap
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from carerlib.explorer.scenarios import ProjectionScenario
from carerlib.measures import breaks, dependency, sroi
from carerlib.pack import charts, narrative

__all__ = [
    "CHART_TITLES",
    "CHARTS",
    "Drawn",
    "breaks_chart",
    "care_gap_chart",
    "headline_rows",
    "headlines_html",
    "message_figure",
    "older_population_chart",
    "plotly_bundle",
    "sroi_chart",
]

#: Chart names, in the order the chart picker lists them.
CHARTS = ("care_gap", "older_population", "breaks", "sroi")
#: The chart picker's label for each chart.
CHART_TITLES = {"care_gap": "Care gap", "older_population": "Older people",
                "breaks": "Breaks", "sroi": "SROI"}
#: Height of an explorer chart (px): shorter than a pack's so it fits beside the controls.
CHART_HEIGHT = 380
#: Characters in a line of a chart title: fits the figures column (≥380 px) at 16 px.
TITLE_CHARACTERS = 48

#: A chart and the table of numbers behind it.
Drawn = tuple[go.Figure, pd.DataFrame]


# --------------------------------------------------------------------------------------------
# Headline figures
# --------------------------------------------------------------------------------------------


def _shown(value: Any, fmt: Callable[[Any], str]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    return fmt(value)


def _ratio_text(start_year: Any, start: Any, end_year: Any, end: Any) -> str:
    if start_year is None:
        return "not available"
    first = f"{_shown(start, lambda v: f'{v:.2f}')} in {start_year}"
    return f"{first} → {_shown(end, lambda v: f'{v:.2f}')} in {end_year}"


def _area_rows(h: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    area = "Area: " + str(h.get("area_name", ""))
    if h.get("mode") == "sample":
        return [(area, f"Carers, Census {h.get('sample_year')} (as printed in the strategy)",
                 _shown(h.get("sample_carers"), narrative.number))]
    prevalence = _shown(h.get("prevalence_2021"), narrative.percent)
    if h.get("prevalence_lower") is not None:
        prevalence += (f" ({narrative.percent(h['prevalence_lower'])}–"
                       f"{narrative.percent(h['prevalence_upper'])})")
    return [
        (area, "Carers aged 5+, Census 2021", _shown(h.get("carers_2021"), narrative.number)),
        (area, "Residents aged 5+ caring (95% interval)", prevalence),
        (area, f"Value of unpaid care a year at £{h.get('cost_per_hour', 0):,.2f} an hour",
         _shown(h.get("value_of_care_per_year"), narrative.money)),
    ]


def _future_rows(h: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    if h.get("mode") == "sample":
        return []
    future = f"Future demand: {h.get('vintage') or 'no'} projection"
    return [
        (future, h.get("support_ratio_label", "Potential support ratio"),
         _ratio_text(h.get("support_ratio_start_year"), h.get("support_ratio_start"),
                     h.get("support_ratio_end_year"), h.get("support_ratio_end"))),
        (future, h.get("care_gap_label", "Care-gap ratio"),
         _ratio_text(h.get("care_gap_start_year"), h.get("care_gap_start"),
                     h.get("care_gap_end_year"), h.get("care_gap_end"))),
        (future, f"People aged {h.get('older_age', 65)}+ in {h.get('older_end_year')}",
         _shown(h.get("older_people_end"), narrative.number)),
    ]


def _breaks_rows(h: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    group = "Breaks: health-breakdown proxy (modelled scenario)"
    at_risk = _shown(h.get("share_at_risk"), lambda v: narrative.percent(v, 0))
    return [
        (group, f"Carers given a break ({at_risk} of the cohort at risk)",
         _shown(h.get("carers_given_breaks"), narrative.number)),
        (group, "Cost of breaks", _shown(h.get("cost"), narrative.money)),
        (group, "Health and care costs avoided", _shown(h.get("gross_saving"), narrative.money)),
        (group, "Net saving", _shown(h.get("net_saving"), narrative.money)),
        (group, "Return per £1 spent", _shown(h.get("return_per_pound"), lambda v: f"£{v:.2f}")),
        (group, "Break-even: share of carers given a break whose breakdown must be prevented",
         _shown(h.get("break_even_share"), narrative.percent)),
    ]


def _sroi_rows(h: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    group = "Social return on investment (modelled)"
    deadweight = h.get("sroi_deadweight")
    return [
        (group, "Deadweight", "as set for each outcome in params" if deadweight is None
         else f"{narrative.percent(deadweight, 0)} for every outcome"),
        (group, "Present value of outcomes", _shown(h.get("sroi_present_value"), narrative.money)),
        (group, "SROI ratio (£ of value per £1 invested)",
         _shown(h.get("sroi_ratio"), lambda v: f"£{v:.2f}")),
    ]


def headline_rows(h: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(group, figure, value as text) for every headline, in reading order."""
    return [*_area_rows(h), *_future_rows(h), *_breaks_rows(h), *_sroi_rows(h)]


_CAPTION = "text-align:left;font-weight:bold;padding:6px 0 2px;font-size:14px"
_LABEL = "text-align:left;font-weight:normal;padding:1px 12px 1px 0;line-height:1.3"
_VALUE = "text-align:right;padding:1px 0;white-space:nowrap"


def headlines_html(h: Mapping[str, Any]) -> str:
    """The headline figures as compact, accessible HTML tables; every piece of text is escaped."""
    parts = ['<div class="carerlib-explorer-headlines" style="font-size:13px;line-height:1.35">']
    group = None
    for section, figure, value in headline_rows(h):
        if section != group:
            if group is not None:
                parts.append("</tbody></table>")
            parts.append(f'<table class="carerlib-table" style="width:100%;border-collapse:'
                         f'collapse"><caption style="{_CAPTION}">{html.escape(section)}'
                         "</caption><tbody>")
            group = section
        parts.append(f'<tr><th scope="row" style="{_LABEL}">{html.escape(figure)}</th>'
                     f'<td style="{_VALUE}"><strong>{html.escape(value)}</strong></td></tr>')
    parts.append("</tbody></table>")
    for note in h.get("notes", []):
        parts.append(f'<p class="carerlib-note" style="margin:4px 0"><em>'
                     f"{html.escape(str(note))}</em></p>")
    parts.append("</div>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def _fit(fig: go.Figure) -> go.Figure:
    """The explorer's chart size: shorter than the pack's, with its title wrapped to the narrow
    column beside the controls (plotly never wraps a title; a long one was cut at the edge)."""
    lines = textwrap.wrap(fig.layout.title.text or "", TITLE_CHARACTERS) or [""]
    legend = 30 if fig.layout.showlegend else 0
    return fig.update_layout(height=CHART_HEIGHT + 22 * (len(lines) - 1),
                             title_text="<br>".join(lines),
                             margin={"t": 60 + 22 * len(lines) + legend, "b": 90})


def message_figure(title: str, source: str) -> go.Figure:
    """An empty chart whose title says why there is nothing to plot."""
    fig = go.Figure()
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _fit(charts.house_style(fig, title, source))


def plotly_bundle(figure: go.Figure) -> dict[str, Any]:
    """The MIME bundle JupyterLab renders as an interactive plotly chart."""
    return {"application/vnd.plotly.v1+json": json.loads(pio.to_json(figure)),
            "text/plain": figure.layout.title.text or "chart"}


def _figure(value: Any, places: int = 1) -> str:
    return _shown(value, lambda v: f"{v:.{places}f}")


def care_gap_chart(scenario: ProjectionScenario, name: str, carer_ages: tuple[int, int],
                   oldest_from: int, source: str) -> Drawn:
    """Care-gap ratio by year, titled with its start and horizon figures (or why it is missing)."""
    gap, g = scenario.care_gap, scenario.care_gap_figures
    shown = gap[gap["value"].notna()]
    if shown.empty:
        why = g["note"] or "not available"
        return message_figure(f"Care-gap ratio for {name}: {why}", source), gap
    ages = dependency.age_group_label(*carer_ages)
    title = (f"{g['start']:.1f} people aged {ages} for every person aged {oldest_from}+ in "
             f"{name} in {g['start_year']}; {_figure(g['end'])} by {g['end_year']}")
    figure = charts.line(shown, "year", "value", title=title,
                         source=f"{scenario.vintage} projection; {source}", x_title="Year",
                         y_title="Potential carers per very old person")
    return _fit(figure), gap[["year", "label", "value", "note"]]


def older_population_chart(scenario: ProjectionScenario, name: str, source: str) -> Drawn:
    """People aged 65+ (and the care-gap's oldest ages) by year in the chosen projection."""
    older, o = scenario.older, scenario.older_figures
    shown = older[older["population"].notna()]
    if shown.empty:
        return message_figure(f"No {scenario.vintage} projection of older people for {name}",
                              source), older
    title = (f"People aged {scenario.older_age}+ in {name}: "
             f"{_shown(o['start'], narrative.number)} in {o['start_year']}, "
             f"{_shown(o['end'], narrative.number)} by {o['end_year']} ({scenario.vintage})")
    figure = charts.line(shown, "year", "population", color="group", title=title,
                         source=f"{scenario.vintage} projection; {source}", x_title="Year",
                         y_title="People")
    return _fit(figure), older[["group", "year", "population", "note"]]


def breaks_chart(result: breaks.HealthBreakdownResult, source: str) -> Drawn:
    """Net saving against the share of carers at risk, with the scenario and its break-even."""
    curve = breaks.break_even_curve(result.inputs)
    title = (f"Modelled net saving of {narrative.money(result.net_saving)} a year with "
             f"{result.inputs.share_at_risk:.0%} of carers at risk")
    labels = {"x_title": "Share of the cohort at risk of breakdown",
              "y_title": "Net saving (£ a year)"}
    even = breaks.cohort_break_even_share(result)
    if even is not None:
        figure = charts.break_even(curve, "share_at_risk", "net_saving", color="scenario",
                                   title=title, source=source,
                                   assumed=result.inputs.share_at_risk, break_even_at=even,
                                   **labels)
        return _fit(figure), curve
    figure = charts.line(curve, "share_at_risk", "net_saving", color="scenario", title=title,
                         source=source, markers=False, **labels)
    figure.add_hline(y=0, line_color="#555")
    figure.add_vline(x=result.inputs.share_at_risk, line_dash="dash",
                     line_color=charts.PALETTE[2])
    figure.update_xaxes(tickformat=".0%")
    return _fit(figure), curve


def sroi_chart(result: sroi.SroiResult) -> Drawn:
    """Present value of each SROI outcome, titled with the ratio."""
    by_outcome = result.yearly.groupby("outcome", as_index=False, sort=False)[
        "present_value"].sum()
    title = (f"£{result.ratio:.2f} of social value for every £1 invested "
             f"(modelled, {result.horizon_years} years)")
    figure = charts.bar(
        by_outcome, "outcome", "present_value", title=title, text_format=",.0f",
        source="Cabinet Office SROI guide (2012) method; outcomes in params (ILLUSTRATIVE)",
        y_title="Present value (£)")
    return _fit(figure), by_outcome
