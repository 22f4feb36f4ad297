"""The evidence notebook's pack: `start` loads an area once, `show` displays a section (or an
analyst's own table, chart or text) and records it, `finish` completes the summary and writes the
exports from what was shown.

The notebook is the pack: its cells decide which sections appear and in what order, so the
contents list, the summary's statements, headlines.json, the index of packs and the CSV/XLSX
export follow what the notebook showed, not a list in Python::

    ev = start(area_code, params_file, output_dir)
    show(sections.reach(ev))
    show(Table("My local table", frame, "our survey", name="local_survey"))
    finish(ev)

`show` records into the pack started last (as a plotting library draws on its current figure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from carerlib import __version__
from carerlib.pack.charts import figure_data
from carerlib.pack.evidence import Evidence, evidence_from
from carerlib.pack.export import export_tables
from carerlib.pack.report import (
    Chart,
    Section,
    Statement,
    Table,
    Text,
    block_html,
    display_block,
    title_html,
    title_lines,
)
from carerlib.pack.sections import SectionResult, load_context
from carerlib.pack.sections.context import PackContext
from carerlib.params import load_params

__all__ = ["Chart", "Pack", "Statement", "Table", "Text", "chart", "finish", "show", "start"]


def _now() -> str:
    return datetime.now(UTC).strftime("%d %B %Y %H:%M UTC")


@dataclass(frozen=True)
class Pack(PackContext):
    """An area's context plus what the notebook has shown so far (in order)."""

    output_dir: Path | None = None
    generated: str = field(default_factory=_now)
    shown: list[SectionResult] = field(default_factory=list, compare=False, repr=False)
    summary_display: list[Any] = field(default_factory=list, compare=False, repr=False)

    def record(self, result: SectionResult) -> None:
        """Add a shown section; showing a section again (a re-run cell) replaces it in place."""
        keys = [r.key for r in self.shown]
        if result.key in keys:
            self.shown[keys.index(result.key)] = result
        else:
            self.shown.append(result)

    def evidence(self) -> Evidence:
        """What the notebook has shown, as an Evidence (summary completed)."""
        return evidence_from(self, self.shown, self.generated)


_current: list[Pack] = []


def current() -> Pack | None:
    """The pack started last in this kernel, if any."""
    return _current[-1] if _current else None


def start(area_code: str, params_file: str | Path | None = None,
          output_dir: str | Path | None = None) -> Pack:
    """Load params and the area's data once, show the title block, and start recording."""
    ctx = load_context(area_code, load_params(area_code, params_file))
    pack = Pack(**{f: getattr(ctx, f) for f in PackContext.__dataclass_fields__},
                output_dir=Path(output_dir) if output_dir else None)
    _current[:] = [pack]
    _display_title(pack)
    return pack


def _display_title(pack: Pack) -> None:
    from IPython.display import HTML, display

    provenance = pack.provenance()
    vintages = sorted(set(provenance["vintage"])) if not provenance.empty else []
    lines = title_lines(pack.mode, vintages, pack.generated, __version__)
    display(HTML(title_html(pack.params.pack.title, pack.name, pack.code, lines)))


def chart(figure: go.Figure, name: str, source: str) -> Chart:
    """An analyst's own plotly figure as a pack chart: its numbers (trace, x, y) are shown under
    it and exported like carerlib's tables."""
    return Chart(figure, figure_data(figure), source, name=name)


def _as_result(item: SectionResult | Section | Text | Statement | Table | Chart,
               pack: Pack | None) -> SectionResult:
    """Wrap what the notebook shows into a SectionResult; an analyst's own block becomes a
    section of its own, keyed by the block's name (or its place among the custom blocks)."""
    if isinstance(item, SectionResult):
        return item
    if isinstance(item, Section):
        return SectionResult(item)
    if isinstance(item, Text | Statement | Table | Chart):
        count = sum(r.key.startswith("custom_") for r in pack.shown) if pack else 0
        name = getattr(item, "name", "")
        key = f"custom_{name}" if name else f"custom_{count + 1}"
        return SectionResult(Section(key, "", [item]))
    raise TypeError(f"show() takes a section or a Text, Statement, Table or Chart, not "
                    f"{type(item).__name__}")


def _summary_html(section: Section) -> str:
    return "".join(block_html(b) for b in section.blocks)


def show(item: SectionResult | Section | Text | Statement | Table | Chart) -> None:
    """Display a section's blocks (its heading is the notebook's markdown cell) and record it in
    the current pack. The summary is shown as it stands and completed by `finish`."""
    from IPython.display import HTML, display

    pack = current()
    result = _as_result(item, pack)
    if pack is not None:
        pack.record(result)
    if result.key == "summary":
        handle = display(HTML(_summary_html(result.section)), display_id=True)
        if pack is not None:  # outside a kernel there is no handle, nor a display to update
            pack.summary_display[:] = [handle] if handle is not None else []
        return
    for block in result.section.blocks:
        display_block(block)


def finish(pack: Pack) -> None:
    """Complete the summary with the statements of the sections shown, and write the tables
    (CSV, XLSX) and headlines.json of exactly what was shown to the pack's output folder."""
    from IPython.display import HTML

    evidence = pack.evidence()
    if pack.summary_display and any(s.key == "summary" for s in evidence.sections):
        pack.summary_display[0].update(HTML(_summary_html(evidence.section("summary"))))
    if pack.output_dir:
        export_tables(evidence, pack.output_dir)
