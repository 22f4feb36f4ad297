"""Official data for packs, read once per process from a DataStore and shaped for every area.

Holds the tidy frames (Census 2021/2011 unpaid care and ages, area hierarchy) aggregated to every
LTLA, UTLA, region, country and England and Wales, so a batch reads each file once.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from carerlib.data import areas, ascof, census, coverage, parsed, projections
from carerlib.data.datastore import DataStore
from carerlib.errors import DataError

#: What a secondary dataset's gap costs a pack, for the sentence naming it.
GAP_FIGURES = {
    "qs301_lad2011": "Change since 2011",
    "qs103_lad2011": "Change since 2011",
    "snpp2022": "The 2022-based population projection",
    "snpp2016": "The 2016-based population projection",
    "ascof": "Carer outcomes (ASCOF) for the latest survey year",
}


class OfficialData:
    def __init__(self, store: DataStore, groups: dict | None = None) -> None:
        self.store = store
        self.groups = groups or {}
        self.used: set[str] = set()
        self.gaps: list[coverage.Gap] = []  # secondary datasets' missing areas

    def _path(self, key: str):
        self.used.add(key)
        return self.store.path(key)

    def has(self, *keys: str) -> bool:
        return all(self.store.has(k) for k in keys)

    @cached_property
    def ltla_utla(self) -> pd.DataFrame:
        """The LTLA -> UTLA lookup: the list of areas every other file is checked against."""
        return census.read_ltla_utla_lookup(self._path("ltla_utla_lookup"))

    @cached_property
    def tree(self) -> pd.DataFrame:
        ltlas = self.care_2021_ltla["area_code"].unique()
        lookup = self.ltla_utla.copy()
        lookup.attrs["census_source"] = self.store.path("ts039_ltla")
        return areas.hierarchy(lookup, areas.read_la_codes(self._path("la_codes")), ltlas)

    def _expected(self, cov: coverage.Coverage) -> set[str]:
        """The codes a dataset's declared coverage names (params/data_sources.yaml)."""
        if isinstance(cov.areas, tuple):
            return set(cov.areas)
        if cov.areas == "lookup_ltla":
            return set(self.ltla_utla["ltla_code"])
        if cov.areas == "lookup_utla_england":
            return {c for c in self.ltla_utla["utla_code"] if c.startswith("E")}
        codes = set(self.lad2011_to_2021.attrs["lad2011_codes"])
        if cov.areas == "lookup_lad2011_england":
            return {c for c in codes if c.startswith("E")}
        return codes if cov.areas == "lookup_lad2011" else set()

    def _covered(self, key: str, frame: pd.DataFrame) -> pd.DataFrame:
        """`frame` after checking its areas against the dataset's declared coverage: a headline
        gap raises DataError; a secondary gap is recorded (and its areas' figures withheld)."""
        cov = self.store.dataset(key).coverage
        if cov is None or cov.areas in ("own", "national"):
            return frame
        rows = frame if cov.year is None else frame[frame["financial_year"] == cov.year]
        lookup = self.ltla_utla
        names = dict(zip(lookup["ltla_code"], lookup["ltla_name"], strict=True))
        names |= dict(zip(lookup["utla_code"], lookup["utla_name"], strict=True))
        affects = None
        if cov.areas in ("lookup_lad2011", "lookup_lad2011_england"):
            lad2011 = self.lad2011_to_2021
            names |= lad2011.attrs.get("lad2011_names", {})
            affects = lad2011.groupby("lad2011_code")["lad2021_code"].apply(tuple).to_dict()
        gaps = coverage.check(cov, self.store.path(key), rows["area_code"].unique(),
                              self._expected(cov), names, affects)
        self.gaps.extend(g for g in gaps if g not in self.gaps)
        return frame

    def check_file(self, key: str, reader) -> list[coverage.Gap]:  # noqa: ANN001 (a reader)
        """Read dataset `key` with `reader` and check its coverage; its secondary gaps."""
        self._covered(key, reader(self._path(key)))
        return [g for g in self.gaps if g.dataset == key]

    def gap_sentences(self, area_code: str) -> list[str]:
        """One sentence per secondary dataset that lacks an area this pack's figures need."""
        rows = self.members[self.members["area_code"] == area_code]
        mine = set(rows["member"]) | set(rows["area_code"])
        parents = set(self.members.loc[self.members["member"].isin(mine), "area_code"])
        out = []
        for gap in self.gaps:
            hit = mine & set(gap.affects) or (gap.dataset == "ascof" and gap.code in parents)
            sentence = gap.sentence(GAP_FIGURES.get(gap.dataset, gap.dataset))
            if hit and sentence not in out:
                out.append(sentence)
        return out

    def read_secondary(self) -> None:
        """Read every secondary dataset present, so its coverage gaps are known. A frame the
        parsed store holds is known to have none (a build that notes a gap is never stored),
        so it is not loaded: its datasets are noted as used, as loading it would."""
        for name in self.secondary_frames():
            if not parsed.stored_without_gaps(self, name):
                getattr(self, name)

    def secondary_frames(self) -> list[str]:
        """The secondary datasets' frames present, in the order `read_secondary` reads them."""
        names = ["care_2011", "ages_2011"] if self.has_2011() else []
        names += [name for _, key, name in self.PROJECTIONS if self.has(key)]
        return names + (["ascof"] if self.has("ascof") else [])

    def withheld(self, *keys: str) -> set[str]:
        """2021 LTLAs whose figures from these datasets are missing (secondary gaps)."""
        return {code for g in self.gaps if g.dataset in keys for code in g.affects}

    @cached_property
    def members(self) -> pd.DataFrame:
        return areas.membership(self.tree, self.groups)

    @cached_property
    def care_2021_ltla(self) -> pd.DataFrame:
        frame = census.read_ts039(self._path("ts039_ltla"), set(self.ltla_utla["ltla_code"]))
        return self._covered("ts039_ltla", frame)

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
        frame = census.read_ts007(self._path("ts007_ltla"), set(self.ltla_utla["ltla_code"]))
        return self._aggregate(self._covered("ts007_ltla", frame), ["population"], ["year", "age"])

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

    def _census_2011(self, key: str, frame: pd.DataFrame, value: str, by: list[str]
                     ) -> pd.DataFrame:
        """A 2011 table on 2021 areas; areas with a 2011 district missing are withheld."""
        frame = self._covered(key, frame)
        mapped = self._to_2021_codes(frame, [value], by)
        withheld = self.withheld(key)
        if not withheld:
            return self._aggregate(mapped, [value], by)
        return self._aggregate_complete(mapped[~mapped["area_code"].isin(withheld)], [value], by)

    @cached_property
    def care_2011(self) -> pd.DataFrame:
        """QS301EW mapped to 2021 codes and aggregated to every area."""
        frame = census.read_qs301(self._path("qs301_lad2011"))
        return self._census_2011("qs301_lad2011", frame, "count", ["year", "category"])

    @cached_property
    def ages_2011(self) -> pd.DataFrame:
        frame = census.read_qs103(self._path("qs103_lad2011"))
        return self._census_2011("qs103_lad2011", frame, "population", ["year", "age"])

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
        frame = self._covered("snpp2022", projections.read_snpp2022(self._path("snpp2022")))
        return self._aggregate_complete(frame, ["population"], ["year", "age"])

    @cached_property
    def projection_2016(self) -> pd.DataFrame:
        """2016-based (ages 60+) for every area whose districts it covers, on 2021 boundaries."""
        frame = self._covered("snpp2016", projections.read_snpp2016(self._path("snpp2016")))
        frame = self._to_2021_codes(frame, ["population"], ["year", "age"])
        return self._aggregate_complete(frame, ["population"], ["year", "age"])

    @cached_property
    def projection_2018(self) -> pd.DataFrame:
        """2018-based (all ages, 5-year bands) for every English district, county, region,
        England and group, on 2021 boundaries.

        Only district rows are read; authorities created since 2018 (BCP, Dorset, East and West
        Suffolk, Somerset West and Taunton, Buckinghamshire, North and West Northamptonshire)
        are the sums of their predecessor districts through the 2011->2021 lookup, and counties,
        regions and England are sums of districts, like every other table here.
        """
        districts = self._covered(
            "snpp2018", projections.read_snpp2018_districts(self._path("snpp2018")))
        by = ["year", "age", projections.BAND_COLUMN]
        districts = districts.assign(**{projections.BAND_COLUMN: districts[
            projections.BAND_COLUMN].fillna(-1)})  # groupby keeps the open band with a marker
        mapped = self._to_2021_codes(districts, ["population"], by)
        out = self._aggregate_complete(mapped, ["population"], by)
        band = out[projections.BAND_COLUMN]
        out[projections.BAND_COLUMN] = band.astype("Int64").mask(band < 0)
        out = out.sort_values(["area_code", "year", "age"], ignore_index=True)
        out.attrs = dict(districts.attrs)
        return out[projections.BANDED_POPULATION_COLUMNS]

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

    #: Projection vintages, newest first: (label, dataset key, frame property).
    PROJECTIONS = (("2022-based", "snpp2022", "projection_2022"),
                   ("2018-based", "snpp2018", "projection_2018"),
                   ("2016-based", "snpp2016", "projection_2016"))

    def projection_vintages(self) -> list[str]:
        """Labels of the projection vintages available, newest first, without loading them."""
        return [label for label, key, _ in self.PROJECTIONS if self.has(key)]

    def projections(self) -> dict[str, pd.DataFrame]:
        """Available projection vintages, by label, newest first."""
        return {label: getattr(self, name) for label, key, name in self.PROJECTIONS
                if self.has(key)}

    @cached_property
    def ascof(self) -> pd.DataFrame:
        return self._covered("ascof", ascof.read_ascof_outcomes(self._path("ascof")))


parsed.store_properties(OfficialData)  # national frames parsed once per data version
