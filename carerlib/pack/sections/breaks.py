"""Breaks for carers: commitments, the health-breakdown proxy with its working, unit costs,
sensitivity, break-even, Monte Carlo, SROI, cost avoidance and reference returns.

Everything is computed by carerlib.measures (breaks, sroi, uncertainty) from validated parameters;
this module only lays the results out, presented as modelled scenarios. One builder per figure.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from carerlib.measures import breaks as models
from carerlib.measures import prices, sroi, uncertainty
from carerlib.measures.breaks import BreaksParams, HealthBreakdownInputs
from carerlib.pack import charts, labels, narrative
from carerlib.pack.report import Chart, Statement, Table, Text
from carerlib.pack.sections.base import Part, SectionResult, assemble, copied, part
from carerlib.pack.sections.context import PackContext

KEY, TITLE = "breaks", "Breaks for carers: costs, returns and uncertainty"
LABELS = {
    "cohort": "Carers in the cohort",
    "share_at_risk": "Share of carers at risk of breakdown",
    "share_prevented": "Share of breakdowns a break prevents",
    "rehab_episode_cost": "Rehabilitation episode cost (£)",
    "rehab_weeks": "Weeks of residential care needed",
    "residential_cost_per_week": "Residential care cost a week (£)",
    "break_cost_per_carer": "Cost of a year's breaks per carer (£)",
}
CAVEATS = (
    "Caveats: the national carers' demonstrator sites found that precise measurement of "
    "savings was not possible. These figures combine published unit costs with assumptions "
    "about who is at risk and how often a break prevents a breakdown; social value is not "
    "cash a commissioner can release. Treat each figure as a scenario to test locally.")
SENSITIVITY_SOURCE = "carerlib one-way sensitivity analysis of the modelled inputs"
#: Points of the break-even curve: shares 0%, 10% ... 100%. The lines are straight, so the chart
#: and its table hold exactly these points.
CURVE_POINTS = 11


WORKED_EXAMPLE = "Worked example from the Southend joint carers strategy 2013 (002, §6)"


def breaks(ctx: PackContext) -> SectionResult:
    """The breaks section for an area's params: its own scenario first, then the worked
    example the model reproduces."""
    return breaks_result(ctx.params.breaks, ctx)


def breaks_result(params: BreaksParams, ctx: PackContext | None = None) -> SectionResult:
    """The breaks section from the breaks params (and the area's census, when given, for the
    area's own scenario and commitments)."""
    inputs = params.health_breakdown_inputs()
    scenario = area_breaks(params, ctx)
    example = health_breakdown(params, inputs, lead=not scenario.headline)
    return assemble(
        KEY, TITLE, part(*([Text(params.note, "note")] if params.note else [])),
        scenario, commitments(params, ctx), example, *worked_example_parts(params))


class _ParamsKey:
    """Breaks params compared by their JSON, so that a cache can be keyed on them."""

    def __init__(self, params: BreaksParams) -> None:
        self.params, self.json = params, params.model_dump_json()

    def __hash__(self) -> int:
        return hash(self.json)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ParamsKey) and other.json == self.json


@lru_cache(maxsize=8)
def _worked_example(key: _ParamsKey) -> tuple[Part, ...]:
    params = key.params
    inputs = params.health_breakdown_inputs()
    return (unit_costs(params), sensitivity(params, inputs), break_even(params, inputs),
            break_even_curve(params, inputs), monte_carlo(params, inputs), sroi_summary(params),
            cost_avoidance(params), reference_returns())


def worked_example_parts(params: BreaksParams) -> tuple[Part, ...]:
    """Unit costs, sensitivity, break-even, Monte Carlo, SROI, cost avoidance and reference
    returns: everything of the section that depends on the breaks params alone.

    They are the same for every area with the same params, so a process makes them once per
    params (about a tenth of a pack's time; a warm kernel keeps them across areas, see
    `kernel_state.KEPT_CACHES`) and gives each pack its own copy: nothing one pack does to its
    tables or charts reaches another (tested)."""
    return tuple(copied(piece) for piece in _worked_example(_ParamsKey(params)))


def published_prices(params: BreaksParams) -> str:
    """The price years of the proxy's costs as used: one year, or each cost's own."""
    if params.price_year:
        return f"{params.price_year} prices"
    years = sorted({c.price_year for c in params.health_breakdown.costs().values()})
    return "published prices (" + ", ".join(years) + ")"


