"""The pack and the explorer share one implementation of an area's projection, the horizon year
and the older-population series (carerlib.measures.outlook): their headline figures agree."""

from __future__ import annotations

import pytest

from carerlib.measures.outlook import horizon_year
from carerlib.params import load_params

SOUTHEND = "E06000033"


def test_horizon_is_the_latest_horizon_year_the_series_reaches():
    assert horizon_year([2022, 2031, 2035], [2031, 2041]) == 2031
    assert horizon_year([2022, 2031, 2041, 2047], [2031, 2041]) == 2041
    assert horizon_year([2022, 2030], [2031, 2041]) == 2030  # none reached: the last year


def test_explorer_headlines_equal_the_packs(official):
    from carerlib.explorer.widgets import Explorer
    from carerlib.pack.evidence import build_evidence

    ev = build_evidence(SOUTHEND, load_params(SOUTHEND), official=official)
    explorer = Explorer(official, SOUTHEND)
    h = explorer.headlines
    # Southend, 2022-based projection: 3.25 people aged 15-64 per person 65+ in 2022, 2.66 in
    # 2041 (also asserted from the built pack's page in test_packs).
    assert ev.figures["potential_support_ratio_years"] == "2022–2041"
    assert (h["support_ratio_start_year"], h["support_ratio_end_year"]) == (2022, 2041)
    assert ev.figures["potential_support_ratio_start"] == pytest.approx(3.25, abs=0.005)
    assert ev.figures["potential_support_ratio_end"] == pytest.approx(2.66, abs=0.005)
    # The pack reads its area's rows from tables computed for every area at once; the explorer
    # computes one area. The same figures, to the last digits a sum's order can change.
    same = {"rel": 1e-12, "abs": 0}
    assert h["support_ratio_start"] == pytest.approx(ev.figures["potential_support_ratio_start"],
                                                     **same)
    assert h["support_ratio_end"] == pytest.approx(ev.figures["potential_support_ratio_end"],
                                                   **same)
    older = next(c for c in ev.section("future").charts() if c.name == "older_population")
    older = older.data.set_index(["vintage", "group", "year"])
    assert older.loc[("2022-based", "65+", 2041), "population"] == pytest.approx(
        h["older_people_end"], **same)
    assert h["older_people_end"] == pytest.approx(44_260, abs=1)  # as in test_explorer
    assert ev.figures["carers_2021"] == h["carers_2021"] == 15_019
