"""Helpers for the bad-input cases: a throw-away mirror of the official data whose files are
links to the real ones until a case rewrites one, small edits to CSV rows, and a digest of a
packs folder (to show an earlier pack is byte-identical after a refused run).

Nothing here copies official data into the repository: edited files live in pytest's tmp_path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DATA = {
    "ts039": "census2021/census2021-ts039-ltla.csv",
    "ts007": "census2021/census2021-ts007-ltla.csv",
    "qs301": "census2011/qs301ew-lad2011.csv",
    "qs103": "census2011/qs103ew-lad2011.csv",
    "lookup": "lookups/ltla22-utla22-ew.csv",
    "lad2011": "lookups/lad2011-lad2021-ew.csv",
    "la_codes": "lookups/la-all-codes.csv",
    "snpp2016": "population/snpp2016-persons-age60plus-ltla.csv",
    "snpp2022": "population/snpp2022-migcat-persons-essex-southend-thurrock-all-ages.csv",
    "ascof": "ascof/asc-outcomes-la-2015-16-to-2022-23.csv",
}


def link_mirror(real: Path, target: Path) -> Path:
    """`target` laid out like the mirror, every file a symlink to the real one."""
    for path in real.rglob("*"):
        if path.is_file():
            link = target / path.relative_to(real)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)
    return target


def _lines(mirror: Path, key: str) -> tuple[Path, list[str], str]:
    path = mirror / DATA[key]
    raw = path.read_bytes()
    path.unlink()  # replace the link with an edited file
    text = raw.decode("utf-8")
    return path, text.splitlines(keepends=True), text


def edit_rows(mirror: Path, key: str, match, change=None) -> Path:
    """Rewrite `key`'s file: rows for which `match(line)` holds are dropped (change None) or
    replaced by `change(line)` (a string, or a list of lines)."""
    path, lines, _ = _lines(mirror, key)
    out = [lines[0]]
    for line in lines[1:]:
        if not match(line):
            out.append(line)
        elif change is not None:
            new = change(line)
            out.extend(new if isinstance(new, list) else [new])
    path.write_text("".join(out), encoding="utf-8")
    return path


def has_code(code: str, quoted: bool = False):
    needle = f'"{code}"' if quoted else f",{code},"
    return lambda line: needle in line or line.startswith(f"{code},")


def write(mirror: Path, key: str, data: str | bytes) -> Path:
    path = mirror / DATA[key]
    path.unlink()
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def fake_pack(folder: Path, code: str, mode: str = "official") -> Path:
    """An earlier pack's files (what a refused run must leave byte-identical)."""
    pack = folder / code
    (pack / "tables").mkdir(parents=True)
    (pack / "index.html").write_text(f"<html>earlier {mode} pack for {code}</html>")
    (pack / "headlines.json").write_text(json.dumps({"area_code": code, "mode": mode}))
    data = {"ts039_ltla": "0" * 64} if mode == "official" else {"sample": "0" * 64}
    (pack / "inputs.json").write_text(json.dumps({"area_code": code, "mode": mode, "data": data}))
    (pack / "tables" / "carers.csv").write_text("a,b\n1,2\n")
    return pack


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, by relative path (hidden staging folders too)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
