"""Issue 11's defects, one test each, on Southend-on-Sea's pack (figures hand-checked)."""

from __future__ import annotations

import pytest

from carerlib.pack.evidence import build_evidence
from carerlib.pack.report import Statement, Text
from carerlib.params import load_params

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def southend(official):
    return build_evidence("E06000033", load_params("E06000033"), official=official)


def _table(evidence, name):
    return next(b for s in evidence.sections for b in s.blocks
                if getattr(b, "name", "") == name)


def _statements(evidence, key):
    return [b.figure for b in evidence.section(key).blocks if isinstance(b, Statement)]


def test_dependency_table_regular_years_in_order(southend):
    table = _table(southend, "dependency_ratios")
    assert "every 5th year and the horizon years 2031 and 2041" in table.title
    years = table.data.groupby("source", sort=False)["year"].apply(list).to_dict()
    assert list(years) == ["Census 2011", "Census 2021", "2022-based projection",
                           "2018-based projection"]
    assert years["2022-based projection"] == [2022, 2025, 2030, 2031, 2035, 2040, 2041, 2045]
    assert years["2018-based projection"] == [2018, 2020, 2025, 2030, 2031, 2035, 2040, 2041]


def test_published_support_ratio_beside_ours(southend):
    row = _table(southend, "published_comparison").data.iloc[0]
    assert row["published change (%)"] == pytest.approx(-31.0)
    assert row["2022-based projection ratio then"] == pytest.approx(3.254, abs=5e-4)
    assert row["2022-based projection ratio at 2031"] == pytest.approx(2.881, abs=5e-4)
    assert round(row["2022-based projection change (%)"], 1) == -11.5
    notes = [b.text for b in southend.section("future").blocks if isinstance(b, Text)]
    assert any("Projection vintage and base year change the answer" in t for t in notes)


def test_carers_allowance_is_not_carers_known_to_services(southend):
    figures = _statements(southend, "reach")
    assert figures[0].startswith("The council knew 1,009 carers")
    assert "Services know" not in " ".join(figures)
    assert figures[1].startswith("1,650 adults in Southend-on-Sea received Carer's Allowance")
    kinds = _table(southend, "reach").data["what it counts"].tolist()
    assert kinds[0] == "carers known to the council" and kinds[1].startswith("Carer's Allowance")


def test_value_of_care_in_2024_prices_keeps_2011(southend):
    figure = _statements(southend, "value")[0]
    # 2021: 341,575 h a week x £18 x 52 = £319.7m (2011 prices) x 100 / 70.834 = £451.4m
    assert "about £451.4m a year in 2024 prices (£319.7m in 2011 prices" in figure
    assert "On 2011 counts it was £297.0m a year (£5.71m a week) in 2011 prices" in figure


def test_breaks_headline_is_the_areas_own_and_southend_is_a_worked_example(southend, official):
    summary = _statements(southend, "summary")
    own = [f for f in summary if f.startswith("Modelled scenario for Southend-on-Sea")]
    # 10% of 4,568 carers giving 50+ hours = 457; 40% of 457 = 182.8 -> 183 at risk.
    assert own and "10% of its 4,568 carers giving 50 or more hours a week (457 carers)" in own[0]
    assert "183 of them were at risk" in own[0]
    assert not any(f.startswith("Modelled scenario (") for f in summary)
    worked = _statements(southend, "breaks")
    assert any(f.startswith("Worked example from the Southend joint carers strategy 2013")
               and "net saving of £155,520" in f for f in worked)
    cardiff = build_evidence("W06000015", load_params("W06000015"), official=official)
    assert not any("155,520" in f for f in _statements(cardiff, "summary"))
    assert "commitments" not in {getattr(b, "name", "") for b in cardiff.section("breaks").blocks}


def test_monte_carlo_said_in_words(southend):
    words = next(f for f in _statements(southend, "breaks") if "simulations" in f)
    assert "the median net saving is £126,125" in words
    assert "90% interval of £52,037 to £209,920" in words
    assert "breaks save more than they cost in 99.8% of them" in words
    assert "The published £155,520 is higher than 72% of the simulated savings" in words


def test_break_even_curve_holds_the_charts_points(southend):
    curve = _table(southend, "break_even_curve").data
    for _, scenario in curve.groupby("scenario"):
        assert scenario["share_at_risk"].tolist() == pytest.approx(
            [i / 10 for i in range(11)])
    at_risk = curve[curve["scenario"] == "breaks for carers judged at risk"].set_index(
        "share_at_risk")["net_saving (signed)"]
    assert at_risk.loc[0.4] == pytest.approx(155_520)  # 40 x (6,388 - 2,500)


def test_sroi_title_names_one_price_year(southend):
    title = _table(southend, "sroi_summary").title
    assert title.startswith("Social return on investment (modelled; 2012/13 prices; proxies")
    proxies = _table(southend, "sroi_proxies").data.set_index("outcome")
    assert proxies.loc["Carer health breakdown avoided", "price_year"] == "2010/11"


def test_reference_returns_one_unit_per_column(southend):
    table = _table(southend, "reference_returns")
    data = table.data.set_index("provider")
    assert data.loc["Carers Trust with the New Economics Foundation (nef)",
                    "return per £1"] == pytest.approx(1.70)
    assert data.loc["Bristol & South Gloucestershire Carers Centre", "other result"] == (
        "300 bed days")
    assert data["return (£)"].dropna().min() >= 1_000_000  # never a share or bed days
    assert "not stated" not in set(data["period (as published)"])
    assert "METHODS.md" not in " ".join(data["source"])


def test_index_names_horizon_year_and_vintage(tmp_path):
    import json

    from carerlib.pack.batch import write_index

    folder = tmp_path / "E06000033"
    folder.mkdir()
    (folder / "headlines.json").write_text(json.dumps({
        "area_code": "E06000033", "area_name": "Southend-on-Sea", "figures": {
            "potential_support_ratio_end": 2.6625,
            "potential_support_ratio_basis": "2041, 2022-based projection"}}))
    page = write_index(tmp_path).read_text()
    assert "Projected support ratio (horizon year, projection)" in page
    assert "2.66 (2041, 2022-based projection)" in page
