"""Tests for carerlib.measures.sroi: hand-checked examples, properties and validation."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from carerlib.errors import ParamsError
from carerlib.measures.sroi import (
    GREEN_BOOK_DISCOUNT_RATE,
    Outcome,
    SroiParams,
    outcome_impact,
    sroi,
    sroi_summary,
)


def outcome(**changes: Any) -> Outcome:
    fields: dict[str, Any] = {
        "name": "Carer breakdown avoided",
        "quantity": 10,
        "financial_proxy": 1000,
        "deadweight": 0.2,
        "displacement": 0.0,
        "attribution": 0.25,
        "drop_off": 0.5,
        "cashable": True,
        "source": "test",
    }
    fields.update(changes)
    return Outcome(**fields)


def model(outcomes: list[Outcome], **changes: Any) -> SroiParams:
    fields: dict[str, Any] = {
        "outcomes": outcomes,
        "horizon_years": 2,
        "discount_rate": 0.10,
        "investment": 6000,
        "investment_source": "test",
    }
    fields.update(changes)
    return SroiParams(**fields)


def test_one_outcome_two_years_by_hand():
    # Year 1 impact = 10 x £1,000 x (1 - 0.2) x (1 - 0) x (1 - 0.25) = £6,000
    # Year 2 impact = £6,000 x (1 - 0.5)^1                            = £3,000
    # Discounting at 10%, year 1 by a full year (Cabinet Office convention):
    #   year 1: 6,000 / 1.1    = 5,454.5454...
    #   year 2: 3,000 / 1.1^2  = 3,000 / 1.21 = 2,479.3388...
    #   present value          = 7,933.8843...
    # Investment £6,000: ratio = 7,933.8843 / 6,000 = 1.3223140...; NPV = 1,933.8843...
    # Cumulative PV 5,454.55 < 6,000 after year 1, 7,933.88 >= 6,000 after year 2: payback year 2.
    result = sroi(model([outcome()]))
    yearly = result.yearly
    assert list(yearly["impact"]) == pytest.approx([6000, 3000])
    assert list(yearly["present_value"]) == pytest.approx([6000 / 1.1, 3000 / 1.21])
    assert result.present_value == pytest.approx(7933.884297520661)
    assert result.ratio == pytest.approx(1.3223140495867768)
    assert result.net_present_value == pytest.approx(1933.884297520661)
    assert result.payback_year == 2
    assert list(result.cumulative["paid_back"]) == [False, True]


def test_year_one_discounted_at_green_book_rate():
    # 1 x £1,000, no adjustments, one year at 3.5%: 1,000 / 1.035 = 966.1836...
    params = SroiParams(
        outcomes=[outcome(quantity=1, deadweight=0, attribution=0, drop_off=0)],
        horizon_years=1,
        investment=1000,
        investment_source="test",
    )
    assert params.discount_rate == GREEN_BOOK_DISCOUNT_RATE == 0.035
    result = sroi(params)
    assert result.present_value == pytest.approx(966.1835748792271)
    assert result.payback_year is None  # 966 < 1,000: never paid back within one year


def test_displacement_and_no_discounting():
    # 4 x £2,500 x (1 - 0.5 displacement) = £5,000 a year; no drop-off, 0% rate, 3 years = £15,000.
    o = outcome(quantity=4, financial_proxy=2500, deadweight=0, attribution=0, displacement=0.5)
    result = sroi(model([o.model_copy(update={"drop_off": 0.0})], horizon_years=3, discount_rate=0))
    assert result.present_value == pytest.approx(15_000)
    assert result.ratio == pytest.approx(2.5)  # 15,000 / 6,000
    assert list(result.cumulative["cumulative_present_value"]) == pytest.approx(
        [5000, 10000, 15000]
    )
    assert result.payback_year == 2


def test_cashable_and_social_kept_apart():
    # Cashable: 10 x 1,000 x 0.8 x 0.75 = 6,000 in year 1, 3,000 in year 2.
    # Social: 5 x 400 = 2,000 a year, no drop-off. Rate 0 so PVs are plain sums.
    social = outcome(
        name="Wellbeing",
        quantity=5,
        financial_proxy=400,
        deadweight=0,
        attribution=0,
        drop_off=0,
        cashable=False,
    )
    result = sroi(model([outcome(), social], discount_rate=0))
    assert result.present_value_cashable == pytest.approx(9000)
    assert result.present_value_social == pytest.approx(4000)
    assert result.present_value == pytest.approx(13_000)
    summary = dict(zip(sroi_summary(result)["measure"], sroi_summary(result)["value"], strict=True))
    assert summary["Cashable return per £1"] == pytest.approx(1.5)  # 9,000 / 6,000
    assert summary["Payback year"] == 1  # 6,000 + 2,000 >= 6,000 in year 1


def test_yearly_table_is_tidy():
    result = sroi(model([outcome(), outcome(name="Second", cashable=False)], horizon_years=3))
    assert list(result.yearly.columns) == [
        "outcome",
        "year",
        "cashable",
        "impact",
        "discount_factor",
        "present_value",
    ]
    assert len(result.yearly) == 6
    assert sorted(set(result.yearly["year"])) == [1, 2, 3]


# --- properties ---------------------------------------------------------------------------------

proportion = st.floats(min_value=0.0, max_value=1.0)


@given(
    quantity=st.floats(min_value=0, max_value=1e5),
    proxy=st.floats(min_value=0, max_value=1e5),
    displacement=proportion,
    attribution=proportion,
    drop_off=proportion,
    horizon=st.integers(min_value=1, max_value=10),
)
def test_deadweight_of_100_percent_gives_zero_impact(
    quantity, proxy, displacement, attribution, drop_off, horizon
):
    o = outcome(
        quantity=quantity,
        financial_proxy=proxy,
        deadweight=1.0,
        displacement=displacement,
        attribution=attribution,
        drop_off=drop_off,
    )
    result = sroi(model([o], horizon_years=horizon))
    assert result.present_value == 0
    assert result.payback_year is None


@given(r1=st.floats(min_value=0, max_value=0.5), r2=st.floats(min_value=0, max_value=0.5))
def test_higher_discount_rate_never_raises_present_value(r1, r2):
    low, high = sorted((r1, r2))
    at_low = sroi(model([outcome()], horizon_years=5, discount_rate=low)).present_value
    at_high = sroi(model([outcome()], horizon_years=5, discount_rate=high)).present_value
    assert at_high <= at_low + 1e-9


@given(horizon=st.integers(min_value=1, max_value=30))
def test_no_drop_off_no_discount_is_horizon_times_year_one(horizon):
    o = outcome(drop_off=0.0)
    result = sroi(model([o], horizon_years=horizon, discount_rate=0.0))
    assert result.present_value == pytest.approx(6000 * horizon)


def test_outcome_impact_works_on_arrays():
    import numpy as np

    out = outcome_impact(np.array([10, 20]), 1000, 0.2, 0.0, np.array([0.25, 0.5]))
    assert list(out) == pytest.approx([6000, 8000])


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"deadweight": 1.2}, "between 0 and 1"),
        ({"attribution": -0.1}, "between 0 and 1"),
        ({"financial_proxy": -5}, "can't be negative"),
        ({"quantity": -1}, "can't be negative"),
    ],
)
def test_outcome_validation(changes, words):
    with pytest.raises(ValidationError, match=words):
        outcome(**changes)


def test_horizon_under_one_year_rejected():
    with pytest.raises(ValidationError, match="at least 1 year"):
        model([outcome()], horizon_years=0)


def test_duplicate_outcome_names_rejected():
    with pytest.raises(ValidationError, match="used twice"):
        model([outcome(), outcome()])


def test_sensitivity_must_name_a_known_outcome():
    ranges = [
        {
            "outcome": "Carer breakdown avoided",
            "input": "attribution",
            "low": 0.1,
            "high": 0.4,
            "source": "t",
        },
        {"outcome": "Respite", "input": "deadweight", "low": 0.1, "high": 0.4, "source": "t"},
    ]
    with pytest.raises(ValidationError, match="unknown outcome 'Respite'"):
        model([outcome()], sensitivity=ranges)


def test_sensitivity_range_low_above_high_rejected():
    bad = {
        "outcome": "Carer breakdown avoided",
        "input": "attribution",
        "low": 0.5,
        "high": 0.1,
        "source": "t",
    }
    with pytest.raises(ValidationError, match="above high"):
        model([outcome()], sensitivity=[bad])


def test_with_outcome_input_changes_one_outcome():
    params = model([outcome(), outcome(name="Other")])
    changed = params.with_outcome_input("Other", "quantity", 0)
    assert changed.outcome("Other").quantity == 0
    assert changed.outcome("Carer breakdown avoided").quantity == 10
    with pytest.raises(ValidationError):
        params.with_outcome_input("Other", "deadweight", 2.0)


def test_params_file_sroi_errors_name_the_key():
    import copy
    from pathlib import Path

    import yaml

    from carerlib.measures.breaks import load_breaks_params

    path = Path(__file__).resolve().parents[1] / "params" / "defaults.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    bad = copy.deepcopy(raw)
    bad["breaks"]["sroi"]["outcomes"][2]["attribution"] = 7
    with pytest.raises(ParamsError, match=r"breaks\.sroi\.outcomes\.2\.attribution"):
        load_breaks_params(bad)
    bad = copy.deepcopy(raw)
    bad["breaks"]["sroi"]["investment"] = -100
    with pytest.raises(ParamsError, match=r"breaks\.sroi\.investment: a cost can't be negative"):
        load_breaks_params(bad)
    # The illustrative SROI example in the file runs and pays back in year 1.
    result = sroi(load_breaks_params(raw).sroi)
    assert result.payback_year == 1
    assert result.present_value_cashable + result.present_value_social == pytest.approx(
        result.present_value
    )


def test_proxies_restated_in_the_models_price_year(mirror):
    """The £6,388 proxy is in 2010/11 prices; the SROI reports in 2012/13. With the GDP deflator
    (financial year = mean of its calendar years) 2010/11 -> 2012/13 is
    ((71.9294 + 73.4795) / 2) / ((69.1217 + 70.834) / 2)."""
    from carerlib.measures.sroi import in_one_price_year
    from carerlib.params import load_params

    breaks = load_params().breaks
    model, proxies = in_one_price_year(breaks.sroi, breaks.price_index)
    factor = (71.9294 + 73.4795) / (69.1217 + 70.834)
    row = proxies.set_index("outcome").loc["Carer health breakdown avoided"]
    assert row["factor"] == pytest.approx(factor)
    assert row["proxy_restated"] == pytest.approx(6388 * factor)
    assert row["restated_price_year"] == "2012/13"
    assert {o.price_year for o in model.outcomes} == {"2012/13"}
    same = proxies.set_index("outcome").loc["Carer wellbeing improved"]
    assert same["factor"] == 1.0 and same["proxy_restated"] == 1500
