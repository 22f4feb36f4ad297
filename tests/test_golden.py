"""Nothing a reader sees changes by accident: each golden pack's tables and headlines match the
hashes recorded in tests/golden/hashes.json, and its sections, tables and charts match the
snapshot in tests/golden/structure.yaml (regenerate both with `make golden`, saying why)."""

from __future__ import annotations

import json

import pytest
import yaml
from golden import GOLDEN_AREAS, HASHES, STRUCTURE, pack_hashes, pack_structure

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("code", GOLDEN_AREAS)
def test_pack_matches_golden_hashes(golden_packs, code):
    expected = json.loads(HASHES.read_text(encoding="utf-8"))[code]
    actual = pack_hashes(golden_packs / code)
    changed = sorted(name for name in expected.keys() | actual.keys()
                     if expected.get(name) != actual.get(name))
    assert not changed, f"{code}: changed since the golden hashes: {changed}"


@pytest.mark.parametrize("code", GOLDEN_AREAS)
def test_pack_matches_golden_structure(golden_packs, code):
    expected = yaml.safe_load(STRUCTURE.read_text(encoding="utf-8"))[code]
    assert pack_structure(golden_packs / code) == expected
