"""The analyst's workbook: choose an area, move the assumptions, watch the figures change.

`Explorer` places ipywidgets controls (area search, projection vintage, care-gap ages, value of
care, breaks and SROI sliders) in a left column and the headline figures with one chart in a right
column, so whatever moves, its figures are on screen beside it (1280×800 included). Figures come
from `carerlib.explorer.scenarios` and the tables and charts from `carerlib.explorer.panels`; this
module only builds controls, lays them out and redraws, so tests drive it without a browser.

With no official data (no cache, no mirror) the explorer still runs the breaks and SROI models and
says that the area figures need official data, showing the embedded sample's printed figures.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from pydantic import ValidationError

from carerlib.data.datastore import DataStore
from carerlib.data.official import OfficialData
from carerlib.errors import CarerlibError
from carerlib.explorer import panels, scenarios
from carerlib.explorer.panels import CHARTS
from carerlib.measures import dependency
from carerlib.measures.breaks import HealthBreakdownInputs
from carerlib.params import Params, load_params

__all__ = ["CHARTS", "NEEDS_OFFICIAL", "Explorer"]

NEEDS_OFFICIAL = (
    "Area figures (carers in 2021, prevalence, value of care, support and care-gap ratios, "
    "projections) need the official Census tables: run 'carerlib data fetch' (or set "
    "CARERLIB_DATA_MIRROR) and reopen the workbook. Until then the printed sample figures and the "
    "breaks models are shown."
)

#: Width of the controls column; the figures column takes the rest (and wraps under when narrow).
CONTROLS_WIDTH = "340px"
#: Controls fill their column (less their margins, which a 100% width would overflow).
_FULL = {"width": "auto"}
#: Labels sit above their control, so none is cut however long: the control needs no description.
_NO_DESCRIPTION = {"description_width": "0px"}


# --------------------------------------------------------------------------------------------
# Control builders: each returns the widget it makes
# --------------------------------------------------------------------------------------------


def text(value: str = "") -> widgets.HTML:
    """An HTML widget with an empty tooltip (left unset, JupyterLab titles it "null")."""
    return widgets.HTML(value, tooltip="")


def labelled(label: str, control: widgets.Widget) -> widgets.VBox:
    """A control with its label above it, never cut; the label is also its tooltip."""
    control.tooltip = label
    heading = text(f'<span style="font-size:13px;line-height:1.2">{html.escape(label)}</span>')
    heading.layout.margin = "4px 0 0 2px"
    return widgets.VBox([heading, control], layout=_FULL)


def area_box(options: list[str], value: str) -> widgets.Combobox:
    """The Area search box: pick from the list, or type a name or code and press Enter.

    `ensure_option` stays off, or the browser would drop anything typed that is not a listed
    label before Python could match it; `continuous_update` is off so matching runs on Enter
    (or leaving the box), not on every keystroke ("Hart" on the way to "Hartlepool").
    """
    return widgets.Combobox(
        options=options, value=value, ensure_option=False, continuous_update=False,
        placeholder="Type an area name or code, then Enter", layout=_FULL, style=_NO_DESCRIPTION)


def share_slider(value: float) -> widgets.FloatSlider:
    """A 0–100% slider in steps of 1%."""
    return widgets.FloatSlider(value=value, min=0.0, max=1.0, step=0.01, readout_format=".0%",
                               layout=_FULL, style=_NO_DESCRIPTION)


def money_slider(value: float, top: float) -> widgets.FloatSlider:
    """A £ slider in steps of £1, so a params value stays on the grid a browser snaps to."""
    return widgets.FloatSlider(value=value, min=0.0, max=max(top, 2 * value), step=1,
                               readout_format=",.0f", layout=_FULL, style=_NO_DESCRIPTION)


def group(title: str, *children: widgets.Widget) -> widgets.VBox:
    """A titled group of controls."""
    heading = text(f'<strong style="font-size:14px">{html.escape(title)}</strong>')
    heading.layout.margin = "8px 0 0 0"
    return widgets.VBox([heading, *children], layout=_FULL)


def chart_picker() -> widgets.ToggleButtons:
    """Which chart sits under the figures; moving a control switches to its chart."""
    names = list(CHARTS)
    return widgets.ToggleButtons(
        options=[(panels.CHART_TITLES[n], n) for n in names], value=names[0],
        tooltips=[f"Show the {panels.CHART_TITLES[n].lower()} chart" for n in names],
        style={"button_width": "auto"}, tooltip="Chart shown under the figures")


def _echo(change: dict) -> bool:
    """Whether a slider change is the browser echoing a value back (snapped to its step, off by
    rounding), not the analyst moving it: an echo must not redraw or switch charts."""
    return abs((change.get("new") or 0) - (change.get("old") or 0)) < 1e-6


def _reported(method: Callable[..., None]) -> Callable[..., None]:
    """Show a carerlib or validation error in the status line instead of losing it in a callback."""

    @wraps(method)
    def run(self: Explorer, *args: Any, **kwargs: Any) -> None:
        try:
            method(self, *args, **kwargs)
        except (CarerlibError, ValidationError) as exc:
            message = str(exc).splitlines()[0]
            self.errors.append(message)
            self.status.value = f'<p class="carerlib-missing">{html.escape(message)}</p>'

    return run


class Explorer:
    """Widgets to explore one area's figures and the breaks assumptions; everything redraws in
    place when a control moves.

    Tests and scripts read `headlines` (figures as numbers), `figures` (plotly charts) and
    `tables` (the data behind each chart); the notebook shows `widget`.
    """

    def __init__(
        self,
        data: OfficialData | None,
        area_code: str | None = None,
        params_file: str | None = None,
    ) -> None:
        self.data = data
        self.mode = "sample" if data is None else "official"
        self.params_file = params_file
        self.area_codes = scenarios.area_options(data)
        if not self.area_codes:
            raise CarerlibError("no areas to explore: no official data and no embedded sample")
        self.area_code = self._first_area(area_code)
        self.params: Params = load_params(self.area_code, params_file)
        self.headlines: dict[str, Any] = {}
        self.figures: dict[str, go.Figure] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.errors: list[str] = []
        self._notes: dict[str, str] = {}
        self._hold = False
        self._deferred = False
        self._build_controls()
        self.widget = self._layout()
        self._wire()
        self.refresh()

    @classmethod
    def default(cls, area_code: str | None = None) -> Explorer:
        """An explorer on the fetched cache or the mirror, else on the embedded sample."""
        store = DataStore.default()
        data = OfficialData(store) if store is not None and store.has("ts039_ltla") else None
        return cls(data, area_code)

    def _first_area(self, area_code: str | None) -> str:
        """The area asked for, else the first of params' default areas the data has."""
        codes = list(self.area_codes.values())
        if area_code is None:
            defaults = load_params(None, self.params_file).pack.default_areas
            area_code = next((c for c in defaults if c in codes), codes[0])
        if area_code not in codes:
            raise CarerlibError(f"{area_code}: not an area the explorer can show")
        return area_code

    def _label(self, code: str) -> str:
        return next(k for k, v in self.area_codes.items() if v == code)

    # ---------------------------------------------------------------- controls and layout

    def _build_controls(self) -> None:
        self._build_area_controls()
        self._build_breaks_controls(self.params.breaks.health_breakdown_inputs())
        self._build_sroi_controls()
        self.reset = widgets.Button(description="Reset to params", icon="undo",
                                    tooltip="Put every slider back to the area's params values")
        self.status = text()
        self.summary = text()
        self.chart_choice = chart_picker()
        self.chart_view = widgets.Output(layout={"width": "100%", "min_height": "380px"})

    def _build_area_controls(self) -> None:
        p, official = self.params, self.data is not None
        self.area = area_box(list(self.area_codes), self._label(self.area_code))
        self.area_message = text()
        vintages = scenarios.projection_vintages(self.data, p)
        self.vintage = widgets.Dropdown(
            options=vintages, value=vintages[0] if vintages else None, disabled=not vintages,
            layout=_FULL, style=_NO_DESCRIPTION)
        dep = p.dependency
        self.carer_ages = widgets.IntRangeSlider(
            value=tuple(dep.care_gap_carer_ages), min=15, max=90, layout=_FULL,
            style=_NO_DESCRIPTION, disabled=not official)
        self.oldest_from = widgets.IntSlider(
            value=dep.care_gap_cared_for_age, min=60, max=90, layout=_FULL,
            style=_NO_DESCRIPTION, disabled=not official)
        cost = p.value_of_care.cost_per_hour
        # Steps of 1p keep the params value on the slider's grid (a browser snaps to its step).
        self.cost_per_hour = widgets.FloatSlider(
            value=cost.value, min=1.0, max=max(50.0, 2 * cost.value), step=0.01,
            readout_format=",.2f", layout=_FULL, style=_NO_DESCRIPTION, disabled=not official)

    def _build_breaks_controls(self, inputs: HealthBreakdownInputs) -> None:
        self.share_at_risk = share_slider(inputs.share_at_risk)
        self.share_prevented = share_slider(inputs.share_prevented)
        self.break_cost = money_slider(inputs.break_cost_per_carer, 10_000)
        self.rehab_cost = money_slider(inputs.rehab_episode_cost, 10_000)
        self.residential_cost = money_slider(inputs.residential_cost_per_week, 3_000)

    def _build_sroi_controls(self) -> None:
        outcomes = self.params.breaks.sroi.outcomes
        self.one_deadweight = widgets.Checkbox(
            description="Use one deadweight for every SROI outcome", value=False, indent=False,
            layout=_FULL, tooltip="Apply the slider's deadweight to every outcome")
        self.deadweight = share_slider(round(sum(o.deadweight for o in outcomes)
                                             / len(outcomes), 2))

    def _controls_column(self) -> widgets.VBox:
        cost_year = self.params.value_of_care.cost_per_hour.price_year
        return widgets.VBox([
            group("Area and future demand",
                  labelled("Area (type a name or code, then Enter)", self.area),
                  self.area_message,
                  labelled("Population projection", self.vintage),
                  labelled("Care gap: potential carers aged", self.carer_ages),
                  labelled("… per person aged (and over)", self.oldest_from),
                  labelled(f"Care cost an hour (£, {cost_year} prices)", self.cost_per_hour)),
            group("Breaks: health-breakdown proxy",
                  labelled("Share of carers at risk of breakdown", self.share_at_risk),
                  labelled("Share of breakdowns prevented", self.share_prevented),
                  labelled("Break cost per carer a year (£)", self.break_cost),
                  labelled("Rehabilitation episode (£)", self.rehab_cost),
                  labelled("Residential care a week (£)", self.residential_cost)),
            group("Social return on investment", self.one_deadweight,
                  labelled("SROI deadweight (share of outcomes that would happen anyway)",
                           self.deadweight)),
            self.reset, self.status,
        ], layout={"flex": f"0 0 {CONTROLS_WIDTH}", "width": CONTROLS_WIDTH,
                   "margin": "0 24px 0 0"})

    def _figures_column(self) -> widgets.VBox:
        return widgets.VBox([self.summary, self.chart_choice, self.chart_view],
                            layout={"flex": "1 1 380px", "min_width": "380px"})

    def _layout(self) -> widgets.Box:
        """Controls on the left, figures and one chart on the right (wrapping under if narrow)."""
        return widgets.Box([self._controls_column(), self._figures_column()],
                           layout={"display": "flex", "flex_flow": "row wrap",
                                   "align_items": "flex-start", "width": "100%"})

    # ---------------------------------------------------------------- wiring

    @property
    def breaks_controls(self) -> tuple[widgets.FloatSlider, ...]:
        return (self.share_at_risk, self.share_prevented, self.break_cost, self.rehab_cost,
                self.residential_cost)

    def _wire(self) -> None:
        self.area.observe(self._on_area, "value")
        for control in (self.vintage, self.carer_ages, self.oldest_from):
            control.observe(self._on_projection, "value")
        self.cost_per_hour.observe(self._on_value_of_care, "value")
        for control in self.breaks_controls:
            control.observe(self._on_breaks, "value")
        self.one_deadweight.observe(self._on_sroi, "value")
        self.deadweight.observe(self._on_deadweight, "value")
        self.reset.on_click(self._on_reset)
        self.chart_choice.observe(self._on_chart_choice, "value")

    def display(self) -> None:
        """Show the explorer in a notebook."""
        from IPython.display import display

        display(self.widget)
        self._show_chart()

    def _ipython_display_(self) -> None:
        self.display()

    @contextmanager
    def _held(self) -> Iterator[None]:
        """Change several controls without a redraw after each one."""
        self._hold = True
        try:
            yield
        finally:
            self._hold = False

    def _on_area(self, change: dict) -> None:
        if self._hold:
            return
        match = scenarios.find_area(change["new"], self.area_codes)
        if match.code is None:
            shown = self.headlines.get("area_name", self.area_code)
            self.area_message.value = (
                '<p class="carerlib-missing" role="status" style="margin:2px 0;color:#a40000;'
                f'font-size:13px;line-height:1.3">{html.escape(match.message)} Still showing '
                f"{html.escape(str(shown))}.</p>")
            return
        self.area_message.value = ""
        if match.code != self.area_code:
            self.select_area(match.code)
        else:  # the area shown, typed another way: show its label again
            with self._held():
                self.area.value = self._label(match.code)

    def _on_projection(self, change: dict) -> None:
        if not self._hold:
            self._focus("care_gap")
            self.update_projections()

    def _on_value_of_care(self, change: dict) -> None:
        if not self._hold and not _echo(change):
            self.update_area()

    def _on_breaks(self, change: dict) -> None:
        if not self._hold and not _echo(change):
            self._focus("breaks")
            self.update_breaks()

    def _on_deadweight(self, change: dict) -> None:
        if self._hold or _echo(change):
            return
        if self.one_deadweight.value:
            self._focus("sroi")
            self.update_sroi()
        else:
            self.one_deadweight.value = True  # moving the slider means "use this deadweight"

    def _on_sroi(self, change: dict) -> None:
        if not self._hold:
            self._focus("sroi")
            self.update_sroi()

    def _on_reset(self, button: widgets.Button | None = None) -> None:
        self.reset_to_params()

    def _on_chart_choice(self, change: dict) -> None:
        self._show_chart()

    # ---------------------------------------------------------------- actions

    @_reported
    def select_area(self, code: str) -> None:
        """Show another area (its params file is loaded; your slider settings are kept)."""
        params = load_params(code, self.params_file)
        self.area_code, self.params = code, params
        self.area_message.value = ""
        if self.area.value != self._label(code):
            with self._held():
                self.area.value = self._label(code)
        self.refresh()

    def reset_to_params(self) -> None:
        """Put every control back to the current area's params values and redraw."""
        p = self.params
        inputs = p.breaks.health_breakdown_inputs()
        with self._held():
            self.carer_ages.value = tuple(p.dependency.care_gap_carer_ages)
            self.oldest_from.value = p.dependency.care_gap_cared_for_age
            self.cost_per_hour.value = p.value_of_care.cost_per_hour.value
            self.share_at_risk.value = inputs.share_at_risk
            self.share_prevented.value = inputs.share_prevented
            self.break_cost.value = inputs.break_cost_per_carer
            self.rehab_cost.value = inputs.rehab_episode_cost
            self.residential_cost.value = inputs.residential_cost_per_week
            self.one_deadweight.value = False
        self.refresh()

    def refresh(self) -> None:
        """Recompute and redraw everything."""
        self.status.value = ""
        self.errors.clear()
        self._notes.clear()
        self.headlines = {"area_code": self.area_code, "mode": self.mode, "notes": []}
        with self._one_render():  # never show a half-updated table ("not available")
            self.update_area()
            self.update_projections()
            self.update_breaks()
            self.update_sroi()

    @contextmanager
    def _one_render(self) -> Iterator[None]:
        """Recompute several parts and show the headline figures once, at the end."""
        self._deferred = True
        try:
            yield
        finally:
            self._deferred = False
            self._render()

    def _note(self, key: str, text: str | None) -> None:
        """Keep one note per topic (replaced when that topic is recomputed)."""
        if text:
            self._notes[key] = text
        else:
            self._notes.pop(key, None)
        self.headlines["notes"] = list(self._notes.values())

    def _render(self) -> None:
        if not self._deferred:
            self.summary.value = panels.headlines_html(self.headlines)

    def _focus(self, name: str) -> None:
        """Bring the chart of the control just moved under the figures."""
        self.chart_choice.value = name  # its observer draws the chart

    def _draw(self, name: str, drawn: panels.Drawn) -> None:
        """Keep a chart and its numbers; redraw it if it is the one on screen."""
        self.figures[name], self.tables[name] = drawn
        if name == self.chart_choice.value:
            self._show_chart()

    def _show_chart(self) -> None:
        """Draw the chosen chart in the chart output, if a notebook front end is running."""
        from IPython.core.interactiveshell import InteractiveShell
        from IPython.display import display

        figure = self.figures.get(self.chart_choice.value)
        if figure is None or not InteractiveShell.initialized():  # tests, scripts
            return
        self.chart_view.clear_output(wait=True)
        with self.chart_view:
            display(panels.plotly_bundle(figure), raw=True)

    @_reported
    def update_area(self) -> None:
        """Carers, prevalence and value of care for the chosen area."""
        if self.data is None:
            self.headlines.update(scenarios.sample_summary(self.area_code))
            self._note("official", NEEDS_OFFICIAL)
        else:
            self.headlines.update(scenarios.area_summary(
                self.data, self.area_code, self.params, self.cost_per_hour.value))
            self._note("official", None)
        self._render()

    def _projection_labels(self) -> dict[str, Any]:
        dep = self.params.dependency
        low, high = self.carer_ages.value
        return {
            "vintage": self.vintage.value, "older_age": dep.older_age,
            "care_gap_label": (f"Care-gap ratio ({dependency.age_group_label(low, high)} per "
                               f"{self.oldest_from.value}+)"),
            "support_ratio_label": (f"Potential support ratio "
                                    f"({dependency.age_group_label(*dep.working_ages)} per "
                                    f"{dep.older_age}+)"),
        }

    def _projection_notes(self, scenario: scenarios.ProjectionScenario, name: str) -> None:
        vintage = scenario.vintage
        self._note("coverage", None if scenario.covered else
                   f"The {vintage} projections do not cover {name}: choose another vintage.")
        for key, figures, what in (("care_gap", scenario.care_gap_figures, "Care-gap ratio"),
                                   ("support_ratio", scenario.support_ratio_figures,
                                    "Potential support ratio")):
            note = figures["note"] if scenario.covered else ""
            self._note(key, f"{what} ({vintage}): {note}." if note else None)

    @_reported
    def update_projections(self) -> None:
        """Support ratio, care-gap ratio and older population in the chosen projection vintage."""
        self.headlines.update(self._projection_labels())
        name = self.headlines.get("area_name", self.area_code)
        source = self.params.projections.source
        if self.data is None or self.vintage.value is None:
            reason = ("Projections need official data" if self.data is None
                      else "No population projections in the official data")
            for chart in ("care_gap", "older_population"):
                self._draw(chart, (panels.message_figure(reason, source), pd.DataFrame()))
            self._render()
            return
        ages = tuple(self.carer_ages.value)
        scenario = scenarios.projection_scenario(
            self.data, self.area_code, self.params, self.vintage.value, ages,
            self.oldest_from.value)
        self.headlines.update(scenario.headlines())
        self._projection_notes(scenario, name)
        self._draw("care_gap", panels.care_gap_chart(scenario, name, ages,
                                                     self.oldest_from.value, source))
        self._draw("older_population", panels.older_population_chart(scenario, name, source))
        self._render()

    @_reported
    def update_breaks(self) -> None:
        """The health-breakdown proxy at the slider values, and its break-even chart."""
        result = scenarios.breaks_scenario(
            self.params.breaks, share_at_risk=self.share_at_risk.value,
            share_prevented=self.share_prevented.value,
            break_cost_per_carer=self.break_cost.value,
            rehab_episode_cost=self.rehab_cost.value,
            residential_cost_per_week=self.residential_cost.value)
        self.breaks_result = result
        self.headlines.update(
            share_at_risk=result.inputs.share_at_risk,
            carers_given_breaks=result.carers_given_breaks, cost=result.cost,
            gross_saving=result.gross_saving, net_saving=result.net_saving,
            return_per_pound=result.return_per_pound,
            break_even_share=result.break_even_share_at_risk)
        source = self.params.breaks.health_breakdown.rehab_episode_cost.source
        self._draw("breaks", panels.breaks_chart(result, source))
        self._render()

    @_reported
    def update_sroi(self) -> None:
        """The SROI model, with one deadweight for every outcome when the box is ticked."""
        deadweight = self.deadweight.value if self.one_deadweight.value else None
        result = scenarios.sroi_scenario(self.params.breaks.sroi, deadweight)
        self.sroi_result = result
        self.headlines.update(sroi_ratio=result.ratio, sroi_present_value=result.present_value,
                              sroi_deadweight=deadweight)
        self._draw("sroi", panels.sroi_chart(result))
        self._render()
