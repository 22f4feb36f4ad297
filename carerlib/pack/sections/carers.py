"""Who the carers are: carers by hours band, the share caring against each parent geography,
rank among peers and change since 2011 (or, from the sample, the printed census counts)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carerlib.data import bands
from carerlib.measures import change, peers
from carerlib.measures.stats import compare_to
from carerlib.pack import charts, narrative
from carerlib.pack.report import Chart, Table, Text
from carerlib.pack.sections.base import Part, SectionResult, assemble, missing, part
from carerlib.pack.sections.context import CENSUS_2011, CENSUS_2021, PackContext, shared_table

KEY, TITLE = "carers", "Who the carers are"
MISSING_2011 = ("Change since 2011 needs the Census 2011 tables (QS301EW, QS103EW) and the 2011 to "
                "2021 district lookup, which are not in the data supplied.")


def carers(ctx: PackContext) -> SectionResult:
    """The 'Who the carers are' section."""
    if ctx.mode == "sample":
        return assemble(KEY, TITLE, sample_counts(ctx), sample_bands(ctx))
    return assemble(KEY, TITLE, carers_by_band(ctx), prevalence_comparison(ctx),
                    peer_ranks(ctx), change_since_2011(ctx))


def carers_by_band(ctx: PackContext) -> Part:
    """Bar chart of the area's carers by fine hours band, Census 2021."""
    fine = ctx.census.fine_2021
    mine = fine[fine["area_code"] == ctx.code]
    total = ctx.census.mine["carers"]
    return part(Chart(
        charts.bar(mine, "band_label", "carers", title=(
            f"{narrative.number(total)} residents of {ctx.name} aged 5 and over give "
            "unpaid care; most give under 20 hours a week"),
            source=CENSUS_2021, y_title="Carers (people)", x_title="Hours of care a week"),
        mine[["band_label", "carers", "share_of_carers", "prevalence"]].rename(
            columns={"band_label": "hours of care"}),
        CENSUS_2021, {"share_of_carers": "{:.1%}", "prevalence": "{:.2%}"}, "carers_by_band_2021",
    ))


def _comparison_rows(ctx: PackContext) -> tuple[pd.DataFrame, str]:
    """The area and its parents with the area flagged against each (Fingertips convention: the
    area's interval either excludes the comparator's value, or the two are similar)."""
    totals, mine = ctx.census.totals_2021, ctx.census.mine
    rows = pd.concat([totals[totals["area_code"] == ctx.code],
                      totals[totals["area_code"].isin(ctx.census.comparators.index)]])
    column = f"{ctx.name} compared with this area"
    rows[column] = compare_to(np.full(len(rows), mine["prevalence_lower"]),
                              np.full(len(rows), mine["prevalence_upper"]), rows["prevalence"])
    rows.loc[rows["area_code"] == ctx.code, column] = ""
    return rows, column


def _comparison_title(ctx: PackContext) -> str:
    census = ctx.census
    if not census.national:
        return f"The share of residents caring in {ctx.name}"
    flag = census.flag
    return (f"The share of residents caring in {ctx.name} is {flag} "
            f"{'to' if flag == 'similar' else 'than'} {census.national_name}")


def prevalence_comparison(ctx: PackContext) -> Part:
    """Interval chart of the share caring in the area and each parent, with the flags."""
    rows, column = _comparison_rows(ctx)
    others = rows[rows["area_code"] != ctx.code]
    figures = {f"flag_vs_{code}": flag for code, flag in zip(
        others["area_code"], others[column], strict=True)}
    chart = Chart(
        charts.interval_dots(rows, "area_name", "prevalence", "prevalence_lower",
                             "prevalence_upper", highlight=ctx.name, source=CENSUS_2021,
                             title=_comparison_title(ctx),
                             x_title="Residents aged 5+ providing unpaid care "
                                     f"({ctx.params.confidence_level:.0%} interval)"),
        rows[["area_name", "carers", "population", "prevalence", "prevalence_lower",
              "prevalence_upper", column]],
        CENSUS_2021, {"prevalence": "{:.2%}", "prevalence_lower": "{:.2%}",
                      "prevalence_upper": "{:.2%}"}, "prevalence_comparison_2021")
    return part(chart, figures=figures)