def reference_returns() -> Part:
    """Returns reported elsewhere, for comparison, and the caveats of every breaks figure."""
    table = models.reference_returns_table(models.reference_returns())
    table["price_year"] = "as published"
    return part(Table("Returns reported elsewhere (for comparison, not for this area; each in "
                      "the prices of its own report)", table, "the published report named in "
                      "the source column",
                      {"investment (£)": "£{:,.0f}", "return (£)": "£{:,.0f}",
                       "return per £1": "£{:,.2f}"}, "reference_returns"),
                Text(CAVEATS, "note"))


def area_breaks(params: BreaksParams, ctx: PackContext | None) -> Part:
    """The area's own scenario, sized from its carers (params: breaks.area_scenario), in the
    newest price year of the price index."""
    spec = params.area_scenario
    if spec is None or ctx is None or ctx.census is None:
        return part()
    bands = ctx.census.my_broad.set_index("band")
    if spec.band not in bands.index:
        return part()
    index = params.price_index
    year = index.latest_calendar_year()
    inputs = (params.health_breakdown.inputs(index, year) if year else
              params.health_breakdown_inputs())
    prices_note = f"{year} prices" if year else published_prices(params)
    sized = models.area_scenario(inputs, float(bands.loc[spec.band, "carers"]),
                                 spec.share_reached.value)
    r = sized.result
    band_words = {"50_plus": "50 or more", "20_to_49": "20 to 49",
                  "up_to_19": "up to 19"}[spec.band]
    statement = Statement(
        f"Modelled scenario for {ctx.name} ({prices_note}): if breaks reached "
        f"{spec.share_reached.value:.0%} of its {sized.carers_in_band:,} carers giving "
        f"{band_words} hours a week ({sized.cohort:,} carers) and {sized.at_risk:,} of them were "
        f"at risk of a health breakdown, breaks for those {sized.at_risk:,} would cost "
        f"{narrative.money(r.cost)} and avoid an estimated {narrative.money(r.gross_saving)}: "
        f"a net saving of {narrative.money(r.net_saving)}.",
        "Size a breaks budget on the area's own heavy-end carers, and test the share at risk "
        "locally: the saving holds only while at least "
        f"{r.break_even_share_at_risk:.1%} of carers given a break would otherwise break down.",
        f"Census 2021 TS039; {spec.share_reached.source}; "
        f"{params.health_breakdown.share_at_risk.source}; {index.name}")
    table = Table(
        f"Breaks scenario sized for {ctx.name} ({prices_note})",
        pd.DataFrame([{"carers giving " + band_words + " hours": sized.carers_in_band,
                       "share reached": spec.share_reached.value, "cohort": sized.cohort,
                       "at risk": sized.at_risk, "cost": r.cost,
                       "damage avoided": r.gross_saving, "net saving (signed)": r.net_saving,
                       "price_year": year or "as published"}]),
        f"Census 2021 TS039; modelled share reached and health-breakdown proxy; {index.name}",
        {"share reached": "{:.0%}", "cost": "£{:,.0f}", "damage avoided": "£{:,.0f}",
         "net saving (signed)": "£{:,.0f}"}, "area_breaks_scenario")
    return part(statement, table, headline=(statement,),
                figures={"breaks_net_saving": float(r.net_saving)})


def _by_unit(value: float, unit: str) -> str:
    """Show a model figure in its unit: £ amounts whole, shares as %, ratios to 2 places."""
    if value is None or value != value:
        return ""
    if unit == "£":
        return f"£{value:,.0f}"
    if unit == "share":
        return f"{value:.1%}"
    if unit in ("carers", "breaks", "years", "year"):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _sroi_unit(measure: str) -> str:
    if "(£)" in measure:
        return "£"
    if "rate" in measure.lower():
        return "share"
    if "year" in measure.lower():
        return "years"
    return "ratio"


def _labelled(frame: pd.DataFrame, column: str = "input") -> pd.DataFrame:
    """Model input names replaced by their labels for readers."""
    return frame.assign(**{column: frame[column].map(LABELS).fillna(frame[column])})


