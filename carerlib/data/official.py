"""Official data for packs, read once per process from a DataStore and shaped for every area.

Holds the tidy frames (Census 2021/2011 unpaid care and ages, area hierarchy) aggregated to every
LTLA, UTLA, region, country and England and Wales, so a batch reads each file once.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from carerlib.data import areas, ascof, census, parsed, projections
from carerlib.data.datastore import DataStore
from carerlib.errors import DataError


class OfficialData:
    def __init__(self, store: DataStore, groups: dict | None = None) -> None:
        self.store = store
        self.groups = groups or {}
        self.used: set[str] = set()

    def _path(self, key: str):
        self.used.add(key)
        return self.store.path(key)

    def has(self, *keys: str) -> bool:
        return all(self.store.has(k) for k in keys)

    @cached_property
    def tree(self) -> pd.DataFrame:
        ltlas = self.care_2021_ltla["area_code"].unique()
        return areas.hierarchy(census.read_ltla_utla_lookup(self._path("ltla_utla_lookup")),
                               areas.read_la_codes(self._path("la_codes")), ltlas)

    @cached_property
    def members(self) -> pd.DataFrame:
        return areas.membership(self.tree, self.groups)

    @cached_property
    def care_2021_ltla(self) -> pd.DataFrame:
        return census.read_ts039(self._path("ts039_ltla"))

    def _aggregate(self, frame: pd.DataFrame, values: list[str], by: list[str]) -> pd.DataFrame:
        out = areas.aggregate(frame, self.members, values, by)
        out.attrs = dict(frame.attrs)
        return out

    @cached_property
    def care_2021(self) -> pd.DataFrame:
        """TS039 for every area (LTLA upwards), summed from the LTLA file."""
        return self._aggregate(self.care_2021_ltla, ["count"], ["year", "category"])

    @cached_property
    def ages_2021(self) -> pd.DataFrame:
        frame = census.read_ts007(self._path("ts007_ltla"))
        return self._aggregate(frame, ["population"], ["year", "age"])

    def area_name(self, area_code: str) -> str | None:
        hit = self.members.loc[self.members["area_code"] == area_code, "area_name"]
        return None if hit.empty else str(hit.iloc[0])

    def provenance(self) -> pd.DataFrame:
        return pd.DataFrame(self.store.provenance(sorted(self.used)))

    @cached_property
    def lad2011_to_2021(self) -> pd.DataFrame:
        """LAD 2011 -> 2021 codes (merged authorities map many-to-one)."""
        return census.read_lad2011_lad2021_lookup(self._path("lad2011_lad2021_lookup"))

    def _to_2021_codes(self, frame: pd.DataFrame, values: list[str], by: list[str]
                       ) -> pd.DataFrame:
        mapped = frame.merge(self.lad2011_to_2021, left_on="area_code", right_on="lad2011_code",
                             how="left", validate="many_to_one")
        if mapped["lad2021_code"].isna().any():
            code = mapped.loc[mapped["lad2021_code"].isna(), "area_code"].iloc[0]
            raise DataError(frame.attrs.get("source", "2011 table"),
                                   f"2011 area code {code} is not in the 2011->2021 lookup")
        mapped = mapped.drop(columns=["area_code", "area_name", "lad2011_code"]).rename(
            columns={"lad2021_code": "area_code"})
        out = mapped.groupby(["area_code", *by], as_index=False)[values].sum()
        out.attrs = dict(frame.attrs)
        return out

    @cached_property
    def care_2011(self) -> pd.DataFrame:
        """QS301EW mapped to 2021 codes and aggregated to every area."""
        frame = census.read_qs301(self._path("qs301_lad2011"))
        return self._aggregate(self._to_2021_codes(frame, ["count"], ["year", "category"]),
                               ["count"], ["year", "category"])

    @cached_property
    def ages_2011(self) -> pd.DataFrame:
        frame = census.read_qs103(self._path("qs103_lad2011"))
        return self._aggregate(self._to_2021_codes(frame, ["population"], ["year", "age"]),
                               ["population"], ["year", "age"])

    def _aggregate_complete(self, frame: pd.DataFrame, values: list[str], by: list[str]
                            ) -> pd.DataFrame:
        """Aggregate, keeping only areas whose every member LTLA is in `frame`.

        A projection file that covers only some districts must not yield a partial region.
        """
        present = set(frame["area_code"])
        pairs = self.members.drop_duplicates(["member", "area_code"])
        complete = pairs.assign(ok=pairs["member"].isin(present)).groupby("area_code")["ok"].all()
        members = self.members[self.members["area_code"].isin(complete[complete].index)]
        out = areas.aggregate(frame, members, values, by)
        out.attrs = dict(frame.attrs)
        return out

    @cached_property
    def care_rates(self) -> pd.DataFrame:
        return projections.read_national_care_rates(self._path("care_rates_by_age_sex"))

    @cached_property
    def projection_2022(self) -> pd.DataFrame:
        frame = projections.read_snpp2022(self._path("snpp2022"))
        return self._aggregate_complete(frame, ["population"], ["year", "age"])

    @cached_property
    def projection_2016(self) -> pd.DataFrame:
        frame = projections.read_snpp2016(self._path("snpp2016"))
        return self._aggregate_complete(frame, ["population"], ["year", "age"])

    def has_2011(self) -> bool:
        """Census 2011 care and ages, and the lookup that maps them to 2021 areas."""
        return self.has("qs301_lad2011", "qs103_lad2011", "lad2011_lad2021_lookup")

    def census_ages(self) -> dict[str, pd.DataFrame]:
        """Population by single year of age from each census available, by label."""
        out = {}
        if self.has("qs103_lad2011", "lad2011_lad2021_lookup"):
            out["Census 2011"] = self.ages_2011
        if self.has("ts007_ltla"):
            out["Census 2021"] = self.ages_2021
        return out

    def projections(self) -> dict[str, pd.DataFrame]:
        """Available projection vintages, by label."""
        out = {}
        if self.has("snpp2022"):
            out["2022-based"] = self.projection_2022
        if self.has("snpp2016"):
            out["2016-based"] = self.projection_2016
        return out

    @cached_property
    def ascof(self) -> pd.DataFrame:
        return ascof.read_ascof_outcomes(self._path("ascof"))


parsed.store_properties(OfficialData)  # national frames parsed once per data version
