"""Small statistical building blocks shared by the measures (vectorised over numpy arrays)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

Z_95 = 1.959963984540054


def z_value(confidence: float = 0.95) -> float:
    """Two-sided normal quantile for a confidence level (0.95 -> 1.96)."""
    from statistics import NormalDist

    if not 0 < confidence < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(
    count: ArrayLike, total: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion count/total (the Fingertips/PHE method).

    Returns (lower, upper) as proportions; NaN where total is zero.
    """
    k = np.asarray(count, dtype=float)
    n = np.asarray(total, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = p + z * z / (2 * n)
        spread = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        denom = 1 + z * z / n
        lower = (centre - spread) / denom
        upper = (centre + spread) / denom
    return lower, upper


def compare_to(lower: ArrayLike, upper: ArrayLike, comparator: ArrayLike) -> np.ndarray:
    """Benchmark flag: 'higher'/'lower' if the interval excludes the comparator, else 'similar'."""
    lower, upper, comparator = (np.asarray(x, dtype=float) for x in (lower, upper, comparator))
    return np.select(
        [lower > comparator, upper < comparator, np.isnan(comparator)],
        ["higher", "lower", "not compared"],
        default="similar",
    )
