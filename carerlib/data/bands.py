"""Hours-of-care bands as an explicit hierarchy, so nothing is ever summed twice.

Census 2021 (TS039) publishes five fine bands plus two subtotals; Census 2011 (QS301EW) publishes
the three broad bands. Every band has a stable key; the *broad* keys are shared by both censuses
so that 2021 can be compared with 2011 on the 2011 bands.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    parent: str | None  # the broad band this fine band sits in; None for broad bands
    min_hours: int
    max_hours: int | None  # None = open-ended


#: Broad bands (2001/2011 census bands; 2021 subtotals).
BROAD = (
    Band("up_to_19", "19 hours or less a week", None, 1, 19),
    Band("20_to_49", "20 to 49 hours a week", None, 20, 49),
    Band("50_plus", "50 or more hours a week", None, 50, None),
)
#: Fine bands (Census 2021 only).
FINE = (
    Band("up_to_9", "9 hours or less a week", "up_to_19", 1, 9),
    Band("10_to_19", "10 to 19 hours a week", "up_to_19", 10, 19),
    Band("20_to_34", "20 to 34 hours a week", "20_to_49", 20, 34),
    Band("35_to_49", "35 to 49 hours a week", "20_to_49", 35, 49),
    Band("50_plus", "50 or more hours a week", None, 50, None),
)
BROAD_KEYS = tuple(b.key for b in BROAD)
FINE_KEYS = tuple(b.key for b in FINE)
#: Non-band categories carried in tidy census frames.
TOTAL = "all_residents"  # the denominator (aged 5+ in 2021, all ages in 2011)
NO_CARE = "no_care"
LABELS = {b.key: b.label for b in BROAD + FINE} | {
    TOTAL: "All usual residents (denominator)",
    NO_CARE: "Provides no unpaid care",
}
#: Subtotals and the fine bands that make them up (the identity every reader checks).
SUBTOTALS = {
    "up_to_19": ("up_to_9", "10_to_19"),
    "20_to_49": ("20_to_34", "35_to_49"),
}
SCHEMES = {"broad": BROAD_KEYS, "fine": FINE_KEYS}


def band_keys(scheme: str) -> tuple[str, ...]:
    """Keys of one non-overlapping set of bands: 'broad' (2011-comparable) or 'fine' (2021)."""
    try:
        return SCHEMES[scheme]
    except KeyError:
        raise ValueError(f"unknown band scheme '{scheme}' (use one of {sorted(SCHEMES)})") from None


def band_label(key: str) -> str:
    """Plain-English label for a band key."""
    return LABELS.get(key, key)


def band_frame() -> pd.DataFrame:
    """All bands with their parent and hour limits, for documentation tables."""
    rows = [
        {"band": b.key, "label": b.label, "scheme": scheme, "parent": b.parent,
         "min_hours": b.min_hours, "max_hours": b.max_hours}
        for scheme, bands in (("broad", BROAD), ("fine", FINE))
        for b in bands
    ]
    return pd.DataFrame(rows)
