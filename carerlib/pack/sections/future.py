"""Future demand: the potential support ratio, dependency ratios, growth of age groups, the older
population and projected carers, one builder per figure.

An area's projection, its older-population series and the horizon year come from
carerlib.measures.outlook, which the explorer uses too.
"""

from __future__ import annotations

import pandas as pd

from carerlib.data import bands
from carerlib.measures import dependency, outlook, projections
from carerlib.pack import charts
from carerlib.pack.report import Chart, Statement, Table, Text
from carerlib.pack.sections.base import Part, SectionResult, assemble, missing, part
from carerlib.pack.sections.context import PackContext

KEY, TITLE = "future", "Future demand"
NEEDS_OFFICIAL = ("Dependency ratios, projections and projected carers need the official Census "
                  "tables and population projections, which the embedded sample does not hold.")
METHOD_NOTE = (
    "Method: each area's observed 2021 carers are divided by the number expected from "
    "national caring rates by age; that local ratio is then applied to the carers "
    "expected from each projected population. The national rates give no hours split, "
    "so each hours band keeps its 2021 share. The POPPI-style line applies national "
    "rates with no local ratio, for comparison.")
#: Age groups whose growth a pack reports: (youngest, oldest or None for "and over").
GROWTH_GROUPS = ((18, 64), (65, None), (85, None), (0, None))


def future(ctx: PackContext) -> SectionResult:
    """The 'Future demand' section."""
    if ctx.mode == "sample":
        return assemble(KEY, TITLE, missing(NEEDS_OFFICIAL))
    table = dependency_over_time(ctx)
    return assemble(KEY, TITLE, support_ratio(ctx, table), dependency_ratios(ctx, table),
                    age_growth(ctx), older_population(ctx), projected_carers(ctx))


def projection_source(ctx: PackContext) -> str:
    return f"ONS Census 2011 and 2021 (single years of age); {ctx.params.projections.source}"


