"""Packs in a real browser (Debian's Chromium via Playwright, network blocked): no console
errors, no axe-core WCAG 2.2 A/AA violations, every chart drawn and named, headings in order,
contents links that resolve; charts and tables inside the A4 page box when printed; nothing wider
than a 390 px phone except inside a scrolling table box. Screenshots go to outputs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser.browser_helpers import (
    A4_TEXT_WIDTH,
    AREAS,
    OVERFLOW_JS,
    PHONE,
    PRINT_FIT_JS,
    SCREENSHOTS,
    TITLE_CUT_JS,
    axe_violations,
    heading_levels,
    open_page,
    page_fill,
    pdf_pages,
    skipped_levels,
)

pytestmark = [pytest.mark.integration, pytest.mark.browser]
KINDS = sorted(AREAS)
#: Internal names a commissioner's page must not show outside the methods section.
INTERNAL = ("params/", ".yaml", "METHODS.md", "in params", "params file")


def _pack(packs, kind):
    return packs / AREAS[kind] / "index.html"


@pytest.mark.parametrize("kind", KINDS)
def test_pack_has_no_console_errors_and_draws_every_chart(chromium, packs, kind):
    errors: list[str] = []
    page = open_page(chromium, _pack(packs, kind), errors=errors)
    plots = page.eval_on_selector_all(".plotly-graph-div",
                                      "els => els.map(e => !!e.querySelector('svg.main-svg'))")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{AREAS[kind]}-desktop.png"))
    page.close()
    assert errors == []
    assert len(plots) >= 3 and all(plots), plots


@pytest.mark.parametrize("kind", KINDS)
def test_pack_has_no_axe_violations(chromium, packs, kind):
    page = open_page(chromium, _pack(packs, kind))
    violations = axe_violations(page)
    page.close()
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("kind", KINDS)
def test_headings_contents_and_chart_names(chromium, packs, kind):
    page = open_page(chromium, _pack(packs, kind))
    levels = heading_levels(page)
    targets = page.eval_on_selector_all(
        "nav.carerlib-toc a", "els => els.map(a => [a.getAttribute('href'), "
        "!!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))])")
    charts = page.eval_on_selector_all(".carerlib-chart", """els => els.map(c => {
        const name = c.getAttribute('aria-label') || '';
        const described = (c.getAttribute('aria-describedby') || '').split(' ')
          .map(id => document.getElementById(id)).filter(Boolean);
        return [name, described.length > 0 && described.every(d => d.tagName === 'TABLE')];
    })""")
    title = page.title()
    name = page.eval_on_selector("h1", "h => h.textContent")
    page.close()
    assert skipped_levels(levels) == [], levels
    assert len(targets) >= 8 and all(ok for _, ok in targets), targets
    assert charts and all(label.strip() and described for label, described in charts), charts
    area = name.split(": ", 1)[-1].strip()
    assert area and area in title, (title, name)


@pytest.mark.parametrize("kind", KINDS)
def test_printed_charts_and_tables_fit_the_a4_page_box(chromium, packs, kind):
    page = open_page(chromium, _pack(packs, kind),
                     viewport={"width": A4_TEXT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    page.evaluate("() => window.carerlibPrepareForPrint()")
    too_wide = page.evaluate(PRINT_FIT_JS, A4_TEXT_WIDTH)
    titles_cut = page.evaluate(TITLE_CUT_JS)
    closed = page.eval_on_selector_all("details:not([open])", "els => els.length")
    page.close()
    assert too_wide == []
    assert titles_cut == []
    assert closed == 0  # the numbers tables print


@pytest.mark.parametrize("kind", KINDS)
def test_nothing_wider_than_a_phone_outside_a_table_box(chromium, packs, kind):
    page = open_page(chromium, _pack(packs, kind), viewport=PHONE)
    too_wide = page.evaluate(OVERFLOW_JS, PHONE["width"])
    titles_cut = page.evaluate(TITLE_CUT_JS)
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    modebar = page.eval_on_selector_all(
        ".modebar-container", "els => els.filter(e => e.offsetParent !== null).length")
    boxes = page.eval_on_selector_all(".carerlib-scroll", """els => els.map(b =>
        [b.getAttribute('tabindex'), b.getAttribute('role'), !!b.getAttribute('aria-label')])""")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{AREAS[kind]}-phone.png"))
    page.close()
    assert too_wide == []
    assert titles_cut == []
    assert page_width <= PHONE["width"]
    assert modebar == 0
    assert boxes and all(b == ["0", "region", True] for b in boxes)


@pytest.fixture(scope="module")
def southend_pdf(chromium, packs, tmp_path_factory) -> Path:
    from carerlib.pack.pdf import print_pdf

    folder = tmp_path_factory.mktemp("pdf")
    return print_pdf(_pack(packs, "unitary"), folder / "E06000033.pdf", browser=chromium)


def test_southend_prints_to_a4(southend_pdf):
    assert southend_pdf.read_bytes().startswith(b"%PDF")
    assert pdf_pages(southend_pdf) >= 10


def test_southend_prints_to_at_most_sixteen_a4_pages(southend_pdf):
    assert pdf_pages(southend_pdf) <= 16


def test_no_printed_page_is_less_than_a_quarter_full(southend_pdf):
    fills = page_fill(southend_pdf)
    assert len(fills) == pdf_pages(southend_pdf)
    assert [(page, fill) for page, fill in enumerate(fills, 1) if fill < 0.25] == [], fills


@pytest.mark.parametrize("kind", KINDS)
def test_commissioner_pages_name_no_internal_files_and_use_readable_headers(chromium, packs,
                                                                            kind):
    page = open_page(chromium, _pack(packs, kind))
    text = page.evaluate("""() => Array.from(document.querySelectorAll('.carerlib-section'))
        .filter(s => !/^Methods/.test(s.getAttribute('aria-labelledby')))
        .map(s => s.innerText).join(' ')""")
    headers = page.eval_on_selector_all("table.carerlib-table th",
                                        "ths => ths.map(t => t.innerText)")
    page.close()
    assert len(text) > 5000
    assert [word for word in INTERNAL if word in text] == []
    assert headers and [h for h in headers if "_" in h] == []


def test_cli_pack_pdf_writes_code_pdf_beside_the_html(chromium, packs, tmp_path):
    """`carerlib pack CODE --pdf` end to end, in its own process (one Playwright per thread)."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "carerlib.cli", "pack", "E06000034", "--out", str(tmp_path),
         "--pdf"], capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "E06000034" / "E06000034.pdf"
    assert run.returncode == 0, run.stderr
    assert f"wrote {pdf}" in run.stdout
    assert pdf.read_bytes().startswith(b"%PDF") and pdf_pages(pdf) >= 8
