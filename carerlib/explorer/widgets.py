"""The analyst's workbook: choose an area, move the assumptions, watch the figures change.

`Explorer` lays out ipywidgets controls (area search, projection vintage, care-gap ages, value of
care, breaks and SROI sliders) and redraws the headline figures and charts in place whenever one
moves. Every figure comes from the small functions in this module, which only call carerlib's
models, so the notebook holds no calculations and tests can drive the widgets without a browser.

With no official data (no cache, no mirror) the explorer still runs the breaks and SROI models and
says that the area figures need official data, showing the embedded sample's printed figures.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from pydantic import ValidationError

from carerlib.data import paths
from carerlib.data.areas import areas_table
from carerlib.data.datastore import DataStore
from carerlib.data.official import OfficialData
from carerlib.data.sample import load_sample
from carerlib.errors import CarerlibError
from carerlib.measures import dependency, needs
from carerlib.measures.breaks import (
    BreaksParams,
    HealthBreakdownInputs,
    HealthBreakdownResult,
    break_even_curve,
    cohort_break_even_share,
)
from carerlib.measures.breaks import health_breakdown_proxy as _health_breakdown_proxy
from carerlib.measures.outlook import (
    care_gap_series,
    older_population_series,
    start_and_horizon,
    support_ratio_series,
)
from carerlib.measures.sroi import SroiParams, SroiResult
from carerlib.measures.sroi import sroi as _sroi
from carerlib.pack import charts, narrative
from carerlib.params import Params, load_params

__all__ = [
    "CHARTS",
    "NEEDS_OFFICIAL",
    "Explorer",
    "area_label",
    "area_options",
    "area_summary",
    "breaks_scenario",
    "care_gap_series",
    "headlines_html",
    "older_population_series",
    "projection_vintages",
    "resolve_area",
    "sample_summary",
    "sroi_scenario",
    "start_and_horizon",
    "support_ratio_series",
]

CENSUS_2021 = "ONS Census 2021, TS039 (usual residents aged 5+)"
NEEDS_OFFICIAL = (
    "Area figures (carers in 2021, prevalence, value of care, support and care-gap ratios, "
    "projections) need the official Census tables: run 'carerlib data fetch' (or set "
    "CARERLIB_DATA_MIRROR) and reopen the workbook. Until then the printed sample figures and the "
    "breaks models are shown."
)
#: Chart outputs, in the order they are laid out.
CHARTS = ("care_gap", "older_population", "breaks", "sroi")


# --------------------------------------------------------------------------------------------
# Areas
# --------------------------------------------------------------------------------------------


def area_label(name: str, code: str) -> str:
    """How an area is listed in the search box: "Southend-on-Sea (E06000033)"."""
    return f"{name} ({code})"


def area_options(data: OfficialData | None) -> dict[str, str]:
    """Label -> code for every area the explorer can show, sorted by name.

    With official data: every LTLA, UTLA, region, country and group in Census 2021. Without:
    the areas that have an embedded sample.
    """
    if data is None:
        found = []
        for path in sorted(paths.SAMPLE_DIR.glob("*.yaml")):
            sample = load_sample(path.stem)
            if sample is not None:
                found.append((sample.area.name, sample.area.code))
    else:
        table = areas_table(data.members)
        found = list(zip(table["area_name"], table["area_code"], strict=True))
    found.sort(key=lambda pair: (pair[0].casefold(), pair[1]))
    return {area_label(name, code): code for name, code in found}


def resolve_area(text: str, options: Mapping[str, str]) -> str | None:
    """The area code for what was typed: a listed "Name (CODE)", a code or a unique name."""
    text = (text or "").strip()
    if text in options:
        return options[text]
    if text.upper() in set(options.values()):
        return text.upper()
    by_name: dict[str, set[str]] = {}
    for label, code in options.items():
        by_name.setdefault(label.rsplit(" (", 1)[0].casefold(), set()).add(code)
    codes = by_name.get(text.casefold(), set())
    return next(iter(codes)) if len(codes) == 1 else None


# --------------------------------------------------------------------------------------------
# Area figures
# --------------------------------------------------------------------------------------------


def area_summary(
    data: OfficialData, code: str, params: Params, cost_per_hour: float | None = None
) -> dict[str, Any]:
    """Carers in 2021, prevalence (with interval) and the yearly replacement value of their care.

    `cost_per_hour` overrides the replacement cost of an hour of care in params.
    """
    care = data.care_2021[data.care_2021["area_code"] == code]
    if care.empty:
        raise CarerlibError(f"{code}: not an area in the Census 2021 data")
    total = needs.carers_total(care, params.confidence_level).iloc[0]
    broad = needs.carers_by_band(care, "broad", params.confidence_level)
    voc = params.value_of_care
    rate = voc.cost_per_hour.value if cost_per_hour is None else float(cost_per_hour)
    value = needs.economic_value(broad, voc.hours_per_band.as_dict(), rate).iloc[0]
    return {
        "area_code": code,
        "area_name": str(total["area_name"]),
        "carers_2021": int(total["carers"]),
        "prevalence_2021": float(total["prevalence"]),
        "prevalence_lower": float(total["prevalence_lower"]),
        "prevalence_upper": float(total["prevalence_upper"]),
        "value_of_care_per_year": float(value["value_per_year"]),
        "cost_per_hour": rate,
        "cost_per_hour_price_year": voc.cost_per_hour.price_year,
    }


def sample_summary(code: str) -> dict[str, Any]:
    """The embedded sample's latest printed census count, for when there is no official data."""
    sample = load_sample(code)
    if sample is None:
        raise CarerlibError(f"{code}: no official data and no embedded sample for this area")
    latest = max(sample.census, key=lambda c: c.year)
    return {
        "area_code": code,
        "area_name": sample.area.name,
        "sample_carers": latest.carers,
        "sample_year": latest.year,
        "sample_source": f"{sample.document}, {latest.source}",
    }