def commitments(params: BreaksParams, ctx: PackContext | None = None) -> Part:
    """Funding commitments with the indicative number of breaks they buy, only where the area's
    params give them."""
    rate, spec = params.break_rate, params.commitments
    if spec is None:
        return part(Text(
            "No funding commitments for carers' breaks have been supplied for this area; an "
            "analyst can add them to the area's parameters (see Methods, sources and caveats) "
            "and the pack will show the number of breaks they buy.", "note"))
    table = Table(
        f"{spec.title} ({spec.price_year} prices): indicative number of breaks at "
        f"£{rate.hourly_rate.value:,.2f} × {rate.hours_per_break.value:g} hours "
        f"= £{rate.hourly_rate.value * rate.hours_per_break.value:,.0f} a break",
        params.commitments_table().drop(columns=["row_type"]).assign(
            price_year=spec.price_year), spec.source,
        {"breaks": "£{:,.0f}", "other": "£{:,.0f}", "total": "£{:,.0f}",
         "indicative_breaks": "{:,.0f}"}, "commitments", price_year=str(spec.price_year))
    return part(table, *([Text(spec.note, "note")] if spec.note else []))


def health_breakdown(params: BreaksParams, inputs: HealthBreakdownInputs,
                     lead: bool = True) -> Part:
    """The health-breakdown proxy worked line by line (the Southend worked example), and its
    statement; it heads the summary only when the area has no scenario of its own."""
    result = models.health_breakdown_proxy(inputs)
    working = models.health_breakdown_working(result)
    source = params.health_breakdown.rehab_episode_cost.source
    shown = working.assign(value=[_by_unit(v, u) for v, u in zip(
        working["value"], working["unit"], strict=True)]).drop(columns="unit")
    who = "at-risk carers" if inputs.breaks_for == "at_risk" else "carers (the whole cohort)"
    statement = Statement(
        f"{WORKED_EXAMPLE}, {published_prices(params)}: breaks for "
        f"{result.carers_given_breaks:,.0f} {who} cost "
        f"{narrative.money(result.cost)} and avoid an estimated "
        f"{narrative.money(result.gross_saving)} of health and care costs: "
        f"£{result.return_per_pound:.2f} back for every £1, a net saving of "
        f"{narrative.money(result.net_saving)}.",
        "A case for funding breaks as prevention, provided breaks reach carers genuinely at risk: "
        f"the saving holds only while at least {result.break_even_share_at_risk:.1%} of the "
        "carers given a break would otherwise have broken down.", source)
    shown["price_year"] = published_prices(params)
    return part(statement, Table(
        f"{WORKED_EXAMPLE}: health-breakdown proxy (Baker Tilly method), worked line by line",
        shown, source, name="health_breakdown_working"),
        Text(models.STRATEGY_TYPO_NOTE, "note"), headline=(statement,) if lead else ())


def unit_costs(params: BreaksParams) -> Part:
    """Unit costs with their price years (restated when params set a reporting price year)."""
    costs = params.health_breakdown.costs()
    if params.price_year:
        table = prices.uplift_costs(costs, params.price_year, params.price_index)
        return part(Table(
            f"Unit costs restated in {params.price_year} prices ({params.price_index.name})",
            _labelled(table, "item"), params.price_index.source,
            {"value": "£{:,.0f}", "value_uplifted": "£{:,.0f}", "factor": "{:.3f}",
             "index_from": "{:.1f}", "index_to": "{:.1f}"}, "unit_costs"))
    table = pd.DataFrame([{"item": LABELS.get(k, k), "value": c.value,
                           "price_year": c.price_year, "source": c.source}
                          for k, c in costs.items()])
    return part(Table(
        "Unit costs as published, each in its own price year", table,
        "the published source of each cost (source column)",
        {"value": "£{:,.0f}"}, "unit_costs"))


