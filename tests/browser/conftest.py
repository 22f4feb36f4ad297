"""Browser fixtures: one Chromium for the session (skipped with one line when absent, failed when
CARERLIB_REQUIRE_BROWSER=1) and the golden packs, built once per session by tests/conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser.browser_helpers import chromium_or_skip


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, driven by Playwright; never a downloaded browser."""
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def packs(chromium, request) -> Path:
    """The packs folder (with index.html) holding the unitary, county and Welsh packs: the
    golden packs built for this session, or CARERLIB_BROWSER_PACKS (packs built already, to
    iterate on the page without rebuilding)."""
    prebuilt = os.environ.get("CARERLIB_BROWSER_PACKS")
    if prebuilt:
        return Path(prebuilt)
    return request.getfixturevalue("golden_packs")
