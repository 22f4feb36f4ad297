"""Needs analysis against hand-checked and published figures."""

from __future__ import annotations

import pytest
from conftest import ts039_text

from carerlib.data import census
from carerlib.measures import needs
from carerlib.measures.stats import compare_to, wilson_interval


def test_southend_2021_carers_by_band(tmp_path):
    path = tmp_path / "ts039.csv"
    path.write_text(ts039_text())
    care = census.read_ts039(path)
    total = needs.carers_total(care).set_index("area_code").loc["E06000033"]
    assert total["carers"] == 15_019 == 7_405 + 3_046 + 4_568
    assert total["population"] == 170_444
    assert total["prevalence"] == pytest.approx(0.0881, abs=5e-5)  # 8.8%
    assert total["denominator"] == "usual residents aged 5 and over"
    fine = needs.carers_by_band(care, "fine")
    southend = fine[fine["area_code"] == "E06000033"]
    assert southend["carers"].sum() == 15_019  # fine bands: subtotals never added twice
    assert southend["share_of_carers"].sum() == pytest.approx(1)
    # Hand check: 4,568 of 15,019 carers give 50+ hours (30.4%); 5,320 give 9 hours or less.
    shares = southend.set_index("band")["share_of_carers"]
    assert shares["50_plus"] == pytest.approx(4_568 / 15_019)
    assert shares["up_to_9"] == pytest.approx(5_320 / 15_019)


def test_southend_2011_and_value_of_care(official):
    by_band = needs.carers_by_band(official.care_2011, "broad")
    southend = by_band[by_band["area_code"] == "E06000033"]
    assert southend["carers"].sum() == 17_682
    assert southend["prevalence"].sum() == pytest.approx(0.1018, abs=5e-5)  # 10.2% of 173,658
    value = needs.economic_value(southend, {"up_to_19": 5, "20_to_49": 25, "50_plus": 50}, 18.0)
    row = value.iloc[0]
    # 11,412×5 + 2,131×25 + 4,139×50 = 317,285 hours a week
    assert row["hours_per_week"] == 317_285
    assert round(row["value_per_week"] / 1e6, 2) == 5.71
    assert round(row["value_per_year"] / 1e6, 1) == 297.0


def test_golden_totals_from_ltla_file(official):
    totals = needs.carers_total(official.care_2021).set_index("area_code")
    assert totals.loc["K04000001", ["carers", "population"]].tolist() == [4_989_002, 56_365_485]
    assert totals.loc["E92000001", ["carers", "population"]].tolist() == [4_678_260, 53_413_087]
    assert totals.loc["E10000012", ["carers", "population"]].tolist() == [124_443, 1_420_382]
    assert round(totals.loc["K04000001", "prevalence"], 4) == 0.0885
    bands_2021 = needs.carers_by_band(official.care_2021, "broad")
    england = bands_2021[bands_2021["area_code"] == "E92000001"]["carers"].tolist()
    assert england == [2_303_716, 969_776, 1_404_768]
    totals_2011 = needs.carers_total(official.care_2011).set_index("area_code")
    assert totals_2011.loc["K04000001", ["carers", "population"]].tolist() == [
        5_800_246, 56_075_912]


def test_wilson_interval_hand_checked():
    # k=50, n=100, z=1.96: centre = (0.5 + 1.96²/200) / (1 + 1.96²/100) = 0.5;
    # half-width = 1.96·sqrt(0.25/100 + 1.96²/40000) / 1.038416 = 0.0961.
    lower, upper = wilson_interval(50, 100)
    assert lower == pytest.approx(0.4038, abs=1e-4)
    assert upper == pytest.approx(0.5962, abs=1e-4)
    lower, upper = wilson_interval(0, 10)
    assert lower == pytest.approx(0.0) and upper == pytest.approx(0.2775, abs=1e-4)


def test_benchmark_flags():
    flags = compare_to([0.10, 0.05, 0.07], [0.12, 0.06, 0.09], [0.08, 0.08, 0.08])
    assert flags.tolist() == ["higher", "lower", "similar"]


def test_value_of_care_restated_in_2024_prices(mirror):
    """Southend 2011: 317,285 hours a week x £18 x 52 = £296,978,760 a year in 2011 prices
    (the strategy's £296.6m); the GDP deflator (2011 -> 2024: 100 / 70.834) gives about
    £419.3m in 2024 prices."""
    import pandas as pd

    from carerlib.measures.needs import economic_value, restate_value
    from carerlib.params import load_params

    carers = pd.DataFrame({"area_code": "E06000033", "area_name": "Southend-on-Sea",
                           "year": 2011, "band": ["up_to_19", "20_to_49", "50_plus"],
                           "carers": [11412, 2131, 4139]})
    hours = {"up_to_19": 5, "20_to_49": 25, "50_plus": 50}
    values = economic_value(carers, hours, 18.0)
    index = load_params().breaks.price_index
    assert index.latest_calendar_year() == "2024"
    out = restate_value(values, "2011", "2024", index.factor("2011", "2024")).iloc[0]
    assert out["value_per_year"] == pytest.approx(296_978_760)
    assert out["value_per_year_restated"] == pytest.approx(296_978_760 * 100 / 70.834)
    assert round(out["factor"], 3) == 1.412
    assert out["cost_per_hour_restated"] == pytest.approx(25.41, abs=0.01)
    assert (out["price_year"], out["restated_price_year"]) == ("2011", "2024")
