"""Economic value of unpaid care: replacement cost of the hours carers give, by census year."""

from __future__ import annotations

import pandas as pd

from carerlib.measures import needs
from carerlib.pack import narrative
from carerlib.pack.report import Statement, Table
from carerlib.pack.sections.base import SectionResult, assemble, missing, part
from carerlib.pack.sections.context import PackContext, shared_table

KEY, TITLE = "value", "Economic value of unpaid care"
NEEDS_OFFICIAL = ("The economic value of unpaid care is worked out from the official Census "
                  "tables of carers by hours band, so it is not shown for a pack built from the "
                  "embedded sample.")


def value(ctx: PackContext) -> SectionResult:
    """The 'Economic value of unpaid care' section."""
    if ctx.mode == "sample":
        return assemble(KEY, TITLE, missing(NEEDS_OFFICIAL))
    values = value_by_year(ctx)
    statement = value_statement(ctx, values)
    return assemble(KEY, TITLE, part(statement, value_table(ctx, values), headline=(statement,)))


def value_by_year(ctx: PackContext) -> pd.DataFrame:
    """Replacement value of the area's unpaid care on each census year's counts, oldest first,
    in the hourly cost's own price year and restated in the GDP deflator's latest year."""
    voc, data = ctx.params.value_of_care, ctx.data
    frames = [ctx.census.my_broad]
    if data.has_2011():
        conf = ctx.params.confidence_level
        broad_2011 = shared_table(data, "census_broad_2011", lambda: needs.carers_by_band(
            data.care_2011, "broad", conf), ("care_2011",), confidence=conf)
        frames.insert(0, broad_2011[broad_2011["area_code"] == ctx.code])
    hours = voc.hours_per_band.as_dict()
    values = pd.concat([needs.economic_value(f, hours, voc.cost_per_hour.value)
                        for f in frames if not f.empty]).sort_values("year")
    index = ctx.params.breaks.price_index
    target = index.latest_calendar_year()
    published = str(voc.cost_per_hour.price_year)
    if target is None or not index.covers(published) or target == published:
        return values.assign(price_year=published)
    return needs.restate_value(values, published, target, index.factor(published, target))


def _restated(values: pd.DataFrame) -> bool:
    return "restated_price_year" in values.columns


def value_statement(ctx: PackContext, values: pd.DataFrame) -> Statement:
    """The latest year's value (in the newest price year available), with the published-year
    figure and earlier census years after it."""
    voc = ctx.params.value_of_care
    latest = values.iloc[-1]
    own = f"{voc.cost_per_hour.price_year} prices"
    if _restated(values):
        now = f"{latest['restated_price_year']} prices"
        lead = (f"{narrative.money(latest['value_per_year_restated'])} a year in {now} "
                f"({narrative.money(latest['value_per_year'])} in {own}, at "
                f"£{voc.cost_per_hour.value:,.2f} an hour)")
    else:
        lead = (f"{narrative.money(latest['value_per_year'])} a year in {own} (at "
                f"£{voc.cost_per_hour.value:,.2f} an hour)")
    earlier = "".join(
        f" On {int(r['year'])} counts it was {narrative.money(r['value_per_year'])} a year "
        f"({narrative.money(r['value_per_week'])} a week) in {own}."
        for _, r in values.iloc[:-1].iterrows())
    restated = (f"; {ctx.params.breaks.price_index.name}" if _restated(values) else "")
    return Statement(
        f"Unpaid care in {ctx.name} would cost about {lead} to replace, on "
        f"{int(latest['year'])} census counts.{earlier}",
        "Carers' contribution dwarfs spending on carer support: modest investment that keeps "
        "carers caring protects a very large amount of care.",
        f"{voc.cost_per_hour.source}; hours per band: {voc.hours_per_band.source}{restated}")


def value_table(ctx: PackContext, values: pd.DataFrame) -> Table:
    voc = ctx.params.value_of_care
    hours = voc.hours_per_band.as_dict()
    columns = ["year", "hours_per_week", "price_year", "cost_per_hour", "value_per_week",
               "value_per_year"]
    formats = {"year": "{}", "hours_per_week": "{:,.0f}", "cost_per_hour": "£{:,.2f}",
               "value_per_week": "£{:,.0f}", "value_per_year": "£{:,.0f}"}
    source = (f"Census counts × assumed hours (≤19 h: {hours['up_to_19']:g}, 20–49 h: "
              f"{hours['20_to_49']:g}, 50+ h: {hours['50_plus']:g}) × £{voc.cost_per_hour.value:g} "
              f"an hour ({voc.cost_per_hour.price_year} prices)")
    if _restated(values):
        columns += ["restated_price_year", "factor", "cost_per_hour_restated",
                    "value_per_week_restated", "value_per_year_restated"]
        formats |= {"factor": "{:.3f}", "cost_per_hour_restated": "£{:,.2f}",
                    "value_per_week_restated": "£{:,.0f}", "value_per_year_restated": "£{:,.0f}"}
        index = ctx.params.breaks.price_index
        source += f"; restated with the {index.name}"
    return Table("Replacement value of unpaid care by census year", values[columns], source,
                 formats, "economic_value")
