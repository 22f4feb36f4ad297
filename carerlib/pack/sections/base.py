"""What a section builder returns: a small frozen record, never an edit to a caller's list.

A figure builder returns a `Part` (its blocks, any summary statements and index figures);
`assemble` joins a section's parts, in order, into a `SectionResult`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from carerlib.pack import charts
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


def copied(piece: Part) -> Part:
    """A copy of `piece` sharing nothing that can be changed with it (frames, formats, figures
    and statements are copied), for a part made once and shown in many packs."""
    return Part(tuple(_copied_block(b) for b in piece.blocks),
                tuple(replace(s) for s in piece.headline),
                _frozen(copy.deepcopy(dict(piece.figures))))


def _copied_block(block: Block) -> Block:
    if isinstance(block, Table | Chart):
        changes = {"data": block.data.copy(), "formats": dict(block.formats),
                   "shown": None if block.shown is None else block.shown.copy(),
                   "shown_formats": dict(block.shown_formats)}
        if isinstance(block, Chart):
            changes["figure"] = charts.copy_figure(block.figure)
        return replace(block, **changes)
    return replace(block)


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
