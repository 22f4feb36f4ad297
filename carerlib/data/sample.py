"""The embedded sample (data/sample/CODE.yaml): figures printed in a local strategy, used when no
official data is available so a pack still builds offline."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from carerlib.data import paths
from carerlib.data.yamlfile import read_yaml
from carerlib.errors import ParamsError, StrictModel

_Strict = StrictModel


class SampleArea(_Strict):
    code: str
    name: str


class CensusCount(_Strict):
    year: int
    carers: int = Field(ge=0)
    source: str
    printed_prevalence: float | None = Field(None, ge=0, le=1)
    band_shares: dict[str, float] = Field(default_factory=dict)


class ServiceCount(_Strict):
    count: int = Field(ge=0)
    period: str
    source: str
    detail: str = ""


class SurveyResult(_Strict):
    measure: str
    share: float = Field(ge=0, le=1)
    note: str = ""


class Survey(_Strict):
    name: str
    respondents: int = Field(ge=0)
    source: str
    results: list[SurveyResult]


class Reduction(_Strict):
    period: str
    reduction: float = Field(ge=-1, le=1)


class Budget(_Strict):
    service: str
    source: str
    reductions: list[Reduction]


class Sample(_Strict):
    area: SampleArea
    document: str
    census: list[CensusCount]
    services: dict[str, ServiceCount] = Field(default_factory=dict)
    survey: Survey | None = None
    budget: Budget | None = None

    def census_year(self, year: int) -> CensusCount | None:
        return next((c for c in self.census if c.year == year), None)


def sample_path(area_code: str) -> Path:
    return paths.SAMPLE_DIR / f"{area_code}.yaml"


def load_sample(area_code: str) -> Sample | None:
    """The sample for an area, or None if the project ships none for it."""
    path = sample_path(area_code)
    if not path.is_file():
        return None
    try:
        return Sample.model_validate(read_yaml(path))
    except ValidationError as exc:
        raise ParamsError.from_validation(path, exc) from None
