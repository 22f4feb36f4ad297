"""What a section builder returns: a small frozen record, never an edit to a caller's list.

A figure builder returns a `Part` (its blocks, any summary statements and index figures);
`assemble` joins a section's parts, in order, into a `SectionResult`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from carerlib.pack.report import Chart, Section, Statement, Table, Text

Block = Text | Statement | Table | Chart


def _frozen(figures: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(figures or {}))


@dataclass(frozen=True)
class Part:
    """One figure of a section: the blocks it shows, the statements it gives the summary and the
    headline figures it gives the index of packs."""

    blocks: tuple[Block, ...] = ()
    headline: tuple[Statement, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=lambda: _frozen(None))


def part(*blocks: Block, headline: tuple[Statement, ...] = (),
         figures: Mapping[str, Any] | None = None) -> Part:
    """A Part from its blocks (in the order shown), summary statements and index figures."""
    return Part(tuple(blocks), tuple(headline), _frozen(figures))


@dataclass(frozen=True)
class SectionResult:
    """A built section: what it shows, what it adds to the summary, what the index shows."""

    section: Section
    headline: tuple[Statement, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=lambda: _frozen(None))

    @property
    def key(self) -> str:
        return self.section.key


def assemble(key: str, title: str, *parts: Part) -> SectionResult:
    """Join a section's parts, in order, into one SectionResult."""
    figures: dict[str, Any] = {}
    for piece in parts:
        figures.update(piece.figures)
    return SectionResult(
        Section(key, title, [b for piece in parts for b in piece.blocks]),
        tuple(s for piece in parts for s in piece.headline), _frozen(figures))


def missing(text: str) -> Part:
    """A Part that says what is missing and why (a pack never stays silent about a gap)."""
    return part(Text(text, "missing"))
