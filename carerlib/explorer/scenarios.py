"""The explorer's scenarios: what each control setting means in figures, with no widgets.

Every function here takes official data (or none), params and the values of the controls, and
returns numbers and tables built only from carerlib's measures, so tests check an analyst's
scenario without a browser. The projection series, the horizon year and the start/horizon figures
come from `carerlib.measures.outlook`, which the pack's future-demand section uses too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carerlib.data import paths
from carerlib.data.areas import areas_table
from carerlib.data.official import OfficialData
from carerlib.data.sample import load_sample
from carerlib.errors import CarerlibError
from carerlib.measures import breaks, needs, sroi
from carerlib.measures.outlook import (
    care_gap_series,
    older_population_series,
    start_and_horizon,
    support_ratio_series,
)
from carerlib.params import Params

__all__ = [
    "AreaMatch",
    "ProjectionScenario",
    "area_label",
    "area_options",
    "area_summary",
    "breaks_scenario",
    "find_area",
    "projection_scenario",
    "projection_vintages",
    "resolve_area",
    "sample_summary",
    "sroi_scenario",
]

#: How many matching names an "ambiguous area" message lists before "and N more".
_LISTED = 4


# --------------------------------------------------------------------------------------------
# Areas
# --------------------------------------------------------------------------------------------


def area_label(name: str, code: str) -> str:
    """How an area is listed in the search box: "Southend-on-Sea (E06000033)"."""
    return f"{name} ({code})"


def area_options(data: OfficialData | None) -> dict[str, str]:
    """Label -> code for every area the explorer can show, sorted by name.

    With official data: every LTLA, UTLA, region, country and group in Census 2021. Without:
    the areas that have an embedded sample.
    """
    if data is None:
        found = []
        for path in sorted(paths.SAMPLE_DIR.glob("*.yaml")):
            sample = load_sample(path.stem)
            if sample is not None:
                found.append((sample.area.name, sample.area.code))
    else:
        table = areas_table(data.members)
        found = list(zip(table["area_name"], table["area_code"], strict=True))
    found.sort(key=lambda pair: (pair[0].casefold(), pair[1]))
    return {area_label(name, code): code for name, code in found}


def resolve_area(text: str, options: Mapping[str, str]) -> str | None:
    """The area code for what was typed: a listed "Name (CODE)", a code or a unique name."""
    text = (text or "").strip()
    if text in options:
        return options[text]
    if text.upper() in set(options.values()):
        return text.upper()
    by_name: dict[str, set[str]] = {}
    for label, code in options.items():
        by_name.setdefault(label.rsplit(" (", 1)[0].casefold(), set()).add(code)
    codes = by_name.get(text.casefold(), set())
    return next(iter(codes)) if len(codes) == 1 else None


@dataclass(frozen=True)
class AreaMatch:
    """What typed text in the Area box found: an area code, or a one-line message why not."""

    code: str | None
    message: str = ""


def find_area(text: str, options: Mapping[str, str]) -> AreaMatch:
    """The area typed in the Area box (a label, a code, a name, or part of exactly one label).

    Text that is no area, or part of several, gives no code and a message saying so, so the
    analyst is never left wondering why nothing happened.
    """
    typed = (text or "").strip()
    code = resolve_area(typed, options)
    if code is not None:
        return AreaMatch(code)
    if not typed:
        return AreaMatch(None, "Type an area name or code, such as Southend-on-Sea or E06000033.")
    partial = [label for label in options if typed.casefold() in label.casefold()]
    if len(partial) == 1:
        return AreaMatch(options[partial[0]])
    if not partial:
        return AreaMatch(None, f"No area called '{typed}'.")
    listed = "; ".join(partial[:_LISTED])
    more = f" and {len(partial) - _LISTED} more" if len(partial) > _LISTED else ""
    return AreaMatch(None, f"'{typed}' matches {len(partial)} areas ({listed}{more}): "
                           "type more of the name, or its code.")


# --------------------------------------------------------------------------------------------
# Area figures
# --------------------------------------------------------------------------------------------


def area_summary(
    data: OfficialData, code: str, params: Params, cost_per_hour: float | None = None
) -> dict[str, Any]:
    """Carers in 2021, prevalence (with interval) and the yearly replacement value of their care.

    `cost_per_hour` overrides the replacement cost of an hour of care in params.
    """
    care = data.care_2021[data.care_2021["area_code"] == code]
    if care.empty:
        raise CarerlibError(f"{code}: not an area in the Census 2021 data")
    total = needs.carers_total(care, params.confidence_level).iloc[0]
    broad = needs.carers_by_band(care, "broad", params.confidence_level)
    voc = params.value_of_care
    rate = voc.cost_per_hour.value if cost_per_hour is None else float(cost_per_hour)
    value = needs.economic_value(broad, voc.hours_per_band.as_dict(), rate).iloc[0]
    return {
        "area_code": code,
        "area_name": str(total["area_name"]),
        "carers_2021": int(total["carers"]),
        "prevalence_2021": float(total["prevalence"]),
        "prevalence_lower": float(total["prevalence_lower"]),
        "prevalence_upper": float(total["prevalence_upper"]),
        "value_of_care_per_year": float(value["value_per_year"]),
        "cost_per_hour": rate,
        "cost_per_hour_price_year": voc.cost_per_hour.price_year,
    }


def sample_summary(code: str) -> dict[str, Any]:
    """The embedded sample's latest printed census count, for when there is no official data."""
    sample = load_sample(code)
    if sample is None:
        raise CarerlibError(f"{code}: no official data and no embedded sample for this area")
    latest = max(sample.census, key=lambda c: c.year)
    return {
        "area_code": code,
        "area_name": sample.area.name,
        "sample_carers": latest.carers,
        "sample_year": latest.year,
        "sample_source": f"{sample.document}, {latest.source}",
    }