def peer_ranks(ctx: PackContext) -> Part:
    """One sentence per peer group: where the area's share caring ranks."""
    ranks = shared_table(  # every area's ranks, the same for each pack: computed once
        ctx.data, "peer_ranks_2021", lambda: peers.rank_among_peers(
            ctx.census.totals_2021, "prevalence", ctx.data.members),
        ("care_2021", "members"), confidence=ctx.params.confidence_level)
    mine = ranks[ranks["area_code"] == ctx.code]
    texts = [Text("Share of residents caring: "
                  f"{peers.describe_position(r['rank'], r['n_peers'], r['peer_group'])} "
                  f"(percentile {r['percentile']:.0f}).") for _, r in mine.iterrows()]
    figures = {f"rank_{r['peer_group'].replace(' ', '_').lower()}":
               f"{int(r['rank'])} of {int(r['n_peers'])}" for _, r in mine.iterrows()}
    return part(*texts, figures=figures)


def change_since_2011(ctx: PackContext) -> Part:
    """Carers in 2011 and 2021 like for like (2011 bands, residents aged 5+, 2021 boundaries)."""
    if not ctx.data.has_2011():
        return missing(MISSING_2011)
    my_change = ctx.census.my_change
    if my_change.empty:
        return part()
    total = my_change[my_change["band"] == "all_carers"].iloc[0]
    carers_2011 = int(total["carers_2011"])
    table = Table(
        f"Carers in {ctx.name}, 2011 and 2021, on the 2011 bands (residents aged 5+)",
        my_change[["band_label", "carers_2011", "carers_2021", "change", "percent_change",
                   "prevalence_2011", "prevalence_2021", "prevalence_change_pp"]].rename(
            columns={"band_label": "hours of care"}),
        f"{CENSUS_2011} and QS103EW (ages); {CENSUS_2021}; 2011 districts mapped to 2021",
        {"change": "{:+,}", "percent_change": "{:+.1f}%", "prevalence_2011": "{:.2%}",
         "prevalence_2021": "{:.2%}", "prevalence_change_pp": "{:+.2f}"},
        "change_2011_2021")
    pp = float(total["prevalence_change_pp"])
    statement = narrative.threshold_statement(
        f"{ctx.name} had {carers_2011:,} carers in 2011 and {int(total['carers_2021']):,} in 2021 "
        f"({total['percent_change']:+.1f}%); the share of residents aged 5+ caring "
        f"moved {pp:+.1f} percentage points.",
        pp / 100, ctx.params.statements.change_since_2011,
        f"{CENSUS_2011}; {CENSUS_2021}. {change.CAVEAT}")
    return part(table, Text(change.CAVEAT, "note"), headline=(statement,),
                figures={"carers_2011": carers_2011})


# ---------------------------------------------------------------- embedded sample

def sample_counts(ctx: PackContext) -> Part:
    """The census counts printed in the local strategy, with the change between them."""
    sample = ctx.sample
    rows = pd.DataFrame([{"census": c.year, "carers": c.carers, "as printed in": c.source}
                         for c in sorted(sample.census, key=lambda c: c.year)])
    table = Table("Carers counted by the census (as printed)", rows, sample.document,
                  {"census": "{}"}, "carers_by_census")
    if len(rows) < 2:
        return part(table)
    first, last = rows.iloc[0], rows.iloc[-1]
    growth = last["carers"] / first["carers"] - 1
    return part(Text(
        f"{sample.area.name} had {last['carers']:,} carers in {last['census']} against "
        f"{first['carers']:,} in {first['census']}, a change of {growth:+.1%}."), table)


def sample_bands(ctx: PackContext) -> Part:
    """Shares of carers by hours band in 2011, as printed."""
    sample, c2011 = ctx.sample, ctx.sample.census_year(2011)
    if not (c2011 and c2011.band_shares):
        return part()
    shares = pd.DataFrame({"hours of care": [bands.band_label(k) for k in c2011.band_shares],
                           "share of carers": list(c2011.band_shares.values())})
    source = f"{sample.document}, {c2011.source}"
    return part(Chart(
        charts.bar(shares, "hours of care", "share of carers", text_format=".0%",
                   title=f"Most carers in {sample.area.name} gave under 20 hours a week (2011)",
                   source=source, y_title="Share of carers", x_title="Hours of care a week"),
        shares, source, {"share of carers": "{:.0%}"}, "carers_by_band_2011"))
