"""Needs analysis: how many carers there are, how much care they give, and what it is worth.

All functions take the tidy census frames from `carerlib.census` and work on every area at once.
"""

from __future__ import annotations

import pandas as pd

from carerlib.data import bands
from carerlib.measures.stats import wilson_interval

ID = ["area_code", "area_name", "year"]


def carers_by_band(care: pd.DataFrame, scheme: str = "broad", confidence: float = 0.95
                   ) -> pd.DataFrame:
    """Carers per hours band with prevalence over the census denominator, for every area.

    `scheme` picks a non-overlapping set of bands ('broad' = 2011-comparable, 'fine' = 2021), so
    subtotals are never added to their own parts. Columns: area_code, area_name, year, band,
    band_label, carers, share_of_carers, population, prevalence, prevalence_lower,
    prevalence_upper, denominator.
    """
    keys = bands.band_keys(scheme)
    available = set(care["category"])
    missing = [k for k in keys if k not in available]
    if missing:
        raise ValueError(f"{care.attrs.get('source', 'census table')} has no bands {missing} "
                         f"(scheme '{scheme}' needs Census 2021 fine bands)")
    totals = care.loc[care["category"] == bands.TOTAL, ID + ["count"]].rename(
        columns={"count": "population"})
    out = care[care["category"].isin(keys)].rename(columns={"category": "band", "count": "carers"})
    out = out.merge(totals, on=ID, validate="many_to_one")
    out["band"] = pd.Categorical(out["band"], categories=list(keys), ordered=True)
    out = out.sort_values(ID + ["band"]).reset_index(drop=True)
    out["band"] = out["band"].astype(str)
    out["band_label"] = out["band"].map(bands.band_label)
    all_carers = out.groupby(ID)["carers"].transform("sum")
    out["share_of_carers"] = out["carers"] / all_carers
    out["prevalence"] = out["carers"] / out["population"]
    out["prevalence_lower"], out["prevalence_upper"] = wilson_interval(
        out["carers"], out["population"], confidence)
    out["denominator"] = care.attrs.get("denominator", "")
    return out[ID + ["band", "band_label", "carers", "share_of_carers", "population",
                     "prevalence", "prevalence_lower", "prevalence_upper", "denominator"]]


def carers_total(care: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """All carers (sum of the broad bands) and prevalence with a Wilson interval, per area."""
    by_band = carers_by_band(care, "broad", confidence)
    out = by_band.groupby(ID, as_index=False).agg(carers=("carers", "sum"),
                                                   population=("population", "first"))
    out["prevalence"] = out["carers"] / out["population"]
    out["prevalence_lower"], out["prevalence_upper"] = wilson_interval(
        out["carers"], out["population"], confidence)
    out["denominator"] = care.attrs.get("denominator", "")
    return out


def economic_value(
    carers: pd.DataFrame, hours_per_band: dict[str, float], cost_per_hour: float
) -> pd.DataFrame:
    """Replacement value of unpaid care (Valuing Carers method): carers × hours × cost, per area.

    `carers` is a broad-band frame from `carers_by_band`. Returns hours a week, value a week and
    value a year (52 weeks) per area.
    """
    missing = set(carers["band"]) - set(hours_per_band)
    if missing:
        raise ValueError(f"no assumed hours for bands {sorted(missing)}")
    frame = carers.assign(hours_per_week=carers["carers"] * carers["band"].map(hours_per_band))
    out = frame.groupby(ID, as_index=False)["hours_per_week"].sum()
    out["value_per_week"] = out["hours_per_week"] * cost_per_hour
    out["value_per_year"] = out["value_per_week"] * 52
    out["cost_per_hour"] = cost_per_hour
    return out


def restate_value(
    values: pd.DataFrame, from_year: str, to_year: str, factor: float
) -> pd.DataFrame:
    """The value of care from :func:`economic_value` also in ``to_year`` prices.

    Keeps the published-year figures (the Southend strategy compares in 2011 prices) and adds
    ``price_year``, ``restated_price_year``, ``factor`` (index[to] / index[from], e.g. 1.412 from
    2011 to 2024 with the GDP deflator) and the cost an hour, value a week and value a year
    restated. Why: a 2011 hourly cost applied to 2021 counts understates today's cost of
    replacing care.
    """
    if not factor > 0:
        raise ValueError(f"price factor must be above 0, got {factor}")
    out = values.assign(price_year=str(from_year), restated_price_year=str(to_year),
                        factor=factor)
    for column in ("cost_per_hour", "value_per_week", "value_per_year"):
        out[f"{column}_restated"] = out[column] * factor
    return out
