"""Write a pack's tables as CSV files and one XLSX workbook, and its headline figures as JSON
for the batch index."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd

from carerlib.data import atomic
from carerlib.pack.report import Chart, Statement, Table


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "table"
    candidate, i = base, 2
    while candidate in used:
        suffix = f"_{i}"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate)
    return candidate


#: A text cell starting with one of these is read as a formula by spreadsheet programs
#: (OWASP "CSV injection"): =, +, - and @, and tab or carriage return before them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with ' so it shows as text
    (OWASP CSV-injection guidance); numbers and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_text(value: object) -> object:
    """Neutralised, with a bare carriage return written as a newline: the CSV writer quotes a
    cell holding a newline, but not one holding only a CR, which readers take for a row end."""
    value = neutralise(value)
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell and header neutralised for CSV."""
    out = frame.copy()
    out.columns = [_csv_text(c) for c in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(_csv_text)
    return out


def _cells_as_text(sheet) -> None:
    """openpyxl stores a string starting with '=' as a formula: store every such cell as text
    (the XLSX holds data only, never a formula)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def named_tables(evidence) -> dict[str, pd.DataFrame]:
    """Every table and chart's data in the pack, keyed by a file-safe name."""
    out: dict[str, pd.DataFrame] = {}
    for section in evidence.sections:
        for i, block in enumerate(section.blocks):
            if isinstance(block, (Table, Chart)):
                name = block.name or f"{section.key}_{i + 1}"
                out[name] = block.data
    return out


def headlines(evidence) -> dict:
    """What the batch index shows for a pack."""
    statements = [b for s in evidence.sections for b in s.blocks if isinstance(b, Statement)]
    return {
        "area_code": evidence.area_code,
        "area_name": evidence.area_name,
        "mode": evidence.mode,
        "generated": evidence.generated,
        "figures": evidence.headline_figures(),
        "statements": [s.figure for s in statements],
    }


def export_tables(evidence, folder: str | Path) -> list[Path]:
    """CSV per table in `folder/tables/`, all tables in `folder/CODE.xlsx`, `headlines.json`."""
    folder = Path(folder)
    written = []
    tables = named_tables(evidence)
    for name, frame in tables.items():
        path = folder / "tables" / f"{name}.csv"
        atomic.write_text(path, csv_safe(frame).to_csv(index=False))
        written.append(path)
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        for name, frame in tables.items():
            sheet = _sheet_name(name, used)
            frame.to_excel(book, sheet_name=sheet, index=False)
            _cells_as_text(book.sheets[sheet])
    workbook = folder / f"{evidence.area_code}.xlsx"
    atomic.write_bytes(workbook, buffer.getvalue())
    written.append(workbook)
    path = folder / "headlines.json"
    atomic.write_text(path, json.dumps(headlines(evidence), indent=2, default=str))
    written.append(path)
    return written
