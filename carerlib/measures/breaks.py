"""Carers' breaks: money committed, breaks it buys, and modelled returns on the spend.

Four pieces a commissioner meets in the source documents:

* **Financial commitments and indicative breaks** (North Essex 2012/13 layout, source 000): per
  organisation the money for breaks, for other carer support, the total, and the number of
  breaks the breaks money buys at a unit price: budget / (hourly rate x hours per break), e.g.
  £13.50 x 4 hours = £54 a break.
* **Health-breakdown proxy** (Baker Tilly for the Princess Royal Trust for Carers, 2011, as used
  in the Southend joint carers strategy 2013, source 002 §6 and theme 5): a break that prevents a
  carer's health breakdown avoids a rehabilitation episode for the carer and residential care for
  the person they look after meanwhile.
* **Cost avoidance** (Royal Borough of Kingston, source 003): per family, the cost of the placement
  the cared-for person would need without respite, less the cost of the respite.
* **Reference returns** reported by other areas, to set a local model beside.

All of these are modelled scenarios: the DH demonstrator sites found precise measurement of
savings was not possible (002 §6), so packs present them as such, with :mod:`carerlib.uncertainty`.

The module also holds :class:`BreaksParams`, the validated ``breaks:`` section of the parameter
file, and :func:`load_breaks_params`, which reports a bad value as a one-line
:class:`~carerlib.errors.ParamsError` naming the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from carerlib.errors import ParamsError, StrictModel
from carerlib.measures.prices import (
    Cost,
    CostFigure,
    CountFigure,
    KeyedProblem,
    NonNegative,
    PositiveFigure,
    PriceIndex,
    PriceYear,
    Proportion,
    ProportionFigure,
)
from carerlib.measures.ranges import MonteCarloSettings
from carerlib.measures.sroi import SroiParams

__all__ = [
    "HEALTH_BREAKDOWN_INPUTS",
    "PROPORTION_INPUTS",
    "STRATEGY_PRINTED_DAMAGE",
    "STRATEGY_TYPO_NOTE",
    "BreakRate",
    "BreaksParams",
    "CommitmentsParams",
    "CostAvoidanceParams",
    "CostAvoidanceRow",
    "HealthBreakdownInputs",
    "HealthBreakdownParams",
    "HealthBreakdownResult",
    "Organisation",
    "cost_avoidance",
    "financial_commitments",
    "health_breakdown_arrays",
    "health_breakdown_proxy",
    "health_breakdown_working",
    "indicative_breaks",
    "load_breaks_params",
    "reference_returns",
]

# --- financial commitments and indicative breaks ------------------------------------------------


def indicative_breaks(budget: float, hourly_rate: float, hours_per_break: float) -> float:
    """Number of breaks a budget buys: budget / (hourly rate x hours per break).

    Not rounded: round down for display if whole breaks are wanted.
    """
    if hourly_rate <= 0 or hours_per_break <= 0:
        raise ValueError(
            f"hourly rate and hours per break must both be above 0, got £{hourly_rate} "
            f"and {hours_per_break} hours"
        )
    return budget / (hourly_rate * hours_per_break)


class Organisation(StrictModel):
    """One row of a financial commitments table: money for breaks and for other carer support."""

    name: str = Field(min_length=1)
    breaks: Cost
    other: Cost
    cluster: str | None = None
    """Group the organisation is part of (e.g. a PCT cluster); groups get a subtotal row."""
    note: str | None = None


class BreakRate(StrictModel):
    """The unit a break is counted in: an hourly rate for replacement care and hours per break."""

    hourly_rate: CostFigure
    hours_per_break: PositiveFigure

    @property
    def cost_per_break(self) -> float:
        """Hourly rate x hours per break (£13.50 x 4 = £54 in North Essex 2012/13)."""
        return self.hourly_rate.value * self.hours_per_break.value


class CommitmentsParams(StrictModel):
    """A financial commitments table: the organisations and where the figures came from."""

    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    price_year: PriceYear
    organisations: list[Organisation] = Field(min_length=1)
    subtotal_position: Literal["before", "after"] = "before"
    note: str | None = None


def financial_commitments(
    organisations: Iterable[Organisation],
    hourly_rate: float,
    hours_per_break: float,
    *,
    subtotal_position: Literal["before", "after"] = "before",
    total_label: str = "Total",
) -> pd.DataFrame:
    """Financial commitments table with indicative breaks, cluster subtotals and a grand total.

    Columns: organisation, cluster, breaks, other, total, indicative_breaks, row_type
    ("organisation", "subtotal" or "total"). Each cluster's subtotal row is labelled with the
    cluster name and sits before its members (as in the North Essex table) or after them.
    The grand total counts each organisation once.
    """
    organisations = list(organisations)

    def row(name: str, cluster: str | None, breaks: float, other: float, kind: str) -> dict:
        return {
            "organisation": name,
            "cluster": cluster,
            "breaks": breaks,
            "other": other,
            "total": breaks + other,
            "indicative_breaks": indicative_breaks(breaks, hourly_rate, hours_per_break),
            "row_type": kind,
        }

    rows: list[dict[str, Any]] = []
    done: set[str] = set()
    for org in organisations:
        if org.cluster is None:
            rows.append(row(org.name, None, org.breaks, org.other, "organisation"))
            continue
        if org.cluster in done:
            continue
        done.add(org.cluster)
        members = [o for o in organisations if o.cluster == org.cluster]
        member_rows = [row(o.name, o.cluster, o.breaks, o.other, "organisation") for o in members]
        subtotal = row(
            org.cluster,
            org.cluster,
            sum(o.breaks for o in members),
            sum(o.other for o in members),
            "subtotal",
        )
        if subtotal_position == "before":
            rows.extend([subtotal, *member_rows])
        else:
            rows.extend([*member_rows, subtotal])
    rows.append(
        row(
            total_label,
            None,
            sum(o.breaks for o in organisations),
            sum(o.other for o in organisations),
            "total",
        )
    )
    columns = [
        "organisation",
        "cluster",
        "breaks",
        "other",
        "total",
        "indicative_breaks",
        "row_type",
    ]
    return pd.DataFrame(rows, columns=columns)


# --- health-breakdown proxy (Baker Tilly) -------------------------------------------------------

HEALTH_BREAKDOWN_INPUTS: tuple[str, ...] = (
    "cohort",
    "share_at_risk",
    "share_prevented",
    "rehab_episode_cost",
    "rehab_weeks",
    "residential_cost_per_week",
    "break_cost_per_carer",
)
"""The numeric inputs of the proxy, in the order the working is laid out."""

PROPORTION_INPUTS: frozenset[str] = frozenset({"share_at_risk", "share_prevented"})
"""Inputs that are shares between 0 and 1 (all other inputs are costs or counts, at least 0)."""

STRATEGY_PRINTED_DAMAGE = 6355.0
"""Damage avoided per carer as printed in the Southend strategy's sum (a typo; see below)."""