# --------------------------------------------------------------------------------------------
# Projections and dependency
# --------------------------------------------------------------------------------------------


def projection_vintages(data: OfficialData | None, params: Params) -> list[str]:
    """Projection vintages in the data, those named in params first (in params order)."""
    if data is None:
        return []
    found = list(data.projections())
    return [v for v in params.projections.vintages if v in found] + [
        v for v in found if v not in params.projections.vintages
    ]


# --------------------------------------------------------------------------------------------
# Breaks and SROI scenarios
# --------------------------------------------------------------------------------------------


def breaks_scenario(
    params: BreaksParams,
    *,
    share_at_risk: float | None = None,
    share_prevented: float | None = None,
    break_cost_per_carer: float | None = None,
    rehab_episode_cost: float | None = None,
    residential_cost_per_week: float | None = None,
) -> HealthBreakdownResult:
    """The health-breakdown proxy with some inputs changed (None keeps the params value).

    Inputs start from `params.health_breakdown_inputs()` (uplifted if params set a price year);
    changed values are validated like params (a share must lie within 0 to 1).
    """
    changes = {
        "share_at_risk": share_at_risk,
        "share_prevented": share_prevented,
        "break_cost_per_carer": break_cost_per_carer,
        "rehab_episode_cost": rehab_episode_cost,
        "residential_cost_per_week": residential_cost_per_week,
    }
    base = params.health_breakdown_inputs().model_dump()
    inputs = HealthBreakdownInputs.model_validate(
        base | {k: float(v) for k, v in changes.items() if v is not None})
    return _health_breakdown_proxy(inputs)


def sroi_scenario(params: SroiParams, deadweight: float | None = None) -> SroiResult:
    """The SROI model with one deadweight applied to every outcome (None keeps each outcome's)."""
    if deadweight is not None:
        for outcome in params.outcomes:
            params = params.with_outcome_input(outcome.name, "deadweight", float(deadweight))
    return _sroi(params)


# --------------------------------------------------------------------------------------------
# Headline figures as HTML
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


