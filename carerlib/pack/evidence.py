"""Assemble the evidence for one area's pack: every number, its source, its vintage and its
assumptions, as report Sections the notebook shows. No calculation happens in the notebook.

With official data (cache or mirror) the pack is built from Census tables; without it, from the
embedded sample, and the pack says which sections need official data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from carerlib import __version__
from carerlib.data import bands
from carerlib.data.areas import ENGLAND, ENGLAND_AND_WALES, parents
from carerlib.data.census import DENOMINATOR
from carerlib.data.datastore import DataStore, registry
from carerlib.data.official import OfficialData
from carerlib.data.sample import Sample, load_sample
from carerlib.errors import CarerlibError
from carerlib.measures import ascof, change, dependency, health, needs, peers, projections
from carerlib.measures.priorities import prioritise
from carerlib.measures.stats import compare_to
from carerlib.pack import charts, narrative
from carerlib.pack.breaks_section import breaks_section
from carerlib.pack.report import Chart, Section, Statement, Table, Text
from carerlib.params import Params, load_params

CENSUS_2021 = "ONS Census 2021, TS039 (usual residents aged 5+)"
CENSUS_2011 = "ONS Census 2011, QS301EW (all usual residents)"
MISSING_2011 = ("Change since 2011 needs the Census 2011 tables (QS301EW, QS103EW) and the 2011 to "
                "2021 district lookup, which are not in the data supplied.")
REQUIRED = ("ts039_ltla", "ltla_utla_lookup", "la_codes")


@dataclass
class Evidence:
    area_code: str
    area_name: str
    mode: str  # "official" or "sample"
    params: Params
    sections: list[Section] = field(default_factory=list)
    headlines: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: pd.DataFrame = field(default_factory=pd.DataFrame)
    generated: str = field(default_factory=lambda: datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"))
    version: str = __version__
    figures: dict = field(default_factory=dict)  # headline numbers for the batch index

    def headline_figures(self) -> dict:
        return dict(self.figures)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(f"no section '{key}' (have {[s.key for s in self.sections]})")

    @property
    def vintages(self) -> list[str]:
        if self.provenance.empty:
            return []
        return sorted(set(self.provenance["vintage"]))


def build_evidence(area_code: str, params: Params | None = None,
                   store: DataStore | None | str = "default",
                   official: OfficialData | None = None) -> Evidence:
    """Everything one area's pack shows. `store="default"` finds the cache or the mirror."""
    params = params or load_params(area_code)
    if official is None:
        store = DataStore.default() if store == "default" else store
        groups = {k: g.model_dump() for k, g in params.groups.items()}
        official = (OfficialData(store, groups) if store is not None and store.has("ts039_ltla")
                    else None)
    if official is not None and not official.has(*REQUIRED):
        missing = [k for k in REQUIRED if not official.store.has(k)]
        files = ", ".join(official.store.dataset(k).path for k in missing)
        raise CarerlibError(
            f"official data incomplete: {files} not found (copy them with 'carerlib data fetch "
            "--mirror DIR' or set CARERLIB_DATA_MIRROR)")
    if official is not None:
        return _official_evidence(area_code, params, official)
    sample = load_sample(area_code)
    if sample is None:
        raise CarerlibError(
            f"{area_code}: no official data found and no embedded sample for this area; run "
            "'carerlib data fetch' or set CARERLIB_DATA_MIRROR")
    return _sample_evidence(area_code, params, sample)


# ---------------------------------------------------------------- official data