STRATEGY_TYPO_NOTE = (
    "The Southend joint carers strategy (2013, §6 and theme 5) prints the sum as "
    "'40 carers x £6,355 = £255,520'. 40 x £6,355 is £254,200, not £255,520; the total "
    "matches 40 x £6,388, the damage avoided per carer given a few lines earlier "
    "(£4,254 + 2 weeks x £1,067). £6,355 is a typo: this pack uses £6,388."
)

BreaksFor = Literal["at_risk", "cohort"]


class HealthBreakdownInputs(StrictModel):
    """Plain numbers for the health-breakdown proxy.

    ``breaks_for`` says who gets a break: ``"at_risk"`` (only the carers judged at risk — what
    the Southend strategy costs: 40 breaks x £2,500) or ``"cohort"`` (every carer in the cohort,
    when those at risk can't be picked out in advance). ``share_prevented`` is the share of
    at-risk carers given a break whose breakdown it actually prevents; the strategy assumes all
    (1.0).
    """

    cohort: NonNegative
    share_at_risk: Proportion
    rehab_episode_cost: Cost
    rehab_weeks: NonNegative
    residential_cost_per_week: Cost
    break_cost_per_carer: Cost
    share_prevented: Proportion = 1.0
    breaks_for: BreaksFor = "at_risk"


