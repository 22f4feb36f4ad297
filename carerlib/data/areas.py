"""Areas and their parents: LTLA, UTLA (county = sum of its districts), region, country,
England and Wales, and user-defined groups from params. Counts aggregate; rates are recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from carerlib.data.validation import read_csv, require_columns, well_formed_codes
from carerlib.errors import DataError, ParamsError

LEVELS = ("ltla", "utla", "region", "country", "england_and_wales", "group")
ENGLAND, WALES, ENGLAND_AND_WALES = "E92000001", "W92000004", "K04000001"


def read_la_codes(path: str | Path) -> pd.DataFrame:
    """Every LA code since 2011 with its region and country (Wales stands in as its own region).

    Codes abolished since 2021 (e.g. the Cumbria districts) are kept: Census 2021 uses them.
    """
    path = Path(path)
    frame = read_csv(path)
    require_columns(frame, ["LADCD", "LADNM", "RGNCD", "RGNNM", "CTRYCD", "CTRYNM"], path)
    well_formed_codes(frame, "LADCD", path)
    well_formed_codes(frame, "CTRYCD", path)
    no_region = frame["RGNCD"].str.strip() == ""
    english = no_region & (frame["CTRYCD"] == ENGLAND)  # England has regions; Wales has none
    if english.any():
        i = int(english.to_numpy().argmax())
        raise DataError(path, f"blank region for {frame['LADCD'].iloc[i]} (an area in "
                        f"{frame['CTRYCD'].iloc[i]}); every English area has one", row=i + 2,
                        column="RGNCD")
    current = frame.drop_duplicates("LADCD").copy()
    no_region = current["RGNCD"].str.strip() == ""
    current.loc[no_region, "RGNCD"] = current.loc[no_region, "CTRYCD"]
    current.loc[no_region, "RGNNM"] = current.loc[no_region, "CTRYNM"]
    out = current.rename(columns={
        "LADCD": "ltla_code", "LADNM": "ltla_name", "RGNCD": "region_code",
        "RGNNM": "region_name", "CTRYCD": "country_code", "CTRYNM": "country_name",
    })[["ltla_code", "ltla_name", "region_code", "region_name", "country_code", "country_name"]]
    out.attrs["source"] = str(path)
    return out


def hierarchy(ltla_utla: pd.DataFrame, la_codes: pd.DataFrame,
              ltlas: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per LTLA with its UTLA, region and country (restricted to `ltlas` if given)."""
    out = ltla_utla.merge(la_codes.drop(columns="ltla_name"), on="ltla_code", how="left",
                          validate="one_to_one")
    if out["region_code"].isna().any():
        missing = out.loc[out["region_code"].isna(), "ltla_code"].iloc[0]
        raise DataError(la_codes.attrs.get("source", "la-all-codes lookup"),
                        f"no row for {missing}, an LTLA of the LTLA to UTLA lookup: its region "
                        "is unknown")
    if ltlas is not None:
        wanted = set(ltlas)
        unknown = wanted - set(out["ltla_code"])
        if unknown:  # the census file is at fault, not the lookup
            raise DataError(ltla_utla.attrs.get("census_source", "census table"),
                            f"area {sorted(unknown)[0]} is not an LTLA of the LTLA to UTLA lookup")
        out = out[out["ltla_code"].isin(wanted)]
    return out.reset_index(drop=True)


