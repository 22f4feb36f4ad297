"""Population projection readers: ONS subnational projections and national care rates by age.

Population frames use the package's tidy layout: one row per area, year and single year of age,
with columns ``area_code``, ``area_name``, ``year``, ``age`` and ``population``. The oldest age in
a frame is an open group recorded at its lower bound (``90`` means "90 and over").

The 2018-based file keeps its published 5-year bands (``age`` is a band's youngest age,
``max_age`` its oldest); bands are never split. The projections of carers built on these
frames are in :mod:`carerlib.measures.projections`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from carerlib.data import validation
from carerlib.errors import DataError

POPULATION_COLUMNS = ["area_code", "area_name", "year", "age", "population"]
RATE_COLUMNS = ["band", "min_age", "max_age", "sex", "carers", "population", "rate"]
PROJECTION_COLUMNS = [
    "area_code",
    "year",
    "band",
    "ages",
    "expected",
    "ratio",
    "projected",
    "method",
    "vintage",
]

#: Band key for every carer whatever the hours of care. Hours bands use the keys of
#: :mod:`carerlib.bands` (``up_to_19``, ``20_to_49``, ``50_plus``, ``up_to_9`` ...).
ALL_HOURS = "all_carers"

VINTAGE_SNPP2022 = "ONS 2022-based subnational projections (migration category variant)"
VINTAGE_SNPP2016 = "ONS 2016-based subnational projections"
VINTAGE_SNPP2018 = "ONS 2018-based subnational projections (principal)"

#: Banded population frames (the 2018-based projections) add this column: the oldest age in the
#: band (``age`` is its youngest), ``<NA>`` for the open top band ("90 and over").
BAND_COLUMN = "max_age"
BANDED_POPULATION_COLUMNS = [*POPULATION_COLUMNS[:4], BAND_COLUMN, "population"]

#: Area codes of districts (unitary authorities, shire districts, metropolitan districts, London
#: boroughs) in the ONS projection workbooks; counties, regions and England are sums of these.
DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09", "W06")


_YEAR_COLUMN = re.compile(r"^\d{4}$")
_ALL_AGES = "all ages"


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------


def read_snpp2022(path: str | Path, *, tolerance: float = 0.5) -> pd.DataFrame:
    """Read the ONS 2022-based projections (wide years, text ``AGE_GROUP``) into tidy form.

    The "All ages" rows are used only as a check: the single ages (with "90 and over") must add
    up to them within ``tolerance`` people in every area and year, else :class:`DataError`.
    """
    return _read_wide_projection(
        path, name_column="AREA_NAME", vintage=VINTAGE_SNPP2022, tolerance=tolerance
    )


def read_snpp2016(path: str | Path) -> pd.DataFrame:
    """Read the ONS 2016-based projections for ages 60 to 90 (90 = 90 and over) into tidy form.

    The file has no area names, so ``area_name`` holds the area code. Area codes are 2016 codes:
    councils merged since (for example Dorset, Suffolk or Buckinghamshire districts) do not match
    2021 codes. Ages start at 60, see :func:`age_coverage`.
    """
    return _read_wide_projection(path, name_column=None, vintage=VINTAGE_SNPP2016, tolerance=0.5)


def read_snpp2018_districts(path: str | Path) -> pd.DataFrame:
    """The district rows of the 2018-based file (the file's own county, region and England rows
    are left out: carerlib sums districts itself, and coverage is checked on districts)."""
    frame = read_snpp2018(path)
    return frame[frame["area_code"].str[:3].isin(DISTRICT_PREFIXES)]


def read_snpp2018(path: str | Path, *, tolerance: float = 1.0) -> pd.DataFrame:
    """Read the ONS 2018-based projections (persons, 5-year age bands) into a banded tidy frame.

    The file is the Persons sheet of the ONS workbook saved as CSV: an unnamed row-index column,
    ``CODE, AREA, AGE GROUP`` and one column per year, each number preceded by a space (whole
    numbers in 2018, one decimal place after). Bands are kept as published, never split: ``age``
    is the youngest age of a band and ``max_age`` its oldest (``<NA>`` for "90+"). Rows for every
    area in the file are returned (districts, counties, regions, England); the bands must add to
    "All ages" within ``tolerance`` people (the published figures are rounded to 0.1).
    """
    source = str(path)
    raw = _read_csv(path)
    validation.require_columns(raw, ["CODE", "AREA", "AGE GROUP"], source)
    years = [c for c in raw.columns if _YEAR_COLUMN.match(str(c).strip())]
    if not years:
        raise DataError(source, "no year columns (e.g. '2018') found")
    labels = raw["AGE GROUP"].str.strip()
    parts = labels.str.extract(r"^(\d+)(?:-(\d+)|(\+))$")
    is_total = labels.str.lower() == _ALL_AGES
    unknown = parts[0].isna() & ~is_total
    if unknown.any():
        row = unknown.idxmax()
        raise DataError(source, f"age group {raw.at[row, 'AGE GROUP']!r} not recognised",
                        row=int(row), column="AGE GROUP")
    raw["age"] = pd.to_numeric(parts[0]).astype("Int64")
    raw[BAND_COLUMN] = pd.to_numeric(parts[1]).astype("Int64")
    for column in years:
        raw[column] = numeric_column(raw, column, source)
    raw["area_code"] = raw["CODE"].str.strip()
    raw["area_name"] = raw["AREA"].str.strip()
    ages = raw[raw["age"].notna()]
    _check_bands(ages, source)
    _check_totals(ages, raw[raw["age"].isna()], years, source, tolerance)
    tidy = ages.melt(id_vars=["area_code", "area_name", "age", BAND_COLUMN], value_vars=years,
                     var_name="year", value_name="population")
    tidy["year"] = tidy["year"].str.strip().astype(int)
    tidy["age"] = tidy["age"].astype(int)
    tidy = tidy.sort_values(["area_code", "year", "age"], ignore_index=True)
    tidy = tidy[BANDED_POPULATION_COLUMNS]
    tidy.attrs.update(source=source, vintage=VINTAGE_SNPP2018, age_coverage=age_coverage(tidy))
    return tidy


def is_banded(frame: pd.DataFrame) -> bool:
    """Whether a population frame holds age bands (a ``max_age`` column) not single years."""
    return BAND_COLUMN in frame.columns


def _check_bands(ages: pd.DataFrame, source: str) -> None:
    """Each area's bands must be unrepeated, contiguous from 0, and only the last open."""
    repeated = ages.duplicated(["area_code", "age"])
    if repeated.any():
        raise DataError(source, "duplicate area and age band", row=int(repeated.idxmax()),
                        column="AGE GROUP")
    for code, bands in ages.groupby("area_code", sort=False):
        bands = bands.sort_values("age")
        starts = bands["age"].to_numpy(dtype=int)
        ends = bands[BAND_COLUMN]
        gaps = starts[1:] != ends.iloc[:-1].to_numpy(dtype="float64", na_value=np.nan) + 1
        if starts[0] != 0 or gaps.any() or ends.iloc[:-1].isna().any():
            raise DataError(source, f"age bands of {code} are not contiguous from 0 with one "
                            "open top band", row=int(bands.index[0]), column="AGE GROUP")


