"""What a pack shows, computed in-process (no notebook): comparisons, gaps in the data, groups."""

from __future__ import annotations

import pytest

from carerlib.pack.evidence import build_evidence
from carerlib.pack.report import Statement, Text
from carerlib.params import load_params


def _texts(section) -> list[str]:
    return [b.text for b in section.blocks if isinstance(b, Text)]


def test_flags_against_each_parent(official):
    ev = build_evidence("E07000070", load_params("E07000070"), official=official)
    # Chelmsford 13,700 / 171,642 = 7.98% (interval 7.85%-8.11%) sits below every parent.
    assert {k: v for k, v in ev.figures.items() if k.startswith("flag_vs_")} == {
        "flag_vs_E10000012": "lower", "flag_vs_E12000006": "lower",
        "flag_vs_E92000001": "lower", "flag_vs_K04000001": "lower"}
    assert ev.figures["rank_all_ltlas"] == "260 of 331"


@pytest.mark.parametrize(("code", "expected"), [
    ("E06000053", "No carer quality-of-life score is published for Isles of Scilly in any "
                  "survey year."),
    ("E09000012", "No carer quality-of-life score is published for Hackney for 2021-22"),
])
def test_missing_ascof_values_are_said_not_fatal(official, code, expected):
    ev = build_evidence(code, load_params(code), official=official)
    assert any(t.startswith(expected) for t in _texts(ev.section("outcomes")))


def test_district_without_social_care_duty(official):
    ev = build_evidence("E07000070", load_params("E07000070"), official=official)
    assert any("not a council with adult social care duties" in t
               for t in _texts(ev.section("outcomes")))


def test_group_is_summed_and_compared_with_its_county(official):
    ev = build_evidence("X00000001", load_params(), official=official)  # Mid Essex (conftest)
    assert ev.area_name == "Mid Essex"
    assert ev.figures["carers_2021"] == 32_581  # Braintree + Chelmsford + Maldon
    assert "flag_vs_E10000012" in ev.figures
    first = next(b for b in ev.section("summary").blocks if isinstance(b, Statement))
    assert first.figure.startswith("32,581 usual residents aged 5 and over in Mid Essex")


def test_support_ratio_statement_falls_back_to_censuses(official):
    """Cardiff: no Welsh projection is loaded, so the statement compares the censuses and says
    so plainly."""
    from carerlib.measures.dependency import potential_support_ratio

    ev = build_evidence("W06000015", load_params("W06000015"), official=official)
    psr = {}
    for frame in (official.ages_2011, official.ages_2021):
        table = potential_support_ratio(frame[frame["area_code"] == "W06000015"])
        psr[int(table["year"].iloc[0])] = float(table["value"].iloc[0])
    statement = next(b.figure for b in ev.section("summary").blocks
                     if isinstance(b, Statement) and "aged 65+" in b.figure)
    assert statement == (
        f"Cardiff had {psr[2021]:.2f} people aged 15–64 for every person aged 65+ in 2021, "
        f"against {psr[2011]:.2f} in 2011 ({psr[2021] / psr[2011] - 1:+.1%}); no Welsh "
        "population projection is loaded, so there is no future ratio.")
    assert ev.figures["potential_support_ratio_2021"] == pytest.approx(psr[2021])
    assert "potential_support_ratio_end" not in ev.figures
    notes = [t for t in _texts(ev.section("future"))]
    assert any("No Welsh population projection is loaded" in t for t in notes)


def test_every_english_district_gets_a_future_support_ratio(official):
    """Adur was told the 2016-based projection lacks working ages; the 2018-based projection
    (5-year bands, 15-64 per 65+) now gives its future ratio, hand-checked from the bands."""
    from carerlib.measures.dependency import potential_support_ratio

    ev = build_evidence("E07000223", load_params("E07000223"), official=official)  # Adur
    frame = official.projection_2018
    psr = potential_support_ratio(frame[frame["area_code"] == "E07000223"]).set_index("year")
    statement = next(b.figure for b in ev.section("summary").blocks
                     if isinstance(b, Statement) and "aged 65+" in b.figure)
    start, end = psr.loc[2018, "value"], psr.loc[2041, "value"]
    assert statement == (
        f"Adur has {start:.2f} people aged 15–64 for every person aged 65+ in 2018; the "
        f"2018-based projection gives {end:.2f} by 2041 ({end / start - 1:+.1%}).")
    assert ev.figures["potential_support_ratio_basis"] == "2041, 2018-based projection"


