"""Reach of support: carers known to services against the census count of carers."""

from __future__ import annotations

from carerlib.measures import health
from carerlib.pack import narrative
from carerlib.pack.report import Table
from carerlib.pack.sections.base import Part, SectionResult, assemble, missing, part
from carerlib.pack.sections.context import PackContext

KEY, TITLE = "reach", "Reach of support"


def reach(ctx: PackContext) -> SectionResult:
    """The 'Reach of support' section."""
    return assemble(KEY, TITLE, known_carers(ctx))


def census_count(ctx: PackContext) -> tuple[int | None, str]:
    """The census count reach is measured against, and its label. Local service counts are of
    the 2010s, so the 2011 census is used when it is available."""
    if ctx.mode == "sample":
        c2011 = ctx.sample.census_year(2011)
        return (c2011.carers if c2011 else None), "Census 2011"
    carers_2011 = ctx.census.carers_2011
    if carers_2011 is not None:
        return carers_2011, "Census 2011"
    return int(ctx.census.mine["carers"]), "Census 2021"


def known_carers(ctx: PackContext) -> Part:
    """Statement and table of carers known to services as a share of census carers."""
    known = ctx.params.area.known_carers if ctx.params.area else []
    if not known:
        return missing(
            f"No figures for carers known to services in {ctx.name} are in its params file "
            "(params/areas/CODE.yaml, area.known_carers), so reach cannot be shown.")
    census_carers, label = census_count(ctx)
    if census_carers is None:
        return missing("Reach needs the census count of carers, which is missing.")
    rows = health.reach(known, census_carers).rename(columns={
        "count": "known carers", "share": "share of census carers"}).drop(
        columns=["census_carers"])
    best = rows.loc[rows["share of census carers"].idxmax()]
    statement = narrative.threshold_statement(
        f"Services know at most {narrative.number(best['known carers'])} carers "
        f"({best['measure'].lower()}, {best['period']}): "
        f"{narrative.percent(best['share of census carers'])} of the "
        f"{narrative.number(census_carers)} carers counted by the {label}.",
        best["share of census carers"], ctx.params.statements.reach,
        f"{best['source']}; {label}")
    table = Table(f"Carers known to services against the {label} count ({census_carers:,})",
                  rows, f"area params; {label}", {"share of census carers": "{:.1%}"}, "reach")
    return part(statement, table, headline=(statement,))