def headline_rows(h: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(group, figure, value as text) for every headline, in reading order."""
    rows: list[tuple[str, str, str]] = []
    area = "Area: " + str(h.get("area_name", ""))
    if h.get("mode") == "sample":
        rows.append((area, f"Carers, Census {h.get('sample_year')} (as printed in the strategy)",
                     _shown(h.get("sample_carers"), narrative.number)))
    else:
        prevalence = _shown(h.get("prevalence_2021"), narrative.percent)
        if h.get("prevalence_lower") is not None:
            prevalence += (f" ({narrative.percent(h['prevalence_lower'])}–"
                           f"{narrative.percent(h['prevalence_upper'])})")
        rows += [
            (area, "Carers aged 5+, Census 2021", _shown(h.get("carers_2021"), narrative.number)),
            (area, "Share of residents aged 5+ caring (95% interval)", prevalence),
            (area, f"Value of unpaid care a year at £{h.get('cost_per_hour', 0):,.2f} an hour",
             _shown(h.get("value_of_care_per_year"), narrative.money)),
        ]
        future = f"Future demand: {h.get('vintage') or 'no'} projection"
        rows += [
            (future, h.get("support_ratio_label", "Potential support ratio"),
             _ratio_text(h.get("support_ratio_start_year"), h.get("support_ratio_start"),
                         h.get("support_ratio_end_year"), h.get("support_ratio_end"))),
            (future, h.get("care_gap_label", "Care-gap ratio"),
             _ratio_text(h.get("care_gap_start_year"), h.get("care_gap_start"),
                         h.get("care_gap_end_year"), h.get("care_gap_end"))),
            (future, f"People aged {h.get('older_age', 65)}+ in {h.get('older_end_year')}",
             _shown(h.get("older_people_end"), narrative.number)),
        ]
    breaks = "Breaks: health-breakdown proxy (modelled scenario)"
    at_risk = _shown(h.get("share_at_risk"), lambda v: narrative.percent(v, 0))
    rows += [
        (breaks, f"Carers given a break ({at_risk} of the cohort at risk)",
         _shown(h.get("carers_given_breaks"), narrative.number)),
        (breaks, "Cost of breaks", _shown(h.get("cost"), narrative.money)),
        (breaks, "Health and care costs avoided", _shown(h.get("gross_saving"), narrative.money)),
        (breaks, "Net saving", _shown(h.get("net_saving"), narrative.money)),
        (breaks, "Return per £1 spent", _shown(h.get("return_per_pound"), lambda v: f"£{v:.2f}")),
        (breaks, "Break-even: share of carers given a break whose breakdown must be prevented",
         _shown(h.get("break_even_share"), narrative.percent)),
    ]
    social = "Social return on investment (modelled)"
    deadweight = h.get("sroi_deadweight")
    rows += [
        (social, "Deadweight", "as set for each outcome in params" if deadweight is None
         else f"{narrative.percent(deadweight, 0)} for every outcome"),
        (social, "Present value of outcomes", _shown(h.get("sroi_present_value"), narrative.money)),
        (social, "SROI ratio (£ of value per £1 invested)",
         _shown(h.get("sroi_ratio"), lambda v: f"£{v:.2f}")),
    ]
    return rows


def headlines_html(h: Mapping[str, Any]) -> str:
    """The headline figures as an accessible HTML table; every piece of text is escaped."""
    parts = ['<div class="carerlib-explorer-headlines">']
    group = None
    for section, figure, value in headline_rows(h):
        if section != group:
            if group is not None:
                parts.append("</tbody></table>")
            parts.append(f'<table class="carerlib-table"><caption><strong>{html.escape(section)}'
                         "</strong></caption><tbody>")
            group = section
        parts.append(f'<tr><th scope="row" style="text-align:left;font-weight:normal">'
                     f"{html.escape(figure)}</th><td style=\"text-align:right\">"
                     f"<strong>{html.escape(value)}</strong></td></tr>")
    parts.append("</tbody></table>")
    for note in h.get("notes", []):
        parts.append(f'<p class="carerlib-note"><em>{html.escape(str(note))}</em></p>')
    parts.append("</div>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def message_figure(title: str, source: str) -> go.Figure:
    """An empty chart whose title says why there is nothing to plot."""
    fig = go.Figure()
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return charts.house_style(fig, title, source)


def _plotly_bundle(figure: go.Figure) -> dict[str, Any]:
    """The MIME bundle JupyterLab renders as an interactive plotly chart."""
    return {"application/vnd.plotly.v1+json": json.loads(pio.to_json(figure)),
            "text/plain": figure.layout.title.text or "chart"}


# --------------------------------------------------------------------------------------------
# The widgets
# --------------------------------------------------------------------------------------------

_WIDE = {"width": "470px"}
_STYLE = {"description_width": "210px"}


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
        self.area_codes = area_options(data)
        if not self.area_codes:
            raise CarerlibError("no areas to explore: no official data and no embedded sample")
        codes = list(self.area_codes.values())
        if area_code is None:
            defaults = load_params(None, params_file).pack.default_areas
            area_code = next((c for c in defaults if c in codes), codes[0])
        if area_code not in codes:
            raise CarerlibError(f"{area_code}: not an area the explorer can show")
        self.area_code = area_code
        self.params = load_params(area_code, params_file)
        self.headlines: dict[str, Any] = {}
        self.figures: dict[str, go.Figure] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.errors: list[str] = []
        self._notes: dict[str, str] = {}
        self._hold = False
        self._build_widgets()
        self._wire()
        self.refresh()

    @classmethod
    def default(cls, area_code: str | None = None) -> Explorer:
        """An explorer on the fetched cache or the mirror, else on the embedded sample."""
        store = DataStore.default()
        data = OfficialData(store) if store is not None and store.has("ts039_ltla") else None
        return cls(data, area_code)

    # ---------------------------------------------------------------- layout

    def _build_widgets(self) -> None:
        p = self.params
        inputs = p.breaks.health_breakdown_inputs()
        label = next(k for k, v in self.area_codes.items() if v == self.area_code)
        self.area = widgets.Combobox(
            description="Area", options=list(self.area_codes), value=label, ensure_option=True,
            placeholder="Type an area name or code", layout=_WIDE, style=_STYLE)
        vintages = projection_vintages(self.data, p)
        self.vintage = widgets.Dropdown(
            description="Population projection", options=vintages,
            value=vintages[0] if vintages else None, disabled=not vintages, layout=_WIDE,
            style=_STYLE)
        dep = p.dependency
        self.carer_ages = widgets.IntRangeSlider(
            description="Care gap: potential carers aged", value=tuple(dep.care_gap_carer_ages),
            min=15, max=90, layout=_WIDE, style=_STYLE, disabled=self.data is None)
        self.oldest_from = widgets.IntSlider(
            description="… per person aged (and over)", value=dep.care_gap_cared_for_age, min=60,
            max=90, layout=_WIDE, style=_STYLE, disabled=self.data is None)
        cost = p.value_of_care.cost_per_hour
        self.cost_per_hour = widgets.FloatSlider(
            description=f"Care cost an hour (£, {cost.price_year})", value=cost.value, min=1.0,
            max=max(50.0, 2 * cost.value), step=0.01, readout_format=",.2f", layout=_WIDE,
            style=_STYLE, disabled=self.data is None)

        def share(description: str, value: float) -> widgets.FloatSlider:
            return widgets.FloatSlider(description=description, value=value, min=0.0, max=1.0,
                                       step=0.01, readout_format=".0%", layout=_WIDE, style=_STYLE)

        def money(description: str, value: float, top: float, step: float) -> widgets.FloatSlider:
            return widgets.FloatSlider(description=description, value=value, min=0.0,
                                       max=max(top, 2 * value), step=step, readout_format=",.0f",
                                       layout=_WIDE, style=_STYLE)

        self.share_at_risk = share("Share of carers at risk", inputs.share_at_risk)
        self.share_prevented = share("Share of breakdowns prevented", inputs.share_prevented)
        # Steps of £1 (and 1p an hour below) keep params values on the slider's grid: the browser
        # snaps a value to its step, which would silently change published figures.
        self.break_cost = money("Break cost per carer a year (£)", inputs.break_cost_per_carer,
                                10_000, 1)
        self.rehab_cost = money("Rehabilitation episode (£)", inputs.rehab_episode_cost,
                                10_000, 1)
        self.residential_cost = money("Residential care a week (£)",
                                      inputs.residential_cost_per_week, 3_000, 1)
        outcomes = p.breaks.sroi.outcomes
        self.one_deadweight = widgets.Checkbox(
            description="Use one deadweight for every SROI outcome", value=False, indent=False)
        self.deadweight = share("SROI deadweight", round(sum(o.deadweight for o in outcomes)
                                                         / len(outcomes), 2))
        self.reset = widgets.Button(description="Reset to params", icon="undo",
                                    tooltip="Put every slider back to the area's params values")
        self.status = widgets.HTML()
        self.summary = widgets.HTML()
        self.charts = {name: widgets.Output(layout={"width": "100%", "min_width": "420px"})
                       for name in CHARTS}

        def box(title: str, *children: widgets.Widget) -> widgets.VBox:
            heading = widgets.HTML(f"<strong>{html.escape(title)}</strong>")
            return widgets.VBox([heading, *children])

        controls = widgets.VBox([
            box("Area and future demand", self.area, self.vintage, self.carer_ages,
                self.oldest_from, self.cost_per_hour),
            box("Breaks: health-breakdown proxy", self.share_at_risk, self.share_prevented,
                self.break_cost, self.rehab_cost, self.residential_cost),
            box("Social return on investment", self.one_deadweight, self.deadweight),
            self.reset, self.status,
        ], layout={"width": "490px"})
        names = list(CHARTS)
        self.widget = widgets.VBox([
            widgets.HBox([controls, self.summary], layout={"flex_flow": "row wrap"}),
            widgets.HBox([self.charts[n] for n in names[:2]], layout={"flex_flow": "row wrap"}),
            widgets.HBox([self.charts[n] for n in names[2:]], layout={"flex_flow": "row wrap"}),
        ])

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

    @property
    def breaks_controls(self) -> tuple[widgets.FloatSlider, ...]:
        return (self.share_at_risk, self.share_prevented, self.break_cost, self.rehab_cost,
                self.residential_cost)

    def display(self) -> None:
        """Show the explorer in a notebook."""
        from IPython.display import display

        display(self.widget)

    def _ipython_display_(self) -> None:
        self.display()

    # ---------------------------------------------------------------- callbacks

    @contextmanager
    def _held(self) -> Iterator[None]:
        """Change several controls without a redraw after each one."""
        self._hold = True
        try:
            yield
        finally:
            self._hold = False

    def _on_area(self, change: dict) -> None:
        code = resolve_area(change["new"], self.area_codes)
        if code is None:
            self.status.value = "<p>Choose an area from the list (type part of a name or code).</p>"
            return
        if code != self.area_code:
            self.select_area(code)

    def _on_projection(self, change: dict) -> None:
        if not self._hold:
            self.update_projections()

    def _on_value_of_care(self, change: dict) -> None:
        if not self._hold:
            self.update_area()

    def _on_breaks(self, change: dict) -> None:
        if not self._hold:
            self.update_breaks()

    def _on_deadweight(self, change: dict) -> None:
        # The browser snaps a slider to its step and echoes the value back; an echo is not
        # the analyst moving the slider.
        if self._hold or abs((change.get("new") or 0) - (change.get("old") or 0)) < 1e-6:
            return
        if self.one_deadweight.value:
            self.update_sroi()
        else:
            self.one_deadweight.value = True  # moving the slider means "use this deadweight"

    def _on_sroi(self, change: dict) -> None:
        if not self._hold:
            self.update_sroi()

    def _on_reset(self, button: widgets.Button | None = None) -> None:
        self.reset_to_params()

    # ---------------------------------------------------------------- actions

    @_reported
    def select_area(self, code: str) -> None:
        """Show another area (its params file is loaded; your slider settings are kept)."""
        params = load_params(code, self.params_file)
        self.area_code, self.params = code, params
        label = next(k for k, v in self.area_codes.items() if v == code)
        if self.area.value != label:
            with self._held():
                self.area.value = label
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
        self.update_area()
        self.update_projections()
        self.update_breaks()
        self.update_sroi()

    def _note(self, key: str, text: str | None) -> None:
        """Keep one note per topic (replaced when that topic is recomputed)."""
        if text:
            self._notes[key] = text
        else:
            self._notes.pop(key, None)
        self.headlines["notes"] = list(self._notes.values())

    def _render(self) -> None:
        self.summary.value = headlines_html(self.headlines)

    def _draw(self, name: str, figure: go.Figure, table: pd.DataFrame) -> None:
        """Keep the chart and its numbers, and redraw it in its output if a notebook is running."""
        from IPython.core.interactiveshell import InteractiveShell
        from IPython.display import display

        self.figures[name] = figure
        self.tables[name] = table
        if not InteractiveShell.initialized():  # no notebook front end (tests, scripts)
            return
        output = self.charts[name]
        output.clear_output(wait=True)
        with output:
            display(_plotly_bundle(figure), raw=True)

    @_reported
    def update_area(self) -> None:
        """Carers, prevalence and value of care for the chosen area."""
        if self.data is None:
            self.headlines.update(sample_summary(self.area_code))
            self._note("official", NEEDS_OFFICIAL)
        else:
            self.headlines.update(area_summary(self.data, self.area_code, self.params,
                                               self.cost_per_hour.value))
            self._note("official", None)
        self._render()

    @_reported
    def update_projections(self) -> None:
        """Support ratio, care-gap ratio and older population in the chosen projection vintage."""
        dep, horizon = self.params.dependency, self.params.projections.horizon_years
        low, high = self.carer_ages.value
        oldest = self.oldest_from.value
        gap_label = (f"Care-gap ratio: people aged {dependency.age_group_label(low, high)} per "
                     f"person aged {oldest}+")
        psr_label = (f"Potential support ratio: people aged "
                     f"{dependency.age_group_label(*dep.working_ages)} per person aged "
                     f"{dep.older_age}+")
        self.headlines.update(vintage=self.vintage.value, care_gap_label=gap_label,
                              support_ratio_label=psr_label, older_age=dep.older_age)
        name = self.headlines.get("area_name", self.area_code)
        source = f"{self.params.projections.source}"
        if self.data is None or self.vintage.value is None:
            reason = ("Projections need official data" if self.data is None
                      else "No population projections in the official data")
            for chart in ("care_gap", "older_population"):
                self._draw(chart, message_figure(reason, source), pd.DataFrame())
            self._render()
            return
        vintage = self.vintage.value
        gap = care_gap_series(self.data, self.area_code, (low, high), oldest, vintage)
        psr = support_ratio_series(self.data, self.area_code, self.params, vintage)
        older = older_population_series(self.data, self.area_code, vintage,
                                        (dep.older_age, oldest))
        g, s = start_and_horizon(gap, horizon), start_and_horizon(psr, horizon)
        mine = older[older["group"] == f"{dep.older_age}+"]
        o = start_and_horizon(mine, horizon, "population")
        self.headlines.update(
            care_gap_start=g["start"], care_gap_end=g["end"], care_gap_start_year=g["start_year"],
            care_gap_end_year=g["end_year"], care_gap_note=g["note"],
            support_ratio_start=s["start"], support_ratio_end=s["end"],
            support_ratio_start_year=s["start_year"], support_ratio_end_year=s["end_year"],
            support_ratio_note=s["note"], older_people_end=o["end"], older_end_year=o["end_year"])
        covered = not gap.empty
        self._note("coverage", None if covered else
                   f"The {vintage} projections do not cover {name}: choose another vintage.")
        for key, figures, what in (("care_gap", g, "Care-gap ratio"),
                                   ("support_ratio", s, "Potential support ratio")):
            note = figures["note"] if covered else ""
            self._note(key, f"{what} ({vintage}): {note}." if note else None)

        shown = gap[gap["value"].notna()]
        if shown.empty:
            why = g["note"] or "not available"
            self._draw("care_gap", message_figure(f"Care-gap ratio for {name}: {why}", source),
                       gap)
        else:
            title = (f"{g['start']:.1f} people aged {dependency.age_group_label(low, high)} for "
                     f"every person aged {oldest}+ in {name} in {g['start_year']}; "
                     f"{_shown(g['end'], lambda v: f'{v:.1f}')} by {g['end_year']}")
            self._draw("care_gap", charts.line(
                shown, "year", "value", title=title, source=f"{vintage} projection; {source}",
                x_title="Year", y_title="Potential carers per very old person"),
                gap[["year", "label", "value", "note"]])
        older_shown = older[older["population"].notna()]
        if older_shown.empty:
            self._draw("older_population", message_figure(
                f"No {vintage} projection of older people for {name}", source), older)
        else:
            title = (f"People aged {dep.older_age}+ in {name}: "
                     f"{_shown(o['start'], narrative.number)} in {o['start_year']}, "
                     f"{_shown(o['end'], narrative.number)} by {o['end_year']} ({vintage})")
            self._draw("older_population", charts.line(
                older_shown, "year", "population", color="group", title=title,
                source=f"{vintage} projection; {source}", x_title="Year", y_title="People"),
                older[["group", "year", "population", "note"]])
        self._render()

    @_reported
    def update_breaks(self) -> None:
        """The health-breakdown proxy at the slider values, and its break-even chart."""
        result = breaks_scenario(
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
        curve = break_even_curve(result.inputs)
        source = self.params.breaks.health_breakdown.rehab_episode_cost.source
        title = (f"Modelled net saving of {narrative.money(result.net_saving)} a year with "
                 f"{result.inputs.share_at_risk:.0%} of carers at risk")
        labels = {"x_title": "Share of the cohort at risk of breakdown",
                  "y_title": "Net saving (£ a year)"}
        even = cohort_break_even_share(result)
        if even is None:
            figure = charts.line(curve, "share_at_risk", "net_saving", color="scenario",
                                 title=title, source=source, markers=False, **labels)
            figure.add_hline(y=0, line_color="#555")
            figure.add_vline(x=result.inputs.share_at_risk, line_dash="dash",
                             line_color=charts.PALETTE[2])
            figure.update_xaxes(tickformat=".0%")
        else:
            figure = charts.break_even(curve, "share_at_risk", "net_saving", color="scenario",
                                       title=title, source=source,
                                       assumed=result.inputs.share_at_risk, break_even_at=even,
                                       **labels)
        self._draw("breaks", figure, curve)
        self._render()

    @_reported
    def update_sroi(self) -> None:
        """The SROI model, with one deadweight for every outcome when the box is ticked."""
        deadweight = self.deadweight.value if self.one_deadweight.value else None
        result = sroi_scenario(self.params.breaks.sroi, deadweight)
        self.sroi_result = result
        self.headlines.update(sroi_ratio=result.ratio, sroi_present_value=result.present_value,
                              sroi_deadweight=deadweight)
        by_outcome = result.yearly.groupby("outcome", as_index=False, sort=False)[
            "present_value"].sum()
        title = (f"£{result.ratio:.2f} of social value for every £1 invested "
                 f"(modelled, {result.horizon_years} years)")
        self._draw("sroi", charts.bar(
            by_outcome, "outcome", "present_value", title=title, text_format=",.0f",
            source="Cabinet Office SROI guide (2012) method; outcomes in params (ILLUSTRATIVE)",
            y_title="Present value (£)"), by_outcome)
        self._render()