def sensitivity(params: BreaksParams, inputs: HealthBreakdownInputs) -> Part:
    """One-way sensitivity (tornado) using the Monte Carlo ranges as low and high values."""
    ranges = params.monte_carlo_settings().ranges  # in the same prices as the inputs
    if not ranges:
        return part()
    tornado = _labelled(uncertainty.health_breakdown_sensitivity(inputs, ranges))
    shown = sensitivity_shown(tornado, published_prices(params))
    return part(Chart(
        charts.tornado(tornado, title=f"Net saving is most sensitive to "
                                      f"{tornado['input'].iloc[0].lower()}",
                       source=SENSITIVITY_SOURCE,
                       x_title="Net saving (£) with one input at its low or high value"),
        tornado[["input", "low", "high", "output_at_low", "output_at_high", "swing"]].assign(
            price_year=published_prices(params)),
        SENSITIVITY_SOURCE,
        {c: "{:,.2f}" for c in ("low", "high")} | {
            c: "£{:,.0f}" for c in ("output_at_low", "output_at_high", "swing")},
        "sensitivity", shown=shown))


YES_NO = {True: "yes", False: "no"}


def input_unit(name: str) -> str:
    """The unit of a model input from its label: money says (£), shares start "Share",
    weeks start "Weeks"; anything else is a count."""
    if "(£)" in name:
        return "£"
    if name.startswith("Share"):
        return "share"
    if name.startswith("Weeks"):
        return "weeks"
    return "count"


#: How a value reads in each unit of a model input.
UNIT_FORMATS = {"£": "£{:,.0f}", "share": "{:.1%}", "weeks": "{:,.1f} weeks",
                "ratio": "{:,.2f}", "count": "{:,.0f}"}


def in_unit(value: float, unit: str) -> str:
    """A value as a reader reads it in its unit: −£877, 39.1%, −1.6 weeks, 1,067 (blank when
    missing)."""
    return labels.format_value(value, UNIT_FORMATS[unit]).replace("-", labels.MINUS)


def sensitivity_shown(tornado: pd.DataFrame, price_note: str) -> pd.DataFrame:
    """The sensitivity numbers as read: each input's low and high in its own unit, net savings
    in £ with their price year in the header."""
    units = tornado["input"].map(input_unit)
    money = {"output_at_low": "Net saving with the input low",
             "output_at_high": "Net saving with the input high", "swing": "Swing"}
    shown = pd.DataFrame({"Input": tornado["input"]})
    for column in ("low", "high"):
        shown[column.capitalize()] = [in_unit(v, u) for v, u in zip(
            tornado[column], units, strict=True)]
    for column, words in money.items():
        shown[f"{words} (£, {price_note})"] = tornado[column].map(lambda v: in_unit(v, "£"))
    return shown.reset_index(drop=True)


def break_even(params: BreaksParams, inputs: HealthBreakdownInputs) -> Part:
    """The break-even value of each input, others held at their assumed values."""
    even = _labelled(uncertainty.health_breakdown_break_even(inputs))
    title = (f"{WORKED_EXAMPLE}: break-even value of each input (others held at their assumed "
             "values)")
    prices_note = published_prices(params)
    return part(Table(
        title, even.assign(plausible=even["plausible"].map(YES_NO), price_year=prices_note),
        "carerlib break-even analysis", {"base_value": "{:,.4g}",
                                         "break_even_value": "{:,.4g}"}, "break_even",
        shown=break_even_shown(even, prices_note)))


def note_in_words(note: str, unit: str) -> str:
    """A break-even note with its number said in the input's unit ("break-even would be
    -1.644" becomes "break-even would be −1.6 weeks")."""
    def said(match: re.Match) -> str:
        return match.group(1) + in_unit(float(match.group(2).replace(",", "")), unit)

    return re.sub(r"(break-even would be )(-?[\d,]*\.?\d+(?:e[+-]?\d+)?)", said, note)


def break_even_shown(even: pd.DataFrame, price_note: str) -> pd.DataFrame:
    """The break-even table as read: assumed and break-even values in each input's unit (money
    in `price_note`), the note's numbers in words."""
    units = even["input"].map(input_unit)
    return pd.DataFrame({
        f"Input (money in {price_note})": even["input"],
        "Assumed value": [in_unit(v, u) for v, u in zip(even["base_value"], units, strict=True)],
        "Break-even value": [in_unit(v, u) for v, u in zip(
            even["break_even_value"], units, strict=True)],
        "Saving when the input is": even["saving_when"],
        "Plausible?": even["plausible"].map(YES_NO),
        "Note": [note_in_words(n, u) for n, u in zip(even["note"], units, strict=True)],
    }).reset_index(drop=True)


