"""Where an area stands among its peers: rank and percentile for any measure.

Commissioners ask "how do we compare with other districts / other councils?". The usual peer
groups are all lower-tier authorities (the 331 LTLAs: districts, unitaries, boroughs) and all
upper-tier authorities (the 174 UTLAs: counties and unitaries). A unitary authority is both, so it
is ranked in both groups. Other peer groups (e.g. a CIPFA nearest-neighbour list) can be passed
as plain sets of area codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

LTLA_PEERS = "all LTLAs"
UTLA_PEERS = "all UTLAs"
#: Membership level (carerlib.data.areas) that defines each standard peer group.
PEER_LEVELS = {LTLA_PEERS: "ltla", UTLA_PEERS: "utla"}
RANK_COLUMNS = ["peer_group", "rank", "n_peers", "percentile"]

PeerSets = Mapping[str, Iterable[str]]


def peer_sets(members: pd.DataFrame) -> dict[str, set[str]]:
    """The standard peer groups from an area membership table (`carerlib.data.areas.membership`).

    Returns {"all LTLAs": {...}, "all UTLAs": {...}}: the codes that play each level.
    """
    return {
        name: set(members.loc[members["level"] == level, "area_code"].unique())
        for name, level in PEER_LEVELS.items()
    }


def _peer_frame(peers: PeerSets | pd.DataFrame) -> pd.DataFrame:
    """(peer_group, area_code) pairs from a peer-set mapping or a membership table."""
    sets = peer_sets(peers) if isinstance(peers, pd.DataFrame) else peers
    parts = [pd.DataFrame({"peer_group": name, "area_code": sorted(set(codes))})
             for name, codes in sets.items()]
    if not parts:
        raise ValueError("no peer groups given")
    return pd.concat(parts, ignore_index=True)


def rank_among_peers(
    frame: pd.DataFrame,
    value_col: str,
    peers: PeerSets | pd.DataFrame,
    higher_is_first: bool = True,
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Rank every area within each peer group on `value_col`.

    `peers` is either a mapping peer-group name -> area codes, or a membership table (then the
    standard groups "all LTLAs" and "all UTLAs" are used). `by` lists columns that split the
    ranking, e.g. ["year"] or ["band"]; each area must appear once per `by` combination.

    Returns the rows of `frame` whose area is in a peer group (an area in two groups appears
    twice) with the columns of `frame` plus:

    - peer_group: the name of the group;
    - rank: 1 = first (highest value when `higher_is_first`, else lowest); ties share the best
      rank ("1, 2, 2, 4");
    - n_peers: areas in the group with a value (missing values get no rank);
    - percentile: share of the other peers whose value is at or below this one, 0-100
      (100 = highest value, 0 = lowest), whatever the rank direction.
    """
    by = list(by)
    if value_col not in frame.columns:
        raise ValueError(f"no column '{value_col}' to rank on")
    repeated = frame.duplicated(["area_code", *by])
    if repeated.any():
        code = frame.loc[repeated, "area_code"].iloc[0]
        raise ValueError(f"area {code} appears more than once per {by or 'frame'}: "
                         f"pass the columns that split it as `by`")
    out = frame.merge(_peer_frame(peers), on="area_code", how="inner", validate="many_to_many")
    groups = out.groupby(["peer_group", *by], sort=False)[value_col]
    at_or_below = groups.rank(method="max", ascending=True)  # peers with a value <= this one
    out["rank"] = groups.rank(method="min", ascending=not higher_is_first).astype("Int64")
    out["n_peers"] = groups.transform("count").astype("int64")
    others = (out["n_peers"] - 1).where(out["n_peers"] > 1)
    out["percentile"] = (100.0 * (at_or_below - 1) / others).where(out["n_peers"] > 1, 100.0)
    out["percentile"] = out["percentile"].where(at_or_below.notna())
    return out.sort_values(["peer_group", *by, "rank"], kind="stable").reset_index(drop=True)


def peer_position(ranked: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """One area's rows from `rank_among_peers`, for a pack's "how we compare" line."""
    return ranked[ranked["area_code"] == area_code].reset_index(drop=True)


def describe_position(rank: int, n_peers: int, peer_group: str, first: str = "highest") -> str:
    """Plain-English position, e.g. "12th highest of 331 (all LTLAs)".

    `first` names what rank 1 means ("highest", or "lowest" when ranked lowest first).
    """
    if rank <= 0 or rank > n_peers:
        raise ValueError(f"rank {rank} is outside 1..{n_peers}")
    return f"{_ordinal(rank)} {first} of {n_peers:,} ({peer_group})"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