def test_breaks_costs_restated_in_one_price_year(tmp_path):
    from carerlib.pack.sections.breaks import breaks_result

    extra = tmp_path / "prices.yaml"
    extra.write_text('breaks:\n  price_year: "2023/24"\n')
    result = breaks_result(load_params("E06000033", extra).breaks)
    section, statements = result.section, result.headline
    table = next(t for t in section.tables() if t.name == "unit_costs")
    assert "2023/24 prices" in table.title
    # GDP deflator, financial year = mean of its calendar years: 2010/11 = (69.1217 + 70.834)
    # / 2, 2012/13 = (71.9294 + 73.4795) / 2, 2023/24 = (96.2507 + 100) / 2.
    fy10, fy12, fy23 = (69.1217 + 70.834) / 2, (71.9294 + 73.4795) / 2, (96.2507 + 100) / 2
    rehab, residential, brk = 4254 * fy23 / fy10, 1067 * fy23 / fy10, 2500 * fy23 / fy12
    assert table.data["value_uplifted"].tolist() == pytest.approx([rehab, residential, brk])
    # 40 breaks × £3,374.12 = £134,965; 40 × (£5,965.11 + 2 × £1,496.18) = £358,299.
    assert round(40 * brk) == 134_965 and round(40 * (rehab + 2 * residential)) == 358_299
    assert "cost £134,965 and avoid an estimated £358,299" in statements[0].figure


def test_partial_cache_falls_back_to_mirror(mirror, tmp_path, monkeypatch):
    """After 'data fetch' of the Census 2021 files only, the rest still comes from the mirror."""
    from carerlib.data.datastore import DataStore
    from carerlib.data.fetch import fetch

    cache = tmp_path / "cache"
    fetch(dest=cache, mirror=mirror, keys=["ts039_ltla", "ts007_ltla"])
    monkeypatch.setenv("CARERLIB_CACHE", str(cache))
    store = DataStore.default()
    assert store.path("ts039_ltla") == cache / "census2021" / "census2021-ts039-ltla.csv"
    assert store.path("qs301_lad2011") == mirror / "census2011" / "qs301ew-lad2011.csv"
    ev = build_evidence("E06000033", load_params("E06000033"))
    assert ev.figures["carers_2011"] == 17_682
    sources = ev.provenance.set_index("file")["read from"]
    assert sources["census2021/census2021-ts039-ltla.csv"].startswith("cache")
    assert sources["census2011/qs301ew-lad2011.csv"].startswith("mirror")


def test_mirror_without_2011_tables_says_so(mirror, tmp_path):
    import shutil

    from carerlib.data.datastore import DataStore
    from carerlib.data.official import OfficialData

    partial = tmp_path / "mirror"
    shutil.copytree(mirror, partial, ignore=shutil.ignore_patterns("qs301*", "ascof"))
    ev = build_evidence("E06000033", load_params("E06000033"),
                        official=OfficialData(DataStore(partial)))
    assert any("Change since 2011 needs the Census 2011 tables" in t
               for t in _texts(ev.section("carers")))
    assert "carers_2011" not in ev.figures
    reach = next(b for b in ev.section("reach").blocks if isinstance(b, Statement))
    assert "of the 15,019 carers counted by the Census 2021" in reach.figure


def _breaks(tmp_path, yaml_text):
    from carerlib.pack.sections.breaks import breaks_result

    extra = tmp_path / "breaks.yaml"
    extra.write_text(yaml_text)
    result = breaks_result(load_params("E06000033", extra).breaks)
    return result.section, result.headline


def test_price_year_moves_the_uncertainty_ranges_too(tmp_path):
    published, _ = _breaks(tmp_path, "{}\n")
    uplifted, _ = _breaks(tmp_path, 'breaks:\n  price_year: "2023/24"\n')
    tornado = next(c for c in uplifted.charts() if c.name == "sensitivity").data
    rehab = tornado.set_index("input").loc["Rehabilitation episode cost (£)"]
    # Published range £3,000-£5,500 (2010/11 prices) x 1.4022 (GDP deflator, 2010/11 to
    # 2023/24, financial years as the mean of their calendar years) = £4,207-£7,712.
    factor = (96.2507 + 100) / (69.1217 + 70.834)
    assert (rehab["low"], rehab["high"]) == pytest.approx((3000 * factor, 5500 * factor))
    mc_before = next(c for c in published.charts() if c.name == "monte_carlo").data
    mc_after = next(c for c in uplifted.charts() if c.name == "monte_carlo").data
    assert (mc_after.set_index("measure").loc["net_saving", "mean"]
            > mc_before.set_index("measure").loc["net_saving", "mean"])


def test_break_even_chart_follows_share_prevented(tmp_path):
    section, _ = _breaks(tmp_path, "breaks:\n  health_breakdown:\n    share_prevented:\n"
                                   "      value: 0.8\n      source: test\n")
    chart = next(c for c in section.charts() if c.name == "break_even_curve")
    # Whole cohort: 2,500 / (0.8 x 6,388) = 48.9% must be at risk; 40% is below it.
    assert chart.figure.layout.title.text == (
        "If breaks went to the whole cohort, the assumed 40% at risk would be below the "
        "break-even 48.9%")
    default, _ = _breaks(tmp_path, "{}\n")
    chart = next(c for c in default.charts() if c.name == "break_even_curve")
    assert chart.figure.layout.title.text.endswith("would be barely above the break-even 39.1%")


