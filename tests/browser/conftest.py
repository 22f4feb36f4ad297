"""Browser fixtures: one Chromium for the session (skipped with one line when absent, failed when
CARERLIB_REQUIRE_BROWSER=1) and the golden packs, built once per session by tests/conftest.py."""

from __future__ import annotations

import pytest
from browser_helpers import chromium_or_skip


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
def packs(chromium, golden_packs):
    """The packs folder (with index.html) holding the unitary, county and Welsh packs."""
    return golden_packs