class HealthBreakdownParams(StrictModel):
    """The proxy's inputs as sourced figures (each with its source, costs with a price year)."""

    cohort: CountFigure
    share_at_risk: ProportionFigure
    share_prevented: ProportionFigure
    rehab_episode_cost: CostFigure
    rehab_weeks: CountFigure
    residential_cost_per_week: CostFigure
    break_cost_per_carer: CostFigure
    breaks_for: BreaksFor = "at_risk"
    note: str | None = None

    def costs(self) -> dict[str, CostFigure]:
        """The money inputs, by name (for uplifting and listing sources)."""
        return {
            "rehab_episode_cost": self.rehab_episode_cost,
            "residential_cost_per_week": self.residential_cost_per_week,
            "break_cost_per_carer": self.break_cost_per_carer,
        }

    def inputs(
        self, index: PriceIndex | None = None, price_year: str | None = None
    ) -> HealthBreakdownInputs:
        """Plain inputs for :func:`health_breakdown_proxy`.

        With an ``index`` and ``price_year`` every cost is first uplifted to that price year;
        without them the figures are used as published (which reproduces the strategy's sums).
        """
        values: dict[str, Any] = {
            name: getattr(self, name).value for name in HEALTH_BREAKDOWN_INPUTS
        }
        if (index is None) != (price_year is None):
            raise ValueError("give both a price index and a price year, or neither")
        if index is not None and price_year is not None:
            for name, figure in self.costs().items():
                values[name] = figure.value * index.factor(figure.price_year, price_year)
        return HealthBreakdownInputs(**values, breaks_for=self.breaks_for)