def _census_area(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame[frame["area_code"] == code]


def _age_sources(ctx: PackContext) -> dict[str, pd.DataFrame]:
    """The area's population by single year of age from each census and projection vintage."""
    census = {label: _census_area(frame, ctx.code)
              for label, frame in ctx.data.census_ages().items()}
    projected = {f"{vintage} projection": outlook.area_projection(ctx.data, ctx.code, vintage)
                 for vintage in ctx.data.projections()}
    return {label: frame for label, frame in (census | projected).items() if not frame.empty}


def dependency_over_time(ctx: PackContext) -> pd.DataFrame:
    """Dependency measures for one area from both censuses and every projection vintage."""
    dep = ctx.params.dependency
    tables = [dependency.dependency_table(
        frame, working_ages=tuple(dep.working_ages), older_from=dep.older_age,
        carer_ages=tuple(dep.care_gap_carer_ages), oldest_from=dep.care_gap_cared_for_age,
    ).assign(source=label) for label, frame in _age_sources(ctx).items()]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


# ---------------------------------------------------------------- support ratio

def support_ratio(ctx: PackContext, table: pd.DataFrame) -> Part:
    """Chart of the potential support ratio by source, its statement and index figures."""
    if table.empty:
        return missing(f"No population by single year of age is available for {ctx.name}, so "
                       "dependency ratios cannot be shown.")
    psr = table[(table["measure"] == "potential_support_ratio") & table["value"].notna()]
    census = psr[psr["source"] == "Census 2021"]
    figures = ({"potential_support_ratio_2021": float(census["value"].iloc[0])}
               if not census.empty else {})
    if psr.empty:
        return part(figures=figures)
    dep, source = ctx.params.dependency, projection_source(ctx)
    chart = Chart(
        charts.line(psr, "year", "value", color="source", source=source,
                    title=f"People aged {dep.working_ages[0]}–{dep.working_ages[1]} for "
                          f"every person aged {dep.older_age}+ in {ctx.name}",
                    x_title="Year", y_title="People of working age per older person"),
        psr[["source", "year", "value"]].rename(columns={"value": "potential support ratio"}),
        source, {"year": "{}", "potential support ratio": "{:.3f}"}, "potential_support_ratio")
    statement = support_ratio_statement(ctx, psr)
    return part(chart, headline=statement.headline, figures={**figures, **statement.figures})


def _ratio_vintage(ctx: PackContext, psr: pd.DataFrame) -> str | None:
    """The first projection vintage in params order that gives the area a support ratio."""
    sources = set(psr["source"])
    return next((f"{v} projection" for v in ctx.params.projections.vintages
                 if f"{v} projection" in sources), None)


def support_ratio_statement(ctx: PackContext, psr: pd.DataFrame) -> Part:
    """The support ratio from the projection's first year to its horizon year or, when no
    projection covers the area's working ages, between the two censuses."""
    vintage = _ratio_vintage(ctx, psr)
    if vintage:
        series = psr[psr["source"] == vintage].set_index("year")["value"]
        years = (int(series.index.min()),
                 outlook.horizon_year(series.index, ctx.params.projections.horizon_years))
    else:
        series = psr[psr["source"].str.startswith("Census")].set_index("year")["value"]
        years = (int(series.index.min()), int(series.index.max()))
    if years[0] == years[1]:
        return part()
    start, end = series.loc[years[0]], series.loc[years[1]]
    growth = end / start - 1
    dep, wording = ctx.params.dependency, ctx.params.statements.support_ratio
    trend = ("falling" if growth < -wording.threshold else
             "rising" if growth > wording.threshold else "steady")
    ages = (f"people aged {dep.working_ages[0]}–{dep.working_ages[1]} for every person "
            f"aged {dep.older_age}+")
    if not vintage:
        figure = (f"{ctx.name} had {end:.2f} {ages} in {years[1]}, against {start:.2f} in "
                  f"{years[0]} ({growth:+.1%}); {_why_no_future_ratio(ctx)}.")
        return part(headline=(Statement(figure, getattr(wording, trend),
                                        projection_source(ctx)),))
    figure = (f"{ctx.name} has {start:.2f} {ages} in {years[0]}; the {vintage} gives "
              f"{end:.2f} by {years[1]} ({growth:+.1%}).")
    return part(headline=(Statement(figure, getattr(wording, trend), projection_source(ctx)),),
                figures={"potential_support_ratio_start": float(start),
                         "potential_support_ratio_end": float(end),
                         "potential_support_ratio_years": f"{years[0]}–{years[1]}"})


def _why_no_future_ratio(ctx: PackContext) -> str:
    covering = [v for v in ctx.data.projections()
                if not outlook.area_projection(ctx.data, ctx.code, v).empty]
    if covering:
        return (f"the {' and '.join(covering)} projections for the area lack working ages, so "
                "they give no future ratio")
    return "no population projection supplied covers the area"


# ---------------------------------------------------------------- dependency ratios

def dependency_ratios(ctx: PackContext, table: pd.DataFrame) -> Part:
    """Table of every dependency measure, every fifth year and the horizon years, with notes on
    measures a source cannot give."""
    if table.empty:
        return part()
    shown = table[table["value"].notna()]
    first = shown.groupby("source")["year"].transform("min")
    keep = ((shown["year"] - first) % 5 == 0) | shown["year"].isin(
        ctx.params.projections.horizon_years)
    wide = shown[keep].pivot_table(
        index=["source", "year"], columns="label", values="value").reset_index()
    wide.columns.name = None
    notes = sorted(set(table.loc[table["value"].isna(), "note"].dropna()) - {""})
    return part(Table(
        f"Dependency ratios in {ctx.name} (every fifth year shown)", wide, projection_source(ctx),
        {"year": "{}"} | {c: "{:.2f}" for c in wide.columns if c not in ("source", "year")},
        "dependency_ratios"), *(Text(note, "note") for note in notes))


# ---------------------------------------------------------------- growth of age groups

def _growth_spans(ctx: PackContext) -> list[tuple[str, pd.DataFrame, int, list[int]]]:
    """(label, population, start year, end years) for the censuses and each projection."""
    census = ctx.data.census_ages()
    spans = []
    if len(census) == 2:
        spans.append(("Census 2011 to 2021", pd.concat(
            [_census_area(frame, ctx.code) for frame in census.values()]), 2011, [2021]))
    for vintage in ctx.data.projections():
        mine = outlook.area_projection(ctx.data, ctx.code, vintage)
        if not mine.empty:
            first = int(mine["year"].min())
            spans.append((f"{vintage} projection", mine, first,
                          [y for y in ctx.params.projections.horizon_years if y > first]))
    return [span for span in spans if not span[1].empty]


def age_group_growth_table(ctx: PackContext) -> pd.DataFrame:
    """Percentage growth of each age group between the censuses and from the first year of
    each projection to each horizon year."""
    rows = [dependency.age_group_growth(frame, low, high, start, end).assign(
                source=label, ages=dependency.age_group_label(low, high), start=start)
            for label, frame, start, ends in _growth_spans(ctx)
            for end in ends for low, high in GROWTH_GROUPS]
    if not rows:
        return pd.DataFrame()
    table = pd.concat(rows, ignore_index=True)
    table = table[table["value"].notna()]
    table["ages"] = table["ages"].replace({"0+": "all ages"})
    return table.rename(columns={"start": "from", "year": "to", "value": "change (%)"})[
        ["source", "ages", "from", "to", "change (%)"]]


def age_growth(ctx: PackContext) -> Part:
    """Table of the growth of age groups."""
    growth = age_group_growth_table(ctx)
    if growth.empty:
        return part()
    return part(Table(f"Growth of age groups in {ctx.name}", growth, projection_source(ctx),
                      {"from": "{}", "to": "{}", "change (%)": "{:+.1f}"}, "age_group_growth"))


# ---------------------------------------------------------------- older population

def older_population_table(ctx: PackContext) -> pd.DataFrame:
    """People aged 65+ and 85+ (params ages) by year in every vintage that covers the area."""
    dep = ctx.params.dependency
    frames = [outlook.older_population_series(
        ctx.data, ctx.code, vintage, (dep.older_age, dep.care_gap_cared_for_age),
    ).assign(vintage=vintage) for vintage in ctx.data.projections()]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame()
    older = pd.concat(frames, ignore_index=True)
    return older[older["population"].notna()]


def older_population(ctx: PackContext) -> Part:
    """Chart of the older population in each projection vintage."""
    older = older_population_table(ctx)
    if older.empty:
        return missing(
            f"No population projection covering {ctx.name} is available (the projections "
            "supplied cover other areas), so future demand is shown only from the censuses.")
    older = older.assign(series=older["group"] + " (" + older["vintage"] + ")")
    source = projection_source(ctx)
    return part(Chart(
        charts.line(older, "year", "population", color="series", source=source,
                    title=f"The older population of {ctx.name} keeps growing; projection "
                          "vintages disagree on how fast",
                    x_title="Year", y_title="People"),
        older[["vintage", "group", "year", "population"]], source,
        {"year": "{}", "population": "{:,.0f}"}, "older_population"))


# ---------------------------------------------------------------- projected carers

def _projections_run(ctx: PackContext) -> tuple[pd.DataFrame, list[str]]:
    """Projected carers (both methods) for every vintage covering the area, and notes."""
    data = ctx.data
    if not data.has("ts007_ltla", "care_rates_by_age_sex"):
        return pd.DataFrame(), ([
            "Projected carers need Census 2021 ages (TS007) and national caring rates by "
            "age, which are not in the data supplied."] if data.projections() else [])
    observed = ctx.census.my_broad[["area_code", "band", "carers"]]
    base_pop = _census_area(data.ages_2021, ctx.code)
    rows, notes = [], []
    for vintage in data.projections():
        mine = outlook.area_projection(data, ctx.code, vintage)
        if mine.empty:
            notes.append(f"The {vintage} projections do not cover {ctx.name}.")
            continue
        result = projections.project_carers(observed, base_pop, mine, data.care_rates,
                                            vintage=vintage)
        poppi = projections.project_carers_poppi(mine, data.care_rates, vintage=vintage)
        rows += [result.table, poppi.table]
        notes += result.notes
    return (pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()), notes


def _projected_chart(ctx: PackContext, projected: pd.DataFrame) -> Chart:
    totals = projected.groupby(["vintage", "method", "ages", "year"], as_index=False)[
        "projected"].sum()
    totals["series"] = (totals["vintage"] + ", " + totals["ages"] + ": "
                        + totals["method"].str.split("(").str[0].str.strip())
    return Chart(
        charts.line(totals, "year", "projected", color="series", source=(
            f"Census 2021 TS039 and national unpaid-care rates by age; "
            f"{projection_source(ctx)}"),
            title=f"Projected carers in {ctx.name} if caring rates by age stay as in 2021",
            x_title="Year", y_title="Carers (people)"),
        totals[["vintage", "method", "ages", "year", "projected"]],
        "Indirect standardisation of Census 2021 national rates by age",
        {"year": "{}", "projected": "{:,.0f}"}, "projected_carers")


def _projected_by_band(ctx: PackContext, projected: pd.DataFrame) -> tuple[Table, ...]:
    by_band = projected[projected["method"] != projections.METHOD_POPPI]
    horizon = [y for y in ctx.params.projections.horizon_years if y in set(by_band["year"])]
    if not horizon:
        return ()
    shown = by_band[by_band["year"].isin(horizon)].pivot_table(
        index=["vintage", "ages", "band"], columns="year", values="projected",
        aggfunc="sum").reset_index()
    shown["band"] = shown["band"].map(bands.band_label)
    shown.columns = [str(c) for c in shown.columns]
    return (Table(f"Projected carers in {ctx.name} by hours of care", shown,
                  "carerlib indirect standardisation", {str(y): "{:,.0f}" for y in horizon},
                  "projected_carers_by_band"),)


def projected_carers(ctx: PackContext) -> Part:
    """Chart and table of projected carers if caring rates by age stay as in 2021."""
    projected, notes = _projections_run(ctx)
    shown = () if projected.empty else (
        _projected_chart(ctx, projected), *_projected_by_band(ctx, projected),
        Text(METHOD_NOTE, "note"))
    return part(*shown, *(Text(note, "note") for note in dict.fromkeys(notes)))
