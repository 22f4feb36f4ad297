"""Shared helpers for the browser tests: find and launch Debian's Chromium through Playwright with
the network blocked, open a pack, run axe-core, and measure what overflows.

Imported by the tests as a module (not through conftest), as STYLE.md asks.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "outputs" / "screenshots"
#: The browser tests' areas: a unitary authority, a county and a Welsh authority.
AREAS = {"unitary": "E06000033", "county": "E10000012", "welsh": "W06000015"}
PHONE = {"width": 390, "height": 844}
#: The A4 text width in CSS px: 210 mm less the pack's 10 mm @page margins each side.
A4_TEXT_WIDTH = round((210 - 20) / 25.4 * 96)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REQUIRE = "CARERLIB_REQUIRE_BROWSER"


def unavailable(reason: str) -> None:
    """Skip with one clear line, or fail when CI requires the browser tests to run."""
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"browser tests required ({REQUIRE}=1) but cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def chromium_or_skip() -> str:
    """Path of the system Chromium, or skip/fail saying how to install it."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright / axe-playwright-python not installed (pip install -e '.[test]')")
    from carerlib.errors import CarerlibError
    from carerlib.pack.pdf import chromium_path

    try:
        return chromium_path()
    except CarerlibError:
        unavailable("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    raise AssertionError("unreachable")


def local_only(route) -> None:
    """Let pages load files and the test server; abort anything from the network."""
    url = route.request.url
    if url.startswith(("file://", "data:", "about:", "http://127.0.0.1")):
        route.continue_()
    else:
        route.abort()


def open_page(browser, path: Path, viewport: dict | None = None, errors: list | None = None):
    """A new page at `path` (network blocked), waited until the pack's charts are laid out."""
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
    page.route("**/*", local_only)
    if errors is not None:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    if page.evaluate("() => typeof window.carerlibPrepareForPrint === 'function'"):
        page.wait_for_function("document.documentElement.dataset.carerlibReady === '1'",
                               timeout=30_000)
    return page


def axe_violations(page) -> list[str]:
    """One line per axe-core A/AA violation: rule id, impact and the first offending nodes."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in results.response["violations"]]


def heading_levels(page) -> list[int]:
    """The levels of the page's headings in document order."""
    tags = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "els => els.map(e => e.tagName)")
    return [int(re.sub(r"\D", "", t)) for t in tags]


def skipped_levels(levels: list[int]) -> list[tuple[int, int]]:
    """(from, to) pairs where a heading goes down more than one level, plus a missing h1 start."""
    bad = [(0, levels[0])] if levels and levels[0] != 1 else []
    return bad + [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]


#: Charts whose title starts above the top of their plot box (cut off there), as
#: "title: pixels above"; a wrapped title once printed with its first line cut in half.
TITLE_CUT_JS = """() => Array.from(document.querySelectorAll('.plotly-graph-div')).flatMap(d => {
  const t = d.querySelector('.gtitle');
  if (!t) return [];
  const above = d.getBoundingClientRect().top - t.getBoundingClientRect().top;
  return above > 0 ? [t.textContent.slice(0, 40) + ': ' + Math.round(above)] : [];
})"""

#: Elements wider than the viewport, outside a scrolling table box (JS returns descriptions).
OVERFLOW_JS = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.carerlib-scroll, .carerlib-index-scroll, script, style, svg')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 || r.left < -1) {
      out.push(el.tagName.toLowerCase() + '.' + (el.className.baseVal ?? el.className)
               + ' right=' + Math.round(r.right));
    }
  }
  return out.slice(0, 10);
}"""

#: Chart boxes and tables that do not fit inside `width` px (the page box when printing).
PRINT_FIT_JS = """(width) => {
  const out = [];
  const boxes = document.querySelectorAll('.js-plotly-plot, .main-svg, table');
  for (const el of boxes) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.right > width + 1 || r.left < -1) {
      out.push(el.tagName.toLowerCase() + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
  }
  return out;
}"""


def pdf_pages(path: Path) -> int:
    """Pages in a PDF Chromium wrote (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


#: The pack's @page margins in mm (top, bottom), as in the template: the printable area.
PAGE_MARGINS_MM = (9, 10)


def _ink(drawing: dict) -> bool:
    """Whether a PDF drawing shows on paper (not a white background fill)."""
    white = (1.0, 1.0, 1.0)
    return not (drawing.get("fill") == white and drawing.get("color") in (None, white))


def page_fill(path: Path) -> list[float]:
    """For each page of a PDF, how far down its printable area the lowest text or drawing
    reaches (0 = empty, 1 = full), measured with PyMuPDF."""
    import pymupdf

    top_mm, bottom_mm = PAGE_MARGINS_MM
    fills = []
    with pymupdf.open(path) as pdf:
        for page in pdf:
            top = top_mm / 25.4 * 72
            bottom = page.rect.height - bottom_mm / 25.4 * 72
            lows = [b[3] for b in page.get_text("blocks") if b[4].strip()]
            lows += [d["rect"].y1 for d in page.get_drawings() if _ink(d)]
            lowest = min(max(lows), bottom) if lows else top
            fills.append(round((lowest - top) / (bottom - top), 3))
    return fills
