"""`carerlib packs --within CODE` selects every LTLA inside a county, region or group."""

from __future__ import annotations

import pytest

from carerlib.cli import parser
from carerlib.errors import DataError

ESSEX_DISTRICTS = [f"E070000{n}" for n in range(66, 78)]


def test_within_essex_gives_its_twelve_districts(mirror):
    from carerlib.pack.batch import select_areas

    assert select_areas(within="E10000012") == ESSEX_DISTRICTS


def test_within_london_gives_its_33_boroughs(mirror):
    from carerlib.pack.batch import select_areas

    london = select_areas(within="E12000007")
    assert len(london) == 33 and all(code.startswith("E09") for code in london)


def test_within_a_group_and_an_unknown_code(mirror):
    from carerlib.pack.batch import select_areas

    assert select_areas(within="MID_ESSEX") == ["E07000067", "E07000070", "E07000074"]
    with pytest.raises(DataError, match="unknown area code E10099999"):
        select_areas(within="E10099999")


def test_cli_accepts_within_but_not_with_areas():
    args = parser().parse_args(["packs", "--within", "E10000012"])
    assert args.within == "E10000012"
    with pytest.raises(SystemExit):
        parser().parse_args(["packs", "--within", "E10000012", "--areas", "E06000033"])
