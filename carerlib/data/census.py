"""Readers for Census 2021 and 2011 tables in the Nomis layouts, returning tidy long frames.

Unpaid care (TS039, QS301EW) -> columns area_code, area_name, year, category, count, where
`category` is a band key from `carerlib.bands` (or `all_residents` / `no_care`).
Age by single year (TS007, QS103EW) -> area_code, area_name, year, age, population, where the
oldest age is open-ended ("100 and over" -> 100).

Both the Nomis *bulk* headers (`Provision of unpaid care: Provides ...`) and the *query* headers
(`Care Provision: Provides ...; measures: Value`) are recognised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from carerlib.data import bands
from carerlib.data.validation import (
    area_codes,
    counts,
    no_text,
    parts_add_up,
    read_csv,
    require_columns,
    well_formed_codes,
)
from carerlib.errors import DataError

GEOGRAPHY = "geography"
CODE = "geography code"
#: What each census measures carers against: every output names its denominator.
DENOMINATOR = {
    2021: "usual residents aged 5 and over",
    2011: "all usual residents (all ages)",
}

_CARE_2021 = {
    bands.TOTAL: r"Total: All usual residents aged 5 and over",
    bands.NO_CARE: r"Provides no unpaid care",
    "up_to_19": r"Provides 19 hours or less unpaid care a week",
    "up_to_9": r"Provides 9 hours or less unpaid care a week",
    "10_to_19": r"Provides 10 to 19 hours unpaid care a week",
    "20_to_49": r"Provides 20 to 49 hours unpaid care a week",
    "20_to_34": r"Provides 20 to 34 hours unpaid care a week",
    "35_to_49": r"Provides 35 to 49 hours unpaid care a week",
    "50_plus": r"Provides 50 or more hours unpaid care a week",
}
_CARE_2011 = {
    bands.TOTAL: r"All categories: Provision of unpaid care",
    bands.NO_CARE: r"Provides no unpaid care",
    "up_to_19": r"Provides 1 to 19 hours unpaid care a week",
    "20_to_49": r"Provides 20 to 49 hours unpaid care a week",
    "50_plus": r"Provides 50 or more hours unpaid care a week",
}
_TOTAL_IDENTITY = {bands.TOTAL: (bands.NO_CARE, *bands.BROAD_KEYS)}


def _match_columns(frame: pd.DataFrame, wanted: Mapping[str, str], path: Path) -> dict[str, str]:
    """Find the header for each wanted key by its distinctive text (exact phrase, not a prefix)."""
    found = {}
    for key, phrase in wanted.items():
        pattern = re.compile(r"(^|: )" + phrase + r"(;|$)")
        hits = [c for c in frame.columns if pattern.search(c)]
        if not hits:
            raise DataError(path, "missing column", column=phrase)
        found[key] = hits[0]
    return found


def _areas(frame: pd.DataFrame, path: Path, known: Iterable[str] | None) -> pd.DataFrame:
    require_columns(frame, [GEOGRAPHY, CODE], path)
    if "Rural Urban" in frame.columns:  # Nomis query layout: keep the all-areas rows only
        frame = frame[frame["Rural Urban"] == "Total"].reset_index(drop=True)
    area_codes(frame, CODE, path, known)
    return frame


def _tidy(frame: pd.DataFrame, values: pd.DataFrame, year: int, name: str) -> pd.DataFrame:
    wide = pd.concat([frame[[CODE, GEOGRAPHY]].rename(
        columns={CODE: "area_code", GEOGRAPHY: "area_name"}), values], axis=1)
    long = wide.melt(id_vars=["area_code", "area_name"], var_name=name, value_name="count")
    long.insert(2, "year", year)
    return long


def _read_unpaid_care(
    path: str | Path, wanted: Mapping[str, str], identities: Mapping, year: int,
    known: Iterable[str] | None,
) -> pd.DataFrame:
    path = Path(path)
    frame = _areas(read_csv(path), path, known)
    columns = _match_columns(frame, wanted, path)
    values = counts(frame, columns.values(), path)
    values = values.rename(columns={v: k for k, v in columns.items()})
    parts_add_up(values, identities, path, columns)
    out = _tidy(frame, values, year, "category")
    out.attrs.update(source=path.name, denominator=DENOMINATOR[year], census_year=year)
    return out


def read_ts039(path: str | Path, known_areas: Iterable[str] | None = None) -> pd.DataFrame:
    """Census 2021 TS039 provision of unpaid care (denominator: usual residents aged 5+).

    Checks the hours hierarchy: the two subtotals equal their fine bands, and no care plus the
    three broad bands equals the total.
    """
    return _read_unpaid_care(
        path, _CARE_2021, {**bands.SUBTOTALS, **_TOTAL_IDENTITY}, 2021, known_areas
    )


def read_qs301(path: str | Path, known_areas: Iterable[str] | None = None) -> pd.DataFrame:
    """Census 2011 QS301EW provision of unpaid care (denominator: all usual residents)."""
    return _read_unpaid_care(path, _CARE_2011, _TOTAL_IDENTITY, 2011, known_areas)


_AGE_2021 = re.compile(r"^Age: Aged (under 1|\d+) years?( and over)?; measures: Value$")
_AGE_2011 = re.compile(r"^Age: Age (under 1|\d+)( and over)?; measures: Value$")
_AGE_TOTAL = {2021: r"Total", 2011: r"All categories: Age"}


def _read_single_year_ages(
    path: str | Path, pattern: re.Pattern, year: int, known: Iterable[str] | None
) -> pd.DataFrame:
    path = Path(path)
    frame = _areas(read_csv(path), path, known)
    total_col = _match_columns(frame, {"total": _AGE_TOTAL[year]}, path)["total"]
    ages, open_groups = {}, {}
    for column in frame.columns:
        hit = pattern.match(column)
        if hit:
            age = 0 if hit.group(1) == "under 1" else int(hit.group(1))
            (open_groups if hit.group(2) else ages)[column] = age
    # "85 and over" is an ONS subtotal; only the oldest open group ("100 and over") is a single age.
    top = max(ages.values(), default=-1)
    ages |= {c: a for c, a in open_groups.items() if a > top}
    if len(ages) < 90:
        raise DataError(path, f"expected single-year age columns, found {len(ages)}")
    values = counts(frame, [total_col, *ages], path)
    values = values.rename(columns={total_col: "total", **ages})
    parts_add_up(values, {"total": list(ages.values())}, path, {"total": total_col})
    out = _tidy(frame, values.drop(columns="total"), year, "age")
    out = out.rename(columns={"count": "population"})
    out["age"] = out["age"].astype("int64")
    out.attrs.update(source=path.name, census_year=year, open_age=max(ages.values()))
    return out


def read_ts007(path: str | Path, known_areas: Iterable[str] | None = None) -> pd.DataFrame:
    """Census 2021 TS007 usual residents by single year of age (ONS subtotal bands dropped)."""
    return _read_single_year_ages(path, _AGE_2021, 2021, known_areas)


def read_qs103(path: str | Path, known_areas: Iterable[str] | None = None) -> pd.DataFrame:
    """Census 2011 QS103EW usual residents by single year of age."""
    return _read_single_year_ages(path, _AGE_2011, 2011, known_areas)


def read_ltla_utla_lookup(path: str | Path) -> pd.DataFrame:
    """ONS LTLA -> UTLA lookup: ltla_code, ltla_name, utla_code, utla_name (BOM-safe)."""
    path = Path(path)
    frame = read_csv(path)
    require_columns(frame, ["LTLA22CD", "LTLA22NM", "UTLA22CD", "UTLA22NM"], path)
    area_codes(frame, "LTLA22CD", path)
    well_formed_codes(frame, "UTLA22CD", path)  # a blank county would drop its districts
    for column in ("LTLA22NM", "UTLA22NM"):
        no_text(frame, column, path)
    out = frame.rename(columns={"LTLA22CD": "ltla_code", "LTLA22NM": "ltla_name",
                                "UTLA22CD": "utla_code", "UTLA22NM": "utla_name"})
    return out[["ltla_code", "ltla_name", "utla_code", "utla_name"]].reset_index(drop=True)


def read_lad2011_lad2021_lookup(path: str | Path) -> pd.DataFrame:
    """ONS LAD 2011 -> LAD 2021 lookup: lad2011_code, lad2021_code (one row per code)."""
    path = Path(path)
    frame = read_csv(path)
    require_columns(frame, ["LAD11CD", "LAD21CD"], path)
    area_codes(frame, "LAD11CD", path)
    well_formed_codes(frame, "LAD21CD", path)
    out = frame.rename(columns={"LAD11CD": "lad2011_code", "LAD21CD": "lad2021_code"})[
        ["lad2011_code", "lad2021_code"]]
    # Nomis republished some 2011 tables with codes already recoded since (e.g. Northumberland
    # E06000048 -> E06000057): a code that is itself a 2021 code maps to itself.
    recoded = sorted(set(out["lad2021_code"]) - set(out["lad2011_code"]))
    identity = pd.DataFrame({"lad2011_code": recoded, "lad2021_code": recoded})
    out = pd.concat([out, identity], ignore_index=True)
    names = dict(zip(frame["LAD11CD"], frame.get("LAD11NM", frame["LAD11CD"]), strict=True))
    out.attrs.update(source=path.name, lad2011_codes=sorted(frame["LAD11CD"]), lad2011_names=names)
    return out
