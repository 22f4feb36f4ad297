"""Tests for carerlib.measures.breaks: published figures, tables, properties and parameter
validation."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from conftest import southend_proxy_inputs
from hypothesis import given
from hypothesis import strategies as st

from carerlib.errors import ParamsError
from carerlib.measures.breaks import (
    HEALTH_BREAKDOWN_INPUTS,
    STRATEGY_PRINTED_DAMAGE,
    STRATEGY_TYPO_NOTE,
    BreaksParams,
    CostAvoidanceRow,
    Organisation,
    cost_avoidance,
    financial_commitments,
    health_breakdown_arrays,
    health_breakdown_proxy,
    health_breakdown_working,
    indicative_breaks,
    load_breaks_params,
    reference_returns,
)

PARAMS_FILE = Path(__file__).resolve().parents[1] / "params" / "defaults.yaml"

# The Southend strategy's example (002 §6 and theme 5, after Baker Tilly 2011).
SOUTHEND = southend_proxy_inputs()


ESSEX_FILE = PARAMS_FILE.parent / "areas" / "E10000012.yaml"


@pytest.fixture(scope="module")
def raw_params() -> dict[str, Any]:
    """The defaults with Essex's commitments (an area's own, not a default)."""
    with PARAMS_FILE.open(encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    with ESSEX_FILE.open(encoding="utf-8") as f:
        raw["breaks"]["commitments"] = yaml.safe_load(f)["breaks"]["commitments"]
    return raw


def test_commitments_only_where_an_area_gives_them():
    from carerlib.params import load_params

    assert load_params("E06000033").breaks.commitments is None
    assert load_params("W06000015").breaks.commitments is None
    assert load_params("E10000012").breaks.commitments.title == "Financial commitments for 2012/13"


@pytest.fixture(scope="module")
def params(raw_params: dict[str, Any]) -> BreaksParams:
    return load_breaks_params(raw_params, str(PARAMS_FILE))


# --- indicative breaks and the commitments table ------------------------------------------------


def test_a_break_costs_54_pounds_at_13_50_for_4_hours():
    # £13.50 x 4 hours = £54, so £54 buys one break and £540,000 buys 10,000.
    assert indicative_breaks(54, 13.50, 4) == pytest.approx(1.0)
    assert indicative_breaks(540_000, 13.50, 4) == pytest.approx(10_000)


def test_indicative_breaks_rejects_zero_hours():
    with pytest.raises(ValueError, match="hours per break"):
        indicative_breaks(1000, 13.50, 0)


def test_break_rate_from_params_is_54(params: BreaksParams):
    assert params.break_rate.cost_per_break == pytest.approx(54.0)


def test_commitments_table_layout_and_totals():
    orgs = [
        Organisation(name="ECC", breaks=540, other=100),
        Organisation(name="Mid Essex", cluster="North Essex Cluster", breaks=108, other=10),
        Organisation(name="Other council", breaks=54, other=0),
        Organisation(name="West Essex", cluster="North Essex Cluster", breaks=162, other=20),
    ]
    table = financial_commitments(orgs, 13.50, 4)
    assert list(table.columns) == [
        "organisation",
        "cluster",
        "breaks",
        "other",
        "total",
        "indicative_breaks",
        "row_type",
    ]
    # Subtotal first, then all its members together, even though they were apart in the input.
    assert list(table["organisation"]) == [
        "ECC",
        "North Essex Cluster",
        "Mid Essex",
        "West Essex",
        "Other council",
        "Total",
    ]
    assert list(table["row_type"]) == [
        "organisation",
        "subtotal",
        "organisation",
        "organisation",
        "organisation",
        "total",
    ]
    sub = table.set_index("organisation").loc["North Essex Cluster"]
    assert sub["breaks"] == 270 and sub["other"] == 30 and sub["total"] == 300
    assert sub["indicative_breaks"] == pytest.approx(5.0)  # 270 / 54
    total = table.set_index("organisation").loc["Total"]
    assert total["breaks"] == 864 and total["total"] == 994
    assert total["indicative_breaks"] == pytest.approx(16.0)  # 864 / 54


def test_commitments_subtotal_after_members():
    orgs = [
        Organisation(name="A", cluster="C", breaks=54, other=0),
        Organisation(name="B", cluster="C", breaks=54, other=0),
    ]
    table = financial_commitments(orgs, 13.50, 4, subtotal_position="after")
    assert list(table["organisation"]) == ["A", "B", "C", "Total"]


def test_commitments_from_params_file(params: BreaksParams):
    table = params.commitments_table().set_index("organisation")
    # Illustrative figures in params/areas/E10000012.yaml, whole numbers of £54 breaks.
    assert table.loc["North Essex Cluster", "breaks"] == 513_000
    assert table.loc["North Essex Cluster", "indicative_breaks"] == pytest.approx(9_500)
    assert table.loc["Total", "breaks"] == 1_053_000
    assert table.loc["Total", "total"] == 1_650_000
    assert table.loc["Total", "indicative_breaks"] == pytest.approx(19_500)


# --- the Baker Tilly health-breakdown proxy: published figures ----------------------------------


def test_health_breakdown_golden_figures():
    r = health_breakdown_proxy(SOUTHEND)
    assert r.damage_avoided_per_carer == pytest.approx(6388)  # 4,254 + 2 x 1,067
    assert r.carers_at_risk == pytest.approx(40)
    assert r.gross_saving == pytest.approx(255_520)  # 40 x 6,388
    assert r.carers_given_breaks == pytest.approx(40)
    assert r.cost == pytest.approx(100_000)  # 40 breaks x 2,500
    assert r.net_saving == pytest.approx(155_520)
    assert round(r.return_per_pound, 2) == 2.56  # 255,520 / 100,000 = 2.5552
    assert round(100 * r.break_even_share_at_risk, 1) == 39.1  # 2,500 / 6,388


def test_golden_figures_from_params_file(params: BreaksParams):
    r = health_breakdown_proxy(params.health_breakdown)
    assert (r.damage_avoided_per_carer, r.gross_saving, r.cost, r.net_saving) == (
        pytest.approx(6388),
        pytest.approx(255_520),
        pytest.approx(100_000),
        pytest.approx(155_520),
    )
    assert round(r.return_per_pound, 2) == 2.56
    assert params.health_breakdown_inputs() == params.health_breakdown.inputs()


def test_strategy_typo_is_a_typo():
    # The printed £6,355 does not give the printed total; £6,388 does.
    assert 40 * STRATEGY_PRINTED_DAMAGE == 254_200
    assert 40 * 6388 == 255_520
    assert "6,355" in STRATEGY_TYPO_NOTE and "6,388" in STRATEGY_TYPO_NOTE


def test_breaks_for_whole_cohort_costs_100_breaks():
    r = health_breakdown_proxy(SOUTHEND.model_copy(update={"breaks_for": "cohort"}))
    assert r.cost == pytest.approx(250_000)  # 100 breaks x 2,500
    assert r.net_saving == pytest.approx(5_520)  # barely above break-even at 40% at risk
    assert round(100 * r.break_even_share_at_risk, 1) == 39.1


def test_share_prevented_scales_gross_saving():
    r = health_breakdown_proxy(SOUTHEND.model_copy(update={"share_prevented": 0.5}))
    assert r.gross_saving == pytest.approx(127_760)  # 40 x 50% x 6,388
    assert r.net_saving == pytest.approx(27_760)


def test_working_table_lists_each_step():
    working = health_breakdown_working(health_breakdown_proxy(SOUTHEND))
    assert list(working.columns) == ["step", "formula", "value", "unit"]
    values = dict(zip(working["step"], working["value"], strict=True))
    assert values["Damage avoided per carer"] == pytest.approx(6388)
    assert values["Gross saving"] == pytest.approx(255_520)
    assert values["Cost of breaks"] == pytest.approx(100_000)
    assert values["Net saving"] == pytest.approx(155_520)
    assert values["Return per £1 spent"] == pytest.approx(2.5552)
    formulas = " ".join(working["formula"])
    assert "£4,254" in formulas and "£1,067" in formulas and "40 breaks × £2,500" in formulas


def test_arrays_match_scalars():
    n = 5
    arrays = {name: np.full(n, float(getattr(SOUTHEND, name))) for name in HEALTH_BREAKDOWN_INPUTS}
    arrays["share_at_risk"] = np.linspace(0.0, 1.0, n)
    out = health_breakdown_arrays(**arrays)
    for i, share in enumerate(arrays["share_at_risk"]):
        one = health_breakdown_proxy(SOUTHEND.model_copy(update={"share_at_risk": share}))
        assert out["net_saving"][i] == pytest.approx(one.net_saving)
    # No breaks bought (share at risk 0): return per £1 is undefined, not an error.
    assert np.isnan(out["return_per_pound"][0])


# --- properties ---------------------------------------------------------------------------------

shares = st.floats(min_value=0.0, max_value=1.0)
money = st.floats(min_value=0.0, max_value=50_000.0)


def _net(**changes: float | str) -> float:
    return health_breakdown_proxy(SOUTHEND.model_copy(update=changes)).net_saving


@given(a=shares, b=shares, break_cost=money, breaks_for=st.sampled_from(["at_risk", "cohort"]))
def test_net_saving_rises_with_share_at_risk(a, b, break_cost, breaks_for):
    low, high = sorted((a, b))
    net_low = _net(share_at_risk=low, break_cost_per_carer=break_cost, breaks_for=breaks_for)
    net_high = _net(share_at_risk=high, break_cost_per_carer=break_cost, breaks_for=breaks_for)
    if breaks_for == "cohort" or break_cost <= 6388:
        # More carers at risk means more breakdowns prevented: the saving can only rise.
        assert net_high >= net_low - 1e-6
    else:
        # Breaks for those at risk that cost more than the damage they avoid lose money on each.
        assert net_high <= net_low + 1e-6


@given(a=money, b=money, share=shares, breaks_for=st.sampled_from(["at_risk", "cohort"]))
def test_net_saving_falls_with_break_cost(a, b, share, breaks_for):
    low, high = sorted((a, b))
    net_low = _net(break_cost_per_carer=low, share_at_risk=share, breaks_for=breaks_for)
    net_high = _net(break_cost_per_carer=high, share_at_risk=share, breaks_for=breaks_for)
    assert net_high <= net_low + 1e-6


@given(break_cost=st.floats(min_value=1.0, max_value=6388.0))
def test_break_even_share_gives_zero_net_saving(break_cost):
    # With breaks for the whole cohort, net saving is £0 exactly at the break-even share.
    inputs = SOUTHEND.model_copy(
        update={"breaks_for": "cohort", "break_cost_per_carer": break_cost}
    )
    r = health_breakdown_proxy(inputs)
    assert r.break_even_share_at_risk == pytest.approx(break_cost / 6388)
    at_break_even = inputs.model_copy(update={"share_at_risk": r.break_even_share_at_risk})
    assert health_breakdown_proxy(at_break_even).net_saving == pytest.approx(0, abs=1e-6)


# --- cost avoidance and reference returns -------------------------------------------------------


def test_cost_avoidance_rows_and_total():
    rows = [
        CostAvoidanceRow(
            service="Overnight",
            families=15,
            alternative_cost_per_family=70_000,
            respite_cost_per_family=30_000,
            source="test",
            price_year="2019/20",
        ),
        CostAvoidanceRow(
            service="Day",
            families=12,
            alternative_cost_per_family=55_000,
            respite_cost_per_family=20_000,
            source="test",
            price_year="2019/20",
        ),
    ]
    table = cost_avoidance(rows).set_index("service")
    assert table.loc["Overnight", "cost_avoided"] == 600_000  # 15 x (70,000 - 30,000)
    assert table.loc["Day", "cost_avoided"] == 420_000  # 12 x (55,000 - 20,000)
    assert table.loc["Total", "cost_avoided"] == 1_020_000
    assert table.loc["Total", "families"] == 27


def test_cost_avoidance_params_reflect_kingston(params: BreaksParams):
    # Kingston: 27 families, over £1m a year.
    total = cost_avoidance(params.cost_avoidance.rows).set_index("service").loc["Total"]
    assert total["families"] == 27
    assert total["cost_avoided"] > 1_000_000


def test_reference_returns():
    ref = reference_returns().set_index("provider")
    assert set(ref["kind"]) <= {"cashable", "social", "other"}
    fcp = ref.loc["Caring Together"]
    assert fcp["value"] / fcp["investment"] == pytest.approx(fcp["ratio"]) == pytest.approx(4.25)
    centres = ref[ref["scheme"].str.contains("Five carers")].iloc[0]
    assert centres["kind"] == "social"
    assert centres["value"] / centres["investment"] == pytest.approx(14.6)
    assert (ref["source"].str.len() > 0).all()


# --- parameter file and validation --------------------------------------------------------------


def test_params_file_validates(params: BreaksParams):
    assert params.health_breakdown.breaks_for == "at_risk"
    assert params.monte_carlo.draws == 10_000


def test_params_file_gives_every_figure_a_source(raw_params: dict[str, Any]):
    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if "value" in node:
                assert node.get("source"), f"{path} has no source"
            for key, child in node.items():
                walk(child, f"{path}.{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{path}.{i}")

    walk(raw_params["breaks"], "breaks")
    for outcome in raw_params["breaks"]["sroi"]["outcomes"]:
        assert outcome["source"] and outcome["price_year"]


def test_load_accepts_section_or_whole_mapping(raw_params: dict[str, Any]):
    assert load_breaks_params(raw_params["breaks"]) == load_breaks_params(raw_params)


def _broken(raw: dict[str, Any], change) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    change(data["breaks"])
    return data


def _set(*path_and_value):
    *path, key, value = path_and_value

    def change(section: dict[str, Any]) -> None:
        node: Any = section
        for part in path:
            node = node[part]
        node[key] = value

    return change


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (
            _set("health_breakdown", "share_at_risk", "value", 1.4),
            "breaks.health_breakdown.share_at_risk.value",
            "between 0 and 1",
        ),
        (
            _set("health_breakdown", "rehab_episode_cost", "value", -4254),
            "breaks.health_breakdown.rehab_episode_cost.value",
            "can't be negative",
        ),
        (
            _set("commitments", "organisations", 2, "other", -1),
            "breaks.commitments.organisations.2.other",
            "can't be negative",
        ),
        (
            _set("break_rate", "hours_per_break", "value", 0),
            "breaks.break_rate.hours_per_break.value",
            "greater than 0",
        ),
        (
            _set("sroi", "sensitivity", 0, "outcome", "No such outcome"),
            "breaks.sroi.sensitivity.0.outcome",
            "unknown outcome 'No such outcome'",
        ),
        (
            _set("sroi", "horizon_years", 0),
            "breaks.sroi.horizon_years",
            "at least 1 year",
        ),
        (
            _set("sroi", "outcomes", 1, "drop_off", 1.5),
            "breaks.sroi.outcomes.1.drop_off",
            "between 0 and 1",
        ),
        (
            _set("monte_carlo", "ranges", "break_cost_per_carer", "low", 5000),
            "breaks.monte_carlo.ranges.break_cost_per_carer",
            "low <= mode <= high",
        ),
        (
            _set("monte_carlo", "ranges", "share_at_risk", "high", 1.2),
            "breaks.monte_carlo.ranges.share_at_risk.high",
            "can't exceed 1",
        ),
        (
            _set(
                "monte_carlo", "ranges", "carers", {"low": 1, "mode": 1, "high": 1, "source": "x"}
            ),
            "breaks.monte_carlo.ranges.carers",
            "unknown input 'carers'",
        ),
        (
            _set("health_breakdown", "break_cost_per_carer", "price_year", "2031/32"),
            "breaks.health_breakdown.break_cost_per_carer.price_year",
            "not in the price index",
        ),
        (
            _set("health_breakdown", "cohort", "source", ""),
            "breaks.health_breakdown.cohort.source",
            "",
        ),
        (
            _set("sroi", "outcomes", 0, "deadwieght", 0.1),
            "breaks.sroi.outcomes.0.deadwieght",
            "not permitted",
        ),
    ],
)
def test_validation_errors_name_the_key(raw_params, change, key, words):
    with pytest.raises(ParamsError) as caught:
        load_breaks_params(_broken(raw_params, change), "params/defaults.yaml")
    error = caught.value
    assert error.key == key
    assert str(error).startswith(f"params/defaults.yaml: {key}: ")
    assert words in error.problem
    assert "\n" not in str(error)


def test_missing_source_is_reported(raw_params):
    def drop(section: dict[str, Any]) -> None:
        del section["health_breakdown"]["rehab_weeks"]["source"]

    with pytest.raises(ParamsError, match=r"breaks\.health_breakdown\.rehab_weeks\.source"):
        load_breaks_params(_broken(raw_params, drop))


def test_non_mapping_is_rejected():
    with pytest.raises(ParamsError, match="breaks"):
        load_breaks_params({"breaks": [1, 2]})
