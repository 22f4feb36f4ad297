"""One area's outlook from the population projections: the area's projected population, the
support and care-gap ratios and the older population by year, and the first and horizon years
of a series.

The evidence pack and the explorer both call these, so the horizon year, an area's projection and
the older-population series have one implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import pandas as pd

from carerlib.data.official import OfficialData
from carerlib.errors import CarerlibError
from carerlib.measures import dependency


class DependencySettings(Protocol):
    """The dependency ages a caller's params give (carerlib.params.DependencyParams)."""

    working_ages: Sequence[int]
    older_age: int


class HasDependency(Protocol):
    """Anything with `.dependency` settings, e.g. carerlib.params.Params (measures sit below
    params in the import order, so they name the shape, not the class)."""

    @property
    def dependency(self) -> DependencySettings: ...


def area_projection(data: OfficialData, code: str | None, vintage: str) -> pd.DataFrame:
    """One area's rows of a projection vintage (empty when the vintage does not cover it);
    every area's when `code` is None."""
    frames = data.projections()
    if vintage not in frames:
        raise CarerlibError(f"no {vintage} population projections in the official data")
    frame = frames[vintage]
    if code is None:
        return frame
    # A pack asks for its area's rows several times; filtering a national frame once is enough.
    memo = data.__dict__.setdefault("_area_projections", {})
    if (vintage, code) not in memo:
        memo[vintage, code] = frame[frame["area_code"] == code]
    return memo[vintage, code]


def care_gap_series(
    data: OfficialData,
    code: str,
    carer_ages: Sequence[int],
    oldest_from: int,
    vintage: str,
) -> pd.DataFrame:
    """Care-gap ratio by year in one projection vintage: people of `carer_ages` per person aged
    `oldest_from`+ (fewer potential carers per very old person = a wider gap).

    Columns as `carerlib.dependency` measures; empty when the vintage does not cover the area, and
    `value` NaN with a `note` when the vintage lacks the ages (2016-based starts at 60).
    """
    mine = area_projection(data, code, vintage)
    if mine.empty:
        return pd.DataFrame(columns=dependency.MEASURE_COLUMNS)
    low, high = carer_ages
    return dependency.care_gap_ratio(mine, (int(low), int(high)), int(oldest_from))


def support_ratio_series(
    data: OfficialData, code: str, params: HasDependency, vintage: str
) -> pd.DataFrame:
    """Potential support ratio (people of working age per older person) by year in a vintage."""
    mine = area_projection(data, code, vintage)
    if mine.empty:
        return pd.DataFrame(columns=dependency.MEASURE_COLUMNS)
    dep = params.dependency
    return dependency.potential_support_ratio(mine, tuple(dep.working_ages), dep.older_age)


def older_population_series(
    data: OfficialData, code: str | None, vintage: str, from_ages: Sequence[int]
) -> pd.DataFrame:
    """People aged each of `from_ages` and over, by year, in one projection vintage (every
    area's when `code` is None).

    Columns: area_code, area_name, year, population, note, group ("65+").
    """
    mine = area_projection(data, code, vintage)
    if mine.empty:
        return pd.DataFrame(columns=[*dependency.GROUP_COLUMNS, "group"])
    parts = [
        dependency.age_group_population(mine, int(low)).assign(group=f"{int(low)}+")
        for low in dict.fromkeys(from_ages)
    ]
    return pd.concat(parts, ignore_index=True)


def horizon_year(years: Sequence[int], horizon_years: Sequence[int]) -> int:
    """The latest of `horizon_years` that `years` reach, else the last of `years`."""
    years = sorted(int(y) for y in years)
    return max((y for y in horizon_years if y in years), default=years[-1])


def start_and_horizon(
    series: pd.DataFrame, horizon_years: Sequence[int], value: str = "value"
) -> dict[str, Any]:
    """First year and horizon year of a series, with their values and why one is missing.

    The horizon is the latest of `horizon_years` the series reaches (else its last year).
    Returns start_year, start, end_year, end (None when not available) and note ("" if none).
    """
    out: dict[str, Any] = {"start_year": None, "start": None, "end_year": None, "end": None,
                           "note": ""}
    if series.empty:
        out["note"] = "the projection does not cover this area"
        return out
    years = sorted(int(y) for y in series["year"].unique())
    end_year = horizon_year(years, horizon_years)
    by_year = series.set_index("year")[value]
    out.update(start_year=years[0], end_year=end_year)
    for key, year in (("start", years[0]), ("end", end_year)):
        figure = by_year.loc[year]
        out[key] = None if pd.isna(figure) else float(figure)
    if out["start"] is None or out["end"] is None:
        notes = series.loc[series[value].isna(), "note"] if "note" in series else pd.Series()
        out["note"] = str(notes.iloc[0]) if len(notes) and notes.iloc[0] else "not available"
    return out
