"""Checks on official data files, each failing with a one-line DataError naming file, row and
column.

Row numbers are file line numbers (the header is line 1), so a user can open the file and find
the cell.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from carerlib.errors import DataError

AREA_CODE = re.compile(r"^[EWKSN]\d{8}$")


def read_csv(path: str | Path, **kwargs) -> pd.DataFrame:
    """Read a CSV as text (BOM-tolerant); an absent or empty file is a DataError."""
    path = Path(path)
    if not path.exists():
        raise DataError(
            path, "file not found (run 'carerlib data fetch' or set CARERLIB_DATA_MIRROR)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False,
                                index_col=False, **kwargs)
    except pd.errors.EmptyDataError:
        raise DataError(path, "file is empty") from None
    except pd.errors.ParserWarning:
        raise _field_count_error(path) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(path, f"cannot be parsed as CSV ({str(exc).splitlines()[0]})") from None
    if frame.empty:
        raise DataError(path, "file has a header but no data rows")
    return frame


def _field_count_error(path: Path) -> DataError:
    """Name the first row whose number of fields differs from the header's."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle)
        width = len(next(rows))
        for line, row in enumerate(rows, start=2):
            if row and len(row) != width:
                return DataError(path, f"has {len(row)} fields but the header has {width}",
                                 row=line)
    return DataError(path, "rows and header have different numbers of fields")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: str | Path) -> None:
    """Fail on the first expected column that is missing."""
    for column in columns:
        if column not in frame.columns:
            raise DataError(path, "missing column", column=column)


def counts(frame: pd.DataFrame, columns: Iterable[str], path: str | Path) -> pd.DataFrame:
    """Count columns as integers; a blank, non-numeric, fractional or negative cell fails."""
    out = {}
    for column in columns:
        text = frame[column].astype(str).str.replace(",", "", regex=False).str.strip()
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() | (values < 0) | (values != np.floor(values))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            cell = frame[column].iloc[i]
            problem = (
                f"count is negative ({cell})" if pd.notna(values.iloc[i]) and values.iloc[i] < 0
                else f"count is not a whole non-negative number ({cell!r})"
            )
            raise DataError(path, problem, row=i + 2, column=column)
        out[column] = values.astype("int64")
    return pd.DataFrame(out, index=frame.index)


def area_codes(
    frame: pd.DataFrame, column: str, path: str | Path, known: Iterable[str] | None = None
) -> None:
    """Fail on an area code that is not a GSS code, or (when `known` is given) not a known area."""
    codes = frame[column].astype(str)
    bad = ~codes.str.match(AREA_CODE.pattern)
    if known is not None:
        bad |= ~codes.isin(set(known))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(path, f"unknown area code {codes.iloc[i]!r}", row=i + 2, column=column)
    dupes = codes.duplicated()
    if dupes.any():
        i = int(np.flatnonzero(dupes.to_numpy())[0])
        raise DataError(path, f"area code {codes.iloc[i]!r} appears twice", row=i + 2,
                        column=column)


def parts_add_up(
    values: pd.DataFrame,
    identities: Mapping[str, Iterable[str]],
    path: str | Path,
    columns: Mapping[str, str],
    tolerance: int = 0,
) -> None:
    """Check each total equals the sum of its parts (`columns` maps tidy names to headers)."""
    for total, parts in identities.items():
        parts = list(parts)
        named = " + ".join(map(str, parts)) if len(parts) <= 6 else f"its {len(parts)} parts"
        diff = (values[total] - values[parts].sum(axis=1)).abs()
        bad = diff > tolerance
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            got = int(values[parts].iloc[i].sum())
            raise DataError(
                path,
                f"parts do not add up to their total ({named} = {got:,}, "
                f"total {int(values[total].iloc[i]):,})",
                row=i + 2,
                column=columns[total],
            )


def well_formed_codes(frame: pd.DataFrame, column: str, path: str | Path) -> None:
    """Fail on a blank or malformed area code in a column where codes may repeat (a parent)."""
    codes = frame[column].astype(str)
    bad = ~codes.str.match(AREA_CODE.pattern)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        problem = ("blank area code" if not codes.iloc[i].strip()
                   else f"not an area code ({codes.iloc[i]!r})")
        raise DataError(path, problem, row=i + 2, column=column)


def no_text(frame: pd.DataFrame, column: str, path: str | Path) -> None:
    """Fail on a blank cell in a column every row must fill (e.g. an area's name)."""
    blank = frame[column].astype(str).str.strip() == ""
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError(path, "blank cell", row=i + 2, column=column)
