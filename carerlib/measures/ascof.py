"""ASCOF carer outcomes for one council: its value beside the England median, its region and
its rank among councils."""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from carerlib.data.ascof import ASCOF_COLUMNS, CARER_MEASURES, OUTCOME_COLUMNS
from carerlib.errors import DataError

#: Columns :func:`carer_outcomes` adds to the ASCOF layout: the spread of councils, the
#: comparison with the England median and the quarter of councils the rank falls in.
COMPARISON_COLUMNS = ["mad", "gap", "flag", "rank_band"]
Flag = Literal["higher", "lower", "similar"]


class SimilarWithin(BaseModel):
    """When a council's ASCOF score counts as "similar" to the England median.

    A gap of at most ``mads`` median absolute deviations (the spread of all councils' scores
    that year, the measure Oflog's extract reports as ``MADs_from_median``) is "similar": a
    score 0.1 above the median on a measure published to one decimal place is not a difference
    a commissioner should act on.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    mads: float = Field(1.0, gt=0)
    source: str = Field(
        "Oflog adult social care outcomes extract: distance from the median in median absolute "
        "deviations (MADs_from_median); gaps within 1 MAD are treated as similar",
        min_length=1)


def compare_with_median(value: float, median: float, mad: float, mads: float) -> Flag:
    """"higher"/"lower" when ``value`` is more than ``mads`` x ``mad`` from ``median``, else
    "similar" (also when the spread is zero and the values are equal)."""
    gap = value - median
    if abs(gap) <= mads * mad + 1e-9:
        return "similar"
    return "higher" if gap > 0 else "lower"


def rank_band(rank: float, n_ranked: float) -> str:
    """The quarter of councils a rank falls in (1 = best): "top quarter" ... "bottom quarter"."""
    if pd.isna(rank) or not n_ranked:
        return ""
    quarter = min(int(4 * (rank - 1) // n_ranked), 3)
    return ("top quarter", "second quarter", "third quarter", "bottom quarter")[quarter]


class OutcomesResult(NamedTuple):
    """A carer outcomes table plus plain-English notes (e.g. why it is empty)."""

    table: pd.DataFrame
    notes: list[str]


def carer_comparators(frame: pd.DataFrame) -> pd.DataFrame:
    """Every council's carer-measure rows with the England and regional comparators that
    `carer_outcomes` reports (medians, median absolute deviation, rank): the same for every
    area, so a batch can compute them once. Empty when the file holds no carer measures."""
    missing = [c for c in ASCOF_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError("ASCOF frame", "required column missing", column=missing[0])
    carers = frame[frame["measure"].isin(list(CARER_MEASURES))].copy()
    if carers.empty:
        return carers

    known = carers["measure"].map({k: v.higher_is_better for k, v in CARER_MEASURES.items()})
    stated = carers.groupby(["measure", "financial_year"])["higher_is_better"].transform("first")
    higher = stated.fillna(known).astype(bool)
    by_year = carers.groupby(["measure", "financial_year"])["value"]
    by_region = carers.groupby(["measure", "financial_year", "region"])["value"]
    carers["england_median"] = by_year.transform("median")
    carers["mad"] = (carers["value"] - carers["england_median"]).abs().groupby(
        [carers["measure"], carers["financial_year"]]).transform("median")
    carers["n_ranked"] = by_year.transform("count").astype("int64")
    carers["region_median"] = by_region.transform("median")
    best_high = by_year.rank(ascending=False, method="min")
    best_low = by_year.rank(ascending=True, method="min")
    carers["rank"] = pd.array(np.where(higher, best_high, best_low), dtype="Float64").astype(
        "Int64"
    )
    carers["higher_is_better"] = higher
    carers["ascof"] = carers["measure"].map({k: v.ascof for k, v in CARER_MEASURES.items()})
    carers["label"] = carers["measure"].map({k: v.label for k, v in CARER_MEASURES.items()})
    carers["note"] = np.where(
        carers["value"].isna(), "no value published for this council this year", ""
    )

    return carers


def carer_outcomes(frame: pd.DataFrame, area_code: str,
                   similar: SimilarWithin | None = None,
                   comparators: pd.DataFrame | None = None) -> OutcomesResult:
    """Carer outcomes for one council, with England and regional comparators.

    One row per carer measure and survey year: ``value``; ``england_median`` (median of all
    councils with a value that year); ``region_median`` (median, not mean, of the councils in the
    area's region); ``rank`` among councils with a value (1 = best; higher is better for both
    carer measures; ties share the best rank) and ``n_ranked``. A council not in the file (e.g. a
    district, which has no social care duty) gives an empty table and a note.

    Output columns: ``area_code, area_name, financial_year, ascof, measure, label, value,
    england_median, region, region_median, rank, n_ranked, higher_is_better, note`` and
    :data:`COMPARISON_COLUMNS`: ``mad`` (median absolute deviation of all councils' values that
    year), ``gap`` (value - England median), ``flag`` ("higher"/"lower"/"similar", see
    :class:`SimilarWithin`) and ``rank_band`` (quarter of councils).

    `comparators` is `carer_comparators(frame)` when a batch has computed it already.
    """
    similar = similar or SimilarWithin()
    carers = carer_comparators(frame) if comparators is None else comparators
    if carers.empty:
        return OutcomesResult(_empty(), ["the ASCOF file holds no carer measures"])

    code = str(area_code).strip()
    table = carers[carers["area_code"] == code]
    if table.empty:
        in_file = (frame["area_code"] == code).any()
        why = (
            f"{code} has no carer outcome rows in the ASCOF file"
            if in_file
            else f"{code} is not in the ASCOF file: only the 152 councils with adult social care "
            "duties (counties, unitary authorities, metropolitan districts, London boroughs) "
            "report ASCOF measures; a district's carers are in its county's figures"
        )
        return OutcomesResult(_empty(), [why])

    notes = []
    expected = carers[["measure", "financial_year"]].drop_duplicates()
    present = table[["measure", "financial_year"]].drop_duplicates()
    gaps = expected.merge(present, how="left", indicator=True).query("_merge == 'left_only'")
    notes += [
        f"no row for {code} in {year} ({CARER_MEASURES[measure].ascof}); council codes change "
        "when authorities are reorganised"
        for measure, year in gaps[["measure", "financial_year"]].itertuples(index=False)
    ]
    unpublished = table[table["value"].isna()]
    notes += [
        f"no value published for {code} in {year} ({CARER_MEASURES[measure].ascof})"
        for measure, year in unpublished[["measure", "financial_year"]].itertuples(index=False)
    ]
    table = table.sort_values(["ascof", "financial_year"], ignore_index=True)
    return OutcomesResult(_compare(table, similar)[OUTCOME_COLUMNS + COMPARISON_COLUMNS], notes)


def _compare(table: pd.DataFrame, similar: SimilarWithin) -> pd.DataFrame:
    """Add gap, flag and rank band to each row (blank where the council has no value)."""
    table = table.copy()
    table["gap"] = table["value"] - table["england_median"]
    table["flag"] = [
        "" if pd.isna(v) else compare_with_median(v, m, d, similar.mads)
        for v, m, d in zip(table["value"], table["england_median"], table["mad"], strict=True)]
    table["rank_band"] = [rank_band(r, n) for r, n in zip(table["rank"], table["n_ranked"],
                                                          strict=True)]
    return table


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object")
                         for column in OUTCOME_COLUMNS + COMPARISON_COLUMNS})
