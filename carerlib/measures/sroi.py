"""Social return on investment (SROI) for support to carers.

Follows the Cabinet Office *Guide to Social Return on Investment* (2012). For each outcome:

* impact in year 1 = quantity x financial proxy x (1 - deadweight) x (1 - displacement)
  x (1 - attribution) — what happened, valued in pounds, less what would have happened anyway
  (deadweight), what was merely moved from elsewhere (displacement) and what others caused
  (attribution);
* impact in year t = year-1 impact x (1 - drop-off)^(t - 1) — the outcome fades each year;
* present value = sum over years of impact_t / (1 + r)^t.

**Discounting convention.** As in the Cabinet Office guide, year 1 is discounted by a full year:
the value of year t is divided by (1 + r)^t, t = 1, 2, ... The investment is treated as spent at
the start (year 0) and is not discounted. The default rate is 3.5%, the HM Treasury Green Book
social time preference rate.

**Payback year** is the first year in which the cumulative discounted value reaches the
investment (``None`` if it never does within the horizon).

Cashable (fiscal) outcomes — money a commissioner could actually release — are totalled apart
from wider social value, so a pack never presents social value as a budget saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationInfo, field_validator

from carerlib.errors import StrictModel
from carerlib.measures.prices import (
    Cost,
    KeyedProblem,
    NonNegative,
    PriceIndex,
    PriceYear,
    Proportion,
)

__all__ = [
    "GREEN_BOOK_DISCOUNT_RATE",
    "OUTCOME_INPUTS",
    "Outcome",
    "OutcomeInputRange",
    "SroiParams",
    "SroiResult",
    "outcome_impact",
    "sroi",
    "sroi_summary",
]

GREEN_BOOK_DISCOUNT_RATE = 0.035
"""HM Treasury Green Book social time preference rate (3.5% a year)."""

OutcomeInput = Literal[
    "quantity", "financial_proxy", "deadweight", "displacement", "attribution", "drop_off"
]
OUTCOME_INPUTS: tuple[str, ...] = (
    "quantity",
    "financial_proxy",
    "deadweight",
    "displacement",
    "attribution",
    "drop_off",
)
_OUTCOME_PROPORTIONS = ("deadweight", "displacement", "attribution", "drop_off")


class Outcome(StrictModel):
    """One outcome in an SROI model: how many, what each is worth, and the adjustments."""

    name: str = Field(min_length=1)
    quantity: NonNegative
    """How many people (or events) experience the outcome in year 1."""
    financial_proxy: Cost
    """Value in pounds of one unit of the outcome."""
    deadweight: Proportion = 0.0
    """Share that would have happened anyway."""
    displacement: Proportion = 0.0
    """Share that merely displaces the outcome from elsewhere."""
    attribution: Proportion = 0.0
    """Share owed to other organisations or people."""
    drop_off: Proportion = 0.0
    """Share of the outcome lost each year after the first."""
    cashable: bool = False
    """True if the value is money a commissioner could release (fiscal), not wider social value."""
    source: str = Field(min_length=1)
    price_year: PriceYear | None = None
    note: str | None = None


class OutcomeInputRange(StrictModel):
    """A low/high range for one input of a named outcome, for one-way sensitivity."""

    outcome: str = Field(min_length=1)
    input: OutcomeInput
    low: float
    high: float
    source: str = Field(min_length=1)

    @field_validator("high")
    @classmethod
    def _low_not_above_high(cls, high: float, info: ValidationInfo) -> float:
        low = info.data.get("low")
        if low is not None and low > high:
            raise ValueError(f"low ({low}) is above high ({high})")
        return high


class SroiParams(StrictModel):
    """An SROI model: outcomes, time horizon, discount rate and the investment."""

    outcomes: list[Outcome] = Field(min_length=1)
    horizon_years: int
    discount_rate: float = GREEN_BOOK_DISCOUNT_RATE
    investment: Cost
    investment_source: str = Field(min_length=1)
    price_year: PriceYear | None = None
    sensitivity: list[OutcomeInputRange] = Field(default_factory=list)
    note: str | None = None

    @field_validator("outcomes")
    @classmethod
    def _unique_names(cls, outcomes: list[Outcome]) -> list[Outcome]:
        seen: set[str] = set()
        for i, outcome in enumerate(outcomes):
            if outcome.name in seen:
                raise KeyedProblem(
                    f"{i}.name", f"outcome name '{outcome.name}' is used twice; names must differ"
                )
            seen.add(outcome.name)
        return outcomes

    @field_validator("horizon_years")
    @classmethod
    def _horizon_at_least_one(cls, years: int) -> int:
        if years < 1:
            raise ValueError(f"the horizon must be at least 1 year, got {years}")
        return years

    @field_validator("discount_rate")
    @classmethod
    def _sensible_rate(cls, rate: float) -> float:
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"discount rate must be between 0 and 1 (0.035 for 3.5%), got {rate}")
        return rate

    @field_validator("investment")
    @classmethod
    def _investment_positive(cls, investment: float) -> float:
        if investment <= 0:
            raise ValueError("the investment must be more than £0 (the SROI ratio divides by it)")
        return investment

    @field_validator("sensitivity")
    @classmethod
    def _known_outcomes(
        cls, ranges: list[OutcomeInputRange], info: ValidationInfo
    ) -> list[OutcomeInputRange]:
        outcomes = info.data.get("outcomes")
        if outcomes is None:  # outcomes already failed validation; that error is reported
            return ranges
        names = [o.name for o in outcomes]
        for i, r in enumerate(ranges):
            if r.outcome not in names:
                raise KeyedProblem(
                    f"{i}.outcome",
                    f"unknown outcome '{r.outcome}'; the outcomes are "
                    + ", ".join(f"'{n}'" for n in names),
                )
            if r.input in _OUTCOME_PROPORTIONS and not (0 <= r.low and r.high <= 1):
                raise KeyedProblem(
                    str(i), f"{r.input} is a proportion, so its range must lie within 0 to 1"
                )
            if r.low < 0:
                raise KeyedProblem(f"{i}.low", f"{r.input} can't be negative, got {r.low}")
        return ranges

    def outcome(self, name: str) -> Outcome:
        """The outcome with this name (KeyError listing the names if there is none)."""
        for outcome in self.outcomes:
            if outcome.name == name:
                return outcome
        raise KeyError(f"no outcome named '{name}'; outcomes: {[o.name for o in self.outcomes]}")

    def with_outcome_input(self, name: str, input_name: str, value: float) -> SroiParams:
        """A copy with one input of one outcome changed (for sensitivity runs)."""
        self.outcome(name)
        outcomes = [
            Outcome.model_validate({**o.model_dump(), input_name: value}) if o.name == name else o
            for o in self.outcomes
        ]
        return self.model_copy(update={"outcomes": outcomes})


@dataclass(frozen=True)
class SroiResult:
    """Results of an SROI model; ``yearly`` and ``cumulative`` are tidy tables for the pack."""

    yearly: pd.DataFrame
    """One row per outcome and year: outcome, year, cashable, impact, discount_factor,
    present_value."""
    cumulative: pd.DataFrame
    """One row per year: present_value, cumulative_present_value, investment, paid_back."""
    present_value: float
    present_value_cashable: float
    present_value_social: float
    investment: float
    ratio: float
    """Present value of impact per £1 invested."""
    net_present_value: float
    payback_year: int | None
    discount_rate: float
    horizon_years: int


def outcome_impact(
    quantity: Any,
    financial_proxy: Any,
    deadweight: Any = 0.0,
    displacement: Any = 0.0,
    attribution: Any = 0.0,
) -> Any:
    """Year-1 impact in pounds: quantity x proxy x (1-deadweight)(1-displacement)(1-attribution).

    Works element-wise on numpy arrays.
    """
    return (
        np.multiply(quantity, financial_proxy)
        * np.subtract(1.0, deadweight)
        * np.subtract(1.0, displacement)
        * np.subtract(1.0, attribution)
    )


def sroi(params: SroiParams) -> SroiResult:
    """Run the SROI model: impact by outcome and year, present value, ratio and payback."""
    years = np.arange(1, params.horizon_years + 1)
    discount = 1.0 / (1.0 + params.discount_rate) ** years
    frames = []
    for outcome in params.outcomes:
        first = float(
            outcome_impact(
                outcome.quantity,
                outcome.financial_proxy,
                outcome.deadweight,
                outcome.displacement,
                outcome.attribution,
            )
        )
        impact = first * (1.0 - outcome.drop_off) ** (years - 1)
        frames.append(
            pd.DataFrame(
                {
                    "outcome": outcome.name,
                    "year": years,
                    "cashable": outcome.cashable,
                    "impact": impact,
                    "discount_factor": discount,
                    "present_value": impact * discount,
                }
            )
        )
    yearly = pd.concat(frames, ignore_index=True)

    by_year = yearly.groupby("year", sort=True)["present_value"].sum()
    cumulative = pd.DataFrame(
        {
            "year": by_year.index.to_numpy(),
            "present_value": by_year.to_numpy(),
            "cumulative_present_value": by_year.cumsum().to_numpy(),
        }
    )
    cumulative["investment"] = params.investment
    cumulative["paid_back"] = cumulative["cumulative_present_value"] >= params.investment
    paid = cumulative.loc[cumulative["paid_back"], "year"]
    payback_year = int(paid.iloc[0]) if len(paid) else None

    present_value = float(yearly["present_value"].sum())
    cashable = float(yearly.loc[yearly["cashable"], "present_value"].sum())
    return SroiResult(
        yearly=yearly,
        cumulative=cumulative,
        present_value=present_value,
        present_value_cashable=cashable,
        present_value_social=present_value - cashable,
        investment=params.investment,
        ratio=present_value / params.investment,
        net_present_value=present_value - params.investment,
        payback_year=payback_year,
        discount_rate=params.discount_rate,
        horizon_years=params.horizon_years,
    )


def in_one_price_year(params: SroiParams, index: PriceIndex) -> tuple[SroiParams, pd.DataFrame]:
    """The model with every outcome's financial proxy restated in ``params.price_year``.

    Proxies from different years (the £6,388 Baker Tilly proxy is in 2010/11 prices, the
    investment in 2012/13) must not be added as they stand. Returns the restated model and a
    table of proxies: outcome, proxy, price_year, factor, proxy_restated, restated_price_year.
    A model without a price year, or an outcome without one, is left as published (and the
    table says so with an empty factor).
    """
    target = params.price_year
    rows, outcomes = [], []
    for outcome in params.outcomes:
        own = outcome.price_year
        factor = index.factor(own, target) if own and target and own != target else (
            1.0 if own == target else float("nan"))
        value = outcome.financial_proxy * (factor if factor == factor else 1.0)
        rows.append({"outcome": outcome.name, "proxy": outcome.financial_proxy,
                     "price_year": own or "not stated", "factor": factor,
                     "proxy_restated": value, "restated_price_year": target or "as published"})
        outcomes.append(outcome.model_copy(update={"financial_proxy": value,
                                                   "price_year": target or own}))
    return params.model_copy(update={"outcomes": outcomes}), pd.DataFrame(rows)


def sroi_summary(result: SroiResult) -> pd.DataFrame:
    """Headline figures as a two-column table (measure, value) for the pack."""
    rows = [
        ("Present value of impact (£)", result.present_value),
        ("  of which cashable (£)", result.present_value_cashable),
        ("  of which wider social value (£)", result.present_value_social),
        ("Investment (£)", result.investment),
        ("Net present value (£)", result.net_present_value),
        ("SROI ratio (£ of value per £1)", result.ratio),
        ("Cashable return per £1", result.present_value_cashable / result.investment),
        ("Payback year", result.payback_year),
        ("Discount rate", result.discount_rate),
        ("Horizon (years)", result.horizon_years),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"], dtype=object)
