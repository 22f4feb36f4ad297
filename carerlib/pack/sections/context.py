"""Everything the section builders share for one area, loaded once: params, the official data
(or the embedded sample), and the Census 2021 figures several sections use.

`load_context` decides between official data and the sample; `official_context` computes the
shared figures (totals, bands, comparators, the flag against the nation, change since 2011).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from carerlib.data import parsed
from carerlib.data.areas import ENGLAND, ENGLAND_AND_WALES, parents
from carerlib.data.datastore import DataStore, official_store
from carerlib.data.official import OfficialData
from carerlib.data.sample import Sample, load_sample
from carerlib.errors import CarerlibError
from carerlib.measures import change, needs
from carerlib.measures.stats import compare_to
from carerlib.params import Params, load_params

CENSUS_2021 = "ONS Census 2021, TS039 (usual residents aged 5+)"
CENSUS_2011 = "ONS Census 2011, QS301EW (all usual residents)"
REQUIRED = ("ts039_ltla", "ltla_utla_lookup", "la_codes")
NATIONAL_NAMES = {ENGLAND: "England", ENGLAND_AND_WALES: "England and Wales"}


@dataclass(frozen=True)
class CensusFigures:
    """Census figures for one area that several sections share (official data only)."""

    totals_2021: pd.DataFrame   # carers and prevalence of every area, 2021
    fine_2021: pd.DataFrame     # carers by fine hours band, every area
    broad_2021: pd.DataFrame    # carers by broad hours band, every area
    mine: pd.Series             # this area's row of totals_2021
    my_broad: pd.DataFrame      # this area's broad bands
    comparators: pd.DataFrame   # the parent geographies' rows of totals_2021
    national: str | None        # code of the nation the area is compared with
    flag: str                   # "higher" | "lower" | "similar" against the nation; "" if none
    my_change: pd.DataFrame     # like-for-like change since 2011 (empty without 2011 data)

    @property
    def national_name(self) -> str | None:
        return NATIONAL_NAMES.get(self.national)

    @property
    def national_row(self) -> pd.Series | None:
        return self.comparators.loc[self.national] if self.national else None

    @property
    def carers_2011(self) -> int | None:
        """Carers in 2011 on 2021 boundaries, or None without the 2011 tables."""
        if self.my_change.empty:
            return None
        row = self.my_change[self.my_change["band"] == "all_carers"].iloc[0]
        return int(row["carers_2011"])


@dataclass(frozen=True)
class PackContext:
    """One area's inputs to every section builder."""

    code: str
    name: str
    mode: Literal["official", "sample"]
    params: Params
    data: OfficialData | None = None
    sample: Sample | None = None
    census: CensusFigures | None = None

    @property
    def local_area(self):  # noqa: ANN201 (params.Area)
        """The area's own params (params/areas/CODE.yaml), when they are for this area."""
        area = self.params.area
        return area if area is not None and area.code == self.code else None

    @property
    def local_name(self) -> str | None:
        """The name the area's params give it (shown when it differs from the official name)."""
        return self.local_area.name if self.local_area else None

    @property
    def area_notes(self) -> tuple[str, ...]:
        """Local notes from the area's params (e.g. a budget cut), shown in the pack."""
        return tuple(self.local_area.notes) if self.local_area else ()

    def gap_sentences(self) -> list[str]:
        """A sentence per secondary dataset missing an area this pack needs (official only)."""
        if self.data is None:
            return []
        self.data.read_secondary()
        return self.data.gap_sentences(self.code)

    def provenance(self) -> pd.DataFrame:
        """Datasets the pack read, with vintages and hashes (the sample document for samples)."""
        if self.data is not None:
            return self.data.provenance()
        return pd.DataFrame([{"dataset": self.sample.document, "vintage": "January 2013",
                              "file": f"data/sample/{self.code}.yaml", "sha256": ""}])


