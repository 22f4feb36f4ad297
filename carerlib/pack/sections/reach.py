"""Reach of support: carers known to services against the census count of carers."""

from __future__ import annotations

from carerlib.measures import health
from carerlib.pack import narrative
from carerlib.pack.report import Statement, Table
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


#: What each kind of local count measures, for the reach table.
KIND_LABELS = {
    "known_to_council": "carers known to the council",
    "carers_allowance": "Carer's Allowance claimants (a benefit, not contact with services)",
}


def known_carers(ctx: PackContext) -> Part:
    """Statement and table of carers known to the council as a share of census carers, with
    Carer's Allowance reported as its own measure (claimants are not carers known to services)."""
    known = ctx.params.area.known_carers if ctx.params.area else []
    if not known:
        return missing(
            f"No count of carers known to services in {ctx.name} has been supplied, so reach "
            "cannot be shown.")
    census_carers, label = census_count(ctx)
    if census_carers is None:
        return missing("Reach needs the census count of carers, which is missing.")
    rows = health.reach(known, census_carers).rename(columns={
        "count": "people", "share": "share of census carers"}).drop(columns=["census_carers"])
    rows.insert(1, "what it counts", [KIND_LABELS[k.kind] for k in known])
    statements = [s for s in (_council_statement(ctx, rows, known, census_carers, label),
                              _allowance_statement(ctx, rows, known, census_carers, label)) if s]
    table = Table(f"Carers known to the council, and Carer's Allowance claimants, against the "
                  f"{label} count ({census_carers:,})", rows,
                  f"local service counts (source column); {label}",
                  {"share of census carers": "{:.1%}"}, "reach")
    return part(*statements, table, headline=tuple(statements[:1]))


def _council_statement(ctx: PackContext, rows, known, census_carers: int, label: str):
    mine = rows[[k.kind == "known_to_council" for k in known]]
    if mine.empty:
        return None
    best = mine.loc[mine["share of census carers"].idxmax()]
    return narrative.threshold_statement(
        f"The council knew {narrative.number(best['people'])} carers "
        f"({best['measure'].lower()}, {best['period']}): "
        f"{narrative.percent(best['share of census carers'])} of the "
        f"{narrative.number(census_carers)} carers counted by the {label}.",
        best["share of census carers"], ctx.params.statements.reach,
        f"{best['source']}; {label}")


def _allowance_statement(ctx: PackContext, rows, known, census_carers: int, label: str):
    mine = rows[[k.kind == "carers_allowance" for k in known]]
    if mine.empty:
        return None
    row = mine.iloc[0]
    return Statement(
        f"{narrative.number(row['people'])} adults in {ctx.name} received Carer's Allowance "
        f"({row['period']}), {narrative.percent(row['share of census carers'])} of the "
        f"{narrative.number(census_carers)} carers counted by the {label}.",
        "Carer's Allowance goes to people caring 35 hours a week or more on low earnings: it "
        "counts a benefit, not contact with services, so it is no measure of reach; it marks "
        "heavy-end carers under financial strain whom support should find.",
        f"{row['source']}; {label}")
