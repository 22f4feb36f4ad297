"""Plain-English sentences for commissioners. Figures come from carerlib's calculations; the
thresholds and the "what this means for commissioning" wording come from params."""

from __future__ import annotations

from carerlib.pack.report import Statement
from carerlib.params import FlagWording, ThresholdWording


def number(value: float) -> str:
    return f"{value:,.0f}"


def percent(value: float, places: int = 1) -> str:
    return f"{value:.{places}%}"


def money(value: float) -> str:
    """£ with a sensible unit: £297.0m, £5.71m, £54."""
    if abs(value) >= 1e9:
        return f"£{value / 1e9:,.2f}bn"
    if abs(value) >= 1e7:
        return f"£{value / 1e6:,.1f}m"
    if abs(value) >= 1e6:
        return f"£{value / 1e6:,.2f}m"
    return f"£{value:,.0f}"


def prevalence_statement(area: str, carers: int, prevalence: float, denominator: str,
                         comparator: str | None, comparator_prevalence: float | None, flag: str,
                         wording: FlagWording, source: str) -> Statement:
    """Prevalence against the national figure; the national area itself is not compared."""
    figure = (f"{number(carers)} {denominator} in {area} provide unpaid care: "
              f"{percent(prevalence)}")
    if comparator is None:
        return Statement(f"{figure}.", wording.national, source)
    relation = {"higher": "higher than", "lower": "lower than", "similar": "similar to"}[flag]
    return Statement(f"{figure}, {relation} {comparator} ({percent(comparator_prevalence)}).",
                     getattr(wording, flag), source)


def threshold_statement(figure: str, value: float, wording: ThresholdWording,
                        source: str) -> Statement:
    meaning = wording.above if value > wording.threshold else wording.below
    return Statement(figure, meaning, source)