def membership(tree: pd.DataFrame, groups: Mapping[str, Mapping] | None = None
               ) -> pd.DataFrame:
    """Which LTLAs make up each area: columns member, area_code, area_name, level.

    A unitary authority appears as both an LTLA and a UTLA with one code; aggregation uses each
    (member, area_code) pair once.
    """
    parts = [
        tree.assign(member=tree["ltla_code"], area_code=tree["ltla_code"],
                    area_name=tree["ltla_name"], level="ltla"),
        tree.assign(member=tree["ltla_code"], area_code=tree["utla_code"],
                    area_name=tree["utla_name"], level="utla"),
        tree.assign(member=tree["ltla_code"], area_code=tree["region_code"],
                    area_name=tree["region_name"], level="region"),
        tree.assign(member=tree["ltla_code"], area_code=tree["country_code"],
                    area_name=tree["country_name"], level="country"),
        tree.assign(member=tree["ltla_code"], area_code=ENGLAND_AND_WALES,
                    area_name="England and Wales", level="england_and_wales"),
    ]
    known = set(tree["ltla_code"])
    for code, group in (groups or {}).items():
        members = list(group["members"])
        unknown = [m for m in members if m not in known]
        if unknown:
            raise ParamsError("params", f"groups.{code}.members",
                              f"unknown area code {unknown[0]} (not a 2021 LTLA)")
        parts.append(pd.DataFrame({"member": members, "area_code": code,
                                   "area_name": group["name"], "level": "group"}))
    cols = ["member", "area_code", "area_name", "level"]
    return pd.concat([p[cols] for p in parts], ignore_index=True)


def areas_table(members: pd.DataFrame) -> pd.DataFrame:
    """Every area once: code, name, level(s) and number of LTLAs in it."""
    out = members.groupby(["area_code", "area_name"], as_index=False).agg(
        levels=("level", lambda s: ",".join(sorted(set(s), key=LEVELS.index))),
        districts=("member", "nunique"))
    out["level"] = out["levels"].str.split(",").str[-1]  # the widest level a code plays
    return out


def aggregate(frame: pd.DataFrame, members: pd.DataFrame, values: list[str],
              by: list[str]) -> pd.DataFrame:
    """Sum `values` over each area's member LTLAs for every combination of `by` columns.

    `frame` is keyed by LTLA `area_code`; the result has one row per area_code × `by`. An area
    whose member LTLAs are not all in `frame` is refused (a DataError naming the first missing
    member): a missing row must never become a smaller total.
    """
    pairs = members.drop_duplicates(["member", "area_code"])
    absent = sorted(set(pairs["member"]) - set(frame["area_code"]))
    if absent:
        areas = pairs.loc[pairs["member"] == absent[0], "area_code"]
        raise DataError(frame.attrs.get("source", "data"),
                        f"no row for {absent[0]}, a member of {', '.join(sorted(areas)[:3])}: "
                        "refusing to sum an incomplete set of areas")
    joined = frame.drop(columns=["area_name"], errors="ignore").rename(
        columns={"area_code": "member"}).merge(pairs[["member", "area_code", "area_name"]],
                                               on="member", how="inner")
    out = joined.groupby(["area_code", "area_name", *by], as_index=False, sort=False)[values].sum()
    return out


def ltlas_within(members: pd.DataFrame, area_code: str) -> list[str]:
    """Every LTLA inside an area (a county, region, country or group), sorted by code.

    An LTLA gives itself. An unknown code is a DataError naming it, so a mistyped `--within`
    never builds nothing silently.
    """
    rows = members[members["area_code"] == area_code]
    if rows.empty:
        raise DataError("area lookup", f"unknown area code {area_code}")
    return sorted(set(rows["member"]))


def parents(members: pd.DataFrame, area_code: str) -> list[tuple[str, str, str]]:
    """(level, code, name) of an area's comparators, nearest first: county, region, country,
    England and Wales. A group is compared with the county, region and country its districts
    share."""
    rows = members[members["area_code"] == area_code]
    if rows.empty:
        return [("england_and_wales", ENGLAND_AND_WALES, "England and Wales")]
    own_levels = set(rows["level"])
    widest = max(LEVELS.index(level) for level in own_levels if level != "group") \
        if own_levels != {"group"} else 0
    districts = set(rows["member"])
    above = members[members["member"].isin(districts) & (members["area_code"] != area_code)]
    out = []
    for level in ("utla", "region", "country", "england_and_wales"):
        if LEVELS.index(level) <= widest:
            continue
        codes = above.loc[above["level"] == level, ["area_code", "area_name"]].drop_duplicates()
        seen = {code for _, code, _ in out}
        if len(codes) == 1 and codes["area_code"].iloc[0] not in seen:  # shared by all
            out.append((level, codes["area_code"].iloc[0], codes["area_name"].iloc[0]))
    return out
