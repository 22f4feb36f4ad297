"""Measures on populations in 5-year bands: bands are never split, ratios use the nearest whole
bands and say so, and carer rates are pooled onto the bands. Hand-checked figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carerlib.measures import dependency, projections


def _banded(values: dict[int, float], year: int = 2018, code: str = "E06000099") -> pd.DataFrame:
    """A banded frame: ``values`` maps band start to people; bands are 5 years, the last open."""
    starts = sorted(values)
    ends = [s + 4 for s in starts[:-1]] + [pd.NA]
    frame = pd.DataFrame({"area_code": code, "area_name": "Test", "year": year, "age": starts,
                          "max_age": pd.array(ends, dtype="Int64"),
                          "population": [float(values[s]) for s in starts]})
    frame.attrs["vintage"] = "test vintage"
    return frame


FLAT = _banded({age: 100.0 for age in range(0, 95, 5)})  # 19 bands of 100 people


def test_nearest_whole_bands():
    assert dependency.nearest_whole_bands(FLAT, 16, 64) == (15, 64)
    assert dependency.nearest_whole_bands(FLAT, 18, 64) == (20, 64)
    assert dependency.nearest_whole_bands(FLAT, 65, None) == (65, None)
    single = FLAT.drop(columns="max_age")
    assert dependency.nearest_whole_bands(single, 16, 64) == (16, 64)
    older = _banded({60: 1.0, 65: 1.0, 70: 1.0})
    assert dependency.nearest_whole_bands(older, 15, 64) == (15, 64)  # never stretched to 60


def test_groups_that_split_a_band_have_no_value():
    group = dependency.age_group_population(FLAT, 16, 64)
    assert group["population"].isna().all()
    assert "split one of the population's age bands" in group["note"].iloc[0]
    whole = dependency.age_group_population(FLAT, 15, 64)
    assert whole["population"].iloc[0] == 1000.0 and whole["note"].iloc[0] == ""


def test_ratios_use_whole_bands_and_label_them():
    ons = dependency.old_age_dependency_ratio(FLAT)  # asks for 16-64
    assert ons["value"].iloc[0] == pytest.approx(1000 * 600 / 1000)  # 65+ = 6 bands, 15-64 = 10
    assert ons["label"].iloc[0].endswith("per 1,000 aged 15\u201364")
    assert ons["ages"].iloc[0] == "65+ per 15\u201364"
    assert ons["vintage"].iloc[0] == "test vintage"
    growth = dependency.age_group_growth(
        pd.concat([FLAT, _banded({a: 110.0 for a in range(0, 95, 5)}, year=2030)]),
        18, 64, 2018, 2030, whole_bands=True)
    assert growth["ages"].iloc[0] == "20\u201364"
    assert growth["value"].iloc[0] == pytest.approx(10.0)


def test_southend_2018_based_support_ratio(official):
    """Hand-checked from the file: 15-64 / 65+ = 113,630 / 35,097 in 2018 and
    121,343.4 / 50,057.5 in 2041."""
    frame = official.projection_2018
    southend = frame[frame["area_code"] == "E06000033"]
    southend.attrs = dict(frame.attrs)
    psr = dependency.potential_support_ratio(southend).set_index("year")
    assert psr.loc[2018, "value"] == pytest.approx(113_630 / 35_097)
    assert psr.loc[2041, "value"] == pytest.approx(121_343.4 / 50_057.5)
    assert psr.loc[2018, "vintage"].startswith("ONS 2018-based")


RATES = pd.DataFrame({
    "band": "all_carers", "min_age": [5, 10, 16, 20], "max_age": pd.array([9, 15, 19, pd.NA],
                                                                         dtype="Int64"),
    "sex": "persons", "carers": [10.0, 60.0, 80.0, 500.0],
    "population": [1000.0, 1200.0, 800.0, 5000.0]})
RATES["rate"] = RATES["carers"] / RATES["population"]


def test_rates_pooled_onto_bands():
    pooled = projections.rates_on_bands(RATES, np.array([0, 5, 10, 15, 20, 25]))
    row = pooled.set_index("min_age").loc[10]
    assert row["max_age"] == 19
    assert row["rate"] == pytest.approx((60 + 80) / (1200 + 800))  # 0.07, not the mean of rates
    assert pooled["min_age"].tolist() == [5, 10, 20]
    assert pd.isna(pooled.set_index("min_age").loc[20, "max_age"])
    unchanged = projections.rates_on_bands(RATES, np.arange(0, 100))
    assert unchanged["rate"].tolist() == pytest.approx(RATES["rate"].tolist())


def test_expected_carers_on_bands():
    frame = _banded({0: 100.0, 5: 100.0, 10: 100.0, 15: 100.0, 20: 100.0})
    expected = projections.expected_carers(frame, RATES)
    # 0-4 left out; 5-9 at 1%; 10-14 and 15-19 at the pooled 7%; 20+ at 10%
    assert expected["expected"].iloc[0] == pytest.approx(1 + 7 + 7 + 10)
    assert expected["min_age"].iloc[0] == 5
