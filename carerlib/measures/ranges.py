"""Uncertain inputs as ranges (low, most likely, high) and the Monte Carlo set-up that draws
them. Shared by the breaks parameters and the uncertainty tools, so neither imports the other's
models to describe its inputs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from carerlib.errors import StrictModel

Distribution = Literal["triangular", "pert"]


class Range(StrictModel):
    """An uncertain input: lowest plausible, most likely and highest plausible value.

    ``distribution`` says how Monte Carlo draws it: ``triangular``, or ``pert`` (a beta
    distribution that puts more weight near the most likely value; mean (low + 4 mode + high) / 6).
    One-way sensitivity uses only ``low`` and ``high``.
    """

    low: float
    mode: float
    high: float
    distribution: Distribution = "pert"
    source: str = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"range must satisfy low <= mode <= high, got low {self.low}, "
                f"mode {self.mode}, high {self.high}"
            )
        return self


class MonteCarloSettings(StrictModel):
    """Monte Carlo set-up: ranges for the uncertain inputs, number of draws and the seed."""

    draws: int = Field(default=10_000, ge=1, le=10_000_000)
    seed: int
    interval: float = Field(default=0.90, gt=0.0, lt=1.0)
    ranges: dict[str, Range] = Field(default_factory=dict)
    note: str | None = None