def _check_totals(ages: pd.DataFrame, totals: pd.DataFrame, years: list[str], source: str,
                  tolerance: float, what: str = "age bands", digits: int = 1) -> None:
    """`what` (bands or single ages) must add to each area's "All ages" row within
    ``tolerance`` in every year; the error gives both figures to `digits` decimals."""
    if totals.empty:
        return
    summed = ages.groupby("area_code")[years].sum()
    stated = totals.groupby("area_code")[years].sum()
    gap = (summed.reindex(stated.index) - stated).abs()
    bad = gap > tolerance
    if bad.to_numpy().any():
        area, year = bad.stack().pipe(lambda s: s[s]).index[0]
        raise DataError(source, f"{what} add to {summed.loc[area, year]:,.{digits}f} but "
                        f"'All ages' is {stated.loc[area, year]:,.{digits}f} for {area} in "
                        f"{str(year).strip()}", column=str(year))


def age_coverage(frame: pd.DataFrame) -> tuple[int, int]:
    """Return ``(min_age, max_age)`` of a tidy population frame; ``max_age`` is open-ended."""
    validation.require_columns(frame, ["age"], "population frame")
    if frame.empty:
        raise DataError("population frame", "no rows")
    return int(frame["age"].min()), int(frame["age"].max())


def read_national_care_rates(path: str | Path) -> pd.DataFrame:
    """Read national Census 2021 counts of carers by age band and sex into carer rates.

    Returns columns ``band`` (hours band key, ``"all_carers"`` when the file only says whether a
    person provides care), ``min_age``, ``max_age`` (``<NA>`` for the open top band), ``sex``
    (``female``, ``male`` and ``persons``), ``carers``, ``population`` and ``rate``. The persons
    rate is recomputed from the summed counts, never averaged. The under-5 band is dropped: the
    census asked about caring only of people aged 5 and over, so its count is a structural zero.
    """
    source = str(path)
    raw = _read_csv(path)
    validation.require_columns(raw, ["care", "age", "sex", "n", "total_population"], source)
    for column in ("n", "total_population"):
        raw[column] = numeric_column(raw, column, source)

    bounds = raw["age"].map({label: _parse_age_band(label) for label in raw["age"].unique()})
    if bounds.isna().any():
        row = bounds.isna().idxmax()
        problem = f"age band {raw.at[row, 'age']!r} not recognised"
        raise DataError(source, problem, row=int(row), column="age")
    raw["min_age"] = [b[0] for b in bounds]
    raw["max_age"] = pd.array([b[1] for b in bounds], dtype="Int64")
    raw["sex"] = raw["sex"].str.strip().str.lower()
    raw["band"] = raw["care"].map({label: _care_band(label) for label in raw["care"].unique()})
    if raw["band"].isna().any():
        row = raw["band"].isna().idxmax()
        problem = f"care category {raw.at[row, 'care']!r} not recognised"
        raise DataError(source, problem, row=int(row), column="care")
    over = raw["n"] > raw["total_population"]
    if over.any():
        raise DataError(
            source, "count exceeds total population", row=int(over.idxmax()), column="n"
        )

    # Providers plus non-providers must make up the population of each age band and sex.
    if {"none", ALL_HOURS} <= set(raw["band"]):
        check = raw[raw["band"].isin(["none", ALL_HOURS])].groupby(["min_age", "sex"], sort=False)
        gap = (check["n"].sum() - check["total_population"].first()).abs()
        if (gap > 0.5).any():
            min_age, sex = gap[gap > 0.5].index[0]
            raise DataError(
                source,
                f"carers plus non-carers differ from the population for {sex} aged {min_age}+",
            )

    carers = raw[(raw["band"] != "none") & (raw["min_age"] >= 5)]
    keys = ["band", "min_age", "max_age"]
    by_sex = carers.groupby([*keys, "sex"], as_index=False, dropna=False).agg(
        carers=("n", "sum"), population=("total_population", "sum")
    )
    persons = by_sex.groupby(keys, as_index=False, dropna=False)[["carers", "population"]].sum()
    persons["sex"] = "persons"
    rates = pd.concat([by_sex, persons], ignore_index=True)
    rates["rate"] = rates["carers"] / rates["population"]
    rates = rates.sort_values(["band", "sex", "min_age"], ignore_index=True)
    rates.attrs["source"] = source
    return rates[RATE_COLUMNS]



# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _read_csv(path: str | Path) -> pd.DataFrame:
    """The file as text (shared reader: BOM-safe, one-line errors), rows indexed by file row."""
    frame = validation.read_csv(path)
    frame.index = frame.index + 2  # index = row number in the file (the header is row 1)
    return frame


def numeric_column(frame: pd.DataFrame, column: str, source: str) -> pd.Series:
    """Column as floats; non-numeric, missing or negative cells raise DataError.

    The error names the row by its index label (readers index rows by file row number).
    """
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        row = bad.idxmax()
        cell = frame.at[row, column]
        problem = "negative value" if values.loc[row] < 0 else f"not a number: {cell!r}"
        raise DataError(source, problem, row=row_label(row), column=column)
    return values.astype("float64")


def row_label(row: object) -> int | str:
    return int(row) if isinstance(row, int | np.integer) else str(row)


def check_population(frame: pd.DataFrame, source: str) -> None:
    validation.require_columns(frame, ["area_code", "year", "age", "population"], source)
    if frame.empty:
        raise DataError(source, "no rows")
    numeric_column(frame, "population", source)


def _parse_age_band(label: str) -> tuple[int, int | None] | None:
    """Census band label to ``(min_age, max_age)``; ``max_age`` None for "and over"."""
    text = str(label).strip().lower()
    if m := re.fullmatch(r"aged (\d+) years? and under", text):
        return 0, int(m.group(1))
    if m := re.fullmatch(r"aged under (\d+) years?", text):
        return 0, int(m.group(1)) - 1
    if m := re.fullmatch(r"aged (\d+) to (\d+) years?", text):
        return int(m.group(1)), int(m.group(2))
    if m := re.fullmatch(r"aged (\d+) years? and over", text):
        return int(m.group(1)), None
    if m := re.fullmatch(r"aged (\d+) years?", text):
        return int(m.group(1)), int(m.group(1))
    return None


