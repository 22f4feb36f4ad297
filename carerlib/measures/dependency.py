"""Dependency ratios and age-group growth from tidy population frames.

Every function works on all areas and years of a tidy population frame at once (columns
``area_code``, ``area_name``, ``year``, ``age``, ``population``; the oldest age is an open group)
and returns a long table::

    area_code, area_name, year, measure, label, value, note

``measure`` is a short stable key, ``label`` says what the figure is in plain English, and
``note`` explains an empty ``value``. A measure needing ages a frame does not hold (for example
the 2016-based projections start at 60, so there is nobody aged 15-59) gets ``value`` NaN and a
note; ages are never invented.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from carerlib.errors import DataError

MEASURE_COLUMNS = ["area_code", "area_name", "year", "measure", "label", "value", "note"]
GROUP_COLUMNS = ["area_code", "area_name", "year", "population", "note"]
_POPULATION = ["area_code", "area_name", "year", "age", "population"]


def age_group_label(min_age: int, max_age: int | None) -> str:
    """``"15-64"`` or ``"65+"`` (``max_age=None`` means "and over")."""
    return f"{min_age}+" if max_age is None else f"{min_age}\u2013{max_age}"


def age_group_population(
    population: pd.DataFrame, min_age: int, max_age: int | None = None
) -> pd.DataFrame:
    """People aged ``min_age`` to ``max_age`` (None = and over) per area and year.

    Columns ``area_code, area_name, year, population, note``. The total is NaN, with a note, when
    the area's frame does not hold the ages: it starts above ``min_age``, or the group would have
    to split the open top age group (e.g. 80-94 when the top group is 90+).
    """
    _check(population)
    if max_age is not None and max_age < min_age:
        raise ValueError(f"max_age {max_age} is below min_age {min_age}")
    ages = population["age"]
    inside = ages >= min_age
    if max_age is not None:
        inside &= ages <= max_age
    keys = ["area_code", "area_name", "year"]
    grouped = population.assign(
        population=population["population"].where(inside, 0.0)).groupby(keys, sort=True)
    # Three plain reductions cost about half of one named .agg; a pack makes 48 such calls.
    totals = grouped["population"].sum().to_frame()
    totals["youngest"] = grouped["age"].min()
    totals["oldest"] = grouped["age"].max()
    totals = totals.reset_index()
    group = age_group_label(min_age, max_age)
    starts_late = totals["youngest"] > min_age
    splits_top = (
        (totals["oldest"] <= max_age) if max_age is not None else pd.Series(False, totals.index)
    ) | (totals["oldest"] < min_age)
    splits_top &= ~starts_late
    note = pd.Series("", index=totals.index, dtype="str")
    note = note.mask(
        starts_late,
        "ages "
        + group
        + " not available: the population starts at age "
        + totals["youngest"].astype(str),
    )
    note = note.mask(
        splits_top,
        "ages "
        + group
        + " not available: the oldest age group is "
        + totals["oldest"].astype(str)
        + " and over",
    )
    totals["population"] = totals["population"].where(note == "")
    totals["note"] = note
    return totals[GROUP_COLUMNS]


def potential_support_ratio(
    population: pd.DataFrame, working_ages: Sequence[int] = (15, 64), older_from: int = 65
) -> pd.DataFrame:
    """People of working age (15-64) per person aged 65+ (the strategy's "dependency ratio")."""
    low, high = working_ages
    label = (
        f"Potential support ratio: people aged {age_group_label(low, high)} "
        f"per person aged {older_from}+"
    )
    return _ratio(
        population, (low, high), (older_from, None), "potential_support_ratio", label, 1.0
    )


def old_age_dependency_ratio(
    population: pd.DataFrame, working_ages: Sequence[int] = (16, 64), older_from: int = 65
) -> pd.DataFrame:
    """ONS old-age dependency ratio: people aged 65+ per 1,000 aged 16-64."""
    low, high = working_ages
    label = (
        f"Old-age dependency ratio: people aged {older_from}+ "
        f"per 1,000 aged {age_group_label(low, high)}"
    )
    return _ratio(
        population, (older_from, None), (low, high), "old_age_dependency_ratio", label, 1000.0
    )


def care_gap_ratio(
    population: pd.DataFrame, carer_ages: Sequence[int] = (50, 74), oldest_from: int = 85
) -> pd.DataFrame:
    """Potential carers (50-74 by default) per person aged 85+ (default)."""
    low, high = carer_ages
    label = (
        f"Care-gap ratio: people aged {age_group_label(low, high)} per person aged {oldest_from}+"
    )
    return _ratio(population, (low, high), (oldest_from, None), "care_gap_ratio", label, 1.0)


def age_group_growth(
    population: pd.DataFrame,
    min_age: int,
    max_age: int | None,
    year_from: int,
    year_to: int,
) -> pd.DataFrame:
    """Percentage change in people aged ``min_age``-``max_age`` from ``year_from`` to ``year_to``.

    One row per area, dated ``year_to``; ``value`` is the percentage change (e.g. 16.0 = +16%).
    An area lacking either year or the ages gets NaN and a note.
    """
    group = age_group_population(population, min_age, max_age)
    wide = group.pivot(index=["area_code", "area_name"], columns="year", values="population")
    ages = age_group_label(min_age, max_age)
    start = wide[year_from] if year_from in wide.columns else pd.Series(np.nan, wide.index)
    end = wide[year_to] if year_to in wide.columns else pd.Series(np.nan, wide.index)
    out = wide.index.to_frame(index=False)
    out["year"] = year_to
    key = f"{min_age}plus" if max_age is None else f"{min_age}_{max_age}"
    out["measure"] = f"growth_{key}_{year_from}_{year_to}"
    out["label"] = f"Change in people aged {ages}, {year_from} to {year_to} (%)"
    out["value"] = ((end / start - 1.0) * 100.0).to_numpy()
    reasons = (
        group[group["note"] != ""].groupby("area_code")["note"].first().reindex(out["area_code"])
    )
    missing_year = start.isna().to_numpy() | end.isna().to_numpy()
    zero_start = (start == 0).to_numpy()
    note = np.where(
        reasons.notna().to_numpy(),
        reasons.fillna("").to_numpy(),
        np.where(
            missing_year,
            f"population for {year_from} or {year_to} not available",
            np.where(zero_start, f"nobody aged {ages} in {year_from}", ""),
        ),
    )
    out["value"] = out["value"].where(note == "")
    out["note"] = note
    out["year"] = out["year"].astype(int)
    return out[MEASURE_COLUMNS]


def dependency_table(
    population: pd.DataFrame,
    *,
    working_ages: Sequence[int] = (15, 64),
    ons_working_ages: Sequence[int] = (16, 64),
    older_from: int = 65,
    carer_ages: Sequence[int] = (50, 74),
    oldest_from: int = 85,
    base_year: int | None = None,
) -> pd.DataFrame:
    """All dependency measures for every area and year, long format.

    Columns ``area_code, area_name, year, measure, label, value, note`` plus
    ``percent_change`` (change since ``base_year``, or the first year in the frame if None).
    """
    table = pd.concat(
        [
            potential_support_ratio(population, working_ages, older_from),
            old_age_dependency_ratio(population, ons_working_ages, older_from),
            care_gap_ratio(population, carer_ages, oldest_from),
        ],
        ignore_index=True,
    )
    first = int(population["year"].min()) if base_year is None else base_year
    base = table.loc[table["year"] == first, ["area_code", "measure", "value"]]
    base = base.rename(columns={"value": "base_value"})
    table = table.merge(base, on=["area_code", "measure"], how="left")
    table["percent_change"] = (table["value"] / table["base_value"] - 1.0) * 100.0
    return table.drop(columns="base_value")


# --------------------------------------------------------------------------------------------


def _check(population: pd.DataFrame) -> None:
    for column in _POPULATION:
        if column not in population.columns:
            raise DataError("population frame", "required column missing", column=column)
    if population.empty:
        raise DataError("population frame", "no rows")
    values = pd.to_numeric(population["population"], errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        row = bad.idxmax()
        problem = "negative value" if values.loc[row] < 0 else "not a number"
        raise DataError("population frame", problem, row=str(row), column="population")


def _ratio(
    population: pd.DataFrame,
    numerator: tuple[int, int | None],
    denominator: tuple[int, int | None],
    measure: str,
    label: str,
    per: float,
) -> pd.DataFrame:
    """``per`` x people in the numerator ages / people in the denominator ages."""
    top = age_group_population(population, *numerator)
    bottom = age_group_population(population, *denominator)
    keys = ["area_code", "area_name", "year"]
    both = top.merge(bottom, on=keys, suffixes=("_top", "_bottom"))
    value = per * both["population_top"] / both["population_bottom"]
    note = both["note_top"].where(both["note_top"] != "", both["note_bottom"])
    zero = both["population_bottom"].eq(0) & (note == "")
    note = note.mask(zero, f"nobody aged {age_group_label(*denominator)}")
    out = both[keys].assign(measure=measure, label=label, value=value.where(note == ""), note=note)
    return out[MEASURE_COLUMNS]
