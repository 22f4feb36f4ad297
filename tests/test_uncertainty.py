"""Tests for carerlib.measures.uncertainty: tornado tables, break-even values and Monte Carlo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import southend_proxy_inputs
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from carerlib.measures.breaks import health_breakdown_proxy, load_breaks_params
from carerlib.measures.uncertainty import (
    MonteCarloSettings,
    Range,
    break_even,
    draw_inputs,
    health_breakdown_break_even,
    health_breakdown_sensitivity,
    one_way_sensitivity,
    sample,
    simulate_health_breakdown,
    sroi_sensitivity,
    summarise_draws,
)

SOUTHEND = southend_proxy_inputs()
PARAMS_FILE = Path(__file__).resolve().parents[1] / "params" / "defaults.yaml"


def rng_range(low: float, mode: float, high: float, distribution: str = "pert") -> Range:
    return Range(low=low, mode=mode, high=high, distribution=distribution, source="test")


# --- ranges -------------------------------------------------------------------------------------


def test_range_low_above_high_rejected():
    with pytest.raises(ValidationError, match="low <= mode <= high"):
        rng_range(3, 2, 4)
    with pytest.raises(ValidationError, match="low <= mode <= high"):
        rng_range(1, 5, 4)


@pytest.mark.parametrize("distribution", ["triangular", "pert"])
def test_draws_stay_in_range_and_centre_on_the_mean(distribution):
    spec = rng_range(1000, 2500, 4000 + 2000 * (distribution == "pert"), distribution)
    x = sample(spec, 200_000, np.random.default_rng(1))
    assert x.min() >= spec.low and x.max() <= spec.high
    if distribution == "triangular":
        expected = (spec.low + spec.mode + spec.high) / 3
    else:
        expected = (spec.low + 4 * spec.mode + spec.high) / 6
    assert x.mean() == pytest.approx(expected, rel=0.005)


def test_degenerate_range_gives_its_value():
    for distribution in ("triangular", "pert"):
        x = sample(rng_range(7, 7, 7, distribution), 10, np.random.default_rng(0))
        assert (x == 7).all()


def test_draws_reproducible_and_independent_of_order():
    a = {"x": rng_range(0, 1, 2), "y": rng_range(5, 6, 9)}
    b = {"y": a["y"], "x": a["x"]}
    da, db = draw_inputs(a, 100, 42), draw_inputs(b, 100, 42)
    assert all((da[k] == db[k]).all() for k in a)
    assert not (draw_inputs(a, 100, 43)["x"] == da["x"]).all()


def test_summarise_draws():
    s = summarise_draws(np.arange(101.0))
    assert s == pytest.approx({"mean": 50.0, "median": 50.0, "low": 5.0, "high": 95.0})
    assert summarise_draws(np.array([1.0, np.nan, 3.0]))["mean"] == 2.0
    assert np.isnan(summarise_draws(np.array([np.nan]))["mean"])


# --- one-way sensitivity ------------------------------------------------------------------------


def test_one_way_sensitivity_sorted_by_swing():
    def model(v):
        return 3 * v["a"] - v["b"] + 0 * v["c"]

    table = one_way_sensitivity(
        model, {"a": 1, "b": 1, "c": 1}, {"b": (0, 10), "a": (0, 1), "c": (0, 5)}
    )
    assert list(table["input"]) == ["b", "a", "c"]  # swings 10, 3, 0
    assert list(table["swing"]) == [10, 3, 0]
    row = table.set_index("input").loc["b"]
    assert (row["output_base"], row["output_at_low"], row["output_at_high"]) == (2, 3, -7)


def test_health_breakdown_tornado():
    ranges = {
        "share_at_risk": rng_range(0.25, 0.40, 0.55),
        "break_cost_per_carer": rng_range(1500, 2500, 4000),
    }
    table = health_breakdown_sensitivity(SOUTHEND, ranges).set_index("input")
    # share at risk: 100 x s x (6,388 - 2,500): 25% -> 97,200; 55% -> 213,840 (swing 116,640)
    assert table.loc["share_at_risk", "output_at_low"] == pytest.approx(97_200)
    assert table.loc["share_at_risk", "output_at_high"] == pytest.approx(213_840)
    # break cost: 40 x (6,388 - c): 1,500 -> 195,520; 4,000 -> 95,520 (swing 100,000)
    assert table.loc["break_cost_per_carer", "output_at_low"] == pytest.approx(195_520)
    assert table.loc["break_cost_per_carer", "output_at_high"] == pytest.approx(95_520)
    assert list(table.index) == ["share_at_risk", "break_cost_per_carer"]
    assert list(table["output_base"]) == pytest.approx([155_520, 155_520])


# --- break-even ---------------------------------------------------------------------------------


def test_break_even_values_for_targeted_breaks():
    table = health_breakdown_break_even(SOUTHEND).set_index("input")
    # Share of breakdowns a break must prevent: 2,500 / 6,388 = 39.1%
    assert table.loc["share_prevented", "break_even_value"] == pytest.approx(2500 / 6388)
    # Break cost at which breaks stop paying: the damage avoided, £6,388
    assert table.loc["break_cost_per_carer", "break_even_value"] == pytest.approx(6388)
    assert table.loc["break_cost_per_carer", "saving_when"] == "below"
    # Rehab episode cost would have to fall to 2,500 - 2 x 1,067 = £366
    assert table.loc["rehab_episode_cost", "break_even_value"] == pytest.approx(366)
    # Residential cost alone can't wipe out the saving: it would have to be -£877 a week, which
    # is never shown as a figure, only explained
    row = table.loc["residential_cost_per_week"]
    assert np.isnan(row["break_even_value"]) and not row["plausible"]
    assert row["saving_when"] == "always"
    assert "-877" in row["note"] and "below zero" in row["note"]


def test_break_even_table_has_no_negative_weeks_or_pounds():
    for update in ({}, {"breaks_for": "cohort"}, {"share_at_risk": 0.9},
                   {"break_cost_per_carer": 9000}):
        table = health_breakdown_break_even(SOUTHEND.model_copy(update=update))
        assert not (table["break_even_value"] < 0).any(), update
        shares = table[table["input"].isin(["share_at_risk", "share_prevented"])]
        assert not (shares["break_even_value"] > 1).any(), update


def test_break_even_share_at_risk_for_whole_cohort():
    inputs = SOUTHEND.model_copy(update={"breaks_for": "cohort"})
    table = health_breakdown_break_even(inputs).set_index("input")
    value = table.loc["share_at_risk", "break_even_value"]
    assert round(100 * value, 1) == 39.1
    assert table.loc["share_at_risk", "saving_when"] == "above"


def test_break_even_by_bisection_for_a_ratio():
    # Return per £1 = 40 x 6,388 / (40 x c) is not linear in the break cost c; it is 1 at c = 6,388.
    from carerlib.measures.breaks import HEALTH_BREAKDOWN_INPUTS, health_breakdown_arrays

    base = {n: float(getattr(SOUTHEND, n)) for n in HEALTH_BREAKDOWN_INPUTS}

    def ratio(v):
        return health_breakdown_arrays(**v)["return_per_pound"]

    value = break_even(ratio, base, "break_cost_per_carer", target=1.0, bracket=(100, 20_000))
    assert value == pytest.approx(6388, rel=1e-6)
    assert break_even(ratio, base, "break_cost_per_carer", target=1.0, bracket=(100, 200)) is None


def test_break_even_none_when_output_ignores_input():
    assert break_even(lambda v: v["a"] - 1, {"a": 3.0, "b": 2.0}, "b") is None


# --- Monte Carlo --------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    share=st.floats(min_value=0.0, max_value=1.0),
    cost=st.floats(min_value=0.0, max_value=10_000.0),
)
def test_degenerate_ranges_reproduce_deterministic_value(share, cost):
    inputs = SOUTHEND.model_copy(update={"share_at_risk": share, "break_cost_per_carer": cost})
    mc = simulate_health_breakdown(
        inputs,
        MonteCarloSettings(
            draws=500,
            seed=1,
            ranges={
                "share_at_risk": rng_range(share, share, share),
                "break_cost_per_carer": rng_range(cost, cost, cost, "triangular"),
            },
        ),
    )
    row = mc.summary.set_index("measure").loc["net_saving"]
    expected = health_breakdown_proxy(inputs).net_saving
    assert row["mean"] == pytest.approx(expected, abs=1e-6)
    assert row["low"] == pytest.approx(expected, abs=1e-6)
    assert row["high"] == pytest.approx(expected, abs=1e-6)
    assert mc.probability_net_saving_positive == (1.0 if expected > 0 else 0.0)


def test_narrow_ranges_approach_deterministic_value():
    ranges = {
        "share_at_risk": rng_range(0.39, 0.40, 0.41),
        "rehab_episode_cost": rng_range(4200, 4254, 4308),
    }
    mc = simulate_health_breakdown(SOUTHEND, MonteCarloSettings(seed=7, ranges=ranges))
    summary = mc.summary.set_index("measure")
    assert summary.loc["net_saving", "mean"] == pytest.approx(155_520, rel=0.002)
    assert summary.loc["net_saving", "deterministic"] == pytest.approx(155_520)
    assert summary.loc["return_per_pound", "mean"] == pytest.approx(2.5552, rel=0.002)
    assert mc.probability_net_saving_positive == 1.0


def test_monte_carlo_from_params_file():
    params = load_breaks_params(yaml.safe_load(PARAMS_FILE.read_text(encoding="utf-8")))
    mc = simulate_health_breakdown(params.health_breakdown_inputs(), params.monte_carlo)
    assert len(mc.draws) == 10_000
    summary = mc.summary.set_index("measure")
    assert summary.loc["net_saving", "low"] < summary.loc["net_saving", "mean"]
    assert summary.loc["net_saving", "mean"] < summary.loc["net_saving", "high"]
    assert 0.5 < mc.probability_net_saving_positive <= 1.0
    # Same seed, same answer.
    again = simulate_health_breakdown(params.health_breakdown_inputs(), params.monte_carlo)
    assert again.summary.equals(mc.summary)
    # Inputs drawn stay within their ranges.
    for name, spec in params.monte_carlo.ranges.items():
        assert mc.draws[name].between(spec.low, spec.high).all()


def test_monte_carlo_rejects_unknown_input():
    with pytest.raises(KeyError, match="carers"):
        simulate_health_breakdown(
            SOUTHEND, MonteCarloSettings(seed=1, ranges={"carers": rng_range(1, 2, 3)})
        )


def test_ten_thousand_draws_are_reproducible_and_complete():
    """Speed is measured by benchmarks/bench_monte_carlo.py; here: same seed, same answer."""
    ranges = {name: rng_range(0.2, 0.4, 0.6) for name in ("share_at_risk", "share_prevented")}
    ranges["break_cost_per_carer"] = rng_range(1500, 2500, 4000)
    config = MonteCarloSettings(draws=10_000, seed=3, ranges=ranges)
    first = simulate_health_breakdown(SOUTHEND, config)
    second = simulate_health_breakdown(SOUTHEND, config)
    assert first.probability_net_saving_positive == second.probability_net_saving_positive
    assert first.draws.equals(second.draws)
    assert 0 < first.probability_net_saving_positive < 1


# --- SROI tornado -------------------------------------------------------------------------------


def test_sroi_sensitivity_from_params_file():
    params = load_breaks_params(yaml.safe_load(PARAMS_FILE.read_text(encoding="utf-8")))
    table = sroi_sensitivity(params.sroi)
    assert len(table) == len(params.sroi.sensitivity)
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
    # Raising attribution lowers the ratio; raising a financial proxy raises it.
    attribution = table[table["input"] == "attribution"].iloc[0]
    assert attribution["ratio_at_high"] < attribution["ratio_base"] < attribution["ratio_at_low"]
    proxy = table[table["input"] == "financial_proxy"].iloc[0]
    assert proxy["ratio_at_low"] < proxy["ratio_base"] < proxy["ratio_at_high"]
