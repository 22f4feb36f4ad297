"""Unit costs, their sources and price years, and uplifting them to one price year.

Costs in a pack come from documents written in different years (a 2011 evaluation, a 2013
strategy, a 2019 case study). Before they are added up or compared they should be expressed in
the same price year. This module holds:

* the validated number types every economic model in carerlib uses (a cost can't be negative, a
  proportion lies between 0 and 1), so a bad parameter is rejected with a message that says why;
* figure models that carry a value together with its ``source`` (and ``price_year`` for money);
* a price index table (price year -> index value) and :func:`uplift`, which rescales a cost from
  its own price year to the pack's price year: ``cost x index[to] / index[from]``.

Price years are kept as text (``"2012/13"`` for a financial year, ``"2011"`` for a calendar
year) because that is how the source documents label them; whole numbers are accepted and
turned into text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from carerlib.errors import ParamsError, StrictModel

__all__ = [
    "Cost",
    "CostFigure",
    "CountFigure",
    "Figure",
    "KeyedProblem",
    "NonNegative",
    "Positive",
    "PositiveFigure",
    "PriceIndex",
    "PriceYear",
    "PriceYearError",
    "Proportion",
    "ProportionFigure",
    "uplift",
    "uplift_costs",
]


class KeyedProblem(ValueError):
    """A validation problem found below the field being checked (e.g. in one list item).

    ``where`` is the dotted path from that field down, so an error report can name the exact key
    (``sensitivity.1.outcome`` rather than just ``sensitivity``).
    """

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        super().__init__(message)


# --- validated numbers -------------------------------------------------------------------------


#: Plausible ceilings, with their reasons: a value above is a typing slip, not a finding.
MAX_COST = 1e10  # £10bn: above England's whole adult social care spend on carers many times over
MAX_QUANTITY = 1e9  # more people, weeks or hours than any local or national figure here


def _finite(value: float, ceiling: float = MAX_QUANTITY) -> float:
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {value}")
    if abs(value) > ceiling:
        raise ValueError(f"is implausibly large ({value:.3g}; the limit is {ceiling:.0e})")
    return value


def _check_proportion(value: float) -> float:
    _finite(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"must be a proportion between 0 and 1 (e.g. 0.4 for 40%), got {value}")
    return value


def _check_cost(value: float) -> float:
    _finite(value, MAX_COST)
    if value < 0:
        raise ValueError(f"a cost can't be negative, got {value}")
    return value


def _check_non_negative(value: float) -> float:
    _finite(value)
    if value < 0:
        raise ValueError(f"can't be negative, got {value}")
    return value


def _check_positive(value: float) -> float:
    _finite(value)
    if value <= 0:
        raise ValueError(f"must be greater than 0, got {value}")
    return value


def _as_year_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _check_year_text(value: str) -> str:
    if not value:
        raise ValueError("price year can't be empty (write e.g. '2012/13')")
    return value


Proportion = Annotated[float, AfterValidator(_check_proportion)]
"""A share between 0 and 1 (0.4 means 40%)."""

Cost = Annotated[float, AfterValidator(_check_cost)]
"""An amount of money in pounds; never negative."""

NonNegative = Annotated[float, AfterValidator(_check_non_negative)]
"""A count or duration that can be zero but not negative."""

Positive = Annotated[float, AfterValidator(_check_positive)]
"""A quantity that must be above zero (e.g. hours in a break, which we divide by)."""

PriceYear = Annotated[str, BeforeValidator(_as_year_text), AfterValidator(_check_year_text)]
"""A price year label such as ``"2012/13"``; whole numbers are turned into text."""

SourceText = Annotated[str, Field(min_length=1)]


# --- figures with provenance -------------------------------------------------------------------


class Figure(StrictModel):
    """A number from a document: the value and where it came from."""

    value: float
    source: SourceText
    note: str | None = None


class CostFigure(Figure):
    """An amount of money with its source and the price year it is expressed in."""

    value: Cost
    price_year: PriceYear


class ProportionFigure(Figure):
    """A share between 0 and 1 with its source."""

    value: Proportion


class CountFigure(Figure):
    """A count or duration (carers, weeks) that can't be negative, with its source."""

    value: NonNegative


class PositiveFigure(Figure):
    """A number that must be above zero (such as hours per break), with its source."""

    value: Positive


# --- price index and uplift --------------------------------------------------------------------


class PriceYearError(ParamsError):
    """A cost's price year (or the target year) has no entry in the price index table."""


class PriceIndex(StrictModel):
    """A price index: one value per price year, used to move costs between years.

    Only ratios of index values matter, so any base (2010/11 = 100, say) will do.
    """

    name: str = Field(min_length=1)
    source: SourceText
    values: dict[PriceYear, Positive] = Field(min_length=1)
    note: str | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _year_keys_as_text(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {_as_year_text(k): v for k, v in value.items()}
        return value

    def index(self, year: str | int) -> float:
        """The index value for a price year; :class:`PriceYearError` if it isn't in the table."""
        key = _as_year_text(year)
        try:
            return self.values[key]
        except KeyError:
            years = list(self.values)
            raise PriceYearError(
                "<price index>",
                f"price_index.values.{key}",
                f"no index value for price year '{key}' in '{self.name}'; the table has "
                f"{', '.join(years)} — add the year to the table or change the cost's price year",
            ) from None

    def factor(self, from_year: str | int, to_year: str | int) -> float:
        """Multiplier that turns a cost in ``from_year`` prices into ``to_year`` prices."""
        return self.index(to_year) / self.index(from_year)


def uplift(
    amount: float | np.ndarray,
    from_year: str | int,
    to_year: str | int,
    index: PriceIndex,
) -> float | np.ndarray:
    """Express ``amount`` (in ``from_year`` prices) in ``to_year`` prices.

    ``amount x index[to_year] / index[from_year]``. Works element-wise on numpy arrays.
    """
    factor = index.factor(from_year, to_year)
    if isinstance(amount, np.ndarray):
        return amount * factor
    return float(amount) * factor


def uplift_costs(
    costs: Mapping[str, CostFigure] | Iterable[tuple[str, CostFigure]],
    to_year: str | int,
    index: PriceIndex,
) -> pd.DataFrame:
    """Table of named costs restated in one price year, showing the working.

    Columns: item, value, price_year, index_from, index_to, factor, value_uplifted, to_year,
    source. Raises :class:`PriceYearError` naming the year when a price year is missing.
    """
    items = costs.items() if isinstance(costs, Mapping) else costs
    target = _as_year_text(to_year)
    index_to = index.index(target)
    rows = []
    for name, figure in items:
        index_from = index.index(figure.price_year)
        factor = index_to / index_from
        rows.append(
            {
                "item": name,
                "value": figure.value,
                "price_year": figure.price_year,
                "index_from": index_from,
                "index_to": index_to,
                "factor": factor,
                "value_uplifted": figure.value * factor,
                "to_year": target,
                "source": figure.source,
            }
        )
    columns = [
        "item",
        "value",
        "price_year",
        "index_from",
        "index_to",
        "factor",
        "value_uplifted",
        "to_year",
        "source",
    ]
    return pd.DataFrame(rows, columns=columns)
