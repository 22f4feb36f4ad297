"""Pack parameters: `params/defaults.yaml` deep-merged with an area's `params/areas/CODE.yaml`,
validated with pydantic. Any invalid value stops the run with a one-line ParamsError naming the
file and the dotted key; nothing is computed from an invalid parameter set.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from carerlib.data import paths
from carerlib.errors import ParamsError
from carerlib.measures.breaks import BreaksParams, load_breaks_params
from carerlib.measures.health import HealthParams
from carerlib.measures.priorities import Priorities


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackSettings(Strict):
    title: str
    notebook: str = "evidence_pack.ipynb"
    kernel: str = "python3"
    cell_timeout_seconds: int = Field(600, gt=0)
    default_areas: list[str] = Field(default_factory=list)


class CostPerHour(Strict):
    value: float = Field(gt=0)
    price_year: int = Field(ge=1990, le=2100)
    source: str = Field(min_length=1)


class HoursPerBand(Strict):
    source: str = Field(min_length=1)
    up_to_19: float = Field(gt=0)
    twenty_to_49: float = Field(gt=0, alias="20_to_49")
    fifty_plus: float = Field(gt=0, alias="50_plus")

    def as_dict(self) -> dict[str, float]:
        return {"up_to_19": self.up_to_19, "20_to_49": self.twenty_to_49,
                "50_plus": self.fifty_plus}


class ValueOfCare(Strict):
    cost_per_hour: CostPerHour
    hours_per_band: HoursPerBand


class AgeRangeMixin:
    @staticmethod
    def _check_range(value: list[int]) -> list[int]:
        if len(value) != 2 or value[0] > value[1] or value[0] < 0:
            raise ValueError(f"must be [youngest, oldest] with youngest <= oldest, got {value}")
        return value


class Dependency(Strict, AgeRangeMixin):
    working_ages: list[int]
    older_age: int = Field(ge=0)
    care_gap_carer_ages: list[int]
    care_gap_cared_for_age: int = Field(ge=0)
    source: str

    @field_validator("working_ages", "care_gap_carer_ages")
    @classmethod
    def _ranges(cls, value: list[int]) -> list[int]:
        return cls._check_range(value)


class Projections(Strict):
    vintages: list[str] = Field(min_length=1)
    horizon_years: list[int] = Field(min_length=1)
    source: str


class TrendWording(Strict):
    threshold: float = Field(ge=0, le=1)
    falling: str
    steady: str
    rising: str


class FlagWording(Strict):
    higher: str
    similar: str
    lower: str
    national: str = "This is the national figure other areas are compared with."


class ThresholdWording(Strict):
    threshold: float = Field(ge=-1, le=1)
    above: str
    below: str


class Statements(Strict):
    prevalence_vs_england: FlagWording
    heavy_caring: ThresholdWording
    reach: ThresholdWording
    support_ratio: TrendWording
    change_since_2011: ThresholdWording
    carer_quality_of_life: FlagWording


class KnownCarers(Strict):
    measure: str
    count: int = Field(ge=0)
    period: str
    source: str = Field(min_length=1)
    # Carers the council knows (assessed or reviewed) or a benefit count, which is not a count of
    # carers known to services and is reported as its own measure.
    kind: Literal["known_to_council", "carers_allowance"] = "known_to_council"


class PublishedFigure(Strict):
    """A figure a local document published for a measure the pack computes, shown beside ours."""
    measure: Literal["potential_support_ratio"]
    label: str
    from_year: int | None = None  # None: the document's base year is not stated (ours: the
    to_year: int                  # projection's first year)
    change: float  # proportional change, -0.31 for "fall 31%"
    source: str = Field(min_length=1)
    why: str = Field(min_length=1)  # why it differs from the pack's figure


class Group(Strict):
    """A user-defined area made of whole LTLAs (e.g. an NHS place): counts are summed."""
    name: str = Field(min_length=1)
    members: list[str] = Field(min_length=1)

    @field_validator("members")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not re.fullmatch(r"[EW]0[6-9]\d{6}", code):
                raise ValueError(f"{code!r} is not an LTLA code")
        return value


GROUP_KEY = r"^[A-Za-z][A-Za-z0-9_]*$"


class Area(Strict):
    code: str = Field(pattern=r"^([EWK]\d{8}|[A-Za-z][A-Za-z0-9_]*)$")
    name: str
    known_carers: list[KnownCarers] = Field(default_factory=list)
    published: list[PublishedFigure] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Params(Strict):
    pack: PackSettings
    confidence_level: float = Field(0.95, gt=0, lt=1)
    value_of_care: ValueOfCare
    dependency: Dependency
    projections: Projections
    health: HealthParams
    priorities: Priorities
    groups: dict[str, Group] = Field(default_factory=dict)

    @field_validator("groups")
    @classmethod
    def _group_keys(cls, value: dict[str, Group]) -> dict[str, Group]:
        for key in value:
            if not re.fullmatch(GROUP_KEY, key) or re.fullmatch(r"[EWKSN]\d{8}", key):
                raise ValueError(f"group key {key!r} must be letters, digits and _ (e.g. "
                                 "MID_ESSEX), starting with a letter, and not an ONS code")
        return value
    statements: Statements
    area: Area | None = None
    batches: dict[str, list[str]] = Field(default_factory=dict)
    breaks: BreaksParams


def deep_merge(base: dict, override: dict) -> dict:
    """Override nested keys of `base` (lists and scalars are replaced whole)."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _load_yaml(path: Path) -> dict:
    if not path.is_file():
        raise ParamsError(path, "(file)", "not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ParamsError(path, where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(path, "(file)", "must hold a mapping of keys to values")
    return data


def _validate(merged: dict, sources: list[Path]) -> Params:
    try:
        return Params.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        if err["loc"] and err["loc"][0] == "breaks" and isinstance(merged.get("breaks"), dict):
            file = next((p for p in reversed(sources) if "breaks" in _load_yaml(p)), sources[0])
            load_breaks_params(merged["breaks"], str(file))  # raises its own keyed message
        # Name the file that set the key: the area file if it mentions the top-level key.
        top = str(err["loc"][0]) if err["loc"] else ""
        file = next((p for p in reversed(sources) if top in _load_yaml(p)), sources[0])
        raise ParamsError.from_validation(file, exc) from None


def area_params_path(area_code: str, params_dir: Path | None = None) -> Path:
    return (params_dir or paths.PARAMS_DIR) / "areas" / f"{area_code}.yaml"


def load_params(
    area_code: str | None = None,
    params_file: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> Params:
    """Defaults, then the area's own file if it exists, then `params_file` if given."""
    params_dir = Path(params_dir) if params_dir else paths.PARAMS_DIR
    sources = [params_dir / "defaults.yaml"]
    if area_code and area_params_path(area_code, params_dir).is_file():
        sources.append(area_params_path(area_code, params_dir))
    if params_file:
        sources.append(Path(params_file))
    merged: dict = {}
    for source in sources:
        merged = deep_merge(merged, _load_yaml(source))
    params = _validate(merged, sources)
    if area_code and params.area and params.area.code != area_code:
        raise ParamsError(sources[-1], "area.code",
                          f"is {params.area.code} but the pack is for {area_code}")
    return params
