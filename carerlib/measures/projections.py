"""Projections of the number of unpaid carers from population projections.

Population frames use the package's tidy layout: one row per area, year and single year of age,
with columns ``area_code``, ``area_name``, ``year``, ``age`` and ``population``. The oldest age in
a frame is an open group recorded at its lower bound (``90`` means "90 and over").

Two ways of projecting carers are offered:

* :func:`project_carers` - indirect standardisation. National carer rates by age are applied to
  the area's population to give an *expected* number of carers; the area's own level is kept by
  the ratio of observed to expected carers in the census year, and that ratio is applied to the
  expected numbers in later years. Only the age structure moves.
* :func:`project_carers_poppi` - the POPPI/PANSI approach: national rates by age times the
  projected population, with no local adjustment.

Both assume that carer rates by age stay at their census level. Neither ever fills in ages a
projection does not contain: a projection that starts at 60 yields carers aged 60 and over only,
and says so in the ``ages`` column and in the notes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from carerlib.data import validation
from carerlib.data.projections import (
    ALL_HOURS,
    BAND_COLUMN,
    PROJECTION_COLUMNS,
    check_population,
    numeric_column,
    row_label,
)
from carerlib.errors import DataError

METHOD_INDIRECT = "indirect standardisation"
METHOD_INDIRECT_ALL_HOURS = "indirect standardisation (all-hours rates by age)"
METHOD_POPPI = "national rates by age (POPPI-style, no local adjustment)"


class ProjectionResult(NamedTuple):
    """A projection table plus plain-English notes (missing areas, partial age coverage)."""

    table: pd.DataFrame
    notes: list[str]


# --------------------------------------------------------------------------------------------
# Projections
# --------------------------------------------------------------------------------------------


def rates_on_bands(rates: pd.DataFrame, starts: np.ndarray) -> pd.DataFrame:
    """Persons rates regrouped so that every rate band starts at one of ``starts``.

    A population in 5-year bands (15-19, ...) cannot take the census's 10-15 and 16-19 rates
    without splitting a band, so those rate bands are pooled into one 10-19 rate (carers and
    population summed, never averaged). Rate bands that already start on a population band are
    kept as they are; a single-year population leaves every rate band unchanged.
    """
    persons = _persons_rates(rates)
    validation.require_columns(persons, ["carers", "population"], "care rates")
    keep = np.sort([m for m in persons["min_age"].unique() if m in set(starts)])
    if len(keep) == 0:
        raise DataError("care rates", "no rate band starts on a population age band")
    group_start = keep[np.clip(np.searchsorted(keep, persons["min_age"], side="right") - 1, 0,
                               None)]
    pooled = persons[persons["min_age"] >= keep[0]].assign(
        min_age=group_start[persons["min_age"].to_numpy() >= keep[0]])
    out = pooled.groupby(["band", "min_age"], as_index=False).agg(
        carers=("carers", "sum"), population=("population", "sum"))
    nxt = {a: b - 1 for a, b in zip(keep[:-1], keep[1:], strict=True)}
    top_open = persons["max_age"].isna().any()
    out["max_age"] = pd.array([nxt.get(a, pd.NA if top_open else int(persons["max_age"].max()))
                               for a in out["min_age"]], dtype="Int64")
    out["sex"] = "persons"
    out["rate"] = out["carers"] / out["population"]
    return out[["band", "min_age", "max_age", "sex", "carers", "population", "rate"]]


def expected_carers(population: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Expected carers: national persons rates by age band applied to the population.

    Returns ``area_code, year, band, min_age, expected`` (one row per area, year and hours band of
    the rates). ``min_age`` is the youngest age counted: ages below the youngest rate band (5) are
    left out, and so are ages a population frame does not contain. A banded population (a
    ``max_age`` column) takes rates regrouped onto its bands (:func:`rates_on_bands`); a band
    that still does not lie wholly inside one rate band is left out, never split.
    """
    check_population(population, "population frame")
    persons = _persons_rates(rates)
    banded = BAND_COLUMN in population.columns
    if banded:
        persons = rates_on_bands(persons, population["age"].unique())
    mins = np.sort(persons["min_age"].unique())
    tops = persons.drop_duplicates("min_age").set_index("min_age")["max_age"]
    ages = population["age"].to_numpy()
    ends = (population[BAND_COLUMN].to_numpy(dtype="float64", na_value=np.inf) if banded
            else ages)
    index = np.searchsorted(mins, ages, side="right") - 1
    band_min = np.where(index >= 0, mins[np.clip(index, 0, None)], -1)
    band_max = tops.reindex(band_min).to_numpy(dtype="float64", na_value=np.inf)
    inside = (index >= 0) & (ends <= band_max)

    keyed = population.loc[inside, ["area_code", "year", "age", "population"]].assign(
        rate_min_age=band_min[inside]
    )
    merged = keyed.merge(
        persons[["band", "min_age", "rate"]].rename(columns={"min_age": "rate_min_age"}),
        on="rate_min_age",
        how="inner",
    )
    merged["expected"] = merged["rate"] * merged["population"]
    return merged.groupby(["area_code", "year", "band"], as_index=False).agg(
        min_age=("age", "min"), expected=("expected", "sum")
    )


