"""The breaks section of a pack: commitments, the health-breakdown proxy with its working,
sensitivity, break-even, Monte Carlo, SROI, cost avoidance and reference returns.

Everything is computed by carerlib.measures (breaks, sroi, uncertainty) from validated
parameters; this module only lays the results out as report blocks, presented as modelled scenarios.
"""

from __future__ import annotations

import pandas as pd

from carerlib.measures import breaks, prices, sroi, uncertainty
from carerlib.measures.breaks import BreaksParams
from carerlib.pack import charts, narrative
from carerlib.pack.report import Chart, Section, Statement, Table, Text

LABELS = {
    "cohort": "Carers in the cohort",
    "share_at_risk": "Share of carers at risk of breakdown",
    "share_prevented": "Share of breakdowns a break prevents",
    "rehab_episode_cost": "Rehabilitation episode cost (£)",
    "rehab_weeks": "Weeks of residential care needed",
    "residential_cost_per_week": "Residential care cost a week (£)",
    "break_cost_per_carer": "Cost of a year's breaks per carer (£)",
}


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


def breaks_section(params: BreaksParams) -> tuple[Section, list[Statement]]:
    section = Section("breaks", "Breaks for carers: costs, returns and uncertainty")
    statements: list[Statement] = []
    hb = params.health_breakdown
    if params.note:
        section.blocks.append(Text(params.note, "note"))

    rate = params.break_rate
    table = params.commitments_table()
    section.blocks.append(Table(
        f"{params.commitments.title} ({params.commitments.price_year} prices): indicative "
        "number of breaks at "
        f"£{rate.hourly_rate.value:,.2f} × {rate.hours_per_break.value:g} hours "
        f"= £{rate.hourly_rate.value * rate.hours_per_break.value:,.0f} a break",
        table.drop(columns=["row_type"]), params.commitments.source,
        {"breaks": "£{:,.0f}", "other": "£{:,.0f}", "total": "£{:,.0f}",
         "indicative_breaks": "{:,.0f}"}, "commitments"))
    if params.commitments.note:
        section.blocks.append(Text(params.commitments.note, "note"))

    # Health-breakdown proxy, line by line.
    inputs = params.health_breakdown_inputs()
    result = breaks.health_breakdown_proxy(inputs)
    working = breaks.health_breakdown_working(result)
    proxy_source = hb.rehab_episode_cost.source
    shown = working.assign(value=[_by_unit(v, u) for v, u in zip(
        working["value"], working["unit"], strict=True)]).drop(columns="unit")
    section.blocks.append(Table(
        "Health-breakdown proxy (Baker Tilly method), worked line by line", shown,
        proxy_source, name="health_breakdown_working"))
    section.blocks.append(Text(breaks.STRATEGY_TYPO_NOTE, "note"))
    who = "at-risk carers" if inputs.breaks_for == "at_risk" else "carers (the whole cohort)"
    prices_note = (f" ({params.price_year} prices)" if params.price_year else
                   " (published prices)")
    statements.append(Statement(
        f"Modelled scenario{prices_note}: breaks for {result.carers_given_breaks:,.0f} {who} cost "
        f"{narrative.money(result.cost)} and avoid an estimated "
        f"{narrative.money(result.gross_saving)} of health and care costs: "
        f"£{result.return_per_pound:.2f} back for every £1, a net saving of "
        f"{narrative.money(result.net_saving)}.",
        "A case for funding breaks as prevention, provided breaks reach carers genuinely at risk: "
        f"the saving holds only while at least {result.break_even_share_at_risk:.1%} of the "
        "carers given a break would otherwise have broken down.", proxy_source))

    # Unit costs with their price years (uplifted when params set a reporting price year).
    costs = hb.costs()
    if params.price_year:
        table = prices.uplift_costs(costs, params.price_year, params.price_index)
        table["item"] = table["item"].map(LABELS).fillna(table["item"])
        section.blocks.append(Table(
            f"Unit costs restated in {params.price_year} prices ({params.price_index.name})",
            table, params.price_index.source,
            {"value": "£{:,.0f}", "value_uplifted": "£{:,.0f}", "factor": "{:.3f}",
             "index_from": "{:.1f}", "index_to": "{:.1f}"}, "unit_costs"))
    else:
        table = pd.DataFrame([{"item": LABELS.get(k, k), "value": c.value,
                               "price_year": c.price_year, "source": c.source}
                              for k, c in costs.items()])
        section.blocks.append(Table(
            "Unit costs as published, each in its own price year (set breaks.price_year in "
            "params to restate them in one year)", table, "params/defaults.yaml",
            {"value": "£{:,.0f}"}, "unit_costs"))

    # One-way sensitivity (tornado) using the Monte Carlo ranges as low/high.
    settings = params.monte_carlo_settings()  # ranges in the same prices as the inputs
    ranges = settings.ranges
    if ranges:
        tornado = uncertainty.health_breakdown_sensitivity(inputs, ranges)
        tornado["input"] = tornado["input"].map(LABELS).fillna(tornado["input"])
        section.blocks.append(Chart(
            charts.tornado(tornado, title=f"Net saving is most sensitive to "
                                          f"{tornado['input'].iloc[0].lower()}",
                           source="carerlib one-way sensitivity; ranges in params",
                           x_title="Net saving (£) with one input at its low or high value"),
            tornado[["input", "low", "high", "output_at_low", "output_at_high", "swing"]],
            "carerlib one-way sensitivity; ranges in params",
            {c: "{:,.2f}" for c in ("low", "high")} | {
                c: "£{:,.0f}" for c in ("output_at_low", "output_at_high", "swing")},
            "sensitivity"))
    even = uncertainty.health_breakdown_break_even(inputs)
    even["input"] = even["input"].map(LABELS).fillna(even["input"])
    section.blocks.append(Table(
        "Break-even value of each input (others held at their assumed values)",
        even.assign(plausible=even["plausible"].map({True: "yes", False: "no"})),
        "carerlib break-even analysis", {"base_value": "{:,.4g}",
                                         "break_even_value": "{:,.4g}"}, "break_even"))
    curve = breaks.break_even_curve(inputs)
    cohort_even = breaks.cohort_break_even_share(result)
    assumed = inputs.share_at_risk
    if cohort_even is None:
        title = "Even with every carer at risk, breaks for the whole cohort would not pay back"
    elif assumed < cohort_even:
        title = (f"If breaks went to the whole cohort, the assumed {assumed:.0%} at risk would be "
                 f"below the break-even {cohort_even:.1%}")
    else:
        margin = "barely above" if assumed - cohort_even < 0.05 else "above"
        title = (f"If breaks went to the whole cohort, the assumed {assumed:.0%} at risk would be "
                 f"{margin} the break-even {cohort_even:.1%}")
    section.blocks.append(Chart(
        charts.break_even(
            curve, "share_at_risk", "net_saving", color="scenario", title=title,
            source=proxy_source, x_title="Share of the cohort at risk of breakdown",
            y_title="Net saving (£ a year)", assumed=assumed,
            break_even_at=cohort_even if cohort_even is not None else 1.0),
        curve.iloc[::10], proxy_source, {"share_at_risk": "{:.0%}", "net_saving": "£{:,.0f}"},
        "break_even_curve"))

    # Monte Carlo.
    if ranges:
        mc = uncertainty.simulate_health_breakdown(inputs, settings)
        row = mc.summary.set_index("measure").loc["net_saving"]
        section.blocks.append(Chart(
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
        statements.append(Statement(
            f"Allowing for uncertainty in every input, the net saving lies between "
            f"{narrative.money(row['low'])} and {narrative.money(row['high'])} in "
            f"{mc.interval:.0%} of simulations; the chance of a net saving is "
            f"{mc.probability_net_saving_positive:.0%}.",
            "Present returns on breaks as a range of modelled scenarios, never as a guaranteed "
            "saving, and revisit them as local evidence accumulates.",
            "carerlib Monte Carlo; ranges in params"))

    # SROI, cost avoidance and commitments stay in their published price years (labelled).
    result_sroi = sroi.sroi(params.sroi)
    summary = sroi.sroi_summary(result_sroi)
    summary["value"] = [_by_unit(v, _sroi_unit(m)) for v, m in zip(
        summary["value"], summary["measure"], strict=True)]
    section.blocks.append(Table(
        "Social return on investment (modelled; "
        f"{params.sroi.price_year or 'published'} prices)", summary,
        "Cabinet Office SROI guide (2012) method; outcomes in params", name="sroi_summary"))
    if params.sroi.note:
        section.blocks.append(Text(params.sroi.note, "note"))

    ca = breaks.cost_avoidance(params.cost_avoidance.rows)
    section.blocks.append(Table(
        "Cost avoidance (Kingston method; each row in its published price year)",
        ca.drop(columns=["row_type"]),
        params.cost_avoidance.source, {c: "£{:,.0f}" for c in (
            "alternative_cost_per_family", "respite_cost_per_family", "avoided_per_family",
            "cost_avoided")} | {"families": "{:,.0f}"}, "cost_avoidance"))
    section.blocks.append(Table(
        "Returns reported elsewhere (for comparison, not for this area)",
        breaks.reference_returns(), "see the source column",
        {"investment": "{:,.0f}", "value": "{:,.2f}", "ratio": "{:,.2f}"}, "reference_returns"))
    section.blocks.append(Text(
        "Caveats: the national carers' demonstrator sites found that precise measurement of "
        "savings was not possible. These figures combine published unit costs with assumptions "
        "about who is at risk and how often a break prevents a breakdown; social value is not "
        "cash a commissioner can release. Treat each figure as a scenario to test locally.",
        "note"))
    return section, statements
