"""Tests for carerlib.measures.prices: uplift between price years and validated figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from carerlib.errors import ParamsError
from carerlib.measures.breaks import load_breaks_params
from carerlib.measures.prices import (
    CostFigure,
    PositiveFigure,
    PriceIndex,
    PriceYearError,
    ProportionFigure,
    uplift,
    uplift_costs,
)

INDEX = PriceIndex(
    name="test index",
    source="test",
    values={"2010/11": 100.0, "2012/13": 104.0, "2019/20": 125.0},
)


def test_uplift_by_hand():
    # £4,254 in 2010/11 prices x 125 / 100 = £5,317.50 in 2019/20 prices
    assert uplift(4254, "2010/11", "2019/20", INDEX) == pytest.approx(5317.5)
    # £2,500 in 2012/13 prices x 100 / 104 = £2,403.85 in 2010/11 prices
    assert uplift(2500, "2012/13", "2010/11", INDEX) == pytest.approx(2403.846153846154)
    assert uplift(2500, "2012/13", "2012/13", INDEX) == 2500


def test_uplift_arrays():
    out = uplift(np.array([100.0, 200.0]), "2010/11", "2012/13", INDEX)
    assert list(out) == pytest.approx([104.0, 208.0])


def test_year_not_in_table_is_a_clear_error():
    with pytest.raises(PriceYearError) as caught:
        uplift(100, "2010/11", "2030/31", INDEX)
    message = str(caught.value)
    assert "2030/31" in message and "2010/11, 2012/13, 2019/20" in message
    assert isinstance(caught.value, ParamsError)
    assert caught.value.key == "price_index.values.2030/31"


def test_whole_number_years_become_text():
    index = PriceIndex(name="calendar", source="test", values={2011: 100, 2021: 120})
    assert set(index.values) == {"2011", "2021"}
    assert uplift(50, 2011, "2021", index) == pytest.approx(60)
    figure = CostFigure(value=10, source="test", price_year=2011)
    assert figure.price_year == "2011"


@given(
    amount=st.floats(min_value=0, max_value=1e9),
    years=st.lists(st.sampled_from(["2010/11", "2012/13", "2019/20"]), min_size=3, max_size=3),
)
def test_uplift_round_trips(amount, years):
    a, b, c = years
    direct = uplift(amount, a, c, INDEX)
    via = uplift(uplift(amount, a, b, INDEX), b, c, INDEX)
    assert via == pytest.approx(direct, rel=1e-12, abs=1e-9)


def test_uplift_costs_table():
    costs = {
        "rehab_episode_cost": CostFigure(value=4254, source="Baker Tilly", price_year="2010/11"),
        "break_cost_per_carer": CostFigure(value=2500, source="Southend", price_year="2012/13"),
    }
    table = uplift_costs(costs, "2019/20", INDEX).set_index("item")
    assert table.loc["rehab_episode_cost", "value_uplifted"] == pytest.approx(5317.5)
    assert table.loc["break_cost_per_carer", "factor"] == pytest.approx(125 / 104)
    assert (table["to_year"] == "2019/20").all()
    with pytest.raises(PriceYearError, match="2031/32"):
        uplift_costs(costs, "2031/32", INDEX)


def test_figures_validate():
    with pytest.raises(ValidationError, match="can't be negative"):
        CostFigure(value=-1, source="x", price_year="2012/13")
    with pytest.raises(ValidationError, match="price_year"):
        CostFigure(value=1, source="x")
    with pytest.raises(ValidationError, match="source"):
        CostFigure(value=1, source="", price_year="2012/13")
    with pytest.raises(ValidationError, match="between 0 and 1"):
        ProportionFigure(value=1.01, source="x")
    with pytest.raises(ValidationError, match="greater than 0"):
        PositiveFigure(value=0, source="x")
    with pytest.raises(ValidationError, match="finite"):
        CostFigure(value=float("nan"), source="x", price_year="2012/13")
    with pytest.raises(ValidationError, match="greater than 0"):
        PriceIndex(name="bad", source="x", values={"2012/13": 0})


def test_params_file_uplift():
    path = Path(__file__).resolve().parents[1] / "params" / "defaults.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    params = load_breaks_params(raw)
    index = params.price_index
    # Uplifting every cost to 2023/24 raises each by its own factor.
    inputs = params.health_breakdown.inputs(index, "2023/24")
    assert inputs.rehab_episode_cost == pytest.approx(4254 * index.factor("2010/11", "2023/24"))
    assert inputs.break_cost_per_carer == pytest.approx(2500 * index.factor("2012/13", "2023/24"))
    # Setting the pack's price year in params applies the same uplift.
    raw["breaks"]["price_year"] = "2023/24"
    assert load_breaks_params(raw).health_breakdown_inputs() == inputs
    # A pack price year missing from the index is rejected when the file is loaded.
    raw["breaks"]["price_year"] = "2030/31"
    with pytest.raises(ParamsError, match=r"breaks\.price_year: price year '2030/31'"):
        load_breaks_params(raw)


# --- the ONS GDP deflator (registered dataset gdp_deflator) -------------------------------------


def test_deflator_2011_to_2024_and_financial_year_convention(mirror):
    from carerlib.data.deflator import read_gdp_deflator
    from carerlib.measures.prices import deflator_values

    frame = read_gdp_deflator(mirror / "prices" / "gdp-deflator-ybgb-2024base.csv")
    values = deflator_values(frame)
    index = PriceIndex(name="deflator", source="ONS YBGB", values=values)
    # MANIFEST: 2011 -> 2024 multiplies by 100 / 70.834 = 1.412
    assert index.factor("2011", "2024") == pytest.approx(100 / 70.834)
    assert round(index.factor("2011", "2024"), 3) == 1.412
    # 2010/11 is the mean of 2010 (69.1217) and 2011 (70.834)
    assert values["2010/11"] == pytest.approx((69.1217 + 70.834) / 2)
    assert "2024/25" not in values  # no 2025 row: never extrapolated


def test_params_price_index_is_the_deflator_dataset(mirror):
    from carerlib.params import load_params

    index = load_params().breaks.price_index
    assert index.dataset == "gdp_deflator" and "ILLUSTRATIVE" not in index.name
    assert index.index("2024") == 100.0
    assert index.financial_years.startswith("a financial year")


def test_dataset_index_without_data_fails_on_use_not_on_load(monkeypatch, tmp_path):
    monkeypatch.setenv("CARERLIB_CACHE", str(tmp_path / "empty"))
    monkeypatch.delenv("CARERLIB_DATA_MIRROR", raising=False)
    index = PriceIndex(name="deflator", source="ONS", dataset="gdp_deflator")
    assert not index.values and index.covers("2010/11") and not index.covers("2010/12")
    with pytest.raises(PriceYearError, match="dataset 'gdp_deflator'.*carerlib data fetch"):
        index.factor("2011", "2024")


def test_bad_deflator_row_is_named(tmp_path):
    from carerlib.data.deflator import read_gdp_deflator
    from carerlib.errors import DataError

    path = tmp_path / "deflator.csv"
    path.write_text('"year","value"\n2010,69.1\n2011,-1\n')
    with pytest.raises(DataError, match=r"deflator\.csv.*row 3.*value"):
        read_gdp_deflator(path)


def test_deflator_file_read_once_while_unchanged_and_each_caller_gets_a_copy(tmp_path):
    """A warm kernel keeps the deflator across areas: a frame one area changes never reaches
    the next, and an edited file is read again."""
    import os

    from carerlib.data import deflator

    path = tmp_path / "deflator.csv"
    path.write_text("year,value\n2023,98.0\n2024,100.0\n")
    first = deflator._load(str(path))
    first.loc[0, "value"] = -1.0  # one caller's change
    assert deflator._load(str(path))["value"].tolist() == [98.0, 100.0]
    path.write_text("year,value\n2023,97.5\n2024,100.0\n")
    os.utime(path, ns=(1, 1))  # a new modification time
    assert deflator._load(str(path))["value"].tolist() == [97.5, 100.0]