def _official_evidence(code: str, params: Params, data: OfficialData) -> Evidence:
    name = data.area_name(code)
    if name is None:
        raise CarerlibError(f"{code}: unknown area code (not an LTLA, UTLA, region, country or "
                            "group in the Census 2021 data)")
    ev = Evidence(code, name, "official", params)
    conf = params.confidence_level
    totals_2021 = needs.carers_total(data.care_2021, conf)
    fine = needs.carers_by_band(data.care_2021, "fine", conf)
    broad_2021 = needs.carers_by_band(data.care_2021, "broad", conf)
    mine = totals_2021[totals_2021["area_code"] == code].iloc[0]
    comparators = parents(data.members, code)
    comp = totals_2021.set_index("area_code").loc[[c for _, c, _ in comparators]]
    national = next((c for c in (ENGLAND, ENGLAND_AND_WALES) if c in comp.index), None)
    england = comp.loc[national] if national else None
    england_name = {ENGLAND: "England", ENGLAND_AND_WALES: "England and Wales"}.get(national)
    flag = (str(compare_to(mine["prevalence_lower"], mine["prevalence_upper"],
                           england["prevalence"])) if national else "")

    summary = Section("summary", "Summary")
    summary.blocks.append(narrative.prevalence_statement(
        name, int(mine["carers"]), mine["prevalence"], DENOMINATOR[2021], england_name,
        None if england is None else england["prevalence"], flag,
        params.statements.prevalence_vs_england, CENSUS_2021))
    my_broad = broad_2021[broad_2021["area_code"] == code]
    heavy = float(my_broad.loc[my_broad["band"] == "50_plus", "share_of_carers"].iloc[0])
    summary.blocks.append(narrative.threshold_statement(
        f"{narrative.percent(heavy, 0)} of carers in {name} give 50 or more hours of care a week.",
        heavy, params.statements.heavy_caring, CENSUS_2021))

    # Who the carers are
    who = Section("carers", "Who the carers are")
    my_fine = fine[fine["area_code"] == code]
    who.blocks.append(Chart(
        charts.bar(my_fine, "band_label", "carers", title=(
            f"{narrative.number(mine['carers'])} residents of {name} aged 5 and over give "
            "unpaid care; most give under 20 hours a week"),
            source=CENSUS_2021, y_title="Carers (people)", x_title="Hours of care a week"),
        my_fine[["band_label", "carers", "share_of_carers", "prevalence"]].rename(
            columns={"band_label": "hours of care"}),
        CENSUS_2021, {"share_of_carers": "{:.1%}", "prevalence": "{:.2%}"}, "carers_by_band_2021",
    ))
    comp_rows = pd.concat([totals_2021[totals_2021["area_code"] == code],
                           totals_2021[totals_2021["area_code"].isin(comp.index)]])
    # Flag the area against each parent geography (Fingertips convention: the area's interval
    # either excludes the comparator's value, or the two are similar).
    flag_column = f"{name} compared with this area"
    comp_rows[flag_column] = compare_to(
        np.full(len(comp_rows), mine["prevalence_lower"]),
        np.full(len(comp_rows), mine["prevalence_upper"]), comp_rows["prevalence"])
    comp_rows.loc[comp_rows["area_code"] == code, flag_column] = ""
    for _, row in comp_rows[comp_rows["area_code"] != code].iterrows():
        ev.figures[f"flag_vs_{row['area_code']}"] = row[flag_column]
    who.blocks.append(Chart(
        charts.interval_dots(comp_rows, "area_name", "prevalence", "prevalence_lower",
                             "prevalence_upper", highlight=name, source=CENSUS_2021,
                             title=(f"The share of residents caring in {name} is {flag} "
                                    f"{'to' if flag == 'similar' else 'than'} {england_name}"
                                    if national else
                                    f"The share of residents caring in {name}"),
                             x_title="Residents aged 5+ providing unpaid care "
                                     f"({params.confidence_level:.0%} interval)"),
        comp_rows[["area_name", "carers", "population", "prevalence", "prevalence_lower",
                   "prevalence_upper", flag_column]],
        CENSUS_2021, {"prevalence": "{:.2%}", "prevalence_lower": "{:.2%}",
                      "prevalence_upper": "{:.2%}"}, "prevalence_comparison_2021"))

    # Rank among peers.
    ranks = peers.rank_among_peers(totals_2021, "prevalence", data.members)
    mine_ranks = ranks[ranks["area_code"] == code]
    for _, row in mine_ranks.iterrows():
        who.blocks.append(Text(
            "Share of residents caring: "
            f"{peers.describe_position(row['rank'], row['n_peers'], row['peer_group'])} "
            f"(percentile {row['percentile']:.0f})."))
        ev.figures[f"rank_{row['peer_group'].replace(' ', '_').lower()}"] = (
            f"{int(row['rank'])} of {int(row['n_peers'])}")

    # Change since 2011, like for like (2011 bands, residents aged 5+, 2021 boundaries).
    if data.has_2011():
        changes = change.like_for_like_change(data.care_2011, data.care_2021, data.ages_2011)
        my_change = changes[changes["area_code"] == code]
    else:
        my_change = pd.DataFrame()
        who.blocks.append(Text(MISSING_2011, "missing"))
    census_2011_carers = None
    if not my_change.empty:
        total_change = my_change[my_change["band"] == "all_carers"].iloc[0]
        census_2011_carers = int(total_change["carers_2011"])
        who.blocks.append(Table(
            f"Carers in {name}, 2011 and 2021, on the 2011 bands (residents aged 5+)",
            my_change[["band_label", "carers_2011", "carers_2021", "change", "percent_change",
                       "prevalence_2011", "prevalence_2021", "prevalence_change_pp"]].rename(
                columns={"band_label": "hours of care"}),
            f"{CENSUS_2011} and QS103EW (ages); {CENSUS_2021}; 2011 districts mapped to 2021",
            {"change": "{:+,}", "percent_change": "{:+.1f}%", "prevalence_2011": "{:.2%}",
             "prevalence_2021": "{:.2%}", "prevalence_change_pp": "{:+.2f}"},
            "change_2011_2021"))
        who.blocks.append(Text(change.CAVEAT, "note"))
        pp = float(total_change["prevalence_change_pp"])
        summary.blocks.append(narrative.threshold_statement(
            f"{name} had {census_2011_carers:,} carers in 2011 and "
            f"{int(total_change['carers_2021']):,} in 2021 "
            f"({total_change['percent_change']:+.1f}%); the share of residents aged 5+ caring "
            f"moved {pp:+.1f} percentage points.",
            pp / 100, params.statements.change_since_2011,
            f"{CENSUS_2011}; {CENSUS_2021}. {change.CAVEAT}"))
        ev.figures["carers_2011"] = census_2011_carers

    # Reach of services
    if census_2011_carers is not None:  # local service counts of the 2010s: the 2011 census
        reach = _reach_section(name, params, census_2011_carers, census_label="Census 2011")
    else:
        reach = _reach_section(name, params, int(mine["carers"]), census_label="Census 2021")
    if reach.blocks and isinstance(reach.blocks[0], Statement):
        summary.blocks.append(reach.blocks[0])

    outcomes = _health_section(name, code, params, data, my_broad, summary)
    broad_2011 = (needs.carers_by_band(data.care_2011, "broad", conf) if data.has_2011()
                  else my_broad.iloc[0:0])

    # Economic value
    value = _value_section(name, params, broad_2011[broad_2011["area_code"] == code],
                           my_broad)
    summary.blocks.append(value.blocks[0])

    observed = my_broad[["area_code", "band", "carers"]]
    future, future_statements = _future_section(name, code, params, data, observed, ev.figures)
    summary.blocks.extend(future_statements)

    ev.figures.update(carers_2021=int(mine["carers"]), prevalence_2021=float(mine["prevalence"]),
                      prevalence_flag=flag, share_50_plus_hours=heavy)
    methods = _methods_section(params, data.provenance())
    breaks_part, breaks_statements = breaks_section(params.breaks)
    summary.blocks.extend(breaks_statements[:1])
    ev.sections = [summary, who, future, outcomes, reach, value, breaks_part,
                   _priorities_section(params), methods]
    ev.provenance = data.provenance()
    return ev


