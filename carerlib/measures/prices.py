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
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from carerlib.data.deflator import default_deflator
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
    "deflator_values",
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


#: How a financial year is read off a calendar-year index (stated in every pack that uplifts).
FINANCIAL_YEAR_CONVENTION = (
    "a financial year (April to March, e.g. 2010/11) takes the mean of the index in its two "
    "calendar years (2010 and 2011)"
)
_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def deflator_values(frame: pd.DataFrame) -> dict[str, float]:
    """Index values by price year from a calendar-year index (columns ``year``, ``value``).

    Calendar years keep their own value ("2011"); each financial year between two listed calendar
    years takes their mean ("2010/11" = (2010 + 2011) / 2, :data:`FINANCIAL_YEAR_CONVENTION`).
    """
    by_year = dict(zip(frame["year"].astype(int), frame["value"].astype(float), strict=True))
    out = {str(year): value for year, value in by_year.items()}
    for year, value in by_year.items():
        if year + 1 in by_year:
            out[f"{year}/{(year + 1) % 100:02d}"] = (value + by_year[year + 1]) / 2
    return out


def _is_price_year(text: str) -> bool:
    """A calendar year ("2011") or a financial year whose two halves follow on ("2010/11")."""
    if re.fullmatch(r"\d{4}", text):
        return True
    match = _FINANCIAL_YEAR.fullmatch(text)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


class PriceIndex(StrictModel):
    """A price index: one value per price year, used to move costs between years.

    Only ratios of index values matter, so any base (2010/11 = 100, say) will do. With
    ``dataset`` (a key of ``params/data_sources.yaml``, e.g. ``gdp_deflator``) the values are
    read from that published calendar-year index when official data is set up, financial years
    following :data:`FINANCIAL_YEAR_CONVENTION`; without official data the index has no values
    and any uplift fails saying how to fetch it.
    """

    name: str = Field(min_length=1)
    source: SourceText
    values: dict[PriceYear, Positive] = Field(default_factory=dict)
    dataset: str | None = None
    financial_years: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _values_from_dataset(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("dataset") and not data.get("values"):
            frame = default_deflator(str(data["dataset"]))
            if frame is not None:
                data = {**data, "values": deflator_values(frame)}
        return data

    @model_validator(mode="after")
    def _values_or_dataset(self) -> PriceIndex:
        if not self.values and not self.dataset:
            raise ValueError("give the index values, or a dataset to read them from")
        return self

    def covers(self, year: str | int) -> bool:
        """Whether a price year can be looked up (format only while a dataset is not loaded)."""
        key = _as_year_text(year)
        if not self.values:
            return _is_price_year(key)
        return key in self.values

    def latest_calendar_year(self) -> str | None:
        """The newest calendar year the index holds (the year packs restate money in)."""
        calendar = sorted(y for y in self.values if re.fullmatch(r"\d{4}", y))
        return calendar[-1] if calendar else None

    def years_text(self) -> str:
        """The years the index holds, briefly (for error messages)."""
        years = list(self.values)
        if len(years) <= 8:
            return ", ".join(years)
        calendar = sorted(y for y in years if "/" not in y)
        return f"calendar years {calendar[0]}–{calendar[-1]} and the financial years between"

    @field_validator("values", mode="before")
    @classmethod
    def _year_keys_as_text(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {_as_year_text(k): v for k, v in value.items()}
        return value

    def index(self, year: str | int) -> float:
        """The index value for a price year; :class:`PriceYearError` if it isn't in the table."""
        key = _as_year_text(year)
        if not self.values:
            raise PriceYearError(
                "<price index>", "price_index.dataset",
                f"'{self.name}' is read from dataset '{self.dataset}', which is not in the "
                "official data: run 'carerlib data fetch' or set CARERLIB_DATA_MIRROR")
        try:
            return self.values[key]
        except KeyError:
            raise PriceYearError(
                "<price index>",
                f"price_index.values.{key}",
                f"no index value for price year '{key}' in '{self.name}'; the table has "
                f"{self.years_text()} — add the year to the table or change the cost's price "
                "year",
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
