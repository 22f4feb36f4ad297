"""Browser fixtures: the packs the browser tests open (the golden packs, built once per session by
tests/conftest.py, whose `chromium` fixture is the one browser of the session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def packs(chromium, request) -> Path:
    """The packs folder (with index.html) holding the unitary, county and Welsh packs: the
    golden packs built for this session, or CARERLIB_BROWSER_PACKS (packs built already, to
    iterate on the page without rebuilding)."""
    prebuilt = os.environ.get("CARERLIB_BROWSER_PACKS")
    if prebuilt:
        return Path(prebuilt)
    return request.getfixturevalue("golden_packs")