def project_carers(
    observed: pd.DataFrame,
    base_population: pd.DataFrame,
    projection: pd.DataFrame,
    rates: pd.DataFrame,
    *,
    vintage: str | None = None,
) -> ProjectionResult:
    """Project carers by indirect standardisation, per area and hours band.

    ``observed`` has ``area_code, band, carers`` (census carers aged 5+, one row per hours band);
    ``base_population`` is the census-year population by single year of age (one year only);
    ``projection`` is a tidy projection frame; ``rates`` comes from
    :func:`read_national_care_rates`. For each area and band::

        ratio     = observed carers / expected carers in the census year (all ages 5+)
        projected = ratio x expected carers in the projection year

    A band with its own national rates uses them; any other band uses the all-hours rates, which
    holds the area's mix of hours at its census level (``expected`` is then the all-hours
    figure). If the projection lacks younger ages only the ages it covers are projected (``ages``
    says e.g. ``"60+"``), using the area's all-age ratio. Areas missing from the base population
    or the projection get a note, not an error.

    Output columns: ``area_code, year, band, ages, expected, ratio, projected, method, vintage``.
    """
    validation.require_columns(observed, ["area_code", "band", "carers"], "observed carers")
    carers = numeric_column(observed, "carers", "observed carers")
    observed = observed.assign(carers=carers, area_code=observed["area_code"].astype("str"))
    repeated = observed.duplicated(["area_code", "band"])
    if repeated.any():
        row = repeated.idxmax()
        raise DataError("observed carers", "area and band repeated", row=row_label(row))
    check_population(base_population, "base-year population")
    check_population(projection, "projection")
    if base_population["year"].nunique() > 1:
        raise DataError("base-year population", "holds more than one year; pass the census year")
    vintage = vintage or projection.attrs.get("vintage", "unspecified projection")
    persons = _persons_rates(rates)
    rate_bands = set(persons["band"])
    youngest_rate_age = int(persons["min_age"].min())

    base_min = base_population.groupby("area_code")["age"].min()
    too_old = base_min[base_min > youngest_rate_age]
    if not too_old.empty:
        raise DataError(
            "base-year population",
            f"starts at age {int(too_old.iloc[0])} for {too_old.index[0]}; "
            f"observed carers are aged {youngest_rate_age}+",
            column="age",
        )

    observed = observed.assign(
        rate_band=observed["band"].where(observed["band"].isin(rate_bands), ALL_HOURS)
    )
    notes: list[str] = []
    no_rates = observed[~observed["rate_band"].isin(rate_bands)]
    for band in no_rates["band"].unique():
        notes.append(f"no national rates for band {band!r} or for all hours: band not projected")
    observed = observed[observed["rate_band"].isin(rate_bands)]

    if BAND_COLUMN in projection.columns:  # the base year takes the same pooled rates
        persons = rates_on_bands(persons, projection["age"].unique())
    base = expected_carers(base_population, persons).rename(columns={"band": "rate_band"})
    with_base = observed.merge(
        base[["area_code", "rate_band", "expected"]], on=["area_code", "rate_band"], how="left"
    )
    areas = pd.Index(observed["area_code"].unique())
    notes += [f"no base-year population for {code}" for code in areas.difference(base["area_code"])]
    zero = with_base["expected"].le(0)
    notes += [
        f"no expected carers in the base year for {c}" for c in with_base.loc[zero, "area_code"]
    ]
    with_base = with_base[with_base["expected"].gt(0)]
    with_base = with_base.assign(ratio=with_base["carers"] / with_base["expected"])

    projected = expected_carers(projection, persons).rename(columns={"band": "rate_band"})
    notes += [
        f"no projection data for {code}" for code in areas.difference(projection["area_code"])
    ]
    table = with_base[["area_code", "band", "rate_band", "ratio"]].merge(
        projected, on=["area_code", "rate_band"], how="inner"
    )
    table["projected"] = table["ratio"] * table["expected"]
    table["ages"] = table["min_age"].astype(int).astype(str) + "+"
    table["method"] = np.where(
        table["band"] == table["rate_band"], METHOD_INDIRECT, METHOD_INDIRECT_ALL_HOURS
    )
    table["vintage"] = vintage
    notes += _partial_coverage_notes(table, youngest_rate_age, local_ratio=True)
    return ProjectionResult(_finish(table), notes)


