"""Prioritising commissioning intentions: the intentions in params ranked by weighted score."""

from __future__ import annotations

from carerlib.measures.priorities import prioritise
from carerlib.pack.report import Table, Text
from carerlib.pack.sections.base import SectionResult, assemble, part
from carerlib.pack.sections.context import PackContext

KEY, TITLE = "priorities", "Prioritising commissioning intentions"


def priorities(ctx: PackContext) -> SectionResult:
    """The 'Prioritising commissioning intentions' section."""
    settings = ctx.params.priorities
    table = prioritise(settings)
    weights = ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in settings.weights.items())
    return assemble(KEY, TITLE, part(
        Table("Commissioning intentions ranked by weighted score", table, settings.source,
              {c: "{:g}" for c in table.columns if c not in ("intention", "weighted_score", "rank")}
              | {"weighted_score": "{:.2f}"}, "priorities"),
        Text(f"Weights: {weights}. {settings.note}", "note")))
