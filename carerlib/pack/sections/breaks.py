"""Breaks for carers: commitments, the health-breakdown proxy with its working, unit costs,
sensitivity, break-even, Monte Carlo, SROI, cost avoidance and reference returns.

Everything is computed by carerlib.measures (breaks, sroi, uncertainty) from validated parameters;
this module only lays the results out, presented as modelled scenarios. One builder per figure.
"""

from __future__ import annotations

import pandas as pd

from carerlib.measures import breaks as models
from carerlib.measures import prices, sroi, uncertainty
from carerlib.measures.breaks import BreaksParams, HealthBreakdownInputs
from carerlib.pack import charts, narrative
from carerlib.pack.report import Chart, Statement, Table, Text
from carerlib.pack.sections.base import Part, SectionResult, assemble, part
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
SENSITIVITY_SOURCE = "carerlib one-way sensitivity; ranges in params"


def breaks(ctx: PackContext) -> SectionResult:
    """The breaks section for an area's params."""
    return breaks_result(ctx.params.breaks)


def breaks_result(params: BreaksParams) -> SectionResult:
    """The breaks section from the breaks params alone (it needs no area data)."""
    inputs = params.health_breakdown_inputs()
    return assemble(
        KEY, TITLE, part(*([Text(params.note, "note")] if params.note else [])),
        commitments(params), health_breakdown(params, inputs), unit_costs(params),
        sensitivity(params, inputs), break_even(inputs), break_even_curve(params, inputs),
        monte_carlo(params, inputs), sroi_summary(params), cost_avoidance(params),
        reference_returns())


def reference_returns() -> Part:
    """Returns reported elsewhere, for comparison, and the caveats of every breaks figure."""
    return part(Table("Returns reported elsewhere (for comparison, not for this area)",
                      models.reference_returns(), "see the source column",
                      {"investment": "{:,.0f}", "value": "{:,.2f}", "ratio": "{:,.2f}"},
                      "reference_returns"), Text(CAVEATS, "note"))


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


def commitments(params: BreaksParams) -> Part:
    """Funding commitments with the indicative number of breaks they buy."""
    rate, spec = params.break_rate, params.commitments
    table = Table(
        f"{spec.title} ({spec.price_year} prices): indicative number of breaks at "
        f"£{rate.hourly_rate.value:,.2f} × {rate.hours_per_break.value:g} hours "
        f"= £{rate.hourly_rate.value * rate.hours_per_break.value:,.0f} a break",
        params.commitments_table().drop(columns=["row_type"]), spec.source,
        {"breaks": "£{:,.0f}", "other": "£{:,.0f}", "total": "£{:,.0f}",
         "indicative_breaks": "{:,.0f}"}, "commitments")
    return part(table, *([Text(spec.note, "note")] if spec.note else []))


def health_breakdown(params: BreaksParams, inputs: HealthBreakdownInputs) -> Part:
    """The health-breakdown proxy worked line by line, and its summary statement."""
    result = models.health_breakdown_proxy(inputs)
    working = models.health_breakdown_working(result)
    source = params.health_breakdown.rehab_episode_cost.source
    shown = working.assign(value=[_by_unit(v, u) for v, u in zip(
        working["value"], working["unit"], strict=True)]).drop(columns="unit")
    who = "at-risk carers" if inputs.breaks_for == "at_risk" else "carers (the whole cohort)"
    prices_note = (f" ({params.price_year} prices)" if params.price_year else
                   " (published prices)")
    statement = Statement(
        f"Modelled scenario{prices_note}: breaks for {result.carers_given_breaks:,.0f} {who} cost "
        f"{narrative.money(result.cost)} and avoid an estimated "
        f"{narrative.money(result.gross_saving)} of health and care costs: "
        f"£{result.return_per_pound:.2f} back for every £1, a net saving of "
        f"{narrative.money(result.net_saving)}.",
        "A case for funding breaks as prevention, provided breaks reach carers genuinely at risk: "
        f"the saving holds only while at least {result.break_even_share_at_risk:.1%} of the "
        "carers given a break would otherwise have broken down.", source)
    return part(Table("Health-breakdown proxy (Baker Tilly method), worked line by line", shown,
                      source, name="health_breakdown_working"),
                Text(models.STRATEGY_TYPO_NOTE, "note"), headline=(statement,))


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
        "Unit costs as published, each in its own price year (set breaks.price_year in "
        "params to restate them in one year)", table, "params/defaults.yaml",
        {"value": "£{:,.0f}"}, "unit_costs"))


