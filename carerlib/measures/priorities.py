"""Prioritising commissioning intentions: a weighted score of each intention against the five
criteria the Southend strategy set out (service benefits; financial and economic impact;
sustainability; impact on people; effectiveness in reducing demand)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field, model_validator

from carerlib.errors import StrictModel

CRITERIA = ("service_benefits", "financial_impact", "sustainability", "impact_on_people",
            "effectiveness")
CRITERIA_LABELS = {
    "service_benefits": "Service benefits",
    "financial_impact": "Financial and economic impact",
    "sustainability": "Sustainability",
    "impact_on_people": "Impact on people",
    "effectiveness": "Effectiveness (reduced demand)",
}


class Intention(StrictModel):
    name: str = Field(min_length=1)
    scores: dict[str, float]

    @model_validator(mode="after")
    def _known_criteria(self) -> Intention:
        unknown = sorted(set(self.scores) - set(CRITERIA))
        missing = sorted(set(CRITERIA) - set(self.scores))
        if unknown:
            raise ValueError(f"unknown criterion {unknown[0]!r} (use {', '.join(CRITERIA)})")
        if missing:
            raise ValueError(f"no score for criterion {missing[0]!r}")
        return self


class Priorities(StrictModel):
    source: str
    note: str = ""
    scale: tuple[float, float] = (0, 5)
    weights: dict[str, float]
    intentions: list[Intention] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Priorities:
        if set(self.weights) != set(CRITERIA):
            raise ValueError(f"weights must be given for exactly {', '.join(CRITERIA)}")
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        low, high = self.scale
        for intention in self.intentions:
            for criterion, score in intention.scores.items():
                if not low <= score <= high:
                    raise ValueError(f"{intention.name}: score for {criterion} is {score}, "
                                     f"outside the scale {low:g}-{high:g}")
        return self


def prioritise(priorities: Priorities) -> pd.DataFrame:
    """Each intention's scores, weighted total (weights normalised to sum to 1) and rank."""
    weights = pd.Series(priorities.weights) / sum(priorities.weights.values())
    scores = pd.DataFrame([{"intention": i.name, **i.scores} for i in priorities.intentions])
    scores["weighted_score"] = scores[list(CRITERIA)].mul(weights[list(CRITERIA)]).sum(axis=1)
    scores["rank"] = scores["weighted_score"].rank(ascending=False, method="min").astype(int)
    scores = scores.sort_values(["rank", "intention"]).reset_index(drop=True)
    return scores.rename(columns=CRITERIA_LABELS)
