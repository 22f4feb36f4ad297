"""Dependency ratios and age-group growth from tidy population frames.

Every function works on all areas and years of a tidy population frame at once (columns
``area_code``, ``area_name``, ``year``, ``age``, ``population``; the oldest age is an open group)
and returns a long table::

    area_code, area_name, year, measure, label, value, note

``measure`` is a short stable key, ``label`` says what the figure is in plain English, and
``note`` explains an empty ``value``. A measure needing ages a frame does not hold (for example
the 2016-based projections start at 60, so there is nobody aged 15-59) gets ``value`` NaN and a
note; ages are never invented. Every row also carries ``ages`` (the ages actually used) and
``vintage`` (the frame's ``attrs["vintage"]``), so a chart or table can check it never mixes
series of different ages or vintages.

Banded frames (a ``max_age`` column, e.g. the 2018-based projections in 5-year bands) are never
split: a group whose ends fall inside a band has no value, and the ratios use the nearest whole
bands instead (16-64 becomes 15-64), saying so in their label and ``ages``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from carerlib.errors import DataError

MEASURE_COLUMNS = ["area_code", "area_name", "year", "measure", "label", "value", "note",
                   "ages", "vintage"]
GROUP_COLUMNS = ["area_code", "area_name", "year", "population", "note"]
BAND_COLUMN = "max_age"
_POPULATION = ["area_code", "area_name", "year", "age", "population"]


def age_group_label(min_age: int, max_age: int | None) -> str:
    """``"15-64"`` or ``"65+"`` (``max_age=None`` means "and over")."""
    return f"{min_age}+" if max_age is None else f"{min_age}\u2013{max_age}"


def _band_ends(population: pd.DataFrame) -> pd.Series:
    """Oldest age in each row's band: ``max_age`` for banded frames, else the age itself; the
    open top group of any frame ends at infinity."""
    ages = population["age"].astype("float64")
    if BAND_COLUMN in population.columns:
        return population[BAND_COLUMN].astype("float64").fillna(np.inf)
    top = population.groupby(["area_code", "year"])["age"].transform("max")
    return ages.where(ages < top, np.inf)


def nearest_whole_bands(
    population: pd.DataFrame, min_age: int, max_age: int | None
) -> tuple[int, int | None]:
    """The age range nearest to ``min_age``-``max_age`` made of whole bands of ``population``.

    Single-year frames return the range unchanged. For 5-year bands, 16-64 gives 15-64 and 18-64
    gives 20-64. Ends outside the ages a frame holds are left as asked (the measure then says
    the ages are not available), so a frame starting at 60 is never stretched down to 15.
    """
    if BAND_COLUMN not in population.columns:
        return min_age, max_age
    starts = np.sort(population["age"].unique())
    ends = np.sort(population[BAND_COLUMN].dropna().unique().astype(int))
    low = min_age
    if starts[0] <= min_age <= starts[-1]:
        low = int(starts[np.abs(starts - min_age).argmin()])
    high = max_age
    if max_age is not None and len(ends) and ends[0] <= max_age <= ends[-1]:
        high = int(ends[np.abs(ends - max_age).argmin()])
    return low, high


def _vintage(population: pd.DataFrame) -> str:
    return str(population.attrs.get("vintage", ""))


def age_group_population(
    population: pd.DataFrame, min_age: int, max_age: int | None = None
) -> pd.DataFrame:
    """People aged ``min_age`` to ``max_age`` (None = and over) per area and year.

    Columns ``area_code, area_name, year, population, note``. The total is NaN, with a note, when
    the area's frame does not hold the ages: it starts above ``min_age``, or the group would have
    to split the open top age group (e.g. 80-94 when the top group is 90+) or any other band
    (e.g. 16-64 from 5-year bands: see :func:`nearest_whole_bands`).
    """
    _check(population)
    if max_age is not None and max_age < min_age:
        raise ValueError(f"max_age {max_age} is below min_age {min_age}")
    ages = population["age"]
    ends = _band_ends(population)
    inside = ages >= min_age
    if max_age is not None:
        inside &= ends <= max_age
    cut = (ages < min_age) & (ends >= min_age)
    if max_age is not None:
        cut |= (ages <= max_age) & (ends > max_age) & ends.lt(np.inf)
    keys = ["area_code", "area_name", "year"]
    grouped = population.assign(
        population=population["population"].where(inside, 0.0), cut=cut).groupby(keys, sort=True)
    # Three plain reductions cost about half of one named .agg; a pack makes 48 such calls.
    totals = grouped["population"].sum().to_frame()
    totals["youngest"] = grouped["age"].min()
    totals["oldest"] = grouped["age"].max()
    totals["cut"] = grouped["cut"].any()
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
    note = note.mask(
        totals["cut"] & (note == ""),
        "ages " + group + " not available: they would split one of the population's age bands",
    )
    totals["population"] = totals["population"].where(note == "")
    totals["note"] = note
    return totals[GROUP_COLUMNS]


def potential_support_ratio(
    population: pd.DataFrame, working_ages: Sequence[int] = (15, 64), older_from: int = 65
) -> pd.DataFrame:
    """People of working age (15-64) per person aged 65+ (the strategy's "dependency ratio")."""
    low, high = nearest_whole_bands(population, *working_ages)
    older_from, _ = nearest_whole_bands(population, older_from, None)
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
    """ONS old-age dependency ratio: people aged 65+ per 1,000 aged 16-64 (15-64 from 5-year
    bands, labelled so)."""
    low, high = nearest_whole_bands(population, *working_ages)
    older_from, _ = nearest_whole_bands(population, older_from, None)
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
    low, high = nearest_whole_bands(population, *carer_ages)
    oldest_from, _ = nearest_whole_bands(population, oldest_from, None)
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
    *,
    whole_bands: bool = False,
) -> pd.DataFrame:
    """Percentage change in people aged ``min_age``-``max_age`` from ``year_from`` to ``year_to``.

    One row per area, dated ``year_to``; ``value`` is the percentage change (e.g. 16.0 = +16%).
    An area lacking either year or the ages gets NaN and a note. With ``whole_bands`` a banded
    frame uses the nearest whole bands (18-64 becomes 20-64, in ``label`` and ``ages``); without
    it a group that would split a band has no value.
    """
    if whole_bands:
        min_age, max_age = nearest_whole_bands(population, min_age, max_age)
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
    out["ages"] = ages
    out["vintage"] = _vintage(population)
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
    ages = f"{age_group_label(*numerator)} per {age_group_label(*denominator)}"
    out = both[keys].assign(measure=measure, label=label, value=value.where(note == ""),
                            note=note, ages=ages, vintage=_vintage(population))
    return out[MEASURE_COLUMNS]
