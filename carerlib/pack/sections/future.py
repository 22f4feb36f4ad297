"""Future demand: the potential support ratio, dependency ratios, growth of age groups, the older
population and projected carers, one builder per figure.

An area's projection, its older-population series and the horizon year come from
carerlib.measures.outlook, which the explorer uses too.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from carerlib.data import bands, parsed
from carerlib.measures import dependency, outlook, projections
from carerlib.pack import charts, labels
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
#: The national frames (OfficialData properties) the section's tables are computed from.
NATIONAL_FRAMES = ("ages_2011", "ages_2021", "care_2021", "care_rates", "projection_2022",
                   "projection_2018", "projection_2016")
#: Age groups whose growth a pack reports: (youngest, oldest or None for "and over").
GROWTH_GROUPS = ((18, 64), (65, None), (85, None), (0, None))


def future(ctx: PackContext) -> SectionResult:
    """The 'Future demand' section."""
    if ctx.mode == "sample":
        return assemble(KEY, TITLE, missing(NEEDS_OFFICIAL))
    table = dependency_over_time(ctx)
    return assemble(KEY, TITLE, support_ratio(ctx, table), dependency_ratios(ctx, table),
                    age_growth(ctx), older_population(ctx), projected_carers(ctx),
                    coverage_note(ctx, table))


def prime_tables(ctx: PackContext) -> None:
    """Build (or load) every stored table of this section, in the reverse of the order a pack
    reaches them: see carerlib.pack.prime."""
    if ctx.mode == "official":
        for name, build in reversed(AREA_TABLES):
            _area_table(ctx, name, build)


def projection_source(ctx: PackContext) -> str:
    return f"ONS Census 2011 and 2021 (single years of age); {ctx.params.projections.source}"


def _census_area(frame: pd.DataFrame, code: str | None) -> pd.DataFrame:
    return frame if code is None else frame[frame["area_code"] == code]


def _national_key(ctx: PackContext) -> dict:
    """What a future-demand table for every area depends on besides the data version."""
    return {"dependency": ctx.params.dependency.model_dump(),
            "projections": ctx.params.projections.model_dump(),
            "growth_groups": GROWTH_GROUPS,
            "code": parsed.data_code_digest(ctx.data, "carerlib.measures", __name__)}


def _area_table(ctx: PackContext, name: str,
                build: Callable[[PackContext, str | None], pd.DataFrame]) -> pd.DataFrame:
    """`build(ctx, None)` makes a table for every area; it is made once per data version and
    params and this area's rows are read from it (`build(ctx, code)` makes them directly when
    the parsed store is off: the same rows)."""
    return parsed.area_rows(ctx.data, f"future_{name}", _national_key(ctx),
                            lambda: build(ctx, None), lambda: build(ctx, ctx.code), ctx.code,
                            NATIONAL_FRAMES)


def _age_sources(ctx: PackContext, code: str | None) -> dict[str, pd.DataFrame]:
    """Population by single year of age from each census and projection vintage, for one area
    (or every area when `code` is None)."""
    census = {label: _census_area(frame, code)
              for label, frame in ctx.data.census_ages().items()}
    projected = {f"{vintage} projection": outlook.area_projection(ctx.data, code, vintage)
                 for vintage in ctx.data.projection_vintages()}
    return {label: frame for label, frame in (census | projected).items() if not frame.empty}


def _dependency_rows(ctx: PackContext, code: str | None) -> pd.DataFrame:
    dep = ctx.params.dependency
    tables = [dependency.dependency_table(
        frame, working_ages=tuple(dep.working_ages), older_from=dep.older_age,
        carer_ages=tuple(dep.care_gap_carer_ages), oldest_from=dep.care_gap_cared_for_age,
    ).assign(source=label, vintage=label) for label, frame in _age_sources(ctx, code).items()]
    return (pd.concat(tables, ignore_index=True) if tables
            else pd.DataFrame(columns=[*dependency.MEASURE_COLUMNS, "percent_change", "source"]))


def _coverage_rows(ctx: PackContext, code: str | None) -> pd.DataFrame:
    frames = [outlook.area_projection(ctx.data, code, vintage)
              .groupby("area_code", as_index=False)["age"].min().assign(vintage=vintage)
              for vintage in ctx.data.projection_vintages()]
    return (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=["area_code", "age", "vintage"]))


def _youngest_projected_age(ctx: PackContext) -> dict[str, int]:
    """The youngest age each projection vintage covering the area holds, newest vintage first
    (no entry for a vintage that does not cover the area)."""
    table = _area_table(ctx, "coverage", _coverage_rows).set_index("vintage")["age"]
    return {v: int(table[v]) for v in ctx.data.projection_vintages() if v in table.index}


def dependency_over_time(ctx: PackContext) -> pd.DataFrame:
    """Dependency measures for one area from both censuses and every projection vintage."""
    return _area_table(ctx, "dependency", _dependency_rows)


# ---------------------------------------------------------------- support ratio

def _lead_vintage(ctx: PackContext, table: pd.DataFrame) -> str | None:
    """The newest all-age projection vintage (params order) giving the area a support ratio."""
    psr = table[(table["measure"] == "potential_support_ratio") & table["value"].notna()]
    sources = set(psr["source"])
    return next((f"{v} projection" for v in ctx.params.projections.vintages
                 if f"{v} projection" in sources), None)


def _support_ratio_rows(table: pd.DataFrame, lead: str | None) -> pd.DataFrame:
    """Support-ratio rows with a value, keeping only series of the lead series' age range (a
    5-year-band projection and a single-year census can differ: 15-64 against 16-64)."""
    psr = table[(table["measure"] == "potential_support_ratio") & table["value"].notna()]
    if psr.empty:
        return psr
    reference = psr[psr["source"] == lead] if lead else psr[psr["source"] == "Census 2021"]
    ages = (reference if not reference.empty else psr)["ages"].iloc[0]
    return psr[psr["ages"] == ages]


def support_ratio(ctx: PackContext, table: pd.DataFrame) -> Part:
    """Chart of the potential support ratio by source, its statement and index figures."""
    if table.empty:
        return missing(f"No population by age is available for {ctx.name}, so dependency "
                       "ratios cannot be shown.")
    lead = _lead_vintage(ctx, table)
    psr = _support_ratio_rows(table, lead)
    census = psr[psr["source"] == "Census 2021"]
    figures = ({"potential_support_ratio_2021": float(census["value"].iloc[0])}
               if not census.empty else {})
    if psr.empty:
        return part(figures=figures)
    source = projection_source(ctx)
    ages = psr["ages"].iloc[0]
    low_high, older = ages.split(" per ")
    numbers = _with_change(psr)[["source", "vintage", "ages", "year", "value", "change (%)"]]
    numbers = numbers.rename(columns={"value": "potential support ratio"})
    formats = {"year": "{}", "potential support ratio": "{:.3f}", "change (%)": "{:+.1f}"}
    shown, shown_formats = labels.wide_by_year(
        numbers, "source", {"potential support ratio": "ratio", "change (%)": "change (%)"},
        formats)
    chart = Chart(
        charts.line(psr, "year", "value", color="source", source=source,
                    title=f"People aged {low_high} for every person aged {older} in {ctx.name}",
                    x_title="Year", y_title="People of working age per older person"),
        numbers, source, formats, "potential_support_ratio",
        shown=shown, shown_formats=shown_formats)
    statement = support_ratio_statement(ctx, psr, lead)
    return part(chart, *statement.blocks, headline=statement.headline,
                figures={**figures, **statement.figures})


def _with_change(psr: pd.DataFrame) -> pd.DataFrame:
    """Each row's change (%) since its series' first year; census rows since the first census
    (the statement's two comparisons)."""
    group = psr["source"].where(~psr["source"].str.startswith("Census"), "Census")
    first = psr.sort_values("year").groupby(group)["value"].transform("first")
    return psr.assign(**{"change (%)": (psr["value"] / first.reindex(psr.index) - 1) * 100})


def support_ratio_statement(ctx: PackContext, psr: pd.DataFrame, vintage: str | None) -> Part:
    """The support ratio from the projection's first year to its horizon year or, when no
    projection covers the area's working ages, between the two censuses."""
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
    wording = ctx.params.statements.support_ratio
    trend = ("falling" if growth < -wording.threshold else
             "rising" if growth > wording.threshold else "steady")
    low_high, older = psr["ages"].iloc[0].split(" per ")
    ages = f"people aged {low_high} for every person aged {older}"
    if not vintage:
        figure = (f"{ctx.name} had {end:.2f} {ages} in {years[1]}, against {start:.2f} in "
                  f"{years[0]} ({growth:+.1%}); {_why_no_future_ratio(ctx)}.")
        return part(headline=(Statement(figure, getattr(wording, trend),
                                        projection_source(ctx)),))
    figure = (f"{ctx.name} has {start:.2f} {ages} in {years[0]}; the {vintage} gives "
              f"{end:.2f} by {years[1]} ({growth:+.1%}).")
    published = _published_comparison(ctx, psr, vintage)
    return part(*published, headline=(Statement(figure, getattr(wording, trend),
                                                projection_source(ctx)),),
                figures={"potential_support_ratio_start": float(start),
                         "potential_support_ratio_end": float(end),
                         "potential_support_ratio_years": f"{years[0]}–{years[1]}",
                         "potential_support_ratio_basis": f"{years[1]}, {vintage}"})


def _published_comparison(ctx: PackContext, psr: pd.DataFrame, vintage: str) -> tuple:
    """Figures a local document published for the same measure, beside ours, with why they
    differ (params: area.published)."""
    area = ctx.params.area
    published = [p for p in (area.published if area else [])
                 if p.measure == "potential_support_ratio"]
    if not published:
        return ()
    series = psr[psr["source"] == vintage].set_index("year")["value"]
    rows, notes = [], []
    for p in published:
        start = p.from_year if p.from_year is not None else int(series.index.min())
        if start in series.index and p.to_year in series.index:
            ours = series.loc[p.to_year] / series.loc[start] - 1
            rows.append({"figure": p.label, "published change (%)": 100 * p.change,
                         "by": p.to_year, f"{vintage} from": start,
                         f"{vintage} ratio then": series.loc[start],
                         f"{vintage} ratio at {p.to_year}": series.loc[p.to_year],
                         f"{vintage} change (%)": 100 * ours, "source": p.source})
            notes.append(p.why)
    if not rows:
        return ()
    frame = pd.DataFrame(rows)
    return (Table(f"Published support-ratio change beside the {vintage}", frame,
                  "area params (area.published); " + projection_source(ctx),
                  {"by": "{}", f"{vintage} from": "{}", "published change (%)": "{:+.1f}",
                   f"{vintage} change (%)": "{:+.1f}"} | {
                      c: "{:.3f}" for c in frame.columns if "ratio" in c},
                  "published_comparison"),
            *(Text(n, "note") for n in dict.fromkeys(notes)))


def _why_no_future_ratio(ctx: PackContext) -> str:
    covering = list(_youngest_projected_age(ctx))
    if covering:
        return (f"the {' and '.join(covering)} projection covers ages 60 and over only, so it "
                "gives the older population but no future support ratio")
    if ctx.code.startswith("W"):
        return "no Welsh population projection is loaded, so there is no future ratio"
    return "no population projection loaded covers the area"


# ---------------------------------------------------------------- dependency ratios

#: The regular step of the dependency table (years divisible by it are shown).
TABLE_STEP = 5


def _source_order(ctx: PackContext, sources) -> list[str]:
    """Censuses first, oldest first, then projections in params order (newest vintage first)."""
    census = sorted(s for s in sources if s.startswith("Census"))
    vintages = [f"{v} projection" for v in ctx.params.projections.vintages]
    projected = [s for s in vintages if s in set(sources)]
    return census + projected + sorted(set(sources) - set(census) - set(projected))


def dependency_ratios(ctx: PackContext, table: pd.DataFrame) -> Part:
    """Table of every dependency measure: census years, then each projection's first year,
    every fifth calendar year and the named horizon years, in order."""
    if table.empty:
        return part()
    shown = table[table["value"].notna()]
    if shown.empty:
        return part()
    horizons = list(ctx.params.projections.horizon_years)
    first = shown.groupby("source")["year"].transform("min")
    keep = ((shown["year"] % TABLE_STEP == 0) | shown["year"].isin(horizons)
            | (shown["year"] == first) | shown["source"].str.startswith("Census"))
    wide = shown[keep].pivot_table(
        index=["source", "year"], columns="label", values="value").reset_index()
    wide.columns.name = None
    order = {s: i for i, s in enumerate(_source_order(ctx, wide["source"].unique()))}
    wide = wide.sort_values(["source", "year"], key=lambda c: c.map(order) if c.name ==
                            "source" else c, ignore_index=True)
    named = " and ".join(str(y) for y in horizons)
    return part(Table(
        f"Dependency ratios in {ctx.name}: census years, then each projection's first year, "
        f"every {TABLE_STEP}th year and the horizon years {named}", wide, projection_source(ctx),
        {"year": "{}"} | {c: "{:.2f}" for c in wide.columns if c not in ("source", "year")},
        "dependency_ratios"))


def coverage_note(ctx: PackContext, table: pd.DataFrame) -> Part:
    """One sentence, at the end of the section, on what each partial series covers (never a
    list of what is "not available")."""
    youngest = _youngest_projected_age(ctx)
    if ctx.data.projection_vintages() and not youngest:
        if ctx.code.startswith("W"):
            return part(Text(f"No Welsh population projection is loaded, so the future of "
                             f"{ctx.name} is shown only through the two censuses.", "note"))
        return part(Text(f"No population projection loaded covers {ctx.name}, so its future is "
                         "shown only through the two censuses.", "note"))
    partial = [f"the {vintage} projection covers ages {age} and over only"
               for vintage, age in youngest.items() if age > 0]
    if not partial:
        return part()
    return part(Text(
        f"{'; '.join(partial).capitalize()}: it is shown for the older population and for carers "
        "of those ages only, each labelled with its ages, and gives no ratio that needs younger "
        "people.", "note"))


# ---------------------------------------------------------------- growth of age groups

def _growth_spans(ctx: PackContext, code: str | None
                  ) -> list[tuple[str, pd.DataFrame, int, list[int]]]:
    """(label, population, start year, end years) for the censuses and each projection."""
    census = ctx.data.census_ages()
    spans = []
    if len(census) == 2:
        spans.append(("Census 2011 to 2021", pd.concat(
            [_census_area(frame, code) for frame in census.values()]), 2011, [2021]))
    for vintage in ctx.data.projection_vintages():
        mine = outlook.area_projection(ctx.data, code, vintage)
        if not mine.empty:
            first = int(mine["year"].min())
            spans.append((f"{vintage} projection", mine, first,
                          [y for y in ctx.params.projections.horizon_years if y > first]))
    return [span for span in spans if not span[1].empty]


def _growth_rows(ctx: PackContext, code: str | None) -> pd.DataFrame:
    rows = [dependency.age_group_growth(frame, low, high, start, end, whole_bands=True).assign(
                source=label, start=start)
            for label, frame, start, ends in _growth_spans(ctx, code)
            for end in ends for low, high in GROWTH_GROUPS]
    return (pd.concat(rows, ignore_index=True) if rows
            else pd.DataFrame(columns=[*dependency.MEASURE_COLUMNS, "source", "start"]))


def age_group_growth_table(ctx: PackContext) -> pd.DataFrame:
    """Percentage growth of each age group between the censuses and from the first year of
    each projection to each horizon year. A projection in 5-year bands uses the nearest whole
    bands (18-64 becomes 20-64), named in the age-group column."""
    table = _area_table(ctx, "growth", _growth_rows)
    if table.empty:
        return pd.DataFrame()
    table = table[table["value"].notna()]
    table["ages"] = table["ages"].replace({"0+": "all ages"})
    table["vintage"] = table["source"]
    return table.rename(columns={"ages": "age group", "start": "from", "year": "to",
                                 "value": "change (%)"})[
        ["source", "vintage", "age group", "from", "to", "change (%)"]]


def age_growth(ctx: PackContext) -> Part:
    """Table of the growth of age groups."""
    growth = age_group_growth_table(ctx)
    if growth.empty:
        return part()
    shown, shown_formats = _growth_by_age(growth)
    return part(Table(f"Growth of age groups in {ctx.name}", growth, projection_source(ctx),
                      {"from": "{}", "to": "{}", "change (%)": "{:+.1f}"}, "age_group_growth",
                      shown=shown, shown_formats=shown_formats))


def _age_order(group: str) -> tuple[int, str]:
    """Age groups youngest first, "all ages" last."""
    start = group.split("–")[0].rstrip("+")
    return (int(start) if start.isdigit() else 1_000, group)


def _growth_by_age(growth: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The growth table as read: one row per source and span, one column per age group (the
    source names its vintage, so its copy in the vintage column is not repeated)."""
    spans = ["source", "from", "to"]
    wide = growth.set_index([*spans, "age group"])["change (%)"].unstack("age group")
    order = growth[spans].drop_duplicates().itertuples(index=False, name=None)
    wide = wide.reindex(pd.MultiIndex.from_tuples(list(order), names=spans))
    groups = sorted(wide.columns, key=_age_order)
    headers = {g: (f"Ages {g}" if g[:1].isdigit() else g.capitalize()) + ": change (%)"
               for g in groups}
    wide = wide[groups].rename(columns=headers).reset_index()
    wide.columns.name = None
    return wide, {"from": "{}", "to": "{}"} | {h: "{:+.1f}" for h in headers.values()}


# ---------------------------------------------------------------- older population

def _older_rows(ctx: PackContext, code: str | None) -> pd.DataFrame:
    dep = ctx.params.dependency
    frames = [outlook.older_population_series(
        ctx.data, code, vintage, (dep.older_age, dep.care_gap_cared_for_age),
    ).assign(vintage=vintage) for vintage in ctx.data.projection_vintages()]
    frames = [f for f in frames if not f.empty]
    return (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=[*dependency.GROUP_COLUMNS, "group", "vintage"]))


def older_population_table(ctx: PackContext) -> pd.DataFrame:
    """People aged 65+ and 85+ (params ages) by year in every vintage that covers the area."""
    older = _area_table(ctx, "older", _older_rows)
    return older[older["population"].notna()] if not older.empty else pd.DataFrame()


def older_population(ctx: PackContext) -> Part:
    """Chart of the older population in each projection vintage."""
    older = older_population_table(ctx)
    if older.empty:
        return part()  # coverage_note says, once, why
    older = older.assign(series=older["group"] + " (" + older["vintage"] + ")")
    source = projection_source(ctx)
    formats = {"year": "{}", "population": "{:,.0f}"}
    shown, shown_formats = labels.wide_by_year(
        older.assign(heading="Aged " + older["group"] + ", " + older["vintage"] + " projection"),
        "heading", {"population": ""}, formats)
    return part(Chart(
        charts.line(older, "year", "population", color="series", source=source,
                    title=f"The older population of {ctx.name} keeps growing; projection "
                          "vintages disagree on how fast",
                    x_title="Year", y_title="People"),
        older[["vintage", "group", "year", "population"]], source, formats, "older_population",
        shown=shown, shown_formats=shown_formats))


# ---------------------------------------------------------------- projected carers

def _projected_rows(ctx: PackContext, code: str | None) -> pd.DataFrame:
    data = ctx.data
    observed = ctx.census.broad_2021 if code is None else ctx.census.my_broad
    observed = observed[["area_code", "band", "carers"]]
    base_pop = _census_area(data.ages_2021, code)
    rows = []
    for vintage in data.projection_vintages():
        mine = outlook.area_projection(data, code, vintage)
        if mine.empty:
            continue  # coverage_note speaks for areas no projection covers
        result = projections.project_carers(observed, base_pop, mine, data.care_rates,
                                            vintage=vintage)
        poppi = projections.project_carers_poppi(mine, data.care_rates, vintage=vintage)
        rows += [result.table, poppi.table]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["area_code"])


#: The tables every area's rows are read from, in the order a pack reaches them.
AREA_TABLES = (("dependency", _dependency_rows), ("coverage", _coverage_rows),
               ("growth", _growth_rows), ("older", _older_rows), ("projected", _projected_rows))


def _projections_run(ctx: PackContext) -> tuple[pd.DataFrame, list[str]]:
    """Projected carers (both methods) for every vintage covering the area, and notes."""
    data = ctx.data
    if not data.has("ts007_ltla", "care_rates_by_age_sex"):
        return pd.DataFrame(), ([
            "Projected carers need Census 2021 ages (TS007) and national caring rates by "
            "age, which are not in the data supplied."] if data.projection_vintages() else [])
    projected = _area_table(ctx, "projected", _projected_rows)
    return (projected if not projected.empty else pd.DataFrame()), []


def _lead_ages(ctx: PackContext, projected: pd.DataFrame) -> str:
    """The age coverage of the newest all-age vintage (the youngest coverage in params order)."""
    order = [v for v in ctx.params.projections.vintages if v in set(projected["vintage"])]
    coverage = projected.groupby("vintage")["ages"].first()
    youngest = min(int(a.rstrip("+")) for a in coverage)
    return next(coverage[v] for v in order if int(coverage[v].rstrip("+")) == youngest)


def _ages_words(ages: str) -> str:
    return f"aged {ages.rstrip('+')} and over"


def _projected_chart(ctx: PackContext, projected: pd.DataFrame, ages: str) -> Chart:
    totals = projected.groupby(["vintage", "method", "ages", "year"], as_index=False)[
        "projected"].sum()
    totals["series"] = (totals["vintage"] + ": "
                        + totals["method"].str.split("(").str[0].str.strip())
    formats = {"year": "{}", "projected": "{:,.0f}"}
    shown, shown_formats = labels.wide_by_year(
        totals.assign(heading=totals["vintage"] + " projection, " + totals["method"]
                      + ", ages " + totals["ages"]), "heading", {"projected": ""}, formats)
    return Chart(
        charts.line(totals, "year", "projected", color="series", source=(
            f"Census 2021 TS039 and national unpaid-care rates by age; "
            f"{projection_source(ctx)}"),
            title=f"Projected carers {_ages_words(ages)} in {ctx.name} if caring rates by age "
                  "stay as in 2021",
            x_title="Year", y_title="Carers (people)"),
        totals[["series", "vintage", "method", "ages", "year", "projected"]],
        "Indirect standardisation of Census 2021 national rates by age", formats,
        "projected_carers", shown=shown, shown_formats=shown_formats)


def _projected_by_band(ctx: PackContext, projected: pd.DataFrame, ages: str,
                       name: str) -> tuple[Table, ...]:
    by_band = projected[projected["method"] != projections.METHOD_POPPI]
    horizon = [y for y in ctx.params.projections.horizon_years if y in set(by_band["year"])]
    if not horizon:
        return ()
    shown = (by_band[by_band["year"].isin(horizon)]
             .groupby(["vintage", "ages", "band", "year"])["projected"].sum()
             .unstack("year").reset_index())
    shown["band"] = shown["band"].map(bands.band_label)
    shown.columns = [str(c) for c in shown.columns]
    return (Table(f"Projected carers {_ages_words(ages)} in {ctx.name} by hours of care", shown,
                  "carerlib indirect standardisation", {str(y): "{:,.0f}" for y in horizon},
                  name),)


def projected_carers(ctx: PackContext) -> Part:
    """Chart and table of projected carers if caring rates by age stay as in 2021: the all-age
    vintages together; a vintage covering only older ages in its own, labelled table."""
    projected, notes = _projections_run(ctx)
    if projected.empty:
        return part(*(Text(note, "note") for note in notes))
    lead = _lead_ages(ctx, projected)
    main = projected[projected["ages"] == lead]
    shown: list = [_projected_chart(ctx, main, lead),
                   *_projected_by_band(ctx, main, lead, "projected_carers_by_band")]
    for ages in sorted(set(projected["ages"]) - {lead}):
        older = projected[projected["ages"] == ages]
        shown += _projected_by_band(ctx, older, ages, f"projected_carers_by_band_{ages[:-1]}plus")
    return part(*shown, Text(METHOD_NOTE, "note"), *(Text(note, "note") for note in notes))
