"""Assemble the evidence for one area's pack in-process: every section in pack order, as the
default notebook shows them. The section builders live in carerlib.pack.sections; this module
only calls them in order and gathers the summary, the figures and the provenance.

With official data (cache or mirror) the pack is built from Census tables; without it, from the
embedded sample, and the pack says which sections need official data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from carerlib import __version__
from carerlib.data.datastore import DataStore
from carerlib.data.official import OfficialData
from carerlib.pack.report import Section
from carerlib.pack.sections import BUILDERS, SectionResult, load_context, with_headlines
from carerlib.pack.sections.context import PackContext
from carerlib.params import Params


@dataclass
class Evidence:
    area_code: str
    area_name: str
    mode: str  # "official" or "sample"
    params: Params
    sections: list[Section] = field(default_factory=list)
    headlines: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: pd.DataFrame = field(default_factory=pd.DataFrame)
    generated: str = field(default_factory=lambda: datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"))
    version: str = __version__
    figures: dict = field(default_factory=dict)  # headline numbers for the batch index

    def headline_figures(self) -> dict:
        return dict(self.figures)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(f"no section '{key}' (have {[s.key for s in self.sections]})")

    @property
    def vintages(self) -> list[str]:
        if self.provenance.empty:
            return []
        return sorted(set(self.provenance["vintage"]))


def evidence_from(ctx: PackContext, results: Sequence[SectionResult],
                  generated: str | None = None) -> Evidence:
    """An Evidence of the given section results, in the order given; the summary (when among
    them) gathers the statements of the others."""
    shown = [with_headlines(r, results) if r.key == "summary" else r for r in results]
    figures: dict = {}
    for result in shown:
        figures.update(result.figures)
    return Evidence(ctx.code, ctx.name, ctx.mode, ctx.params,
                    sections=[r.section for r in shown], provenance=ctx.provenance(),
                    figures=figures, **({"generated": generated} if generated else {}))


def build_evidence(area_code: str, params: Params | None = None,
                   store: DataStore | None | str = "default",
                   official: OfficialData | None = None) -> Evidence:
    """Everything one area's pack shows. `store="default"` finds the cache or the mirror."""
    ctx = load_context(area_code, params, store, official)
    return evidence_from(ctx, [build(ctx) for build in BUILDERS])
