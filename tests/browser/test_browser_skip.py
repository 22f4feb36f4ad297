"""Without Chromium the browser tests skip with one line on a user's machine, and fail in CI
(CARERLIB_REQUIRE_BROWSER=1)."""

from __future__ import annotations

import pytest

from browser.browser_helpers import REQUIRE, unavailable


def test_skips_with_a_clear_line_when_not_required(monkeypatch):
    monkeypatch.delenv(REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="browser tests skipped: no Chromium"):
        unavailable("no Chromium at /usr/bin/chromium (apt-get install chromium)")


def test_fails_when_ci_requires_the_browser(monkeypatch):
    monkeypatch.setenv(REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="required .* cannot run: no Chromium"):
        unavailable("no Chromium at /usr/bin/chromium (apt-get install chromium)")


def test_no_chromium_is_a_one_line_error_naming_the_fix(monkeypatch, tmp_path):
    from carerlib.errors import CarerlibError
    from carerlib.pack import pdf

    monkeypatch.setattr(pdf, "DEFAULT_CHROMIUM", str(tmp_path / "absent"))
    monkeypatch.setenv("CARERLIB_CHROMIUM", str(tmp_path / "absent"))
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(CarerlibError, match="apt-get install chromium"):
        pdf.chromium_path()
