"""Expected carers in poor health and reach, against the Southend strategy (002) and the National
Carers Strategy (004)."""

from __future__ import annotations

import math

import pytest
import yaml
from conftest import ROOT
from pydantic import ValidationError

from carerlib.measures import health, needs
from carerlib.params import KnownCarers

SOUTHEND = "E06000033"

# The block proposed for params/defaults.yaml (kept here so the proposal is checked).
PROPOSED = """
health:
  default: national_not_in_good_health
  rates:
    national_not_in_good_health:
      definition: "not in good health (self-reported; Carers UK analysis of the 2001 Census)"
      rates: {50_plus: 0.21}
      non_carers: 0.11
      source: >-
        Carers UK, In Poor Health (2004), quoted in the National Carers Strategy 2008 (004),
        ch. 5 factbox: nearly 21% of carers giving more than 50 hours a week are not in good
        health, against 11% of non-carers ("twice as likely to be in poor health", 5.1)
      note: >-
        National rate for the heaviest band only; the sources give no rate for carers giving
        under 50 hours a week, so those bands have no expected figure.
    southend_2011_bad_or_very_bad:
      definition: "bad or very bad health (Census 2011 five-point general health question)"
      rates: {50_plus: 0.129}
      source: >-
        Southend joint carers strategy 2013 (002), §2.2: 532 (12.9%) of carers giving
        50+ hours a week reported bad or very bad health (Census 2011)
      note: >-
        One area's 2011 rate on a narrower definition than "not in good health": do not
        compare it with the national 21%. No sourced rate for carers giving under 50 hours.
"""


@pytest.fixture(scope="module")
def proposed() -> dict[str, health.HealthRates]:
    block = health.HealthParams(**yaml.safe_load(PROPOSED)["health"])
    assert block.chosen() is block.rates["national_not_in_good_health"]
    return block.rates


def test_default_must_name_a_rate_set():
    block = yaml.safe_load(PROPOSED)["health"]
    with pytest.raises(ValidationError, match="no rate set"):
        health.HealthParams(**{**block, "default": "local"})


def test_southend_2011_heavy_end_reproduces_532(official, proposed):
    by_band = needs.carers_by_band(official.care_2011, "broad")
    southend = by_band[by_band["area_code"] == SOUTHEND]
    got = health.expected_poor_health(southend, proposed["southend_2011_bad_or_very_bad"])
    heavy = got.set_index("band").loc["50_plus"]
    # 4,139 carers × 12.9% = 533.9, against 532 reported (12.9% is 532 / 4,139 rounded).
    assert heavy["carers"] == 4_139
    assert heavy["expected_poor_health"] == pytest.approx(533.93, abs=0.01)
    assert abs(heavy["expected_poor_health"] - 532) < 2
    exact = health.HealthRates(rates={"50_plus": 532 / 4_139}, definition="bad or very bad",
                               source="002")
    redo = health.expected_poor_health(southend, exact).set_index("band")
    assert redo.loc["50_plus", "expected_poor_health"] == pytest.approx(532)


def test_national_rate_on_2021_counts_and_unrated_bands(official, proposed):
    by_band = needs.carers_by_band(official.care_2021, "fine")
    rates = proposed["national_not_in_good_health"]
    got = health.expected_poor_health(by_band, rates)
    assert len(got) == len(by_band)
    southend = got[got["area_code"] == SOUTHEND].set_index("band")
    # 4,568 carers giving 50+ hours × 21% = 959.3.
    assert southend.loc["50_plus", "expected_poor_health"] == pytest.approx(959.28)
    assert southend.loc["50_plus", "definition"].startswith("not in good health")
    lighter = southend.drop(index="50_plus")
    assert list(lighter.index) == ["up_to_9", "10_to_19", "20_to_34", "35_to_49"]
    assert lighter["expected_poor_health"].isna().all()
    assert (lighter["note"] == health.NO_RATE).all()
    # "About twice as likely": 21% / 11% = 1.91.
    assert rates.relative_to_non_carers("50_plus") == pytest.approx(1.909, abs=1e-3)
    assert rates.relative_to_non_carers("up_to_19") is None


@pytest.mark.parametrize("bad", [{"50_plus": 1.2}, {"50_plus": -0.1}, {"51_plus": 0.2}, {}])
def test_rates_must_be_proportions_of_known_bands(bad):
    with pytest.raises(ValidationError):
        health.HealthRates(rates=bad, definition="not in good health", source="test")


def test_rates_need_a_source_and_definition():
    with pytest.raises(ValidationError):
        health.HealthRates(rates={"50_plus": 0.21}, definition="", source="004")
    with pytest.raises(ValidationError):
        health.HealthRates(rates={"50_plus": 0.21}, definition="x", source="004", extra=1)


def test_southend_reach_from_area_params(official):
    spec = yaml.safe_load((ROOT / "params" / "areas" / "E06000033.yaml").read_text())
    known = [KnownCarers(**item) for item in spec["area"]["known_carers"]]
    census_2011 = needs.carers_total(official.care_2011).set_index("area_code")
    carers = int(census_2011.loc[SOUTHEND, "carers"])
    assert carers == 17_682
    got = health.reach(known, carers)
    assert got.columns.tolist() == health.REACH_COLUMNS
    assert got["count"].tolist() == [1_009, 1_650]
    # 1,009 / 17,682 = 5.7% assessed; 1,650 / 17,682 = 9.3% on Carer's Allowance.
    assert got["share"].round(3).tolist() == [0.057, 0.093]
    assert got["period"].tolist() == ["2012/13", "November 2012"]


def test_reach_accepts_tuples_and_mappings():
    got = health.reach([("Carers assessed", 1_009, "2012/13", "002"),
                        {"measure": "Carer's Allowance", "count": 1_650,
                         "period": "Nov 2012", "source": "002"}], 17_682)
    assert math.isclose(got.loc[0, "share"], 1_009 / 17_682)
    assert (got["census_carers"] == 17_682).all()
    with pytest.raises(ValueError, match="positive"):
        health.reach([("x", 1, "p", "s")], 0)
    with pytest.raises(ValueError, match="negative"):
        health.reach([("x", -1, "p", "s")], 10)
    with pytest.raises(ValueError, match="measure, count"):
        health.reach([("x", 1, "p")], 10)
