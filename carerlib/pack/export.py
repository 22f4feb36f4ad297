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
        # Each statement once, where it first appears (the summary repeats section headlines).
        "statements": list(dict.fromkeys(s.figure for s in statements)),
    }


def export_tables(evidence, folder: str | Path) -> list[Path]:
    """CSV per table in `folder/tables/`, all tables in `folder/CODE.xlsx`, `headlines.json`."""
    folder = Path(folder)
    written = []
    tables = named_tables(evidence)
    for name, frame in tables.items():
        path = folder / "tables" / f"{name}.csv"
        atomic.write_text(path, frame.to_csv(index=False))
        written.append(path)
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        for name, frame in tables.items():
            frame.to_excel(book, sheet_name=_sheet_name(name, used), index=False)
    workbook = folder / f"{evidence.area_code}.xlsx"
    atomic.write_bytes(workbook, buffer.getvalue())
    written.append(workbook)
    path = folder / "headlines.json"
    atomic.write_text(path, json.dumps(headlines(evidence), indent=2, default=str))
    written.append(path)
    return written