def _curve_title(assumed: float, cohort_even: float | None) -> str:
    if cohort_even is None:
        return "Even with every carer at risk, breaks for the whole cohort would not pay back"
    if assumed < cohort_even:
        return (f"If breaks went to the whole cohort, the assumed {assumed:.0%} at risk would be "
                f"below the break-even {cohort_even:.1%}")
    margin = "barely above" if assumed - cohort_even < 0.05 else "above"
    return (f"If breaks went to the whole cohort, the assumed {assumed:.0%} at risk would be "
            f"{margin} the break-even {cohort_even:.1%}")


def break_even_curve(params: BreaksParams, inputs: HealthBreakdownInputs) -> Part:
    """Net saving against the share at risk, with the assumed share and the break-even marked."""
    curve = models.break_even_curve(inputs, points=CURVE_POINTS).assign(
        price_year=published_prices(params))
    cohort_even = models.cohort_break_even_share(models.health_breakdown_proxy(inputs))
    assumed = inputs.share_at_risk
    source = params.health_breakdown.rehab_episode_cost.source
    numbers = curve.rename(columns={"net_saving": "net_saving (signed)"})
    formats = {"share_at_risk": "{:.0%}", "net_saving (signed)": "£{:,.0f}"}
    shown, shown_formats = labels.wide_by_year(
        numbers, "scenario",
        {"net_saving (signed)": f"net saving (£, {published_prices(params)})"}, formats,
        year="share_at_risk")
    return part(Chart(
        charts.break_even(
            curve, "share_at_risk", "net_saving", color="scenario",
            title=_curve_title(assumed, cohort_even), source=source,
            x_title="Share of the cohort at risk of breakdown", y_title="Net saving (£ a year)",
            assumed=assumed, break_even_at=cohort_even if cohort_even is not None else 1.0),
        numbers, source, formats, "break_even_curve", shown=shown, shown_formats=shown_formats))


def monte_carlo(params: BreaksParams, inputs: HealthBreakdownInputs) -> Part:
    """Histogram of simulated net savings with the interval and break-even marked, and the
    result in words beside the published figure."""
    settings = params.monte_carlo_settings()
    if not settings.ranges:
        return part()
    mc = uncertainty.simulate_health_breakdown(inputs, settings)
    row = mc.summary.set_index("measure").loc["net_saving"]
    summary, prices_note = _monte_carlo_table(mc, row), published_prices(params)
    chart = Chart(
        charts.histogram(
            mc.draws["net_saving"], source="carerlib Monte Carlo simulation",
            title=(f"In {mc.probability_net_saving_positive:.1%} of "
                   f"{len(mc.draws):,} simulations breaks save more than they cost"),
            x_title="Net saving (£ a year)",
            markers={f"{mc.interval:.0%} interval low": row["low"],
                     f"{mc.interval:.0%} interval high": row["high"], "break-even": 0.0}),
        summary.assign(price_year=prices_note),
        f"carerlib Monte Carlo, {len(mc.draws):,} draws, seed {mc.seed}",
        {c: "{:,.2f}" for c in ("deterministic", "mean", "median", "low", "high")} | {
            "chance_of_saving": "{:.1%}", "share_below_published": "{:.0%}"},
        "monte_carlo", shown=monte_carlo_shown(summary, prices_note))
    return part(chart, monte_carlo_statement(params, mc, row))


def _monte_carlo_table(mc, row: pd.Series) -> pd.DataFrame:
    """The simulation summary with, on the net-saving row, the chance of saving and the share
    of simulations below the published figure (both said in words beside the chart)."""
    below = float((mc.draws["net_saving"] < row["deterministic"]).mean())
    net = mc.summary["measure"] == "net_saving"
    out = mc.summary.copy()
    out["chance_of_saving"] = np.where(net, mc.probability_net_saving_positive, np.nan)
    out["share_below_published"] = np.where(net, below, np.nan)
    return out


#: The Monte Carlo measures in words, with their units.
MEASURES = {"net_saving": ("Net saving", "£"), "gross_saving": ("Costs avoided", "£"),
            "cost": ("Cost of the breaks", "£"), "return_per_pound": ("Return per £1", "ratio")}
SUMMARY_COLUMNS = {"deterministic": "Central estimate", "mean": "Mean", "median": "Median",
                   "low": "Low", "high": "High"}


