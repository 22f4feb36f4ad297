"""Print a built pack to an A4 PDF with headless Chromium (Debian's `chromium` package).

The pack's own script lays its charts out at the A4 text width and opens the "numbers" tables
when it is printed; this module only drives the browser: nothing is fetched from the network.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from carerlib.errors import CarerlibError

#: Where Debian's chromium package puts the browser; CARERLIB_CHROMIUM overrides it.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
_SETTLE_MS = 300
#: The A4 text width in CSS px (210 mm less the pack's 10 mm @page margins), as in the template.
A4_TEXT_WIDTH = round((210 - 20) / 25.4 * 96)


def chromium_path() -> str:
    """The Chromium executable to print with, or a one-line error saying how to install it."""
    candidates = [os.environ.get("CARERLIB_CHROMIUM"), DEFAULT_CHROMIUM,
                  shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise CarerlibError("--pdf needs Chromium: install Debian's package ('apt-get install "
                        "chromium') or set CARERLIB_CHROMIUM to the browser's path")


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CarerlibError("--pdf needs the playwright package: pip install playwright "
                            "(it drives the system Chromium; no browser download)") from None
    return sync_playwright


def _local_only(route) -> None:
    """Let the pack load its own files; refuse anything from the network."""
    url = route.request.url
    if url.startswith(("file://", "data:", "about:")):
        route.continue_()
    else:
        route.abort()


def print_pdf(html_path: str | Path, pdf_path: str | Path | None = None,
              browser=None) -> Path:
    """Print `html_path` to A4 (`CODE.pdf` beside it by default); returns the PDF's path.
    `browser` is a Playwright browser already running (tests share one); else Chromium is
    launched for this page and closed after."""
    html_path = Path(html_path).resolve()
    if not html_path.is_file():
        raise CarerlibError(f"{html_path}: no such pack page to print")
    target = Path(pdf_path) if pdf_path else html_path.with_name(f"{html_path.parent.name}.pdf")
    if browser is not None:
        _print_page(browser, html_path, target)
        return target
    executable = chromium_path()
    with _playwright()() as pw:
        launched = pw.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            _print_page(launched, html_path, target)
        finally:
            launched.close()
    return target


def _print_page(browser, html_path: Path, target: Path) -> None:
    """Open the pack at the A4 text width, lay it out for print, and write the PDF."""
    page = browser.new_page(viewport={"width": A4_TEXT_WIDTH, "height": 1000})
    try:
        page.route("**/*", _local_only)
        page.goto(html_path.as_uri(), wait_until="load")
        page.wait_for_function("document.documentElement.dataset.carerlibReady === '1'",
                               timeout=30_000)
        page.emulate_media(media="print")
        page.evaluate("() => window.carerlibPrepareForPrint()")
        page.wait_for_timeout(_SETTLE_MS)
        page.pdf(path=str(target), format="A4", print_background=True,
                 prefer_css_page_size=True)
    finally:
        page.close()
