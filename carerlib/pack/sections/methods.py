"""Methods, sources and caveats: data sources with vintages and hashes, and the assumptions."""

from __future__ import annotations

import pandas as pd

from carerlib.data.datastore import registry
from carerlib.pack.report import Table, Text
from carerlib.pack.sections.base import SectionResult, assemble, part
from carerlib.pack.sections.context import PackContext
from carerlib.params import Params

KEY, TITLE = "methods", "Methods, sources and caveats"
#: For analysts: where a pack's local figures come from (file names belong here, not elsewhere).
LOCAL_FIGURES = ("For analysts: local figures (carers known to the council, funding commitments "
                 "for breaks under breaks.commitments, notes) go in params/areas/CODE.yaml; "
                 "params/areas/E10000012.yaml shows the layout of commitments.")
HOURS_BANDS = ("Hours bands: Census 2021 publishes five bands with two subtotals (19 hours or "
               "less; 20 to 49 hours); totals here add the broad bands only, never a subtotal and "
               "its parts.")


def methods(ctx: PackContext) -> SectionResult:
    """The 'Methods, sources and caveats' section (official sources only with official data)."""
    sources = (Table("Data sources and vintages", ctx.provenance()[
        ["dataset", "vintage", "file", "sha256"]], "params/data_sources.yaml", name="sources"),
        ) if ctx.mode == "official" and not ctx.provenance().empty else ()
    return assemble(KEY, TITLE, part(
        *sources,
        Table("Assumptions", assumptions(ctx.params), "params/defaults.yaml and the area's "
              "params file", name="assumptions"),
        Text(LOCAL_FIGURES), Text(HOURS_BANDS), Text(registry().attribution)))


def assumptions(params: Params) -> pd.DataFrame:
    """The assumptions every pack rests on, with their sources."""
    voc, dep = params.value_of_care, params.dependency
    rows = [
        ("Replacement cost of care per hour", f"£{voc.cost_per_hour.value:,.2f} "
         f"({voc.cost_per_hour.price_year} prices)", voc.cost_per_hour.source),
        ("Hours a week per band (≤19 / 20–49 / 50+)",
         " / ".join(f"{v:g}" for v in voc.hours_per_band.as_dict().values()),
         voc.hours_per_band.source),
        ("Potential support ratio ages", f"{dep.working_ages[0]}–{dep.working_ages[1]} per "
         f"person {dep.older_age}+", dep.source),
        ("Confidence level for intervals", f"{params.confidence_level:.0%} (Wilson score)",
         "OHID Fingertips convention"),
    ]
    out = pd.DataFrame(rows, columns=["assumption", "value", "source"])
    out["price_year"] = [str(voc.cost_per_hour.price_year), "", "", ""]  # money carries its year
    return out