def _care_band(category: str) -> str | None:
    """Map a census care category to an hours band key ("none" for non-carers)."""
    text = str(category).strip().lower()
    if "no unpaid care" in text:
        return "none"
    if text in {"provides unpaid care", "provides unpaid care: total"}:
        return ALL_HOURS
    if m := re.search(r"(\d+) hours or less", text):
        return f"up_to_{m.group(1)}"
    if m := re.search(r"(\d+) to (\d+) hours", text):
        return f"{m.group(1)}_to_{m.group(2)}"
    if m := re.search(r"(\d+) or more hours", text):
        return f"{m.group(1)}_plus"
    return None


def _read_wide_projection(
    path: str | Path, *, name_column: str | None, vintage: str, tolerance: float
) -> pd.DataFrame:
    """Shared reader for ONS projection files with one column per year."""
    source = str(path)
    raw = _read_csv(path)
    required = ["AREA_CODE", "AGE_GROUP"] + ([name_column] if name_column else [])
    validation.require_columns(raw, required, source)
    if "COMPONENT" in raw.columns:
        raw = raw[raw["COMPONENT"].str.strip().str.lower() == "population"]
    if "SEX" in raw.columns:
        raw = raw[raw["SEX"].str.strip().str.lower().isin(["persons", "all"])]
    if raw.empty:
        raise DataError(source, "no persons population rows")
    years = [c for c in raw.columns if _YEAR_COLUMN.match(str(c))]
    if not years:
        raise DataError(source, "no year columns (e.g. '2022') found")

    labels = raw["AGE_GROUP"].fillna("").str.strip()
    parts = labels.str.extract(r"^(\d+)\s*(and over|\+)?$", flags=re.IGNORECASE)
    is_total = labels.str.lower() == _ALL_AGES
    unknown = parts[0].isna() & ~is_total
    if unknown.any():
        row = unknown.idxmax()
        raise DataError(
            source,
            f"age group {raw.at[row, 'AGE_GROUP']!r} not recognised",
            row=int(row),
            column="AGE_GROUP",
        )
    parsed_age = pd.to_numeric(parts[0]).astype("Int64")
    is_open = parts[1].notna()
    if "age" in raw.columns:  # the 2016-based file repeats the age in its own column
        stated = pd.to_numeric(raw["age"], errors="coerce").astype("Int64")
        differs = parsed_age.notna() & (stated != parsed_age).fillna(True)
        if differs.any():
            raise DataError(
                source, "'age' disagrees with AGE_GROUP", row=int(differs.idxmax()), column="age"
            )
    raw["age"] = parsed_age
    for column in years:
        raw[column] = numeric_column(raw, column, source)

    raw["area_code"] = raw["AREA_CODE"].str.strip()
    raw["area_name"] = raw[name_column].str.strip() if name_column else raw["area_code"]
    totals = raw[raw["age"].isna()]
    ages = raw[raw["age"].notna()]

    _check_open_top(ages, is_open, source)
    duplicated = ages.duplicated(["area_code", "age"])
    if duplicated.any():
        row = duplicated.idxmax()
        raise DataError(source, "duplicate area and age", row=int(row), column="AGE_GROUP")

    _check_totals(ages, totals, years, source, tolerance, what="ages", digits=3)

    tidy = ages.melt(
        id_vars=["area_code", "area_name", "age"],
        value_vars=years,
        var_name="year",
        value_name="population",
    )
    tidy["year"] = tidy["year"].astype(int)
    tidy["age"] = tidy["age"].astype(int)
    tidy["population"] = tidy["population"].astype("float64")
    tidy = tidy.sort_values(["area_code", "year", "age"], ignore_index=True)[POPULATION_COLUMNS]
    low, high = age_coverage(tidy)
    tidy.attrs.update(source=source, vintage=vintage, age_coverage=(low, high))
    return tidy


def _check_open_top(ages: pd.DataFrame, is_open: pd.Series, source: str) -> None:
    """An "and over" group, if any, must be the oldest age of its area."""
    open_rows = ages[is_open.reindex(ages.index).to_numpy()]
    if open_rows.empty:
        return
    top = ages.groupby("area_code")["age"].max()
    wrong = open_rows[open_rows["age"].to_numpy() != top.reindex(open_rows["area_code"]).to_numpy()]
    if not wrong.empty:
        raise DataError(
            source,
            "an 'and over' age group is not the oldest age",
            row=int(wrong.index[0]),
            column="AGE_GROUP",
        )