def monte_carlo_shown(table: pd.DataFrame, price_note: str) -> pd.DataFrame:
    """The simulation summary as read: measures in words, each row in its unit (money in
    `price_note`, the return per £1 to 2 decimal places), chances as percentages."""
    named = table["measure"].map(
        lambda m: MEASURES.get(m, (str(m).replace("_", " ").capitalize(), "ratio")))
    shown = pd.DataFrame({f"Measure (money in {price_note})": [
        words + (" (£)" if unit == "£" else "") for words, unit in named]})
    for column, words in SUMMARY_COLUMNS.items():
        shown[words] = [in_unit(v, unit) for v, (_, unit) in zip(table[column], named,
                                                                   strict=True)]
    shown["Chance of a saving"] = table["chance_of_saving"].map(
        lambda v: labels.format_value(v, "{:.1%}"))
    shown["Simulations below the published figure"] = table["share_below_published"].map(
        lambda v: labels.format_value(v, "{:.0%}"))
    return shown.reset_index(drop=True)


def monte_carlo_statement(params: BreaksParams, mc, row: pd.Series) -> Statement:
    """Median, interval and chance of saving, set against the single published figure."""
    below = float((mc.draws["net_saving"] < row["deterministic"]).mean())
    position = ("optimistic" if below >= 0.6 else "cautious" if below <= 0.4 else "middle")
    return Statement(
        f"{WORKED_EXAMPLE}, {published_prices(params)}: across {len(mc.draws):,} simulations "
        f"the median net saving is {narrative.money(row['median'])}, with a {mc.interval:.0%} "
        f"interval of {narrative.money(row['low'])} to {narrative.money(row['high'])}; breaks "
        f"save more than they cost in {mc.probability_net_saving_positive:.1%} of them. The "
        f"published {narrative.money(row['deterministic'])} is higher than {below:.0%} of the "
        "simulated savings.",
        f"The published figure sits at the {position} end of the plausible range: plan on the "
        "median and test the assumptions behind the interval (share at risk, share of "
        "breakdowns prevented) before committing money.",
        f"carerlib Monte Carlo, {len(mc.draws):,} draws, seed {mc.seed}; assumed ranges for each "
        "uncertain input")


def sroi_summary(params: BreaksParams) -> Part:
    """Social return on investment (modelled), every proxy restated in the model's price year
    (published proxies from other years are not added as they stand)."""
    model, proxies = params.sroi, pd.DataFrame()
    if model.price_year and params.price_index.values:
        model, proxies = sroi.in_one_price_year(model, params.price_index)
    summary = sroi.sroi_summary(sroi.sroi(model))
    summary["value"] = [_by_unit(v, _sroi_unit(m)) for v, m in zip(
        summary["value"], summary["measure"], strict=True)]
    year = model.price_year or "published"
    summary["price_year"] = year
    table = Table(
        f"Social return on investment (modelled; {year} prices"
        + ("; proxies from other years restated with the " + params.price_index.name
           if not proxies.empty else "") + ")",
        summary, "Cabinet Office SROI guide (2012) method; modelled outcomes",
        name="sroi_summary")
    shown = [table]
    if not proxies.empty:
        shown.append(Table(
            f"SROI financial proxies restated in {year} prices", proxies,
            f"{params.price_index.name}; {params.price_index.financial_years or ''}".rstrip("; "),
            {"proxy": "£{:,.0f}", "factor": "{:.3f}", "proxy_restated": "£{:,.0f}"},
            "sroi_proxies"))
    return part(*shown, *([Text(params.sroi.note, "note")] if params.sroi.note else []))


def cost_avoidance(params: BreaksParams) -> Part:
    """Cost avoidance by the Kingston method, each row in its published price year."""
    ca = models.cost_avoidance(params.cost_avoidance.rows)
    years = {r.service: r.price_year for r in params.cost_avoidance.rows}
    ca["price_year"] = ca["service"].map(years).fillna("as published")
    return part(Table(
        "Cost avoidance (Kingston method; each row in its published price year)",
        ca.drop(columns=["row_type"]), params.cost_avoidance.source, {c: "£{:,.0f}" for c in (
            "alternative_cost_per_family", "respite_cost_per_family", "avoided_per_family",
            "cost_avoided")} | {"families": "{:,.0f}"}, "cost_avoidance"))