# --------------------------------------------------------------------------------------------
# Projections and dependency
# --------------------------------------------------------------------------------------------


def projection_vintages(data: OfficialData | None, params: Params) -> list[str]:
    """Projection vintages in the data, those named in params first (in params order)."""
    if data is None:
        return []
    found = list(data.projections())
    return [v for v in params.projections.vintages if v in found] + [
        v for v in found if v not in params.projections.vintages
    ]


@dataclass(frozen=True)
class ProjectionScenario:
    """One area's future demand in one projection vintage at the chosen care-gap ages.

    `care_gap`, `support_ratio` and `older` are the series behind the charts; `care_gap_figures`
    etc. are `start_and_horizon` records; `older_age` is the params' "older" age (65).
    """

    vintage: str
    care_gap: pd.DataFrame
    support_ratio: pd.DataFrame
    older: pd.DataFrame
    care_gap_figures: dict[str, Any] = field(default_factory=dict)
    support_ratio_figures: dict[str, Any] = field(default_factory=dict)
    older_figures: dict[str, Any] = field(default_factory=dict)
    older_age: int = 65

    @property
    def covered(self) -> bool:
        """Whether the vintage covers the area at all."""
        return not self.care_gap.empty

    def headlines(self) -> dict[str, Any]:
        """The figures the explorer shows, under the keys of its headlines record."""
        g, s, o = self.care_gap_figures, self.support_ratio_figures, self.older_figures
        return {
            "vintage": self.vintage,
            "care_gap_start": g["start"], "care_gap_end": g["end"],
            "care_gap_start_year": g["start_year"], "care_gap_end_year": g["end_year"],
            "care_gap_note": g["note"],
            "support_ratio_start": s["start"], "support_ratio_end": s["end"],
            "support_ratio_start_year": s["start_year"], "support_ratio_end_year": s["end_year"],
            "support_ratio_note": s["note"],
            "older_people_end": o["end"], "older_end_year": o["end_year"],
        }


def projection_scenario(
    data: OfficialData,
    code: str,
    params: Params,
    vintage: str,
    carer_ages: Sequence[int],
    oldest_from: int,
) -> ProjectionScenario:
    """Support ratio, care-gap ratio and older population for an area in one vintage.

    The horizon is the latest of params' `projections.horizon_years` each series reaches.
    """
    dep, horizon = params.dependency, params.projections.horizon_years
    gap = care_gap_series(data, code, carer_ages, oldest_from, vintage)
    psr = support_ratio_series(data, code, params, vintage)
    older = older_population_series(data, code, vintage, (dep.older_age, oldest_from))
    mine = older[older["group"] == f"{dep.older_age}+"]
    return ProjectionScenario(
        vintage=vintage, care_gap=gap, support_ratio=psr, older=older,
        care_gap_figures=start_and_horizon(gap, horizon),
        support_ratio_figures=start_and_horizon(psr, horizon),
        older_figures=start_and_horizon(mine, horizon, "population"),
        older_age=dep.older_age)


# --------------------------------------------------------------------------------------------
# Breaks and SROI scenarios
# --------------------------------------------------------------------------------------------


def breaks_scenario(
    params: breaks.BreaksParams,
    *,
    share_at_risk: float | None = None,
    share_prevented: float | None = None,
    break_cost_per_carer: float | None = None,
    rehab_episode_cost: float | None = None,
    residential_cost_per_week: float | None = None,
) -> breaks.HealthBreakdownResult:
    """The health-breakdown proxy with some inputs changed (None keeps the params value).

    Inputs start from `params.health_breakdown_inputs()` (uplifted if params set a price year);
    changed values are validated like params (a share must lie within 0 to 1).
    """
    changes = {
        "share_at_risk": share_at_risk,
        "share_prevented": share_prevented,
        "break_cost_per_carer": break_cost_per_carer,
        "rehab_episode_cost": rehab_episode_cost,
        "residential_cost_per_week": residential_cost_per_week,
    }
    base = params.health_breakdown_inputs().model_dump()
    inputs = breaks.HealthBreakdownInputs.model_validate(
        base | {k: float(v) for k, v in changes.items() if v is not None})
    return breaks.health_breakdown_proxy(inputs)


def sroi_scenario(params: sroi.SroiParams, deadweight: float | None = None) -> sroi.SroiResult:
    """The SROI model with one deadweight applied to every outcome (None keeps each outcome's)."""
    if deadweight is not None:
        for outcome in params.outcomes:
            params = params.with_outcome_input(outcome.name, "deadweight", float(deadweight))
    return sroi.sroi(params)
