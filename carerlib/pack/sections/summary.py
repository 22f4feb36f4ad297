"""Summary: the area's own headline statements, then each shown section's statements.

The summary is built in two steps: `summary(ctx)` makes its own statements (prevalence and heavy
caring); `with_headlines` adds the statements of the sections the pack actually shows, so a
section left out of the notebook leaves the summary too.
"""

from __future__ import annotations

from collections.abc import Sequence

from carerlib.data.census import DENOMINATOR
from carerlib.pack import narrative
from carerlib.pack.report import Section
from carerlib.pack.sections.base import SectionResult, assemble, missing, part
from carerlib.pack.sections.context import CENSUS_2021, PackContext

KEY, TITLE = "summary", "Summary"
#: Where each section's statements sit in the summary; sections not listed follow, as shown.
SUMMARY_ORDER = ("carers", "reach", "outcomes", "value", "future", "breaks")
NEEDS_OFFICIAL = (
    "This pack was built from the embedded sample (figures printed in the local strategy), not "
    "from official data. Prevalence against England with intervals, change since 2011 on a "
    "like-for-like basis, dependency ratios, projections and economic value need the official "
    "Census tables: run 'carerlib data fetch' (or set CARERLIB_DATA_MIRROR) and rebuild.")


def summary(ctx: PackContext) -> SectionResult:
    """The summary's own statements; `with_headlines` adds the other sections'."""
    if ctx.mode == "sample":
        return _sample_summary(ctx)
    census = ctx.census
    mine, national = census.mine, census.national_row
    prevalence = narrative.prevalence_statement(
        ctx.name, int(mine["carers"]), mine["prevalence"], DENOMINATOR[2021],
        census.national_name, None if national is None else national["prevalence"],
        census.flag, ctx.params.statements.prevalence_vs_england, CENSUS_2021)
    heavy = _heavy_share(ctx)
    heavy_statement = narrative.threshold_statement(
        f"{narrative.percent(heavy, 0)} of carers in {ctx.name} give 50 or more hours of care a "
        "week.", heavy, ctx.params.statements.heavy_caring, CENSUS_2021)
    figures = {"carers_2021": int(mine["carers"]), "prevalence_2021": float(mine["prevalence"]),
               "prevalence_flag": census.flag, "share_50_plus_hours": heavy}
    return assemble(KEY, TITLE, part(prevalence, heavy_statement, figures=figures))


def _heavy_share(ctx: PackContext) -> float:
    """Share of the area's carers giving 50 or more hours a week (Census 2021)."""
    bands = ctx.census.my_broad
    return float(bands.loc[bands["band"] == "50_plus", "share_of_carers"].iloc[0])


def _sample_summary(ctx: PackContext) -> SectionResult:
    sample, c2011 = ctx.sample, ctx.sample.census_year(2011)
    if not (c2011 and c2011.band_shares):
        return assemble(KEY, TITLE, missing(NEEDS_OFFICIAL))
    heavy = c2011.band_shares.get("50_plus", 0.0)
    statement = narrative.threshold_statement(
        f"{heavy:.0%} of carers in {sample.area.name} gave 50 or more hours of care a week "
        "in 2011.", heavy, ctx.params.statements.heavy_caring,
        f"{sample.document}, {c2011.source}")
    return assemble(KEY, TITLE, missing(NEEDS_OFFICIAL), part(statement))


def _summary_rank(result: SectionResult, shown: Sequence[SectionResult]) -> tuple[int, int]:
    """Sort key: SUMMARY_ORDER first, then other sections in the order they were shown."""
    if result.key in SUMMARY_ORDER:
        return 0, SUMMARY_ORDER.index(result.key)
    return 1, next(i for i, r in enumerate(shown) if r is result)


def with_headlines(own: SectionResult, shown: Sequence[SectionResult]) -> SectionResult:
    """The summary with the statements of every shown section added, in summary order."""
    others = sorted((r for r in shown if r is not own and r.key != KEY),
                    key=lambda r: _summary_rank(r, shown))
    statements = [s for r in others for s in r.headline]
    return SectionResult(Section(own.section.key, own.section.title,
                                 [*own.section.blocks, *statements]),
                         own.headline, own.figures)
