"""Pack parameters: `params/defaults.yaml` deep-merged with an area's `params/areas/CODE.yaml`,
validated with pydantic. Any invalid value stops the run with a one-line ParamsError naming the
file and the dotted key; nothing is computed from an invalid parameter set.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, ValidationError, field_validator

from carerlib.data import paths
from carerlib.data.yamlfile import read_yaml_mapping
from carerlib.errors import ParamsError, StrictModel, one_line
from carerlib.measures.breaks import BreaksParams
from carerlib.measures.health import HealthParams
from carerlib.measures.priorities import Priorities

Strict = StrictModel  # the one strict base (kept under its old name for older imports)

#: An area code: a GSS code (E06000033) or a group key (MID_ESSEX). Checked before any path is
#: built from a code, so `../x`, quotes, newlines and over-long codes never reach the disk.
AREA_CODE = re.compile(r"[EWK]\d{8}|[A-Za-z][A-Za-z0-9_]{0,39}")
GSS_CODE = re.compile(r"[EWKSN]\d{8}")
#: Plausible ranges, each with its reason (a value outside is a typing slip, not a finding).
HOURS_IN_A_WEEK = 168  # no one cares for more hours than a week has
MAX_COST_PER_HOUR = 500.0  # £ per hour: over 10x any replacement-care rate published since 2000
MAX_CARERS = 6_000_000  # England and Wales counted 5.0 million carers aged 5+ in 2021
MAX_CELL_TIMEOUT = 86_400  # seconds: a cell that runs a day has hung
MAX_AGE = 120  # years: the census's oldest single age is "100 and over"


def check_area_code(code: object, where: str = "area code") -> str:
    """`code` if it is a well-formed area code, else a one-line ParamsError (no path is built
    from an unchecked code)."""
    text = str(code)
    if not isinstance(code, str) or not AREA_CODE.fullmatch(text):
        shown = repr(text[:40] + ("…" if len(text) > 40 else ""))
        raise ParamsError(where, "area code", f"{one_line(shown)} is not an area code (a 9-"
                          "character ONS code such as E06000033, or a group key such as "
                          "MID_ESSEX of at most 40 letters, digits and _)")
    return text


class PackSettings(Strict):
    title: str
    notebook: str = Field("evidence_pack.ipynb", pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.ipynb$")
    kernel: str = "carerlib"
    cell_timeout_seconds: int = Field(600, gt=0, le=MAX_CELL_TIMEOUT)
    default_areas: list[str] = Field(default_factory=list)

    @field_validator("default_areas")
    @classmethod
    def _areas(cls, value: list[str]) -> list[str]:
        return [_code_or_value_error(code) for code in value]


def _code_or_value_error(code: str) -> str:
    if not AREA_CODE.fullmatch(code):
        raise ValueError(f"{one_line(repr(code[:40]))} is not an area code")
    return code


class CostPerHour(Strict):
    value: float = Field(gt=0, le=MAX_COST_PER_HOUR)
    price_year: int = Field(ge=1990, le=2100)
    source: str = Field(min_length=1)


class HoursPerBand(Strict):
    source: str = Field(min_length=1)
    # Average hours a week of a carer in each band: within the band's own limits.
    up_to_19: float = Field(gt=0, le=19)
    twenty_to_49: float = Field(ge=20, le=49, alias="20_to_49")
    fifty_plus: float = Field(ge=50, le=HOURS_IN_A_WEEK, alias="50_plus")

    def as_dict(self) -> dict[str, float]:
        return {"up_to_19": self.up_to_19, "20_to_49": self.twenty_to_49,
                "50_plus": self.fifty_plus}


class ValueOfCare(Strict):
    cost_per_hour: CostPerHour
    hours_per_band: HoursPerBand


class AgeRangeMixin:
    @staticmethod
    def _check_range(value: list[int]) -> list[int]:
        if len(value) != 2 or value[0] > value[1] or value[0] < 0 or value[1] > MAX_AGE:
            raise ValueError("must be [youngest, oldest] with 0 <= youngest <= oldest <= "
                             f"{MAX_AGE}, got {value}")
        return value


class Dependency(Strict, AgeRangeMixin):
    working_ages: list[int]
    older_age: int = Field(ge=0, le=MAX_AGE)
    care_gap_carer_ages: list[int]
    care_gap_cared_for_age: int = Field(ge=0, le=MAX_AGE)
    source: str

    @field_validator("working_ages", "care_gap_carer_ages")
    @classmethod
    def _ranges(cls, value: list[int]) -> list[int]:
        return cls._check_range(value)


class Projections(Strict):
    vintages: list[str] = Field(min_length=1)
    horizon_years: list[Annotated[int, Field(ge=2011, le=2100)]] = Field(min_length=1)
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
    count: int = Field(ge=0, le=MAX_CARERS)
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
                raise ValueError(f"{one_line(repr(code[:40]))} is not an LTLA code")
        if len(set(value)) != len(value):
            twice = next(c for c in value if value.count(c) > 1)
            raise ValueError(f"{twice} is listed twice (it would be counted twice)")
        return value


GROUP_KEY = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"


class Area(Strict):
    code: str = Field(pattern=r"^([EWK]\d{8}|[A-Za-z][A-Za-z0-9_]{0,39})$")
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
                raise ValueError(f"group key {one_line(repr(key[:40]))} must be letters, "
                                 "digits and _ (e.g. MID_ESSEX), starting with a letter, at "
                                 "most 40 long, and not an ONS code")
        return value
    statements: Statements
    area: Area | None = None
    batches: dict[str, list[str]] = Field(default_factory=dict)
    breaks: BreaksParams
    _sources: tuple[Path, ...] = PrivateAttr(default=())  # the files merged, in order

    @field_validator("batches")
    @classmethod
    def _batch_codes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, codes in value.items():
            if not re.fullmatch(GROUP_KEY, name):
                raise ValueError(f"batch name {one_line(repr(name[:40]))} must be letters, "
                                 "digits and _, starting with a letter")
            for code in codes:
                _code_or_value_error(code)
        return value


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
    return read_yaml_mapping(path)


def _file_setting(sources: list[Path], top: str) -> Path:
    """The last file that sets top-level key `top` (the one whose value won the merge)."""
    return next((p for p in reversed(sources) if top in _load_yaml(p)), sources[0])


def params_file_setting(params: Params, top: str) -> Path | str:
    """The params file whose value of top-level key `top` a loaded Params holds."""
    sources = list(params._sources)
    return _file_setting(sources, top) if sources else "params"


def _validate(merged: dict, sources: list[Path]) -> Params:
    try:
        return Params.model_validate(merged)
    except ValidationError as exc:
        loc = exc.errors()[0]["loc"]
        file = _file_setting(sources, str(loc[0]) if loc else "")
        raise ParamsError.from_validation(file, exc) from None


def area_params_path(area_code: str, params_dir: Path | None = None) -> Path:
    """`params/areas/CODE.yaml`, built only from a well-formed code."""
    check_area_code(area_code)
    return (params_dir or paths.PARAMS_DIR) / "areas" / f"{area_code}.yaml"


def load_params(
    area_code: str | None = None,
    params_file: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> Params:
    """Defaults, then the area's own file if it exists, then `params_file` if given."""
    if area_code is not None:
        check_area_code(area_code)
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
    params._sources = tuple(sources)
    if area_code and params.area and params.area.code != area_code:
        raise ParamsError(sources[-1], "area.code",
                          f"is {params.area.code} but the pack is for {area_code}")
    return params
