"""Compare two builds of the same pack as a reader would: tables, XLSX cells, headlines and the
HTML's visible text, minus build timestamps."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl

_STAMP = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4} \d{2}:\d{2} UTC")


def visible_text(page: str) -> str:
    plain = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    plain = re.sub(r"<[^>]+>", " ", plain)
    return _STAMP.sub("<time>", re.sub(r"\s+", " ", plain))


def workbook_cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def pack_view(folder: Path) -> dict:
    """Everything a reader sees in one pack folder, with timestamps taken out."""
    code = folder.name
    headlines = json.loads((folder / "headlines.json").read_text(encoding="utf-8"))
    headlines.pop("generated", None)
    return {
        "tables": {p.name: p.read_bytes() for p in sorted((folder / "tables").glob("*.csv"))},
        "xlsx": workbook_cells(folder / f"{code}.xlsx"),
        "headlines": headlines,
        "html": visible_text((folder / "index.html").read_text(encoding="utf-8")),
    }


def differences(one: Path, other: Path) -> list[str]:
    """Names of what differs between two builds of a pack ([] when identical)."""
    a, b = pack_view(one), pack_view(other)
    out = [f"tables/{n}" for n in a["tables"].keys() | b["tables"].keys()
           if a["tables"].get(n) != b["tables"].get(n)]
    out += [f"xlsx:{n}" for n in a["xlsx"].keys() | b["xlsx"].keys()
            if a["xlsx"].get(n) != b["xlsx"].get(n)]
    out += ["headlines.json"] if a["headlines"] != b["headlines"] else []
    out += ["index.html text"] if a["html"] != b["html"] else []
    return sorted(out)