def project_carers_poppi(
    projection: pd.DataFrame,
    rates: pd.DataFrame,
    *,
    vintage: str | None = None,
) -> ProjectionResult:
    """Project carers POPPI-style: national rates by age x projected population, no local ratio.

    Same output columns as :func:`project_carers`; ``ratio`` is 1 and ``projected`` equals
    ``expected``. One row per area, year and hours band of the rates.
    """
    check_population(projection, "projection")
    persons = _persons_rates(rates)
    table = expected_carers(projection, persons)
    table["ratio"] = 1.0
    table["projected"] = table["expected"]
    table["ages"] = table["min_age"].astype(int).astype(str) + "+"
    table["method"] = METHOD_POPPI
    table["vintage"] = vintage or projection.attrs.get("vintage", "unspecified projection")
    return ProjectionResult(
        _finish(table),
        _partial_coverage_notes(table, int(persons["min_age"].min()), local_ratio=False),
    )



def _persons_rates(rates: pd.DataFrame) -> pd.DataFrame:
    validation.require_columns(rates, ["band", "min_age", "max_age", "sex", "rate"], "care rates")
    persons = rates[rates["sex"] == "persons"]
    if persons.empty:
        raise DataError("care rates", "no persons rates", column="sex")
    numeric_column(persons, "rate", "care rates")
    return persons


def _partial_coverage_notes(
    table: pd.DataFrame, youngest_rate_age: int, *, local_ratio: bool
) -> list[str]:
    """One note per age coverage short of the rates' youngest age, listing the areas."""
    partial = table.loc[table["min_age"] > youngest_rate_age, ["ages", "area_code"]]
    grouped = partial.drop_duplicates().groupby("ages")["area_code"]
    how = ", using each area's all-age (5+) ratio" if local_ratio else ""
    notes = []
    for ages, codes in grouped:
        listed = ", ".join(codes.head(5)) + (
            f" and {len(codes) - 5} more" if len(codes) > 5 else ""
        )
        notes.append(
            f"the projection covers ages {ages} only ({listed}): only carers aged {ages} are "
            f"projected{how}; younger carers are not projected"
        )
    return notes


def _finish(table: pd.DataFrame) -> pd.DataFrame:
    table = table.sort_values(["area_code", "band", "year"], ignore_index=True)
    table["year"] = table["year"].astype(int)
    return table[PROJECTION_COLUMNS]
