"""Coverage: is every area a dataset should cover present exactly once?

`params/data_sources.yaml` declares, per dataset, its `role` and what it `covers`:

- ``role: headline`` - a pack's headline figures come from it: a missing area refuses the pack
  (one-line DataError naming the file, the area and the problem).
- ``role: secondary`` - a section comes from it: a missing area builds the pack, and the pack
  carries a sentence naming the missing area and the figure it lacks.
- ``covers.areas``: ``lookup_ltla`` (every LTLA in the LTLA->UTLA lookup), ``lookup_utla_england``
  (every English upper-tier council, i.e. every council with social-care duties),
  ``lookup_lad2011`` (every 2011 district of the 2011->2021 lookup, England and Wales),
  ``lookup_lad2011_england`` (its English districts), or an explicit list of codes.
- ``covers.recoded``: 2011 codes published under a later code (``OLD: NEW``), named exceptions.
- ``covers.year``: for a table with one row per area and year, the year that must be complete.

A missing row is never a smaller total: a file that lacks an area is refused or reported, and
totals are summed only over complete sets of members (`areas.aggregate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from carerlib.errors import DataError, ParamsError

ROLES = ("headline", "secondary", "reference")
NAMED_SETS = ("lookup_ltla", "lookup_utla_england", "lookup_lad2011", "lookup_lad2011_england",
              "national", "own")


@dataclass(frozen=True)
class Coverage:
    """What one dataset must cover (see the module docstring)."""

    dataset: str
    role: str = "reference"
    areas: str | tuple[str, ...] = "own"
    recoded: Mapping[str, str] = field(default_factory=dict)
    year: str | None = None

    @property
    def headline(self) -> bool:
        return self.role == "headline"


def parse_coverage(key: str, entry: Mapping, source: str | Path) -> Coverage:
    """The `role` and `covers` of one data_sources.yaml entry, checked."""
    role = entry.get("role", "reference")
    if role not in ROLES:
        raise ParamsError(source, f"datasets.{key}.role", f"must be one of {', '.join(ROLES)}")
    covers = entry.get("covers") or {}
    if not isinstance(covers, Mapping):
        raise ParamsError(source, f"datasets.{key}.covers", "must be a mapping")
    areas = covers.get("areas", "own")
    if isinstance(areas, list):
        areas = tuple(str(a) for a in areas)
    elif areas not in NAMED_SETS:
        raise ParamsError(source, f"datasets.{key}.covers.areas",
                          f"must be a list of codes or one of {', '.join(NAMED_SETS)}")
    recoded = {str(k): str(v) for k, v in (covers.get("recoded") or {}).items()}
    year = covers.get("year")
    return Coverage(key, role, areas, recoded, None if year is None else str(year))


@dataclass(frozen=True)
class Gap:
    """An area a secondary dataset should cover but does not."""

    dataset: str
    file: str
    code: str
    name: str
    affects: tuple[str, ...]  # 2021 LTLAs whose figures from this dataset are therefore missing

    def sentence(self, figure: str) -> str:
        """The sentence a pack shows: which area is missing from which file, and what is lost."""
        named = f"{self.name} ({self.code})" if self.name and self.name != self.code else self.code
        return (f"{figure} is not shown: {self.file} has no row for {named}, one of the areas "
                "it is published for, so a total would be too small.")


def missing_areas(present: Iterable[str], expected: Iterable[str],
                  recoded: Mapping[str, str] | None = None) -> list[str]:
    """Expected codes absent from `present` (a recoded code counts under its new code)."""
    have = set(present)
    recoded = recoded or {}
    return sorted(c for c in set(expected) if c not in have and recoded.get(c) not in have)


def unexpected_areas(present: Iterable[str], expected: Iterable[str],
                     recoded: Mapping[str, str] | None = None) -> list[str]:
    """Codes in the file that it should not hold (not expected, and no expected code's new
    code)."""
    allowed = set(expected) | set((recoded or {}).values())
    return sorted(set(present) - allowed)


def check(coverage: Coverage, file: str | Path, present: Iterable[str],
          expected: Iterable[str], names: Mapping[str, str] | None = None,
          affects: Mapping[str, Iterable[str]] | None = None) -> list[Gap]:
    """Refuse a headline dataset with a missing area; return the gaps of a secondary one.

    A code the file should not hold is always an error: it would be summed into no area, or
    into the wrong one.
    """
    present = list(present)
    expected = set(expected)
    name_of = dict(names or {})
    extra = unexpected_areas(present, expected, coverage.recoded)
    if extra:
        raise DataError(file, f"area {extra[0]} is not one of the areas this file covers "
                        f"(params/data_sources.yaml: {coverage.dataset}.covers)")
    missing = missing_areas(present, expected, coverage.recoded)
    if not missing:
        return []
    first = missing[0]
    label = f"{name_of[first]} ({first})" if name_of.get(first) else first
    more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
    if coverage.headline:
        raise DataError(file, f"no row for {label}{more}: every area it covers must be present "
                        "(a missing row would make totals silently smaller)")
    return [Gap(coverage.dataset, Path(str(file)).name, code, name_of.get(code, ""),
                tuple((affects or {}).get(code, (code,)))) for code in missing]
