"""Like-for-like change in carers from Census 2011 to Census 2021, for every area.

The two censuses differ in three ways that a naive comparison gets wrong:

- bands: 2021 has five hours bands, 2011 three. We compare on the 2011 (broad) bands, which are
  2021 subtotals;
- denominators: 2021 prevalence is over residents aged 5 and over, the 2011 table over all ages.
  We rebuild a 2011 denominator aged 5+ from single-year ages (QS103EW);
- geography: 2011 districts are mapped to 2021 codes before aggregating (`OfficialData`).

The question wording also changed in 2021, and ONS advises that part of the fall in carers
reflects that change: every output carries `CAVEAT`.
"""

from __future__ import annotations

import pandas as pd

from carerlib.data import bands

AREA = ["area_code", "area_name"]
ALL_CARERS = "all_carers"
MIN_AGE = 5
CAVEAT = (
    "The Census 2021 question on unpaid care was worded differently from 2011, and ONS advises "
    "that part of the fall in the number of carers reflects the new wording rather than less "
    "caring: treat the change as indicative. Both years are compared on the 2011 hours bands and "
    "over residents aged 5 and over; the 2011 denominator is rebuilt from single years of age "
    "(QS103EW), and all 2011 carers are assumed to be aged 5 or over (QS301EW counts carers of "
    "any age, but carers under 5 are negligible). 2011 areas are mapped to 2021 boundaries."
)
COLUMNS = [
    "area_code", "area_name", "band", "band_label",
    "carers_2011", "carers_2021", "population_5plus_2011", "population_5plus_2021",
    "prevalence_2011", "prevalence_2021", "change", "percent_change",
    "prevalence_change_pp", "caveat",
]


def population_aged(ages: pd.DataFrame, min_age: int = MIN_AGE) -> pd.DataFrame:
    """Residents aged `min_age` and over per area, from a single-year age frame.

    Columns area_code, area_name, population.
    """
    older = ages[ages["age"] >= min_age]
    return older.groupby(AREA, as_index=False, sort=False)["population"].sum()


def _broad_carers(care: pd.DataFrame) -> pd.DataFrame:
    """Carers per broad band plus an all-carers row, per area (columns area, band, carers)."""
    by_band = care.loc[care["category"].isin(bands.BROAD_KEYS), AREA + ["category", "count"]]
    by_band = by_band.rename(columns={"category": "band", "count": "carers"})
    total = by_band.groupby(AREA, as_index=False, sort=False)["carers"].sum()
    return pd.concat([by_band, total.assign(band=ALL_CARERS)], ignore_index=True)


def like_for_like_change(
    care_2011: pd.DataFrame,
    care_2021: pd.DataFrame,
    ages_2011: pd.DataFrame,
) -> pd.DataFrame:
    """Carers and prevalence in 2011 and 2021 on the same bands, ages and boundaries.

    `care_2011` is QS301EW on 2021 codes (`OfficialData.care_2011`), `care_2021` is TS039
    (`OfficialData.care_2021`, whose published denominator is already aged 5+) and `ages_2011`
    is QS103EW single years on 2021 codes (`OfficialData.ages_2011`). One row per area and band
    (the three broad bands and "all_carers"), areas present in both years only.

    Columns: area_code, area_name, band, band_label, carers_2011, carers_2021,
    population_5plus_2011, population_5plus_2021, prevalence_2011, prevalence_2021 (proportions),
    change (carers), percent_change (% of 2011), prevalence_change_pp (percentage points), caveat.
    The caveat is also in `attrs["caveat"]`.
    """
    carers = _broad_carers(care_2011).merge(
        _broad_carers(care_2021).drop(columns="area_name"), on=["area_code", "band"],
        suffixes=("_2011", "_2021"), validate="one_to_one")
    base = population_aged(ages_2011, MIN_AGE).rename(
        columns={"population": "population_5plus_2011"})
    now = care_2021.loc[care_2021["category"] == bands.TOTAL, ["area_code", "count"]].rename(
        columns={"count": "population_5plus_2021"})
    out = carers.merge(base.drop(columns="area_name"), on="area_code", validate="many_to_one")
    out = out.merge(now, on="area_code", validate="many_to_one")
    out["prevalence_2011"] = out["carers_2011"] / out["population_5plus_2011"]
    out["prevalence_2021"] = out["carers_2021"] / out["population_5plus_2021"]
    out["change"] = out["carers_2021"] - out["carers_2011"]
    out["percent_change"] = 100.0 * out["change"] / out["carers_2011"].where(out["carers_2011"] > 0)
    out["prevalence_change_pp"] = 100.0 * (out["prevalence_2021"] - out["prevalence_2011"])
    out["band_label"] = out["band"].map({**bands.LABELS, ALL_CARERS: band_label(ALL_CARERS)})
    out["caveat"] = CAVEAT
    order = {key: i for i, key in enumerate((*bands.BROAD_KEYS, ALL_CARERS))}
    out = out.sort_values(["area_code", "band"], key=lambda s: s.map(order) if s.name == "band"
                          else s, kind="stable").reset_index(drop=True)
    out = out[COLUMNS]
    out.attrs.update(caveat=CAVEAT, min_age=MIN_AGE,
                     denominator="usual residents aged 5 and over (both years)",
                     sources=f"{care_2011.attrs.get('source', 'QS301EW')}, "
                             f"{ages_2011.attrs.get('source', 'QS103EW')}, "
                             f"{care_2021.attrs.get('source', 'TS039')}")
    return out


def band_label(key: str) -> str:
    """Plain-English band label, with "All carers" for the total row."""
    return "All carers" if key == ALL_CARERS else bands.band_label(key)