def _reach_section(name: str, params: Params, census_carers: int | None,
                   census_label: str) -> Section:
    section = Section("reach", "Reach of support")
    known = params.area.known_carers if params.area else []
    if not known:
        section.blocks.append(Text(
            f"No figures for carers known to services in {name} are in its params file "
            "(params/areas/CODE.yaml, area.known_carers), so reach cannot be shown.", "missing"))
        return section
    if census_carers is None:
        section.blocks.append(Text("Reach needs the census count of carers, which is missing.",
                                   "missing"))
        return section
    rows = health.reach(known, census_carers).rename(columns={
        "count": "known carers", "share": "share of census carers"}).drop(
        columns=["census_carers"])
    best = rows.loc[rows["share of census carers"].idxmax()]
    section.blocks.append(narrative.threshold_statement(
        f"Services know at most {narrative.number(best['known carers'])} carers "
        f"({best['measure'].lower()}, {best['period']}): "
        f"{narrative.percent(best['share of census carers'])} of the "
        f"{narrative.number(census_carers)} carers counted by the {census_label}.",
        best["share of census carers"], params.statements.reach,
        f"{best['source']}; {census_label}"))
    section.blocks.append(Table(
        f"Carers known to services against the {census_label} count ({census_carers:,})",
        rows, f"area params; {census_label}", {"share of census carers": "{:.1%}"},
        "reach"))
    return section