def health_breakdown_arrays(
    cohort: Any,
    share_at_risk: Any,
    share_prevented: Any,
    rehab_episode_cost: Any,
    rehab_weeks: Any,
    residential_cost_per_week: Any,
    break_cost_per_carer: Any,
    breaks_for: BreaksFor = "at_risk",
) -> dict[str, Any]:
    """Every line of the proxy, element-wise: numbers in, numbers out; arrays in, arrays out.

    * damage avoided per carer = rehab episode cost + rehab weeks x residential cost per week
    * carers at risk = cohort x share at risk
    * gross saving = carers at risk x share prevented x damage avoided per carer
    * carers given a break = carers at risk (or the whole cohort)
    * cost = carers given a break x break cost per carer
    * net saving = gross saving - cost; return per £1 = gross saving / cost (NaN if no cost)
    * break-even share = break cost per carer / damage avoided per carer: the share of carers
      given a break whose breakdown must be prevented for the breaks to pay for themselves
    """
    if breaks_for not in ("at_risk", "cohort"):
        raise ValueError(f"breaks_for must be 'at_risk' or 'cohort', got {breaks_for!r}")
    damage = np.add(rehab_episode_cost, np.multiply(rehab_weeks, residential_cost_per_week))
    at_risk = np.multiply(cohort, share_at_risk)
    gross = at_risk * np.multiply(share_prevented, damage)
    given = at_risk if breaks_for == "at_risk" else np.multiply(cohort, 1.0)
    cost = given * np.asarray(break_cost_per_carer, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(cost > 0, gross / np.where(cost > 0, cost, 1.0), np.nan)
        break_even = np.where(
            damage > 0, break_cost_per_carer / np.where(damage > 0, damage, 1.0), np.nan
        )
    figures = {
        "damage_avoided_per_carer": damage,
        "carers_at_risk": at_risk,
        "gross_saving": gross,
        "carers_given_breaks": given,
        "cost": cost,
        "net_saving": gross - cost,
        "return_per_pound": ratio,
        "break_even_share_at_risk": break_even,
    }
    return {k: (v.item() if np.ndim(v) == 0 else v) for k, v in figures.items()}


@dataclass(frozen=True)
class HealthBreakdownResult:
    """Each line of the health-breakdown proxy for one set of inputs."""

    inputs: HealthBreakdownInputs
    damage_avoided_per_carer: float
    """Rehabilitation episode + residential care for the cared-for person meanwhile (£6,388)."""
    carers_at_risk: float
    gross_saving: float
    carers_given_breaks: float
    cost: float
    net_saving: float
    return_per_pound: float
    """Gross saving per £1 spent on breaks (2.56 in the strategy's example)."""
    break_even_share_at_risk: float
    """Break cost / damage avoided (39.1%): the share of carers given a break whose breakdown a
    break must prevent for the saving to cover the cost. With breaks for the whole cohort this is
    the share of the cohort that must be at risk; with breaks only for those judged at risk, it
    is the share of them who really were, and are spared a breakdown."""


def health_breakdown_proxy(
    inputs: HealthBreakdownInputs | HealthBreakdownParams,
) -> HealthBreakdownResult:
    """Run the health-breakdown proxy (Baker Tilly 2011, as used by Southend 2013)."""
    if isinstance(inputs, HealthBreakdownParams):
        inputs = inputs.inputs()
    figures = health_breakdown_arrays(
        **{name: getattr(inputs, name) for name in HEALTH_BREAKDOWN_INPUTS},
        breaks_for=inputs.breaks_for,
    )
    return HealthBreakdownResult(inputs=inputs, **{k: float(v) for k, v in figures.items()})


def break_even_curve(inputs: HealthBreakdownInputs, points: int = 101) -> pd.DataFrame:
    """Net saving against the share of carers at risk, for breaks to the at-risk carers only and
    for breaks to the whole cohort (the scenario in which 39.1% is the break-even share)."""
    share = np.round(np.linspace(0, 1, points), 12)  # 0.3, not 0.30000000000000004
    frames = []
    for breaks_for, label in (("at_risk", "breaks for carers judged at risk"),
                              ("cohort", "breaks for the whole cohort")):
        values = {k: getattr(inputs, k) for k in HEALTH_BREAKDOWN_INPUTS}
        values["share_at_risk"] = share
        result = health_breakdown_arrays(**values, breaks_for=breaks_for)
        frames.append(pd.DataFrame({"share_at_risk": share, "net_saving": result["net_saving"],
                                    "scenario": label}))
    return pd.concat(frames, ignore_index=True)


def cohort_break_even_share(result: HealthBreakdownResult) -> float | None:
    """Share of the cohort at risk at which breaks for the whole cohort pay for themselves:
    break cost / (share prevented x damage avoided); None if no share up to 100% does."""
    prevented = result.inputs.share_prevented
    if prevented <= 0 or result.damage_avoided_per_carer <= 0:
        return None
    share = result.inputs.break_cost_per_carer / (prevented * result.damage_avoided_per_carer)
    return share if 0 < share <= 1 else None


def _money(x: float) -> str:
    return f"£{x:,.0f}" if float(x).is_integer() else f"£{x:,.2f}"


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def health_breakdown_working(result: HealthBreakdownResult) -> pd.DataFrame:
    """The proxy worked line by line for the pack: step, formula (with the figures), value, unit.

    Values are unrounded; round for display (return per £1 to 2 decimals, shares to 1 dp of %).
    """
    i = result.inputs
    given = "carers at risk" if i.breaks_for == "at_risk" else "whole cohort"
    prevented = "" if i.share_prevented == 1 else f" × {i.share_prevented:.0%} prevented"
    rows = [
        (
            "Damage avoided per carer",
            f"{_money(i.rehab_episode_cost)} rehabilitation episode + {_num(i.rehab_weeks)} weeks"
            f" × {_money(i.residential_cost_per_week)} residential care a week",
            result.damage_avoided_per_carer,
            "£",
        ),
        (
            "Carers at risk of a health breakdown",
            f"{_num(i.cohort)} carers × {i.share_at_risk:.0%}",
            result.carers_at_risk,
            "carers",
        ),
        (
            "Gross saving",
            f"{_num(result.carers_at_risk)} carers{prevented} × "
            f"{_money(result.damage_avoided_per_carer)}",
            result.gross_saving,
            "£",
        ),
        (
            "Carers given a break",
            given,
            result.carers_given_breaks,
            "carers",
        ),
        (
            "Cost of breaks",
            f"{_num(result.carers_given_breaks)} breaks × {_money(i.break_cost_per_carer)}",
            result.cost,
            "£",
        ),
        (
            "Net saving",
            f"{_money(result.gross_saving)} − {_money(result.cost)}",
            result.net_saving,
            "£",
        ),
        (
            "Return per £1 spent",
            f"{_money(result.gross_saving)} ÷ {_money(result.cost)}",
            result.return_per_pound,
            "£ per £1",
        ),
        (
            "Break-even share of carers given a break whose breakdown is prevented",
            f"{_money(i.break_cost_per_carer)} ÷ {_money(result.damage_avoided_per_carer)}",
            result.break_even_share_at_risk,
            "share",
        ),
    ]
    return pd.DataFrame(rows, columns=["step", "formula", "value", "unit"])


# --- cost avoidance (Kingston) ------------------------------------------------------------------


class CostAvoidanceRow(StrictModel):
    """A group of families: what their care would cost without respite, and what respite costs."""

    service: str = Field(min_length=1)
    families: NonNegative
    alternative_cost_per_family: Cost
    """Yearly cost of the placement needed without respite (residential, supported living)."""
    respite_cost_per_family: Cost
    """Yearly cost of the respite service per family."""
    source: str = Field(min_length=1)
    price_year: PriceYear
    note: str | None = None


class CostAvoidanceParams(StrictModel):
    """Cost avoidance rows and a note on where the method and figures came from."""

    rows: list[CostAvoidanceRow] = Field(min_length=1)
    source: str = Field(min_length=1)
    note: str | None = None


def cost_avoidance(rows: Iterable[CostAvoidanceRow]) -> pd.DataFrame:
    """Cost avoided = families x (alternative placement cost - respite cost), per row and total.

    Columns: service, families, alternative_cost_per_family, respite_cost_per_family,
    avoided_per_family, cost_avoided, row_type ("service" or "total").
    """
    records = []
    for r in rows:
        avoided = r.alternative_cost_per_family - r.respite_cost_per_family
        records.append(
            {
                "service": r.service,
                "families": r.families,
                "alternative_cost_per_family": r.alternative_cost_per_family,
                "respite_cost_per_family": r.respite_cost_per_family,
                "avoided_per_family": avoided,
                "cost_avoided": r.families * avoided,
                "row_type": "service",
            }
        )
    frame = pd.DataFrame(records)
    total = {
        "service": "Total",
        "families": frame["families"].sum(),
        "alternative_cost_per_family": np.nan,
        "respite_cost_per_family": np.nan,
        "avoided_per_family": np.nan,
        "cost_avoided": frame["cost_avoided"].sum(),
        "row_type": "total",
    }
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


# --- reference returns ----------------------------------------------------------------------

_REFERENCE_RETURNS: tuple[dict[str, Any], ...] = (
    {
        "scheme": "Family Carers' Prescription (breaks via GP referral)",
        "provider": "Caring Together",
        "investment": 400_000.0,
        "value": 1_700_000.0,
        "ratio": 4.25,
        "measure": "estimated saving from avoided hospital and residential admissions, a year",
        "period": "2018/19",
        "kind": "cashable",
        "source": "Strategic commissioning - adult carers (003), Family Carers' Prescription",
    },
    {
        "scheme": "Five carers' centres (SROI evaluation)",
        "provider": "Baker Tilly for the Princess Royal Trust for Carers",
        "investment": 5_000_000.0,
        "value": 73_000_000.0,
        "ratio": 14.6,
        "measure": "social return: wider social value, not money a commissioner can release",
        "period": "2011",
        "kind": "social",
        "source": "Southend joint carers strategy 2013 (002), §6",
    },
    {
        "scheme": "Overnight and day respite, 27 families",
        "provider": "Royal Borough of Kingston upon Thames",
        "investment": np.nan,
        "value": 1_000_000.0,
        "ratio": np.nan,
        "measure": "cost avoidance a year (over £1m): placements avoided less cost of respite",
        "period": "not stated",
        "kind": "cashable",
        "source": "Strategic commissioning - adult carers (003), Kingston respite review",
    },
    {
        "scheme": "Carers' break prescriptions from 22 GP practices",
        "provider": "Crossroads Care Cambridge with NHS Cambridge",
        "investment": np.nan,
        "value": 0.32,
        "ratio": np.nan,
        "measure": "share of prescriptions that GPs judged prevented a hospital admission",
        "period": "not stated",
        "kind": "other",
        "source": "Southend joint carers strategy 2013 (002), theme 5",
    },
    {
        "scheme": "Hospital carers support workers",
        "provider": "Bristol & South Gloucestershire Carers Centre",
        "investment": np.nan,
        "value": 300.0,
        "ratio": np.nan,
        "measure": "bed days saved, 91 families supported over 18 months",
        "period": "18 months",
        "kind": "other",
        "source": "Southend joint carers strategy 2013 (002), commissioning theme table",
    },
    {
        "scheme": "Carers' breaks return-on-investment tool",
        "provider": "Carers Trust with the New Economics Foundation (nef)",
        "investment": 1.0,
        "value": 1.70,
        "ratio": 1.70,
        "measure": "modelled return to the commissioner per £1 spent on breaks",
        "period": "not stated",
        "kind": "cashable",
        "source": "Carers Trust with nef, carers' breaks return-on-investment tool (not among "
                  "the source documents: check the published tool before quoting)",
    },
)


def reference_returns() -> pd.DataFrame:
    """Returns reported by other areas, to set beside a local model.

    Columns: scheme, provider, investment, value, ratio, measure, period, kind, source. ``kind``
    is "cashable" (money a commissioner could release or avoid spending), "social" (wider social
    value) or "other" (activity measures such as bed days). These are each scheme's own claims,
    measured in different ways: compare with care.
    """
    frame = pd.DataFrame(list(_REFERENCE_RETURNS))
    frame["unit"] = frame["provider"].map(_REFERENCE_UNITS).fillna("£")
    return frame


#: The unit of each reference return's ``value`` (default "£"), so a table never formats bed
#: days or a share as money.
_REFERENCE_UNITS = {
    "Crossroads Care Cambridge with NHS Cambridge": "share",
    "Bristol & South Gloucestershire Carers Centre": "bed days",
    "Carers Trust with the New Economics Foundation (nef)": "£ per £1",
}


def reference_returns_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The reference returns laid out with one unit per column: investment (£), return (£),
    return per £1, and any other result in its own words (a share, bed days)."""
    money = frame["unit"] == "£"
    other = frame["unit"].isin(["share", "bed days"])
    per_pound = frame["ratio"].where(frame["ratio"].notna(), frame["value"].where(
        frame["unit"] == "£ per £1"))
    words = [f"{v:.0%} of prescriptions" if u == "share" else f"{v:,.0f} {u}"
             for v, u in zip(frame["value"], frame["unit"], strict=True)]
    return pd.DataFrame({
        "scheme": frame["scheme"], "provider": frame["provider"],
        "investment (£)": frame["investment"].where(money),
        "return (£)": frame["value"].where(money),
        "return per £1": per_pound,
        "other result": [w if o else "" for w, o in zip(words, other, strict=True)],
        "what was measured": frame["measure"],
        "period (as published)": frame["period"].replace({"not stated": ""}),
        "kind": frame["kind"], "source": frame["source"]})


# --- parameters ---------------------------------------------------------------------------------


def _price_years(obj: Any, path: str = "") -> Iterable[tuple[str, str]]:
    """Every (dotted path, price year) in a parameter model, for checking against the index."""
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            where = f"{path}.{name}" if path else name
            if name == "price_year" and isinstance(value, str):
                yield where, value
            else:
                yield from _price_years(value, where)
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            yield from _price_years(item, f"{path}.{i}")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _price_years(item, f"{path}.{key}")


class AreaScenarioParams(StrictModel):
    """How an area's own breaks scenario is sized from its census: carers in ``band`` (hours a
    week, Census 2021) times ``share_reached``; the share at risk and the unit costs are the
    health-breakdown proxy's."""

    band: Literal["up_to_19", "20_to_49", "50_plus"] = "50_plus"
    share_reached: ProportionFigure


