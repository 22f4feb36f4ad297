"""Carers' health and reach: how many local carers are likely to be in poor health, and what share
of the carers the census counts are known to services.

Expected numbers in poor health are band counts × a rate per hours band. Rates are parameters
with a source and a definition, because published rates use different health questions ("not in
good health" on the 2001 three-point scale; "bad or very bad" on the 2011 five-point scale) that
must not be mixed. A band with no sourced rate gets no expected figure rather than a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from pydantic import Field, field_validator, model_validator

from carerlib.data import bands
from carerlib.errors import StrictModel
from carerlib.measures.ascof import SimilarWithin

ID = ["area_code", "area_name", "year"]
NO_RATE = "no sourced rate for this band"
HEALTH_COLUMNS = [*ID, "band", "band_label", "carers", "rate", "expected_poor_health",
                  "definition", "source", "note"]
REACH_COLUMNS = ["measure", "count", "period", "source", "census_carers", "share"]


class HealthRates(StrictModel):
    """Proportion of carers in poor health per hours band, with what "poor health" means.

    `rates` maps band keys (carerlib.bands, e.g. "50_plus") to proportions 0-1; bands left out
    have no sourced rate. `non_carers` is the same measure for people who do not care, when the
    source gives it, so a pack can say "about twice as likely".
    """

    rates: dict[str, float] = Field(min_length=1)
    definition: str = Field(min_length=1)
    source: str = Field(min_length=1)
    non_carers: float | None = Field(None, ge=0, le=1)
    note: str = ""

    @field_validator("rates")
    @classmethod
    def _known_bands_and_proportions(cls, value: dict[str, float]) -> dict[str, float]:
        known = set(bands.BROAD_KEYS) | set(bands.FINE_KEYS)
        for band, rate in value.items():
            if band not in known:
                raise ValueError(f"unknown hours band '{band}' (use one of {sorted(known)})")
            if not 0 <= rate <= 1:
                raise ValueError(f"rate for {band} must be a proportion 0-1, got {rate}")
        return value

    def relative_to_non_carers(self, band: str) -> float | None:
        """How many times as likely carers in `band` are to be in poor health as non-carers."""
        if self.non_carers in (None, 0) or band not in self.rates:
            return None
        return self.rates[band] / self.non_carers


class HealthParams(StrictModel):
    """The `health:` params block: named rate sets and the one a pack uses by default."""

    default: str
    rates: dict[str, HealthRates] = Field(min_length=1)
    ascof_similar: SimilarWithin = Field(default_factory=SimilarWithin)

    @model_validator(mode="after")
    def _default_is_a_rate_set(self) -> HealthParams:
        if self.default not in self.rates:
            raise ValueError(f"default '{self.default}': no rate set of that name "
                             f"(have {sorted(self.rates)})")
        return self

    def chosen(self) -> HealthRates:
        """The default rate set."""
        return self.rates[self.default]


def expected_poor_health(carers_by_band: pd.DataFrame, rates: HealthRates) -> pd.DataFrame:
    """Expected carers in poor health per area and band: carers × the band's rate.

    `carers_by_band` is a frame from `needs.carers_by_band` (any scheme). Columns: area_code,
    area_name, year, band, band_label, carers, rate, expected_poor_health, definition, source,
    note. Bands without a rate keep their row with rate and expected figure empty and a note.
    """
    out = carers_by_band[[*ID, "band", "band_label", "carers"]].copy()
    out["rate"] = out["band"].map(rates.rates).astype(float)
    out["expected_poor_health"] = out["carers"] * out["rate"]
    out["definition"] = rates.definition
    out["source"] = rates.source
    out["note"] = out["rate"].isna().map({True: NO_RATE, False: rates.note})
    out.attrs.update(definition=rates.definition, source=rates.source)
    return out[HEALTH_COLUMNS].reset_index(drop=True)


def _known_row(item: Any) -> dict[str, Any]:
    """One known-carers figure as a dict, from a tuple, a mapping or an object with attributes."""
    if isinstance(item, Mapping):
        return {key: item[key] for key in REACH_COLUMNS[:4]}
    if isinstance(item, tuple | list):
        if len(item) != 4:
            raise ValueError(f"known carers need (measure, count, period, source), got {item}")
        return dict(zip(REACH_COLUMNS[:4], item, strict=True))
    return {key: getattr(item, key) for key in REACH_COLUMNS[:4]}


def reach(known: Iterable[Any], census_carers: int) -> pd.DataFrame:
    """Share of census carers that services know: each known count ÷ census carers.

    `known` holds (measure, count, period, source) tuples, mappings with those keys, or
    `params.KnownCarers` objects. Columns: measure, count, period, source, census_carers, share
    (a proportion; e.g. 1,009 assessed ÷ 17,682 carers = 0.057).
    """
    if census_carers <= 0:
        raise ValueError(f"census carers must be positive, got {census_carers}")
    out = pd.DataFrame([_known_row(item) for item in known], columns=REACH_COLUMNS[:4])
    if (pd.to_numeric(out["count"]) < 0).any():
        raise ValueError("known carer counts must not be negative")
    out["count"] = out["count"].astype("int64")
    out["census_carers"] = int(census_carers)
    out["share"] = out["count"] / out["census_carers"]
    return out[REACH_COLUMNS]