def _value_section(name: str, params: Params, *band_frames: pd.DataFrame) -> Section:
    section = Section("value", "Economic value of unpaid care")
    voc = params.value_of_care
    hours = voc.hours_per_band.as_dict()
    frames = [f for f in band_frames if not f.empty]
    values = pd.concat([needs.economic_value(f, hours, voc.cost_per_hour.value) for f in frames])
    values = values.sort_values("year")
    latest = values.iloc[-1]
    earlier = "".join(
        f" On {int(r['year'])} counts it was {narrative.money(r['value_per_year'])} a year "
        f"({narrative.money(r['value_per_week'])} a week)." for _, r in values.iloc[:-1].iterrows())
    section.blocks.append(Statement(
        f"Unpaid care in {name} would cost about {narrative.money(latest['value_per_year'])} a "
        f"year ({narrative.money(latest['value_per_week'])} a week) to replace, on "
        f"{int(latest['year'])} census counts at £{voc.cost_per_hour.value:,.2f} an hour "
        f"({voc.cost_per_hour.price_year} prices).{earlier}",
        "Carers' contribution dwarfs spending on carer support: modest investment that keeps "
        "carers caring protects a very large amount of care.",
        f"{voc.cost_per_hour.source}; hours per band: {voc.hours_per_band.source}"))
    section.blocks.append(Table(
        "Replacement value of unpaid care by census year",
        values[["year", "hours_per_week", "cost_per_hour", "value_per_week", "value_per_year"]],
        f"Census counts × assumed hours (≤19 h: {hours['up_to_19']:g}, 20–49 h: "
        f"{hours['20_to_49']:g}, 50+ h: {hours['50_plus']:g}) × £{voc.cost_per_hour.value:g} "
        f"an hour ({voc.cost_per_hour.price_year} prices)",
        {"year": "{}", "hours_per_week": "{:,.0f}", "cost_per_hour": "£{:,.2f}",
         "value_per_week": "£{:,.0f}", "value_per_year": "£{:,.0f}"}, "economic_value"))
    return section


def _assumptions(params: Params) -> pd.DataFrame:
    voc, dep = params.value_of_care, params.dependency
    rows = [
        ("Replacement cost of care per hour", f"£{voc.cost_per_hour.value:,.2f} "
         f"({voc.cost_per_hour.price_year} prices)", voc.cost_per_hour.source),
        ("Hours a week per band (≤19 / 20–49 / 50+)",
         " / ".join(f"{v:g}" for v in voc.hours_per_band.as_dict().values()),
         voc.hours_per_band.source),
        ("Potential support ratio ages", f"{dep.working_ages[0]}–{dep.working_ages[1]} per "
         f"person {dep.older_age}+", dep.source),
        ("Confidence level for intervals", f"{params.confidence_level:.0%} (Wilson score)",
         "OHID Fingertips convention"),
    ]
    return pd.DataFrame(rows, columns=["assumption", "value", "source"])


def _methods_section(params: Params, provenance: pd.DataFrame) -> Section:
    section = Section("methods", "Methods, sources and caveats")
    if not provenance.empty:
        section.blocks.append(Table("Data sources and vintages", provenance[
            ["dataset", "vintage", "file", "sha256"]], "params/data_sources.yaml",
            name="sources"))
    section.blocks.append(Table("Assumptions", _assumptions(params), "params/defaults.yaml "
                                "and the area's params file", name="assumptions"))
    section.blocks.append(Text(
        "Hours bands: Census 2021 publishes five bands with two subtotals (19 hours or less; "
        "20 to 49 hours); totals here add the broad bands only, never a subtotal and its parts."))
    section.blocks.append(Text(registry().attribution))
    return section


# ---------------------------------------------------------------- embedded sample

NEEDS_OFFICIAL = (
    "This pack was built from the embedded sample (figures printed in the local strategy), not "
    "from official data. Prevalence against England with intervals, change since 2011 on a "
    "like-for-like basis, dependency ratios, projections and economic value need the official "
    "Census tables: run 'carerlib data fetch' (or set CARERLIB_DATA_MIRROR) and rebuild.")