def _official_data(params: Params, store: DataStore | None | str) -> OfficialData | None:
    # Official data configured but unusable is an error, never a fall back to the sample.
    store = official_store() if store == "default" else store
    if store is None or not store.has("ts039_ltla"):
        return None
    groups = {k: g.model_dump() for k, g in params.groups.items()}
    return OfficialData(store, groups)


def _require(official: OfficialData) -> None:
    if official.has(*REQUIRED):
        return
    missing = [k for k in REQUIRED if not official.store.has(k)]
    files = ", ".join(official.store.dataset(k).path for k in missing)
    raise CarerlibError(
        f"official data incomplete: {files} not found (copy them with 'carerlib data fetch "
        "--mirror DIR' or set CARERLIB_DATA_MIRROR)")


def load_context(area_code: str, params: Params | None = None,
                 store: DataStore | None | str = "default",
                 official: OfficialData | None = None) -> PackContext:
    """One area's context: official data when found (`store="default"` looks in the cache and
    the mirror), else the embedded sample, else a one-line error saying what to do."""
    params = params or load_params(area_code)
    official = official if official is not None else _official_data(params, store)
    if official is not None:
        _require(official)
        return official_context(area_code, params, official)
    sample = load_sample(area_code)
    if sample is None:
        raise CarerlibError(
            f"{area_code}: no official data found and no embedded sample for this area; run "
            "'carerlib data fetch' or set CARERLIB_DATA_MIRROR")
    return PackContext(area_code, sample.area.name, "sample", params, sample=sample)


def shared_table(data: OfficialData, name: str, build, frames: tuple[str, ...],
                 **key: object) -> pd.DataFrame:
    """A table for every area (Census figures, ASCOF comparators), computed once per data
    version, `key` and version of carerlib's measures, and stored beside the parsed frames
    rather than recomputed in every pack."""
    key["code"] = parsed.data_code_digest(data, "carerlib.measures")
    return parsed.national_table(data, name, key, build, frames)


def _like_for_like(data: OfficialData, code: str) -> pd.DataFrame:
    """Change since 2011 for one area on 2021 boundaries (empty without the 2011 tables)."""
    if not data.has_2011():
        return pd.DataFrame()
    changes = shared_table(data, "census_like_for_like", lambda: change.like_for_like_change(
        data.care_2011, data.care_2021, data.ages_2011),
        ("care_2011", "care_2021", "ages_2011"))
    return changes[changes["area_code"] == code]


def official_context(code: str, params: Params, data: OfficialData) -> PackContext:
    """The context of an area in the official data, with its shared Census figures."""
    name = data.area_name(code)
    if name is None:
        raise CarerlibError(f"{code}: unknown area code (not an LTLA, UTLA, region, country or "
                            "group in the Census 2021 data)")
    conf = params.confidence_level
    totals = shared_table(data, "census_totals", lambda: needs.carers_total(
        data.care_2021, conf), ("care_2021",), confidence=conf)
    broad = shared_table(data, "census_broad", lambda: needs.carers_by_band(
        data.care_2021, "broad", conf), ("care_2021",), confidence=conf)
    fine = shared_table(data, "census_fine", lambda: needs.carers_by_band(
        data.care_2021, "fine", conf), ("care_2021",), confidence=conf)
    mine = totals[totals["area_code"] == code].iloc[0]
    comp = totals.set_index("area_code").loc[[c for _, c, _ in parents(data.members, code)]]
    national = next((c for c in (ENGLAND, ENGLAND_AND_WALES) if c in comp.index), None)
    flag = (str(compare_to(mine["prevalence_lower"], mine["prevalence_upper"],
                           comp.loc[national, "prevalence"])) if national else "")
    census = CensusFigures(
        totals_2021=totals, fine_2021=fine,
        broad_2021=broad, mine=mine, my_broad=broad[broad["area_code"] == code],
        comparators=comp, national=national, flag=flag, my_change=_like_for_like(data, code))
    return PackContext(code, name, "official", params, data=data, census=census)
