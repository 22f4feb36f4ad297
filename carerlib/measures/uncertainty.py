"""How sure can a commissioner be of a modelled saving? Sensitivity, break-even and Monte Carlo.

Return-on-investment figures for carers' breaks rest on assumptions nobody measured locally (how
many carers are at risk, whether a break prevents a breakdown, what an episode costs). A pack
shows them as scenarios, never as fact, with three tools:

* **One-way sensitivity**: move one input to its low and then its high value, holding the rest at
  their base values, and record the output. Sorted by swing (largest first), the table draws a
  tornado chart showing which assumptions matter most.
* **Break-even values**: the value of each input at which the net saving is exactly £0. Where the
  output is a straight line in the input (the net saving is linear in every input of the
  health-breakdown proxy) the answer is solved in closed form from two evaluations; otherwise it
  is found by bisection within a bracket.
* **Monte Carlo**: draw every uncertain input at once from a triangular or PERT distribution
  (low, most likely, high), run the model on all draws together as numpy arrays, and report the
  mean, a 90% interval and the probability that the net saving is above £0. A fixed seed makes the
  figures reproducible.

The generic tools take any model written as a function of named inputs; the
``health_breakdown_*`` functions apply them to the Baker Tilly proxy in
:mod:`carerlib.measures.breaks`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from carerlib.measures.breaks import (
    HEALTH_BREAKDOWN_INPUTS,
    PROPORTION_INPUTS,
    HealthBreakdownInputs,
    health_breakdown_arrays,
)
from carerlib.measures.ranges import Distribution, MonteCarloSettings, Range
from carerlib.measures.sroi import SroiParams, sroi

__all__ = [
    "Distribution",
    "MonteCarloResult",
    "MonteCarloSettings",
    "Range",
    "break_even",
    "draw_inputs",
    "health_breakdown_break_even",
    "health_breakdown_sensitivity",
    "one_way_sensitivity",
    "sample",
    "simulate_health_breakdown",
    "sroi_sensitivity",
    "summarise_draws",
]

Model = Callable[[Mapping[str, float]], float]


# --- drawing --------------------------------------------------------------------------------


def sample(spec: Range, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` draws from one range. A range with low == high gives that value every time."""
    low, mode, high = spec.low, spec.mode, spec.high
    if high == low:
        return np.full(size, float(mode))
    if spec.distribution == "triangular":
        return rng.triangular(low, mode, high, size)
    width = high - low
    alpha = 1.0 + 4.0 * (mode - low) / width
    beta = 1.0 + 4.0 * (high - mode) / width
    return low + width * rng.beta(alpha, beta, size)


def draw_inputs(
    ranges: Mapping[str, Range], draws: int, seed: int | np.random.Generator
) -> dict[str, np.ndarray]:
    """Independent draws for every ranged input, keyed by input name.

    Inputs are drawn in alphabetical order of name, so the figures for a given seed don't depend
    on the order the ranges were written in.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return {name: sample(ranges[name], draws, rng) for name in sorted(ranges)}


def summarise_draws(values: np.ndarray, interval: float = 0.90) -> dict[str, float]:
    """Mean, median and the central ``interval`` (default 90%: 5th to 95th percentile).

    Undefined draws (NaN, e.g. a return per £1 when nothing was spent) are left out; if every
    draw is undefined, so is every figure.
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return {"mean": np.nan, "median": np.nan, "low": np.nan, "high": np.nan}
    tail = (1.0 - interval) / 2.0
    with np.errstate(invalid="ignore"):  # infinite ratios (spend near £0) give inf, not noise
        low, median, high = np.quantile(values, [tail, 0.5, 1.0 - tail])
    return {
        "mean": float(np.mean(values)),
        "median": float(median),
        "low": float(low),
        "high": float(high),
    }


# --- one-way sensitivity and break-even ------------------------------------------------------


def _low_high(spec: Range | tuple[float, float]) -> tuple[float, float]:
    if isinstance(spec, Range):
        return spec.low, spec.high
    low, high = spec
    if low > high:
        raise ValueError(f"low ({low}) is above high ({high})")
    return float(low), float(high)


