"""The ONS GDP deflator (series YBGB, calendar years, 2024 = 100): the published index HM
Treasury's Green Book uses to restate money in one price year."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from carerlib.data.datastore import DataStore
from carerlib.data.validation import read_csv, require_columns
from carerlib.errors import DataError

DATASET = "gdp_deflator"


def read_gdp_deflator(path: str | Path) -> pd.DataFrame:
    """Columns ``year`` (int) and ``value`` (float > 0), one row per calendar year, in order.

    A missing, repeated or non-positive entry is a DataError naming the file row.
    """
    frame = read_csv(path)
    require_columns(frame, ["year", "value"], path)
    years = pd.to_numeric(frame["year"], errors="coerce")
    values = pd.to_numeric(frame["value"], errors="coerce")
    for column, series in (("year", years), ("value", values)):
        bad = series.isna() | (series <= 0)
        if bad.any():
            row = int(bad.idxmax())
            raise DataError(path, f"not a positive number: {frame.at[row, column]!r}",
                            row=row + 2, column=column)
    repeated = years.duplicated()
    if repeated.any():
        raise DataError(path, f"year {int(years[repeated].iloc[0])} repeated",
                        row=int(repeated.idxmax()) + 2, column="year")
    out = pd.DataFrame({"year": years.astype(int), "value": values.astype("float64")})
    return out.sort_values("year", ignore_index=True)


@lru_cache(maxsize=4)
def _read(path: str, size: int, mtime_ns: int) -> pd.DataFrame:
    return read_gdp_deflator(path)


def _load(path: str) -> pd.DataFrame:
    """The file's deflator, read once while its size and modification time are unchanged;
    each caller gets its own copy (a warm kernel keeps the cache across areas)."""
    stat = Path(path).stat()
    return _read(path, stat.st_size, stat.st_mtime_ns).copy()


def default_deflator(key: str = DATASET) -> pd.DataFrame | None:
    """The deflator from the fetched cache or mirror, or None when no official data is set up."""
    store = DataStore.default()
    if store is None or not store.has(key):
        return None
    return _load(str(store.path(key)))