def test_whole_cohort_wording_and_no_trivial_break_even(tmp_path):
    section, statements = _breaks(
        tmp_path, "breaks:\n  health_breakdown:\n    breaks_for: cohort\n")
    # 100 carers x £2,500 = £250,000 against 40 x £6,388 = £255,520.
    assert statements[0].figure.startswith(
        "Worked example from the Southend joint carers strategy 2013 (002, §6), published prices "
        "(2010/11, 2012/13): breaks for 100 carers (the whole cohort) cost £250,000")
    even = next(t for t in section.tables() if t.name == "break_even").data.set_index("input")
    assert even.loc["Carers in the cohort", "saving_when"] == "scales with it"
    assert even.loc["Share of carers at risk of breakdown", "break_even_value"] == pytest.approx(
        2500 / 6388)


def test_national_areas_are_not_compared_with_themselves(official):
    ev = build_evidence("K04000001", load_params(), official=official)
    first = ev.section("summary").blocks[0]
    assert first.figure == ("4,989,002 usual residents aged 5 and over in England and Wales "
                            "provide unpaid care: 8.9%.")
    assert first.meaning.startswith("This is the national figure")
    assert ev.figures["prevalence_flag"] == ""


def test_interval_label_follows_confidence_level(official, tmp_path):
    extra = tmp_path / "conf.yaml"
    extra.write_text("confidence_level: 0.99\n")
    ev = build_evidence("E06000033", load_params("E06000033", extra), official=official)
    chart = ev.section("carers").charts()[1]
    assert "(99% interval)" in chart.figure.layout.xaxis.title.text
    # A 99% interval is wider than the 95% one (hand check: z 2.576 vs 1.960).
    row = chart.data.iloc[0]
    assert row["prevalence_upper"] - row["prevalence_lower"] == pytest.approx(
        2 * 2.5758 * (0.088117 * (1 - 0.088117) / 170_444) ** 0.5, rel=1e-3)


def test_summary_and_figures_follow_the_sections_shown(official):
    """Leave Reach and Future out and their summary lines and index figures go too."""
    from carerlib.pack.evidence import evidence_from
    from carerlib.pack.sections import carers, load_context, summary, value

    ctx = load_context("E06000033", load_params("E06000033"), official=official)
    full = build_evidence("E06000033", load_params("E06000033"), official=official)
    part = evidence_from(ctx, [summary(ctx), carers(ctx), value(ctx)])
    assert [s.key for s in part.sections] == ["summary", "carers", "value"]
    statements = [b.figure for b in part.section("summary").blocks if isinstance(b, Statement)]
    # Full summary: prevalence, 50+ hours, change since 2011, reach, ASCOF quality of life,
    # value, support ratio, breaks. Shown here: the summary's own two, carers' and value's.
    every = [b.figure for b in full.section("summary").blocks if isinstance(b, Statement)]
    assert len(every) == 8 and every[3].startswith("The council knew 1,009 carers")
    assert every[6].startswith("Southend-on-Sea has 3.25 people aged 15–64")
    assert statements == [every[i] for i in (0, 1, 2, 5)]
    assert "potential_support_ratio_end" not in part.figures
    assert part.figures["carers_2011"] == 17_682


#: Future-demand charts shown one row per year: chart name -> the value column of its export.
WIDE_CHARTS = {"potential_support_ratio": "potential support ratio",
               "older_population": "population", "projected_carers": "projected"}


def test_future_charts_show_every_exported_number_at_its_year(official):
    """Southend's future-demand numbers tables are laid out one row per year, and each number
    of the exported long table is shown, unchanged, in its year's row (and nothing else is)."""
    ev = build_evidence("E06000033", load_params("E06000033"), official=official)
    charts = {c.name: c for c in ev.section("future").charts()}
    assert set(WIDE_CHARTS) <= set(charts)
    for name, value in WIDE_CHARTS.items():
        chart = charts[name]
        shown = chart.shown.set_index("year")
        assert shown.index.is_unique and len(shown) < len(chart.data)
        cells = {(year, number) for year, row in shown.iterrows()
                 for number in row.dropna().tolist()}
        missing = [(r["year"], r[value]) for _, r in chart.data.iterrows()
                   if (r["year"], r[value]) not in cells]
        assert missing == [], name
        assert int(shown.notna().sum().sum()) == chart.data[
            [c for c in chart.data.columns if c in (value, "change (%)")]].notna().sum().sum()