def _sample_evidence(code: str, params: Params, sample: Sample) -> Evidence:
    ev = Evidence(code, sample.area.name, "sample", params)
    source = sample.document
    summary = Section("summary", "Summary")
    summary.blocks.append(Text(NEEDS_OFFICIAL, "missing"))
    who = Section("carers", "Who the carers are")
    c2011 = sample.census_year(2011)
    rows = pd.DataFrame([{"census": c.year, "carers": c.carers, "as printed in": c.source}
                         for c in sorted(sample.census, key=lambda c: c.year)])
    if len(rows) >= 2:
        first, last = rows.iloc[0], rows.iloc[-1]
        change = last["carers"] / first["carers"] - 1
        who.blocks.append(Text(
            f"{sample.area.name} had {last['carers']:,} carers in {last['census']} against "
            f"{first['carers']:,} in {first['census']}, a change of {change:+.1%}."))
    who.blocks.append(Table("Carers counted by the census (as printed)", rows, source,
                            {"census": "{}"}, "carers_by_census"))
    if c2011 and c2011.band_shares:
        shares = pd.DataFrame({"hours of care": [bands.band_label(k) for k in c2011.band_shares],
                               "share of carers": list(c2011.band_shares.values())})
        heavy = c2011.band_shares.get("50_plus", 0.0)
        summary.blocks.append(narrative.threshold_statement(
            f"{heavy:.0%} of carers in {sample.area.name} gave 50 or more hours of care a week "
            "in 2011.", heavy, params.statements.heavy_caring, f"{source}, {c2011.source}"))
        who.blocks.append(Chart(
            charts.bar(shares, "hours of care", "share of carers", text_format=".0%",
                       title=f"Most carers in {sample.area.name} gave under 20 hours a week "
                             "(2011)", source=f"{source}, {c2011.source}",
                       y_title="Share of carers", x_title="Hours of care a week"),
            shares, f"{source}, {c2011.source}", {"share of carers": "{:.0%}"},
            "carers_by_band_2011"))
    reach = _reach_section(sample.area.name, params, c2011.carers if c2011 else None,
                           "Census 2011")
    if reach.blocks and isinstance(reach.blocks[0], Statement):
        summary.blocks.append(reach.blocks[0])
    outcomes = Section("outcomes", "Carers' views of support")
    if sample.survey:
        s = sample.survey
        outcomes.blocks.append(Table(
            f"{s.name}: {s.respondents} respondents",
            pd.DataFrame([{"measure": r.measure, "share": r.share, "note": r.note}
                          for r in s.results]), f"{source}, {s.source}", {"share": "{:.0%}"},
            "carer_survey"))
    if sample.budget:
        b = sample.budget
        outcomes.blocks.append(Table(
            f"Budget reductions: {b.service}",
            pd.DataFrame([{"period": r.period, "reduction": r.reduction} for r in b.reductions]),
            f"{source}, {b.source}", {"reduction": "{:.2%}"}, "budget"))
    missing = Section("official", "Sections that need official data")
    missing.blocks.append(Text(NEEDS_OFFICIAL, "missing"))
    breaks_part, breaks_statements = breaks_section(params.breaks)
    summary.blocks.extend(breaks_statements[:1])
    ev.sections = [summary, who, reach, outcomes, breaks_part, _priorities_section(params),
                   missing,
                   _methods_section(params, pd.DataFrame())]
    ev.provenance = pd.DataFrame([{"dataset": sample.document, "vintage": "January 2013",
                                   "file": f"data/sample/{code}.yaml", "sha256": ""}])
    return ev


# ---------------------------------------------------------------- future demand

