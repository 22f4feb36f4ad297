"""Carer-reported outcomes from the Adult Social Care Outcomes Framework (ASCOF).

The source is the Oflog extract of ASCOF measures for the 152 councils with adult social care
duties (counties, unitary authorities, metropolitan districts and London boroughs). Carer
measures come from the Survey of Adult Carers in England, run every other year, so they exist
only for survey years (2016-17, 2018-19 and 2021-22 in the current file).

District councils have no social care duty and never appear: their carers are counted in the
county's figures.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from carerlib.data import validation
from carerlib.errors import DataError


class CarerMeasure(NamedTuple):
    """What an ASCOF carer measure is and which direction is better."""

    ascof: str
    label: str
    higher_is_better: bool


#: Carer measures in the file, keyed by the file's ``Measure`` text.
CARER_MEASURES: dict[str, CarerMeasure] = {
    "Outcome, ASC Carer Quality of Life": CarerMeasure(
        "1D", "Carer-reported quality of life (score out of 12)", True
    ),
    "Outcome, Ease of finding information about support : carers": CarerMeasure(
        "3D part 2", "Carers who find it easy to find information about support (%)", True
    ),
}

ASCOF_COLUMNS = [
    "financial_year",
    "area_code",
    "area_name",
    "council_type",
    "region",
    "measure",
    "code",
    "value",
    "published_median",
    "higher_is_better",
]
OUTCOME_COLUMNS = [
    "area_code",
    "area_name",
    "financial_year",
    "ascof",
    "measure",
    "label",
    "value",
    "england_median",
    "region",
    "region_median",
    "rank",
    "n_ranked",
    "higher_is_better",
    "note",
]

_RAW_COLUMNS = {
    "Financial year": "financial_year",
    "Local authority code": "area_code",
    "Local authority name": "area_name",
    "Entity_Name": "council_type",
    "Region": "region",
    "Measure": "measure",
    "Code": "code",
    "Value": "value",
    "MEDIAN": "published_median",
}
_FINANCIAL_YEAR = re.compile(r"^\d{4}-\d{2}$")


def read_ascof_outcomes(path: str | Path) -> pd.DataFrame:
    """Read the Oflog ASCOF extract (long layout) into a tidy frame.

    Keeps council-level raw values (``Grouping == "LA_Raw"``; the current file holds nothing
    else). Columns: ``financial_year`` (e.g. ``"2021-22"``), ``area_code``, ``area_name``,
    ``council_type``, ``region``, ``measure``, ``code`` (the file's own code, e.g. ``ASC1``, not
    the ASCOF number), ``value`` (NaN where not published), ``published_median`` and
    ``higher_is_better`` (from ``rank_order``: ``desc``/``DESC`` means higher is better; NaN
    where the file gives no order).
    """
    source = str(path)
    raw = validation.read_csv(path)
    validation.require_columns(raw, [*_RAW_COLUMNS, "Grouping", "rank_order"], source)
    raw = raw.mask(raw == "")  # blank cells are unpublished values
    raw.index = raw.index + 2  # file row numbers
    if (raw["Grouping"] == "LA_Raw").any():
        raw = raw[raw["Grouping"] == "LA_Raw"]

    tidy = raw.rename(columns=_RAW_COLUMNS)
    for column in ("value", "published_median"):
        numbers = pd.to_numeric(tidy[column], errors="coerce")
        bad = (numbers.isna() & tidy[column].notna()) | (numbers < 0)
        if bad.any():
            row = int(bad.idxmax())
            cell = tidy.at[row, column]
            raise DataError(source, f"not a valid value: {cell!r}", row=row, column=column)
        tidy[column] = numbers.astype("float64")
    bad_year = ~tidy["financial_year"].fillna("").str.strip().str.match(_FINANCIAL_YEAR)
    if bad_year.any():
        row = int(bad_year.idxmax())
        raise DataError(
            source,
            f"financial year {tidy.at[row, 'financial_year']!r} is not like '2021-22'",
            row=row,
            column="Financial year",
        )
    for column in ("financial_year", "area_code", "area_name", "measure", "region"):
        tidy[column] = tidy[column].str.strip()
    duplicated = tidy.duplicated(["financial_year", "area_code", "measure"])
    if duplicated.any():
        row = int(duplicated.idxmax())
        raise DataError(source, "duplicate council, year and measure", row=row)

    order = tidy["rank_order"].str.strip().str.lower()
    tidy["higher_is_better"] = order.map({"desc": True, "asc": False}).astype("boolean")
    tidy = tidy.sort_values(["measure", "financial_year", "area_code"], ignore_index=True)
    tidy.attrs["source"] = source
    return tidy[ASCOF_COLUMNS]


