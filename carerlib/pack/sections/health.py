"""Carers' health and outcomes: expected carers in poor health by hours band and the ASCOF
carer-reported measures (or, from the sample, the local survey and budget figures)."""

from __future__ import annotations

import pandas as pd

from carerlib.measures import ascof
from carerlib.measures import health as health_measures
from carerlib.pack import charts
from carerlib.pack.report import Chart, Statement, Table, Text
from carerlib.pack.sections.base import Part, SectionResult, assemble, missing, part
from carerlib.pack.sections.context import CENSUS_2021, PackContext, shared_table

KEY, TITLE = "outcomes", "Carers' health and outcomes"
ASCOF_SOURCE = ("Adult Social Care Outcomes Framework from the Survey of Adult Carers in England "
                "(Oflog extract)")
SCORE_1DP = {"value": "{:.1f}", "england_median": "{:.1f}", "region_median": "{:.1f}"}


def health(ctx: PackContext) -> SectionResult:
    """The "Carers' health and outcomes" section."""
    if ctx.mode == "sample":
        return assemble(KEY, TITLE, sample_survey(ctx), sample_budget(ctx))
    return assemble(KEY, TITLE, expected_poor_health(ctx), *ascof_outcomes(ctx))


def expected_poor_health(ctx: PackContext) -> Part:
    """Carers expected to be in poor health at national rates by hours band."""
    rates = ctx.params.health.chosen()
    expected = health_measures.expected_poor_health(ctx.census.my_broad, rates)
    table = Table(
        f"Expected carers in {ctx.name} in poor health ({rates.definition})",
        expected[["band_label", "carers", "rate", "expected_poor_health", "note"]].rename(
            columns={"band_label": "hours of care"}),
        f"{CENSUS_2021} × {rates.source}",
        {"rate": "{:.0%}", "expected_poor_health": "{:,.0f}"}, "expected_poor_health")
    if rates.non_carers is None or "50_plus" not in rates.rates:
        return part(table)
    return part(table, Text(
        f"Nationally, {rates.rates['50_plus']:.0%} of carers giving 50 or more hours a week "
        f"are {rates.definition.split('(')[0].strip()}, against {rates.non_carers:.0%} of "
        "people who do not care: heavy caring roughly doubles the risk."))


def ascof_outcomes(ctx: PackContext) -> tuple[Part, ...]:
    """The ASCOF parts: quality-of-life chart, its statement and the table of carer measures."""
    if not ctx.data.has("ascof"):
        return (missing("Carer-reported outcomes need the ASCOF file, which is not in the data "
                        "supplied."),)
    similar = ctx.params.health.ascof_similar
    comparators = shared_table(ctx.data, "ascof_comparators",
                               lambda: ascof.carer_comparators(ctx.data.ascof), ("ascof",))
    result = ascof.carer_outcomes(ctx.data.ascof, ctx.code, similar, comparators)
    notes = part(*(Text(note, "missing") for note in result.notes))
    table = result.table
    if table.empty:
        return (missing(
            f"{ctx.name} is not a council with adult social care duties, so it has no ASCOF "
            "carer measures of its own; see its county's pack."),)
    quality = table[table["ascof"] == "1D"].sort_values("financial_year")
    return (notes, quality_chart(ctx, quality), quality_statement(ctx, quality),
            part(Table(f"ASCOF carer measures for {ctx.name}", table[[
                "financial_year", "ascof", "label", "value", "england_median", "mad", "flag",
                "region", "region_median", "rank", "n_ranked", "rank_band"]],
                f"{ASCOF_SOURCE}; 'similar' within {similar.mads:g} median absolute deviation "
                f"(mad) of the England median: {similar.source}",
                SCORE_1DP | {"mad": "{:.1f}"}, "ascof_carers")))


def quality_chart(ctx: PackContext, quality: pd.DataFrame) -> Part:
    """ASCOF 1D over the survey years against the England and region medians."""
    if quality.empty:
        return part()
    long = quality.melt(id_vars=["financial_year"], value_vars=[
        "value", "england_median", "region_median"], var_name="series", value_name="score")
    long["series"] = long["series"].map({"value": ctx.name, "england_median": "England median",
                                         "region_median": "Region median"})
    return part(Chart(
        charts.line(long, "financial_year", "score", color="series", source=ASCOF_SOURCE,
                    title=f"Carer-reported quality of life in {ctx.name} against the England "
                          "median (ASCOF 1D, score out of 12)",
                    x_title="Survey year", y_title="Score out of 12"),
        quality[["financial_year", "value", "england_median", "region_median", "rank",
                 "n_ranked"]], ASCOF_SOURCE, SCORE_1DP, "ascof_1d"))


def quality_statement(ctx: PackContext, quality: pd.DataFrame) -> Part:
    """The latest published quality-of-life score against the England median, and any gaps."""
    valued = quality[quality["value"].notna() & quality["rank"].notna()]
    if valued.empty:
        return part() if quality.empty else missing(
            f"No carer quality-of-life score is published for {ctx.name} in any survey year.")
    latest = valued.iloc[-1]
    gaps = sorted(set(quality["financial_year"]) - set(valued["financial_year"]))
    notes = [Text(f"No carer quality-of-life score is published for {ctx.name} for "
                  f"{', '.join(gaps)}; the statement uses the latest year with one.", "note")
             ] if gaps else []
    flag = latest["flag"]
    words = {"higher": "above", "lower": "below", "similar": "close to"}[flag]
    statement = Statement(
        f"Carers in {ctx.name} scored their quality of life {latest['value']:.1f} out of 12 in "
        f"{latest['financial_year']}, {words} the England median of "
        f"{latest['england_median']:.1f} (half of councils score within "
        f"{latest['mad']:.1f} of it; rank {int(latest['rank'])} of {int(latest['n_ranked'])} "
        f"councils, {latest['rank_band']}).",
        getattr(ctx.params.statements.carer_quality_of_life, flag), ASCOF_SOURCE)
    return part(*notes, headline=(statement,))


# ---------------------------------------------------------------- embedded sample

def sample_survey(ctx: PackContext) -> Part:
    """The local carers' survey printed in the strategy."""
    s, source = ctx.sample.survey, ctx.sample.document
    if not s:
        return part()
    return part(Table(
        f"{s.name}: {s.respondents} respondents",
        pd.DataFrame([{"measure": r.measure, "share": r.share, "note": r.note}
                      for r in s.results]), f"{source}, {s.source}", {"share": "{:.0%}"},
        "carer_survey"))


def sample_budget(ctx: PackContext) -> Part:
    """Budget reductions printed in the strategy."""
    b, source = ctx.sample.budget, ctx.sample.document
    if not b:
        return part()
    return part(Table(
        f"Budget reductions: {b.service}",
        pd.DataFrame([{"period": r.period, "reduction": r.reduction} for r in b.reductions]),
        f"{source}, {b.source}", {"reduction": "{:.2%}"}, "budget"))
