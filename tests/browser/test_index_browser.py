"""The index of packs in a real browser: sortable by keyboard with aria-sort and a visible focus
outline, blanks last in both directions, dates in date order, no axe A/AA violations, and usable
on a 390 px phone without sideways scrolling. Built from hand-written headlines, so it needs no
official data."""

from __future__ import annotations

import json

import pytest

from browser.browser_helpers import OVERFLOW_JS, PHONE, SCREENSHOTS, axe_violations, open_page
from carerlib.pack.batch import write_index

pytestmark = pytest.mark.browser

PACKS = [  # (code, name, carers, generated): alphabetical and date orders differ on purpose
    ("E00000001", "Alpha", 1200, "05 January 2026 09:00 UTC"),
    ("E00000002", "Beta", None, "20 December 2025 17:30 UTC"),
    ("E00000003", "Gamma", 0, "01 March 2026 08:15 UTC"),
    ("E00000004", "Delta", 35000, "11 February 2026 12:00 UTC"),
]


@pytest.fixture
def index_page(tmp_path):
    for code, name, carers, generated in PACKS:
        folder = tmp_path / code
        folder.mkdir()
        figures = {} if carers is None else {"carers_2021": carers}
        (folder / "headlines.json").write_text(json.dumps({
            "area_code": code, "area_name": name, "mode": "official", "generated": generated,
            "figures": figures}))
    return write_index(tmp_path)


def _column(page, n: int) -> list[str]:
    return page.eval_on_selector_all(
        "#packs tbody tr", f"rows => rows.map(r => r.cells[{n}].textContent.trim())")


def _sort_by_keyboard(page, label: str) -> str:
    button = page.get_by_role("button", name=label)
    button.focus()
    page.keyboard.press("Enter")
    return button.evaluate("b => b.parentElement.getAttribute('aria-sort')")


def test_sort_by_keyboard_sets_aria_sort_and_keeps_blanks_last(chromium, index_page):
    page = open_page(chromium, index_page)
    button = page.get_by_role("button", name="Carers 2021 (aged 5+)")
    button.focus()
    outline = button.evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline != "none"
    assert _sort_by_keyboard(page, "Carers 2021 (aged 5+)") == "ascending"
    assert _column(page, 2) == ["0", "1,200", "35,000", ""]  # 0 is a number, blank is last
    assert _sort_by_keyboard(page, "Carers 2021 (aged 5+)") == "descending"
    assert _column(page, 2) == ["35,000", "1,200", "0", ""]
    others = page.eval_on_selector_all("#packs th[aria-sort]", "ths => ths.length")
    page.close()
    assert others == 1


def test_dates_sort_as_dates(chromium, index_page):
    page = open_page(chromium, index_page)
    assert _sort_by_keyboard(page, "Generated") == "ascending"
    names = _column(page, 0)
    page.close()
    assert names == ["Beta", "Alpha", "Delta", "Gamma"]


def test_index_is_accessible_and_fits_a_phone(chromium, index_page):
    page = open_page(chromium, index_page)
    violations = axe_violations(page)
    page.close()
    phone = open_page(chromium, index_page, viewport=PHONE)
    too_wide = phone.evaluate(OVERFLOW_JS, PHONE["width"])
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    phone_violations = axe_violations(phone)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "index-phone.png"), full_page=True)
    phone.close()
    assert violations == [], "\n".join(violations)
    assert phone_violations == [], "\n".join(phone_violations)
    assert too_wide == [] and width <= PHONE["width"]