def one_way_sensitivity(
    model: Model,
    base: Mapping[str, float],
    ranges: Mapping[str, Range | tuple[float, float]],
) -> pd.DataFrame:
    """Output at each input's low and high value, others held at base; largest swing first.

    Columns: input, base_value, low, high, output_base, output_at_low, output_at_high, swing
    (absolute difference between the two outputs) — the rows of a tornado chart.
    """
    output_base = float(model(base))
    rows = []
    for name, spec in ranges.items():
        if name not in base:
            raise KeyError(f"'{name}' is not an input of the model; inputs: {sorted(base)}")
        low, high = _low_high(spec)
        at_low = float(model({**base, name: low}))
        at_high = float(model({**base, name: high}))
        rows.append(
            {
                "input": name,
                "base_value": float(base[name]),
                "low": low,
                "high": high,
                "output_base": output_base,
                "output_at_low": at_low,
                "output_at_high": at_high,
                "swing": abs(at_high - at_low),
            }
        )
    columns = [
        "input",
        "base_value",
        "low",
        "high",
        "output_base",
        "output_at_low",
        "output_at_high",
        "swing",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def break_even(
    model: Model,
    base: Mapping[str, float],
    name: str,
    *,
    target: float = 0.0,
    bracket: tuple[float, float] | None = None,
    tolerance: float = 1e-9,
    max_iterations: int = 200,
) -> float | None:
    """Value of input ``name`` at which ``model`` equals ``target`` (others held at base).

    If the output is linear in the input (checked at three points) the value comes from the
    straight line; otherwise by bisection within ``bracket``. ``None`` when the output doesn't
    depend on the input, or (non-linear case) the bracket doesn't straddle the target.
    """
    x0 = float(base[name])

    def f(x: float) -> float:
        return float(model({**base, name: x})) - target

    step = max(abs(x0), 1.0)
    f0, f1, f2 = f(x0), f(x0 + step), f(x0 + 2.0 * step)
    slope = (f1 - f0) / step
    scale = max(abs(f0), abs(f1), abs(f2), 1.0)
    if abs((f2 - f1) - (f1 - f0)) <= 1e-9 * scale:
        if abs(slope) <= 1e-12 * scale:
            return None
        return x0 - f0 / slope

    if bracket is None:
        bracket = (0.0, x0 + 10.0 * step)
    lo, hi = bracket
    f_lo, f_hi = f(lo), f(hi)
    if f_lo == 0.0:
        return lo
    if f_hi == 0.0:
        return hi
    if np.sign(f_lo) == np.sign(f_hi) or np.isnan(f_lo) or np.isnan(f_hi):
        return None
    for _ in range(max_iterations):
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        if f_mid == 0.0 or (hi - lo) <= tolerance * max(1.0, abs(mid)):
            return mid
        if np.sign(f_mid) == np.sign(f_lo):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --- the health-breakdown (Baker Tilly) proxy ------------------------------------------------

HealthOutput = Literal["net_saving", "return_per_pound", "gross_saving"]


def _health_model(inputs: HealthBreakdownInputs, output: str) -> tuple[Model, dict[str, float]]:

    base = {name: float(getattr(inputs, name)) for name in HEALTH_BREAKDOWN_INPUTS}

    def model(values: Mapping[str, float]) -> float:
        figures = health_breakdown_arrays(**values, breaks_for=inputs.breaks_for)
        return float(figures[output])

    return model, base


def health_breakdown_sensitivity(
    inputs: HealthBreakdownInputs,
    ranges: Mapping[str, Range | tuple[float, float]],
    output: HealthOutput = "net_saving",
) -> pd.DataFrame:
    """Tornado table for the health-breakdown proxy: ``output`` at each input's low and high."""
    model, base = _health_model(inputs, output)
    frame = one_way_sensitivity(model, base, ranges)
    frame.insert(1, "output", output)
    return frame


def health_breakdown_break_even(inputs: HealthBreakdownInputs) -> pd.DataFrame:
    """Value of each input at which the net saving is £0, others held at their base values.

    Columns: input, base_value, break_even_value, saving_when ("above"/"below": on which side
    of the break-even value the net saving is positive; "always"/"never" when no possible value
    breaks even), plausible (the break-even value is a possible value) and note.

    A break-even value outside an input's possible values (a cost, count or weeks below zero, a
    proportion above 1) is never shown as a number: ``break_even_value`` is NaN and ``note``
    says what the arithmetic gave and what it means (e.g. residential care would have to cost
    -£877 a week, so the saving survives any residential cost). It is NaN too when the net
    saving does not depend on the input, or is proportional to it.
    """

    model, base = _health_model(inputs, "net_saving")
    rows = []
    for name in HEALTH_BREAKDOWN_INPUTS:
        value = break_even(model, base, name)
        if value is None:
            rows.append((name, base[name], np.nan, "", False, "the net saving does not depend "
                         "on it"))
            continue
        if abs(value) <= 1e-9 * max(1.0, abs(base[name])):
            # Net saving is proportional to this input: it only "breaks even" at zero, which
            # says nothing about whether the scheme pays.
            rows.append((name, base[name], np.nan, "scales with it", False,
                         "the net saving is proportional to it"))
            continue
        slope = model({**base, name: value + 1.0}) - model({**base, name: value})
        side = "above" if slope > 0 else "below"
        limit = 1.0 if name in PROPORTION_INPUTS else np.inf
        if 0 <= value <= limit:
            rows.append((name, base[name], value, side, True, ""))
            continue
        saves = (side == "above") == (value < 0)  # every possible value lies on that side
        bound = "below zero" if value < 0 else "above 100%"
        rows.append((name, base[name], np.nan, "always" if saves else "never", False,
                     f"break-even would be {value:,.4g}, {bound}: breaks "
                     f"{'save' if saves else 'cost more than they save'} at any possible value"))
    return pd.DataFrame(rows, columns=["input", "base_value", "break_even_value", "saving_when",
                                       "plausible", "note"])


@dataclass(frozen=True)
class MonteCarloResult:
    """Monte Carlo draws and their summary for the health-breakdown proxy."""

    draws: pd.DataFrame
    """One row per draw: the inputs drawn, net_saving and return_per_pound."""
    summary: pd.DataFrame
    """One row per measure: deterministic (base-case) value, mean, median, low and high of the
    interval."""
    probability_net_saving_positive: float
    interval: float
    seed: int


def simulate_health_breakdown(
    inputs: HealthBreakdownInputs,
    settings: MonteCarloSettings,
) -> MonteCarloResult:
    """Monte Carlo for the health-breakdown proxy, fully vectorised.

    Inputs with a range in ``settings.ranges`` are drawn; the rest stay at their base values.
    """

    unknown = sorted(set(settings.ranges) - set(HEALTH_BREAKDOWN_INPUTS))
    if unknown:
        raise KeyError(f"no such input(s) {unknown}; inputs: {list(HEALTH_BREAKDOWN_INPUTS)}")
    n = settings.draws
    drawn = draw_inputs(settings.ranges, n, settings.seed)
    values = {
        name: drawn.get(name, np.full(n, float(getattr(inputs, name))))
        for name in HEALTH_BREAKDOWN_INPUTS
    }
    figures = health_breakdown_arrays(**values, breaks_for=inputs.breaks_for)
    base = health_breakdown_arrays(
        **{name: float(getattr(inputs, name)) for name in HEALTH_BREAKDOWN_INPUTS},
        breaks_for=inputs.breaks_for,
    )
    draws = pd.DataFrame(values)
    measures = ("net_saving", "return_per_pound", "gross_saving", "cost")
    for measure in measures:
        draws[measure] = np.broadcast_to(figures[measure], n)
    summary = pd.DataFrame(
        [
            {
                "measure": measure,
                "deterministic": float(base[measure]),
                **summarise_draws(draws[measure].to_numpy(), settings.interval),
            }
            for measure in measures
        ]
    )
    return MonteCarloResult(
        draws=draws,
        summary=summary,
        probability_net_saving_positive=float(np.mean(draws["net_saving"].to_numpy() > 0)),
        interval=settings.interval,
        seed=settings.seed,
    )


# --- SROI -------------------------------------------------------------------------------------


def sroi_sensitivity(params: SroiParams) -> pd.DataFrame:
    """Tornado table for the SROI ratio over the ranges listed in ``params.sensitivity``.

    Columns: outcome, input, base_value, low, high, ratio_base, ratio_at_low, ratio_at_high,
    swing; largest swing first.
    """

    ratio_base = sroi(params).ratio
    rows = []
    for spec in params.sensitivity:
        base_value = getattr(params.outcome(spec.outcome), spec.input)
        at_low = sroi(params.with_outcome_input(spec.outcome, spec.input, spec.low)).ratio
        at_high = sroi(params.with_outcome_input(spec.outcome, spec.input, spec.high)).ratio
        rows.append(
            {
                "outcome": spec.outcome,
                "input": spec.input,
                "base_value": base_value,
                "low": spec.low,
                "high": spec.high,
                "ratio_base": ratio_base,
                "ratio_at_low": at_low,
                "ratio_at_high": at_high,
                "swing": abs(at_high - at_low),
            }
        )
    columns = [
        "outcome",
        "input",
        "base_value",
        "low",
        "high",
        "ratio_base",
        "ratio_at_low",
        "ratio_at_high",
        "swing",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