def _area_frame(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame[frame["area_code"] == code]


def dependency_over_time(data: OfficialData, code: str, params: Params) -> pd.DataFrame:
    """Dependency measures for one area from both censuses and every projection vintage."""
    dep = params.dependency
    sources = {**data.census_ages(),
               **{f"{k} projection": v for k, v in data.projections().items()}}
    tables = []
    for label, frame in sources.items():
        mine = _area_frame(frame, code)
        if mine.empty:
            continue
        table = dependency.dependency_table(
            mine, working_ages=tuple(dep.working_ages), older_from=dep.older_age,
            carer_ages=tuple(dep.care_gap_carer_ages), oldest_from=dep.care_gap_cared_for_age)
        tables.append(table.assign(source=label))
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


#: Age groups whose growth a pack reports: (youngest, oldest or None for "and over").
GROWTH_GROUPS = ((18, 64), (65, None), (85, None), (0, None))


def age_group_growth_table(data: OfficialData, code: str, params: Params) -> pd.DataFrame:
    """Percentage growth of each age group between the censuses and from the first year of
    each projection to each horizon year."""
    census = data.census_ages()
    spans = []
    if len(census) == 2:
        spans.append(("Census 2011 to 2021", pd.concat(
            [_area_frame(frame, code) for frame in census.values()]), 2011, [2021]))
    for vintage, frame in data.projections().items():
        mine = _area_frame(frame, code)
        if not mine.empty:
            first = int(mine["year"].min())
            spans.append((f"{vintage} projection", mine, first,
                          [y for y in params.projections.horizon_years if y > first]))
    rows = []
    for label, frame, start, ends in spans:
        if frame.empty:
            continue
        for end in ends:
            for low, high in GROWTH_GROUPS:
                result = dependency.age_group_growth(frame, low, high, start, end)
                rows.append(result.assign(source=label, ages=dependency.age_group_label(
                    low, high), start=start))
    if not rows:
        return pd.DataFrame()
    table = pd.concat(rows, ignore_index=True)
    table = table[table["value"].notna()]
    table["ages"] = table["ages"].replace({"0+": "all ages"})
    return table.rename(columns={"start": "from", "year": "to", "value": "change (%)"})[
        ["source", "ages", "from", "to", "change (%)"]]


def _future_section(name: str, code: str, params: Params, data: OfficialData,
                    observed: pd.DataFrame, figures: dict) -> tuple[Section, list[Statement]]:
    section = Section("future", "Future demand")
    statements: list[Statement] = []
    dep = params.dependency
    table = dependency_over_time(data, code, params)
    psr = table[(table["measure"] == "potential_support_ratio") & table["value"].notna()] \
        if not table.empty else table
    proj_source = f"ONS Census 2011 and 2021 (single years of age); {params.projections.source}"
    census_psr = psr[psr["source"] == "Census 2021"] if not psr.empty else psr
    if not census_psr.empty:
        figures["potential_support_ratio_2021"] = float(census_psr["value"].iloc[0])
    if not psr.empty:
        section.blocks.append(Chart(
            charts.line(psr, "year", "value", color="source", source=proj_source,
                        title=f"People aged {dep.working_ages[0]}–{dep.working_ages[1]} for "
                              f"every person aged {dep.older_age}+ in {name}",
                        x_title="Year", y_title="People of working age per older person"),
            psr[["source", "year", "value"]].rename(columns={"value": "potential support ratio"}),
            proj_source, {"year": "{}", "potential support ratio": "{:.3f}"},
            "potential_support_ratio"))
        vintage = next((f"{v} projection" for v in params.projections.vintages
                        if f"{v} projection" in set(psr["source"])), None)
        wording = params.statements.support_ratio
        if vintage:  # from the projection's first year to the last horizon it reaches
            series = psr[psr["source"] == vintage].set_index("year")["value"]
            horizon = [y for y in params.projections.horizon_years if y in series.index]
            years = (int(series.index.min()), max(horizon or [int(series.index.max())]))
        else:  # no projection covers the area: the change between the two censuses
            series = psr[psr["source"].str.startswith("Census")].set_index("year")["value"]
            years = (int(series.index.min()), int(series.index.max()))
        if years[0] != years[1]:
            start, end = series.loc[years[0]], series.loc[years[1]]
            change = end / start - 1
            trend = ("falling" if change < -wording.threshold else
                     "rising" if change > wording.threshold else "steady")
            ages = (f"people aged {dep.working_ages[0]}–{dep.working_ages[1]} for every person "
                    f"aged {dep.older_age}+")
            if vintage:
                figures.update(potential_support_ratio_start=float(start),
                               potential_support_ratio_end=float(end),
                               potential_support_ratio_years=f"{years[0]}–{years[1]}")
                figure = (f"{name} has {start:.2f} {ages} in {years[0]}; the {vintage} gives "
                          f"{end:.2f} by {years[1]} ({change:+.1%}).")
            else:
                covering = [v for v, f in data.projections().items()
                            if code in set(f["area_code"])]
                why = (f"the {' and '.join(covering)} projections for the area lack working "
                       "ages, so they give no future ratio" if covering else
                       "no population projection supplied covers the area")
                figure = (f"{name} had {end:.2f} {ages} in {years[1]}, against {start:.2f} in "
                          f"{years[0]} ({change:+.1%}); {why}.")
            statements.append(Statement(figure, getattr(wording, trend), proj_source))
    elif table.empty:
        section.blocks.append(Text(f"No population by single year of age is available for "
                                   f"{name}, so dependency ratios cannot be shown.", "missing"))
    if not table.empty:
        shown = table[table["value"].notna()]
        first = shown.groupby("source")["year"].transform("min")
        keep = ((shown["year"] - first) % 5 == 0) | shown["year"].isin(
            params.projections.horizon_years)
        wide = shown[keep].pivot_table(
            index=["source", "year"], columns="label", values="value").reset_index()
        wide.columns.name = None
        section.blocks.append(Table(
            f"Dependency ratios in {name} (every fifth year shown)", wide,
            proj_source,
            {"year": "{}"} | {c: "{:.2f}" for c in wide.columns if c not in ("source", "year")},
            "dependency_ratios"))
        notes = sorted(set(table.loc[table["value"].isna(), "note"].dropna()) - {""})
        for note in notes:
            section.blocks.append(Text(note, "note"))

    growth = age_group_growth_table(data, code, params)
    if not growth.empty:
        section.blocks.append(Table(
            f"Growth of age groups in {name}", growth, proj_source,
            {"from": "{}", "to": "{}", "change (%)": "{:+.1f}"}, "age_group_growth"))

    # Older population and projected carers, for each projection vintage that covers the area.
    older = []
    for vintage, frame in data.projections().items():
        mine = _area_frame(frame, code)
        for low in (dep.older_age, dep.care_gap_cared_for_age):
            if not mine.empty:
                older.append(dependency.age_group_population(mine, low).assign(
                    group=f"{low}+", vintage=vintage))
    if older:
        older = pd.concat(older, ignore_index=True)
        older = older[older["population"].notna()]
        older["series"] = older["group"] + " (" + older["vintage"] + ")"
        section.blocks.append(Chart(
            charts.line(older, "year", "population", color="series", source=proj_source,
                        title=f"The older population of {name} keeps growing; projection "
                              "vintages disagree on how fast",
                        x_title="Year", y_title="People"),
            older[["vintage", "group", "year", "population"]], proj_source,
            {"year": "{}", "population": "{:,.0f}"}, "older_population"))
    else:
        section.blocks.append(Text(
            f"No population projection covering {name} is available (the projections supplied "
            "cover other areas), so future demand is shown only from the censuses.", "missing"))

    rows, notes = [], []
    can_project = data.has("ts007_ltla", "care_rates_by_age_sex")
    if not can_project and data.projections():
        notes.append("Projected carers need Census 2021 ages (TS007) and national caring rates by "
                     "age, which are not in the data supplied.")
    base_pop = _area_frame(data.ages_2021, code) if can_project else None
    for vintage, frame in data.projections().items() if can_project else ():
        mine = _area_frame(frame, code)
        if mine.empty:
            notes.append(f"The {vintage} projections do not cover {name}.")
            continue
        result = projections.project_carers(observed, base_pop, mine, data.care_rates,
                                            vintage=vintage)
        poppi = projections.project_carers_poppi(mine, data.care_rates, vintage=vintage)
        rows += [result.table, poppi.table]
        notes += result.notes
    if rows:
        projected = pd.concat(rows, ignore_index=True)
        totals = projected.groupby(["vintage", "method", "ages", "year"], as_index=False)[
            "projected"].sum()
        totals["series"] = (totals["vintage"] + ", " + totals["ages"] + ": "
                            + totals["method"].str.split("(").str[0].str.strip())
        section.blocks.append(Chart(
            charts.line(totals, "year", "projected", color="series", source=(
                f"Census 2021 TS039 and national unpaid-care rates by age; {proj_source}"),
                title=f"Projected carers in {name} if caring rates by age stay as in 2021",
                x_title="Year", y_title="Carers (people)"),
            totals[["vintage", "method", "ages", "year", "projected"]],
            "Indirect standardisation of Census 2021 national rates by age",
            {"year": "{}", "projected": "{:,.0f}"}, "projected_carers"))
        by_band = projected[projected["method"] != projections.METHOD_POPPI]
        horizon = [y for y in params.projections.horizon_years if y in set(by_band["year"])]
        if horizon:
            shown = by_band[by_band["year"].isin(horizon)].pivot_table(
                index=["vintage", "ages", "band"], columns="year", values="projected",
                aggfunc="sum").reset_index()
            shown["band"] = shown["band"].map(bands.band_label)
            shown.columns = [str(c) for c in shown.columns]
            section.blocks.append(Table(
                f"Projected carers in {name} by hours of care", shown,
                "carerlib indirect standardisation", {str(y): "{:,.0f}" for y in horizon},
                "projected_carers_by_band"))
        section.blocks.append(Text(
            "Method: each area's observed 2021 carers are divided by the number expected from "
            "national caring rates by age; that local ratio is then applied to the carers "
            "expected from each projected population. The national rates give no hours split, "
            "so each hours band keeps its 2021 share. The POPPI-style line applies national "
            "rates with no local ratio, for comparison.", "note"))
    for note in dict.fromkeys(notes):
        section.blocks.append(Text(note, "note"))
    return section, statements


# ---------------------------------------------------------------- health and outcomes

def _health_section(name: str, code: str, params: Params, data: OfficialData,
                    my_broad: pd.DataFrame, summary: Section) -> Section:
    section = Section("outcomes", "Carers' health and outcomes")
    rates = params.health.chosen()
    expected = health.expected_poor_health(my_broad, rates)
    section.blocks.append(Table(
        f"Expected carers in {name} in poor health ({rates.definition})",
        expected[["band_label", "carers", "rate", "expected_poor_health", "note"]].rename(
            columns={"band_label": "hours of care"}),
        f"{CENSUS_2021} × {rates.source}",
        {"rate": "{:.0%}", "expected_poor_health": "{:,.0f}"}, "expected_poor_health"))
    if rates.non_carers is not None and "50_plus" in rates.rates:
        section.blocks.append(Text(
            f"Nationally, {rates.rates['50_plus']:.0%} of carers giving 50 or more hours a week "
            f"are {rates.definition.split('(')[0].strip()}, against {rates.non_carers:.0%} of "
            "people who do not care: heavy caring roughly doubles the risk."))
    if not data.has("ascof"):
        section.blocks.append(Text("Carer-reported outcomes need the ASCOF file, which is not "
                                   "in the data supplied.", "missing"))
        return section
    result = ascof.carer_outcomes(data.ascof, code)
    for note in result.notes:
        section.blocks.append(Text(note, "missing"))
    table = result.table
    if table.empty:
        section.blocks.append(Text(
            f"{name} is not a council with adult social care duties, so it has no ASCOF carer "
            "measures of its own; see its county's pack.", "missing"))
        return section
    source = ("Adult Social Care Outcomes Framework from the Survey of Adult Carers in England "
              "(Oflog extract)")
    quality = table[table["ascof"] == "1D"].sort_values("financial_year")
    if not quality.empty:
        long = quality.melt(id_vars=["financial_year"], value_vars=[
            "value", "england_median", "region_median"], var_name="series", value_name="score")
        long["series"] = long["series"].map({"value": name, "england_median": "England median",
                                             "region_median": "Region median"})
        section.blocks.append(Chart(
            charts.line(long, "financial_year", "score", color="series", source=source,
                        title=f"Carer-reported quality of life in {name} against the England "
                              "median (ASCOF 1D, score out of 12)",
                        x_title="Survey year", y_title="Score out of 12"),
            quality[["financial_year", "value", "england_median", "region_median", "rank",
                     "n_ranked"]], source, {"value": "{:.1f}", "england_median": "{:.1f}",
                                            "region_median": "{:.1f}"}, "ascof_1d"))
    valued = quality[quality["value"].notna() & quality["rank"].notna()]
    if valued.empty and not quality.empty:
        section.blocks.append(Text(
            f"No carer quality-of-life score is published for {name} in any survey year.",
            "missing"))
    if not valued.empty:
        latest = valued.iloc[-1]
        gaps = sorted(set(quality["financial_year"]) - set(valued["financial_year"]))
        if gaps:
            section.blocks.append(Text(
                f"No carer quality-of-life score is published for {name} for "
                f"{', '.join(gaps)}; the statement uses the latest year with one.", "note"))
        flag = ("higher" if latest["value"] > latest["england_median"] else
                "lower" if latest["value"] < latest["england_median"] else "similar")
        summary.blocks.append(Statement(
            f"Carers in {name} scored their quality of life {latest['value']:.1f} out of 12 in "
            f"{latest['financial_year']} (England median {latest['england_median']:.1f}; "
            f"rank {int(latest['rank'])} of {int(latest['n_ranked'])} councils).",
            getattr(params.statements.carer_quality_of_life, flag), source))
    section.blocks.append(Table(
        f"ASCOF carer measures for {name}", table[[
            "financial_year", "ascof", "label", "value", "england_median", "region",
            "region_median", "rank", "n_ranked"]], source,
        {"value": "{:.1f}", "england_median": "{:.1f}", "region_median": "{:.1f}"},
        "ascof_carers"))
    return section


def _priorities_section(params: Params) -> Section:
    section = Section("priorities", "Prioritising commissioning intentions")
    table = prioritise(params.priorities)
    weights = ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in
                        params.priorities.weights.items())
    section.blocks.append(Table(
        "Commissioning intentions ranked by weighted score", table, params.priorities.source,
        {c: "{:g}" for c in table.columns if c not in ("intention", "weighted_score", "rank")}
        | {"weighted_score": "{:.2f}"}, "priorities"))
    section.blocks.append(Text(f"Weights: {weights}. {params.priorities.note}", "note"))
    return section