class AreaScenario(NamedTuple):
    """An area's breaks scenario: the proxy's result and the whole numbers it was sized from."""

    carers_in_band: int
    cohort: int
    at_risk: int
    result: HealthBreakdownResult


def area_scenario(inputs: HealthBreakdownInputs, carers_in_band: float,
                  share_reached: float) -> AreaScenario:
    """The proxy for an area's cohort: ``carers_in_band x share_reached`` carers, of whom the
    proxy's share are at risk, both rounded to whole carers (the share at risk is then the
    ratio of the two, so every figure in a sentence multiplies out exactly)."""
    if carers_in_band < 0:
        raise ValueError(f"carers can't be negative, got {carers_in_band}")
    cohort = round(carers_in_band * share_reached)
    at_risk = round(cohort * inputs.share_at_risk)
    share = at_risk / cohort if cohort else 0.0
    sized = inputs.model_copy(update={"cohort": float(cohort), "share_at_risk": share})
    return AreaScenario(round(carers_in_band), cohort, at_risk, health_breakdown_proxy(sized))


class BreaksParams(StrictModel):
    """The ``breaks:`` section of the parameter file, validated.

    Every cost's price year must be in ``price_index``. If ``price_year`` is set, costs are
    uplifted to it by :meth:`health_breakdown_inputs`; leave it empty to use the figures as
    published.
    """

    note: str | None = None
    price_index: PriceIndex
    price_year: PriceYear | None = None
    break_rate: BreakRate
    commitments: CommitmentsParams | None = None  # an area's own, in params/areas/CODE.yaml
    health_breakdown: HealthBreakdownParams
    area_scenario: AreaScenarioParams | None = None
    cost_avoidance: CostAvoidanceParams
    sroi: SroiParams
    monte_carlo: MonteCarloSettings

    @field_validator(
        "price_year", "break_rate", "commitments", "health_breakdown", "cost_avoidance", "sroi"
    )
    @classmethod
    def _years_in_index(cls, value: Any, info: ValidationInfo) -> Any:
        index: PriceIndex | None = info.data.get("price_index")
        if index is None:
            return value
        found = [("", value)] if isinstance(value, str) else _price_years(value)
        for where, year in found:
            if not index.covers(year):
                raise KeyedProblem(
                    where,
                    f"price year '{year}' is not in the price index table "
                    f"({index.years_text()}); add it to price_index.values",
                )
        return value

    @field_validator("monte_carlo")
    @classmethod
    def _ranges_fit_inputs(cls, settings: MonteCarloSettings) -> MonteCarloSettings:
        for name, spec in settings.ranges.items():
            if name not in HEALTH_BREAKDOWN_INPUTS:
                raise KeyedProblem(
                    f"ranges.{name}",
                    f"unknown input '{name}'; the inputs are " + ", ".join(HEALTH_BREAKDOWN_INPUTS),
                )
            if spec.low < 0:
                raise KeyedProblem(f"ranges.{name}.low", f"can't be negative, got {spec.low}")
            if name in PROPORTION_INPUTS and spec.high > 1:
                raise KeyedProblem(
                    f"ranges.{name}.high", f"a proportion can't exceed 1, got {spec.high}"
                )
        return settings

    def health_breakdown_inputs(self) -> HealthBreakdownInputs:
        """Inputs for the proxy, uplifted to ``price_year`` when one is set."""
        if self.price_year is None:
            return self.health_breakdown.inputs()
        return self.health_breakdown.inputs(self.price_index, self.price_year)

    def monte_carlo_settings(self) -> MonteCarloSettings:
        """Monte Carlo (and tornado) ranges in the same prices as the proxy's inputs: when a
        reporting price year is set, each cost range moves by its cost's uplift factor."""
        if self.price_year is None:
            return self.monte_carlo
        costs = self.health_breakdown.costs()
        ranges = {}
        for name, spec in self.monte_carlo.ranges.items():
            if name in costs:
                factor = self.price_index.factor(costs[name].price_year, self.price_year)
                spec = spec.model_copy(update={"low": spec.low * factor,
                                               "mode": spec.mode * factor,
                                               "high": spec.high * factor})
            ranges[name] = spec
        return self.monte_carlo.model_copy(update={"ranges": ranges})

    def commitments_table(self) -> pd.DataFrame:
        """The financial commitments table at this file's break rate."""
        if self.commitments is None:
            raise ValueError("no commitments in these params (breaks.commitments)")
        return financial_commitments(
            self.commitments.organisations,
            self.break_rate.hourly_rate.value,
            self.break_rate.hours_per_break.value,
            subtotal_position=self.commitments.subtotal_position,
        )


def load_breaks_params(mapping: Mapping[str, Any], file: str = "<params>") -> BreaksParams:
    """Validate the ``breaks:`` section (or a whole params mapping that contains it).

    A bad value raises :class:`ParamsError` with one line such as
    ``params/defaults.yaml: breaks.health_breakdown.share_at_risk.value: must be a proportion
    between 0 and 1 (e.g. 0.4 for 40%), got 1.4``.
    """
    if not isinstance(mapping, Mapping):
        raise ParamsError(file, "breaks", f"expected a mapping, got {type(mapping).__name__}")
    section: Any = mapping
    if "breaks" in mapping:
        section = mapping["breaks"]
        if not isinstance(section, Mapping):
            raise ParamsError(file, "breaks", "expected a mapping of settings")
    try:
        return BreaksParams.model_validate(dict(section))
    except ValidationError as exc:
        raise ParamsError.from_validation(file, exc, prefix=("breaks",)) from exc