def sensitivity(params: BreaksParams, inputs: HealthBreakdownInputs) -> Part:
    """One-way sensitivity (tornado) using the Monte Carlo ranges as low and high values."""
    ranges = params.monte_carlo_settings().ranges  # in the same prices as the inputs
    if not ranges:
        return part()
    tornado = _labelled(uncertainty.health_breakdown_sensitivity(inputs, ranges))
    return part(Chart(
        charts.tornado(tornado, title=f"Net saving is most sensitive to "
                                      f"{tornado['input'].iloc[0].lower()}",
                       source=SENSITIVITY_SOURCE,
                       x_title="Net saving (£) with one input at its low or high value"),
        tornado[["input", "low", "high", "output_at_low", "output_at_high", "swing"]],
        SENSITIVITY_SOURCE,
        {c: "{:,.2f}" for c in ("low", "high")} | {
            c: "£{:,.0f}" for c in ("output_at_low", "output_at_high", "swing")},
        "sensitivity"))


def break_even(inputs: HealthBreakdownInputs) -> Part:
    """The break-even value of each input, others held at their assumed values."""
    even = _labelled(uncertainty.health_breakdown_break_even(inputs))
    return part(Table(
        "Break-even value of each input (others held at their assumed values)",
        even.assign(plausible=even["plausible"].map({True: "yes", False: "no"})),
        "carerlib break-even analysis", {"base_value": "{:,.4g}",
                                         "break_even_value": "{:,.4g}"}, "break_even"))


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
    curve = models.break_even_curve(inputs)
    cohort_even = models.cohort_break_even_share(models.health_breakdown_proxy(inputs))
    assumed = inputs.share_at_risk
    source = params.health_breakdown.rehab_episode_cost.source
    return part(Chart(
        charts.break_even(
            curve, "share_at_risk", "net_saving", color="scenario",
            title=_curve_title(assumed, cohort_even), source=source,
            x_title="Share of the cohort at risk of breakdown", y_title="Net saving (£ a year)",
            assumed=assumed, break_even_at=cohort_even if cohort_even is not None else 1.0),
        curve.iloc[::10], source, {"share_at_risk": "{:.0%}", "net_saving": "£{:,.0f}"},
        "break_even_curve"))


def monte_carlo(params: BreaksParams, inputs: HealthBreakdownInputs) -> Part:
    """Histogram of simulated net savings with the interval and break-even marked."""
    settings = params.monte_carlo_settings()
    if not settings.ranges:
        return part()
    mc = uncertainty.simulate_health_breakdown(inputs, settings)
    row = mc.summary.set_index("measure").loc["net_saving"]
    return part(Chart(
        charts.histogram(
            mc.draws["net_saving"], source="carerlib Monte Carlo; ranges in params",
            title=(f"In {mc.probability_net_saving_positive:.1%} of "
                   f"{len(mc.draws):,} simulations breaks save more than they cost"),
            x_title="Net saving (£ a year)",
            markers={f"{mc.interval:.0%} interval low": row["low"],
                     f"{mc.interval:.0%} interval high": row["high"], "break-even": 0.0}),
        mc.summary, f"carerlib Monte Carlo, {len(mc.draws):,} draws, seed {mc.seed}",
        {c: "{:,.2f}" for c in ("deterministic", "mean", "median", "low", "high")},
        "monte_carlo"))


def sroi_summary(params: BreaksParams) -> Part:
    """Social return on investment (modelled), in its published price year."""
    summary = sroi.sroi_summary(sroi.sroi(params.sroi))
    summary["value"] = [_by_unit(v, _sroi_unit(m)) for v, m in zip(
        summary["value"], summary["measure"], strict=True)]
    table = Table(
        f"Social return on investment (modelled; {params.sroi.price_year or 'published'} prices)",
        summary, "Cabinet Office SROI guide (2012) method; outcomes in params",
        name="sroi_summary")
    return part(table, *([Text(params.sroi.note, "note")] if params.sroi.note else []))


def cost_avoidance(params: BreaksParams) -> Part:
    """Cost avoidance by the Kingston method, each row in its published price year."""
    ca = models.cost_avoidance(params.cost_avoidance.rows)
    return part(Table(
        "Cost avoidance (Kingston method; each row in its published price year)",
        ca.drop(columns=["row_type"]), params.cost_avoidance.source, {c: "£{:,.0f}" for c in (
            "alternative_cost_per_family", "respite_cost_per_family", "avoided_per_family",
            "cost_avoided")} | {"families": "{:,.0f}"}, "cost_avoidance"))
