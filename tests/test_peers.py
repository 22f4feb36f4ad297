"""Ranks and percentiles among peer authorities, hand-checked and against the raw TS039 file."""

from __future__ import annotations

import pandas as pd
import pytest

from carerlib.measures import needs, peers

SOUTHEND, ESSEX, BRAINTREE, MID_ESSEX = "E06000033", "E10000012", "E07000067", "X00000001"


def _toy() -> pd.DataFrame:
    return pd.DataFrame({"area_code": ["A", "B", "C", "D", "E"],
                         "area_name": list("abcde"),
                         "value": [0.3, 0.5, 0.5, 0.1, None]})


def test_hand_checked_ranks_ties_and_percentiles():
    ranked = peers.rank_among_peers(_toy(), "value", {"four": {"A", "B", "C", "D", "E"}})
    got = ranked.set_index("area_code")
    # Highest first, ties share the best rank: B, C = 1; A = 3; D = 4; E (missing) unranked.
    assert got.loc[["B", "C", "A", "D"], "rank"].tolist() == [1, 1, 3, 4]
    assert pd.isna(got.loc["E", "rank"])
    assert (got["n_peers"] == 4).all()  # the missing value does not count as a peer
    # Percentile = share of the 3 other peers at or below: B, C -> 3/3; A -> 1/3; D -> 0.
    assert got.loc[["B", "C", "A", "D"], "percentile"].tolist() == pytest.approx(
        [100, 100, 100 / 3, 0])
    assert ranked["area_code"].tolist()[:4] == ["B", "C", "A", "D"]


def test_lowest_first_keeps_percentile_direction():
    ranked = peers.rank_among_peers(_toy(), "value", {"g": {"A", "B", "C", "D"}},
                                    higher_is_first=False).set_index("area_code")
    assert ranked.loc[["D", "A", "B", "C"], "rank"].tolist() == [1, 2, 3, 3]
    assert ranked.loc["D", "percentile"] == 0  # still the lowest value
    assert ranked.loc["B", "percentile"] == 100


def test_single_peer_and_area_outside_every_group():
    ranked = peers.rank_among_peers(_toy(), "value", {"alone": {"A"}})
    assert ranked[["area_code", "rank", "n_peers", "percentile"]].values.tolist() == [
        ["A", 1, 1, 100.0]]


def test_duplicate_area_rows_need_by():
    frame = pd.concat([_toy().assign(year=2011), _toy().assign(year=2021)])
    with pytest.raises(ValueError, match="more than once"):
        peers.rank_among_peers(frame, "value", {"g": {"A", "B"}})
    ranked = peers.rank_among_peers(frame, "value", {"g": {"A", "B"}}, by=["year"])
    assert len(ranked) == 4
    assert ranked.groupby("year")["rank"].apply(list).tolist() == [[1, 2], [1, 2]]


def test_standard_peer_groups(official):
    sets = peers.peer_sets(official.members)
    assert len(sets[peers.LTLA_PEERS]) == 331
    assert len(sets[peers.UTLA_PEERS]) == 174
    assert SOUTHEND in sets[peers.LTLA_PEERS] & sets[peers.UTLA_PEERS]  # a unitary is both
    assert ESSEX in sets[peers.UTLA_PEERS] and ESSEX not in sets[peers.LTLA_PEERS]
    assert BRAINTREE in sets[peers.LTLA_PEERS] and BRAINTREE not in sets[peers.UTLA_PEERS]


def _raw_ltla_prevalence(mirror) -> pd.Series:
    """2021 carer prevalence per LTLA straight from the TS039 file, without carerlib."""
    raw = pd.read_csv(mirror / "census2021" / "census2021-ts039-ltla.csv")
    pick = {key: next(c for c in raw.columns if c.endswith(text)) for key, text in {
        "total": "All usual residents aged 5 and over",
        "light": "Provides 19 hours or less unpaid care a week",
        "mid": "Provides 20 to 49 hours unpaid care a week",
        "heavy": "Provides 50 or more hours unpaid care a week"}.items()}
    carers = raw[pick["light"]] + raw[pick["mid"]] + raw[pick["heavy"]]
    return pd.Series((carers / raw[pick["total"]]).to_numpy(), index=raw["geography code"])


def test_prevalence_ranks_against_raw_file(official, mirror):
    totals = needs.carers_total(official.care_2021)
    ranked = peers.rank_among_peers(totals, "prevalence", official.members)
    assert ranked.groupby("peer_group").size().to_dict() == {"all LTLAs": 331, "all UTLAs": 174}
    assert not ranked["area_code"].isin([MID_ESSEX, "E12000006", "K04000001"]).any()

    raw = _raw_ltla_prevalence(mirror)
    ltla = ranked[ranked["peer_group"] == peers.LTLA_PEERS].set_index("area_code")
    # Top and bottom: Neath Port Talbot 16,556 / 135,244 = 12.2%; Wandsworth 17,705 / 308,802.
    assert raw.idxmax() == "W06000012" == ltla["rank"].idxmin()
    assert raw.idxmin() == "E09000032" == ltla["rank"].idxmax()
    # Southend 15,019 / 170,444 = 8.81%: 186 LTLAs have a higher share.
    assert (raw > raw[SOUTHEND]).sum() == 186
    assert ltla.loc[SOUTHEND, ["rank", "n_peers"]].tolist() == [187, 331]
    assert ltla.loc[SOUTHEND, "percentile"] == pytest.approx(100 * 144 / 330)

    utla = ranked[ranked["peer_group"] == peers.UTLA_PEERS].set_index("area_code")
    assert utla.loc[SOUTHEND, ["rank", "n_peers"]].tolist() == [94, 174]
    # Essex 124,443 / 1,420,382 = 8.76%, just below Southend among the 174 UTLAs.
    assert utla.loc[ESSEX, "rank"] == 96
    assert utla.loc["W06000012", "rank"] == 1
    assert peers.describe_position(187, 331, peers.LTLA_PEERS) == "187th highest of 331 (all LTLAs)"


def test_ranks_within_each_band(official):
    by_band = needs.carers_by_band(official.care_2021, "broad")
    ranked = peers.rank_among_peers(by_band, "prevalence", official.members, by=["band"])
    assert len(ranked) == 3 * (331 + 174)
    firsts = ranked[ranked["rank"] == 1].groupby(["peer_group", "band"]).size()
    assert (firsts == 1).all() and len(firsts) == 6


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"),
                                         (12, "12th"), (13, "13th"), (21, "21st"),
                                         (112, "112th"), (123, "123rd")])
def test_ordinals(n, text):
    assert peers.describe_position(n, 200, "g").startswith(f"{text} highest")
