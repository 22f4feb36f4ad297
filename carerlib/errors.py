"""Errors for bad input: one line naming the file, the row or key, and the problem."""

from __future__ import annotations

from pathlib import Path


class CarerlibError(Exception):
    """Base class for errors a user can act on."""


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
        super().__init__(": ".join([", ".join(where), problem]))


class ParamsError(CarerlibError, ValueError):
    """A parameter file is invalid: the message names the file, the key and the problem."""

    def __init__(self, file: str | Path, key: str, problem: str) -> None:
        self.file = str(file)
        self.key = key
        self.problem = problem
        super().__init__(f"{self.file}: {key}: {problem}")

    @classmethod
    def from_validation(cls, file: str | Path, exc) -> ParamsError:
        """The first problem of a pydantic ValidationError, keyed by its dotted location."""
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        return cls(file, key, str(err["msg"]).removeprefix("Value error, "))
