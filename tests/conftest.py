"""Shared fixtures. Official data is read from ../shared/data (or CARERLIB_DATA_MIRROR); tests
that need it are skipped with a reason when it is absent. A user's own data cache is never used."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check correctness, never speed: no per-example deadline (CI machines are shared).
settings.register_profile("carerlib", deadline=None)
settings.load_profile("carerlib")

ROOT = Path(__file__).resolve().parents[1]
_MIRROR = os.environ.get("CARERLIB_DATA_MIRROR") or str(ROOT.parent / "shared" / "data")
MIRROR = Path(_MIRROR) if Path(_MIRROR).is_absolute() else (ROOT / _MIRROR).resolve()

# Point the cache at an empty folder so results never depend on what a developer fetched.
os.environ["CARERLIB_CACHE"] = tempfile.mkdtemp(prefix="carerlib-test-cache-")
os.environ["CARERLIB_DATA_MIRROR"] = str(MIRROR)

def need_file(path: Path) -> Path:
    """Skip (with the reason) a test whose official file is not in the mirror."""
    if not path.exists():
        pytest.skip(f"official data mirror not found: {path} (set CARERLIB_DATA_MIRROR)")
    return path


def southend_proxy_inputs():
    """The Southend strategy's health-breakdown example (002, §6): 100 carers, 40% at risk,
    £4,254 rehabilitation + 2 weeks × £1,067 residential care, £2,500 of breaks a carer."""
    from carerlib.measures.breaks import HealthBreakdownInputs

    return HealthBreakdownInputs(cohort=100, share_at_risk=0.40, rehab_episode_cost=4254,
                                 rehab_weeks=2, residential_cost_per_week=1067,
                                 break_cost_per_carer=2500)


TS039_HEADER = (
    "date,geography,geography code,"
    "Provision of unpaid care: Total: All usual residents aged 5 and over,"
    "Provision of unpaid care: Provides no unpaid care,"
    "Provision of unpaid care: Provides 19 hours or less unpaid care a week,"
    "Provision of unpaid care: Provides 9 hours or less unpaid care a week,"
    "Provision of unpaid care: Provides 10 to 19 hours unpaid care a week,"
    "Provision of unpaid care: Provides 20 to 49 hours unpaid care a week,"
    "Provision of unpaid care: Provides 20 to 34 hours unpaid care a week,"
    "Provision of unpaid care: Provides 35 to 49 hours unpaid care a week,"
    "Provision of unpaid care: Provides 50 or more hours unpaid care a week"
)
# Southend-on-Sea's published TS039 row (MANIFEST) and a made-up, internally consistent second row.
TS039_ROWS = [
    "2021,Southend-on-Sea,E06000033,170444,155425,7405,5320,2085,3046,1390,1656,4568",
    "2021,Testshire,E06000099,1000,900,60,40,20,25,10,15,15",
]


def ts039_text(rows: list[str] | None = None, header: str = TS039_HEADER) -> str:
    return "\n".join([header, *(TS039_ROWS if rows is None else rows)]) + "\n"


@pytest.fixture(scope="session")
def mirror() -> Path:
    if not (MIRROR / "census2021" / "census2021-ts039-ltla.csv").is_file():
        pytest.skip(f"official data mirror not found at {MIRROR}")
    return MIRROR


@pytest.fixture(scope="session")
def official(mirror):
    from carerlib.data.datastore import DataStore
    from carerlib.data.official import OfficialData

    return OfficialData(DataStore(mirror), groups={
        "X00000001": {"name": "Mid Essex", "members": ["E07000067", "E07000070", "E07000074"]}})


@pytest.fixture(scope="session")
def golden_packs(mirror, tmp_path_factory) -> Path:
    """The golden areas' packs, built once per test session and shared by every test."""
    from golden import GOLDEN_AREAS

    from carerlib.pack.batch import run_batch

    root = tmp_path_factory.mktemp("golden-packs")
    report = run_batch(GOLDEN_AREAS, force=True, out_root=root, progress=False)
    assert not report.failed, report.summary()
    return root


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, driven by Playwright; never a downloaded browser. One per session:
    Playwright's sync API cannot start twice in one thread, so every browser test shares it.
    Skipped with one line when absent (failed when CARERLIB_REQUIRE_BROWSER=1)."""
    from browser.browser_helpers import chromium_or_skip

    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()
