"""Errors for bad input: one line naming the file, the row or key, and the problem.

Also the one strict pydantic base every validated model uses, and the one translation of a
pydantic ValidationError into a one-line ParamsError, so all parameter files fail alike.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

#: Exit codes of the command line (README lists them).
EXIT_OK, EXIT_SOME_FAILED, EXIT_BAD_INPUT, EXIT_SIGINT, EXIT_SIGTERM = 0, 1, 2, 130, 143


class CarerlibError(Exception):
    """Base class for errors a user can act on."""


def one_line(text: object) -> str:
    """`text` on one line: newlines and runs of spaces collapse, so a hostile value (an area
    code holding a newline) cannot forge a second line of output."""
    return " ".join(str(text).split())


class DataError(CarerlibError, ValueError):
    """A data file is malformed: the message names the file, the row and the column."""

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        row: int | str | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.problem = problem
        where = [self.file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(one_line(": ".join([", ".join(where), problem])))


class ParamsError(CarerlibError, ValueError):
    """A parameter file is invalid: the message names the file, the key and the problem."""

    def __init__(self, file: str | Path, key: str, problem: str) -> None:
        self.file = str(file)
        self.key = key
        self.problem = problem
        super().__init__(one_line(f"{self.file}: {key}: {problem}"))

    @classmethod
    def from_validation(cls, file: str | Path, exc, prefix: Iterable[str] = ()) -> ParamsError:
        """The first problem of a pydantic ValidationError, keyed by its dotted location.

        `prefix` names where the validated mapping sits in the file (e.g. ``("breaks",)``); a
        validator that raises an exception with a `where` attribute (a KeyedProblem) extends the
        key to the exact setting. Further problems are counted, not listed, to keep one line.
        """
        errors = exc.errors()
        first = errors[0]
        parts = [*prefix, *(str(p) for p in first["loc"])]
        where = getattr((first.get("ctx") or {}).get("error"), "where", None)
        if where:
            parts.append(str(where))
        problem = problem_text(first)
        if len(errors) > 1:
            others = len(errors) - 1
            problem += f" (and {others} more problem{'s' if others > 1 else ''})"
        return cls(file, ".".join(parts) or "(top level)", problem)


def problem_text(error: Mapping[str, Any]) -> str:
    """A pydantic error's message without its 'Value error, ' prefix, with the bad value."""
    message = str(error.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    value = error.get("input")
    if error.get("type") == "missing":
        message = "missing: this setting is required"
    elif isinstance(value, int | float | str) and not isinstance(value, bool):
        shown = repr(value)
        if len(shown) <= 40 and shown not in message and str(value) not in message:
            message = f"{message} (got {shown})"
    return one_line(message)


def _allows_bool(annotation: Any) -> bool:
    """Whether a field's type admits True/False (bool itself, Any, or a union/list holding it)."""
    if annotation is bool or annotation is Any:
        return True
    return any(_allows_bool(arg) for arg in typing.get_args(annotation))


def _allows(annotation: Any, types: tuple[type, ...]) -> bool:
    if annotation in types:
        return True
    return any(_allows(arg, types) for arg in typing.get_args(annotation))


class StrictModel(BaseModel):
    """Every params and sample model: unknown keys, changes after loading, infinities and NaN
    are refused, and `true`/`false` is never read as the number 1/0 (YAML's `true` as a price
    would otherwise become £1)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_as_number(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name in cls.model_fields:
            annotation = cls.model_fields[info.field_name].annotation
            if not _allows_bool(annotation):
                wanted = "a number" if _allows(annotation, (int, float)) else "text"
                raise ValueError(f"must be {wanted}, not {str(value).lower()}")
        return value
