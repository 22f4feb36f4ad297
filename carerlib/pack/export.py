"""Write a pack's tables as CSV files and one XLSX workbook, and its headline figures as JSON
for the batch index."""

from __future__ import annotations

import html
import io
import json
import numbers
import re
from pathlib import Path

import numpy as np
import pandas as pd

from carerlib.data import atomic, paths
from carerlib.data.checksums import file_digest
from carerlib.errors import CarerlibError
from carerlib.pack.labels import is_blank
from carerlib.pack.report import NOTEBOOK_MARKER, Chart, Statement, Table


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


def _newlines(text: str) -> str:
    """Every line end as a newline: the CSV writer quotes a cell holding a newline, but not one
    holding only a CR, which readers take for a row end (and XML reads a CR as a newline)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _csv_text(value: object) -> object:
    """Neutralised, with a bare carriage return written as a newline."""
    value = neutralise(value)
    return _newlines(value) if isinstance(value, str) else value


def _is_text_dtype(dtype: object) -> bool:
    return dtype is np.dtype(object) or isinstance(dtype, pd.StringDtype)


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell and header neutralised for CSV (`frame` itself when none
    needs it, as for most tables: building a new frame was a tenth of a pack's export)."""
    columns: dict[int, pd.Series] = {}
    changed = False
    for i, (_, values) in enumerate(frame.items()):
        if pd.api.types.is_numeric_dtype(values):
            columns[i] = values
            continue
        cells = values.tolist()
        safe = [_csv_text(v) for v in cells]
        same = _is_text_dtype(values.dtype) and all(
            a is b for a, b in zip(safe, cells, strict=True))
        changed = changed or not same
        columns[i] = values if same else pd.Series(safe, index=frame.index, dtype=object)
    names = list(frame.columns)
    headers = [_csv_text(c) for c in names]
    if not changed and all(a is b for a, b in zip(headers, names, strict=True)):
        return frame
    out = pd.DataFrame(columns, index=frame.index)
    out.columns = headers
    return out


def _write_cell(sheet, row: int, column: int, value: object, style=None) -> None:  # noqa: ANN001
    """One XLSX cell by its kind: blanks stay empty, numbers are numbers and everything else is
    text, never a formula (a cell such as "=1+1" is stored as those characters)."""
    if is_blank(value) or value == "":  # an empty cell in the workbook
        return
    if isinstance(value, bool | np.bool_):
        sheet.write_boolean(row, column, bool(value), style)
    elif isinstance(value, numbers.Real):
        sheet.write_number(row, column, value, style)
    else:
        sheet.write_string(row, column, _newlines(str(value)), style)


def workbook_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """Every table as a sheet of one XLSX workbook: a bold header row, then the data as it is.

    Written cell by cell with XlsxWriter, which never reads a string as a formula, URL or number
    (its options say so); pandas' to_excel with openpyxl took 0.17 s of a pack's ~0.8 s.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "nan_inf_to_errors": True})
    bold = book.add_format({"bold": True})
    used: set[str] = set()
    for name, frame in tables.items():
        sheet = book.add_worksheet(_sheet_name(name, used))
        for column, (header, values) in enumerate(frame.items()):
            _write_cell(sheet, 0, column, str(header), bold)
            for row, value in enumerate(values.tolist(), start=1):
                _write_cell(sheet, row, column, value)
    book.close()
    return buffer.getvalue()


def named_tables(evidence) -> dict[str, pd.DataFrame]:
    """Every table and chart's data in the pack, keyed by a file-safe name."""
    out: dict[str, pd.DataFrame] = {}
    for section in evidence.sections:
        for i, block in enumerate(section.blocks):
            if isinstance(block, (Table, Chart)):
                name = block.name or f"{section.key}_{i + 1}"
                if name in out:
                    raise CarerlibError(f"{evidence.area_code}: two tables are named '{name}' "
                                        f"(the second in section '{section.key}'); give each "
                                        "table or chart its own name")
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


def structure(evidence) -> list[dict]:
    """The pack's outline: each section's key and title with its table and chart names, in the
    order shown (a diff of it shows what a change did to the pack)."""
    return [{"section": s.key, "title": s.title,
             "tables": [b.name for b in s.blocks if isinstance(b, Table)],
             "charts": [b.name for b in s.blocks if isinstance(b, Chart)]}
            for s in evidence.sections]


def export_tables(evidence, folder: str | Path) -> list[Path]:
    """CSV per table in `folder/tables/` (the folder replaced as a whole), all tables in
    `folder/CODE.xlsx`, `headlines.json` and the pack's outline in `structure.json`."""
    folder = Path(folder)
    tables = named_tables(evidence)
    csv = {f"{name}.csv": csv_safe(frame).to_csv(index=False).encode("utf-8")
           for name, frame in tables.items()}
    atomic.write_folder(folder / "tables", csv)
    written = [folder / "tables" / name for name in csv]
    workbook = folder / f"{evidence.area_code}.xlsx"
    atomic.write_bytes(workbook, workbook_bytes(tables))
    written.append(workbook)
    path = folder / "headlines.json"
    atomic.write_text(path, json.dumps(headlines(evidence), indent=2, default=str))
    written.append(path)
    path = folder / "structure.json"
    atomic.write_text(path, json.dumps(structure(evidence), indent=2))
    written.append(path)
    return written


# ---------------------------------------------------------------- custom notebooks

#: The notebook a pack is built from unless params or --notebook name another.
STANDARD_NOTEBOOK = paths.NOTEBOOKS_DIR / "evidence_pack.ipynb"


def is_custom_notebook(source: Path) -> bool:
    """True when a pack is built from a notebook other than carerlib's own evidence notebook."""
    return Path(source).resolve() != STANDARD_NOTEBOOK.resolve()


def custom_notebook_label(source: Path) -> str:
    """How the pack and the index of packs name a custom notebook: file name and short hash."""
    return f"custom: {Path(source).name} (sha256 {file_digest(Path(source))[:12]})"


def note_custom_notebook(page: str, source: Path) -> str:
    """Say in the pack's title block that it was built from an analyst's own notebook."""
    note = (f'<p class="carerlib-custom-notebook"><strong>Built from a custom notebook:</strong> '
            f"{html.escape(Path(source).name)} (sha256 {file_digest(Path(source))[:12]}); "
            "its sections and wording may differ from the standard pack.</p>")
    if NOTEBOOK_MARKER in page:
        return page.replace(NOTEBOOK_MARKER, note, 1)
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + note, page, count=1)


def record_custom_notebook(folder: Path, source: Path) -> None:
    """Add the custom notebook to the pack's headlines.json, which the index of packs reads."""
    path = Path(folder) / "headlines.json"
    if not path.exists():
        return
    record = json.loads(path.read_text(encoding="utf-8"))
    record["notebook"] = custom_notebook_label(source)
    atomic.write_text(path, json.dumps(record, indent=2, default=str))
