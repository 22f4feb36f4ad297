"""Batch runs: a pack per area in parallel, a progress bar, a summary, and an index page.

One area's failure never stops the rest; the run exits non-zero if any failed. Packs whose
inputs are unchanged are skipped unless forced.
"""

from __future__ import annotations

import html
import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from tqdm import tqdm

from carerlib.data import atomic
from carerlib.data.datastore import DataStore
from carerlib.errors import CarerlibError
from carerlib.pack.runner import (
    build_pack,
    is_up_to_date,
    notebook_source,
    pack_inputs,
    packs_dir,
    write_plotly_asset,
)
from carerlib.params import load_params, params_file_setting


@dataclass
class BatchReport:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"built {len(self.built)}, skipped {len(self.skipped)} (unchanged), "
                 f"failed {len(self.failed)}"]
        lines += [f"  failed {code}: {why}" for code, why in sorted(self.failed.items())]
        return "\n".join(lines)


def all_areas() -> list[str]:
    """Every LTLA, UTLA and region (Wales as a whole) the official data covers."""
    from carerlib.data.areas import areas_table
    from carerlib.data.official import OfficialData

    store = DataStore.default()
    if store is None or not store.has("ts039_ltla"):
        raise CarerlibError("--all needs official data: run 'carerlib data fetch' or set "
                            "CARERLIB_DATA_MIRROR")
    table = areas_table(OfficialData(store).members)
    wanted = table["levels"].str.contains("ltla|utla|region")
    return sorted(table.loc[wanted, "area_code"])


def areas_within(code: str, params_file: str | Path | None = None) -> list[str]:
    """Every LTLA inside a county, region or group (`carerlib packs --within CODE`)."""
    from carerlib.data.areas import ltlas_within
    from carerlib.data.official import OfficialData

    store = DataStore.default()
    if store is None or not store.has("ts039_ltla"):
        raise CarerlibError("--within needs official data: run 'carerlib data fetch' or set "
                            "CARERLIB_DATA_MIRROR")
    groups = {k: g.model_dump() for k, g in load_params(params_file=params_file).groups.items()}
    return ltlas_within(OfficialData(store, groups).members, code)


def select_areas(areas: list[str] | None = None, group: str | None = None,
                 every: bool = False, params_file: str | Path | None = None,
                 within: str | None = None) -> list[str]:
    """The areas a batch builds: --all, --within CODE, --group NAME from params, --areas, or
    the defaults."""
    params = load_params(params_file=params_file)
    if every:
        return all_areas()
    if within:
        return areas_within(within, params_file)
    if group:
        batches = params.batches
        if group not in batches:
            where = params_file_setting(params, "batches")
            raise CarerlibError(f"{where}: batches.{group}: no such batch "
                                f"(have {', '.join(sorted(batches)) or 'none'})")
        return list(batches[group])
    if areas:
        return list(dict.fromkeys(areas))
    return list(params.pack.default_areas)


def _build_one(code: str, params_file: str | None, out_root: str, self_contained: bool,
               notebook: str | None = None) -> tuple[str, str | None]:
    try:
        build_pack(code, params_file=params_file, out_root=out_root,
                   self_contained=self_contained, notebook=notebook)
        return code, None
    except CarerlibError as exc:
        return code, str(exc)
    except Exception as exc:  # noqa: BLE001 - one area's failure must not stop the batch
        return code, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def run_batch(codes: list[str], *, workers: int | None = None, force: bool = False,
              params_file: str | Path | None = None, out_root: str | Path | None = None,
              self_contained: bool = False, progress: bool = True,
              notebook: str | Path | None = None) -> BatchReport:
    """Build packs for `codes` with `workers` processes, then rewrite the index page.
    `notebook` (an analyst's copy) wins over params pack.notebook."""
    root = Path(out_root) if out_root else packs_dir()
    root.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    source = notebook_source(notebook, load_params().pack.notebook)
    todo = []
    for code in codes:
        inputs = pack_inputs(code, params_file, source)
        if not force and is_up_to_date(code, inputs, root):
            report.skipped.append(code)
        else:
            todo.append(code)
    if not self_contained:
        write_plotly_asset(root)
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    bar = tqdm(total=len(todo), desc="packs", unit="pack", disable=not progress or not todo)
    args = (str(params_file) if params_file else None, str(root), self_contained,
            str(source) if notebook else None)
    if workers == 1:
        results = (_build_one(code, *args) for code in todo)
        for code, error in results:
            _record(report, code, error, bar)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_build_one, code, *args) for code in todo]
            for future in as_completed(futures):
                _record(report, *future.result(), bar)
    bar.close()
    write_index(root)
    return report


def _record(report: BatchReport, code: str, error: str | None, bar: tqdm) -> None:
    if error is None:
        report.built.append(code)
    else:
        report.failed[code] = error
    bar.update(1)
    bar.set_postfix_str(code)


INDEX_COLUMNS = [
    ("area_name", "Area", "text"), ("area_code", "Code", "text"),
    ("carers_2021", "Carers 2021 (aged 5+)", "int"),
    ("prevalence_2021", "% of residents 5+", "pct"),
    ("prevalence_flag", "Against England (Wales: England and Wales)", "text"),
    ("share_50_plus_hours", "% caring 50+ hours", "pct"),
    ("potential_support_ratio_2021", "Support ratio 2021 (15–64 per 65+)", "dec"),
    ("potential_support_ratio_end", "Projected support ratio (horizon year, projection)",
     "dec"),
    ("mode", "Built from", "text"), ("notebook", "Notebook", "text"),
    ("generated", "Generated", "date"),
]
_GENERATED = "%d %B %Y %H:%M UTC"  # how packs write their build time


def _cell(value, kind: str) -> tuple[str, str]:
    """(sort key, shown text) for one index cell, both escaped. Dates sort by their ISO form;
    a blank has an empty sort key (the page's script sorts blanks last either way)."""
    if value is None or value == "":
        return "", ""
    if kind == "int":
        return str(value), f"{value:,.0f}"
    if kind == "pct":
        return str(value), f"{value:.1%}"
    if kind == "dec":
        return str(value), f"{value:.2f}"
    if kind == "date":
        try:
            iso = datetime.strptime(str(value), _GENERATED).isoformat()
        except ValueError:
            iso = ""
        return iso, html.escape(str(value))
    return html.escape(str(value)), html.escape(str(value))


def write_index(root: Path) -> Path:
    """outputs/packs/index.html: every pack with its headline figures in a sortable table."""
    rows = []
    for headline in sorted(root.glob("*/headlines.json")):
        data = json.loads(headline.read_text())
        data.update(data.pop("figures", {}))
        data.setdefault("notebook", "standard")
        rows.append(data)
    rows.sort(key=lambda r: r.get("area_name", ""))
    head = "".join(f'<th scope="col" data-kind="{kind}"><button type="button">'
                   f"{html.escape(label)}</button></th>" for _, label, kind in INDEX_COLUMNS)
    labels = [html.escape(label, quote=True) for _, label, _ in INDEX_COLUMNS]
    body = []
    for row in rows:
        cells = []
        for (key, _, kind), label in zip(INDEX_COLUMNS, labels, strict=True):
            sort, text = _cell(row.get(key), kind)
            if key == "potential_support_ratio_end" and text and row.get(
                    "potential_support_ratio_basis"):  # name the year and the vintage
                text += f" ({html.escape(str(row['potential_support_ratio_basis']))})"
            if key == "area_name":
                href = html.escape(f"./{quote(row['area_code'])}/index.html", quote=True)
                text = f'<a href="{href}">{text}</a>'
            cells.append(f'<td data-sort="{sort}" data-label="{label}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    page = INDEX_TEMPLATE.format(
        count=len(rows), generated=datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
        head=head, body="\n".join(body))
    path = root / "index.html"
    atomic.write_text(path, page)
    return path


INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Unpaid carers: evidence packs ({count})</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; margin: 2em; color: #222; }}
a {{ color: #005a8c; }}
table {{ border-collapse: collapse; font-variant-numeric: tabular-nums; }}
caption {{ text-align: left; font-weight: bold; padding: 0.3em 0; }}
th, td {{ border: 1px solid #bbb; padding: 4px 8px; text-align: left; }}
th {{ background: #eef3f8; }}
th button {{ font: inherit; font-weight: bold; color: #222; background: none; border: 0;
  padding: 2px; cursor: pointer; text-align: left; }}
th button::after {{ content: " \\2195"; color: #555; }}
th[aria-sort="ascending"] button::after {{ content: " \\2191"; }}
th[aria-sort="descending"] button::after {{ content: " \\2193"; }}
th button:focus-visible, a:focus-visible {{ outline: 3px solid #005a8c; outline-offset: 2px; }}
td[data-sort] {{ white-space: nowrap; }}
/* A phone: each pack becomes a card of labelled lines; the sort buttons wrap above them. */
@media (max-width: 700px) {{
  body {{ margin: 0.8em; }}
  table, thead, tbody, tr, td {{ display: block; }}
  thead tr {{ display: flex; flex-wrap: wrap; gap: 4px; }}
  thead th {{ display: block; border: 1px solid #bbb; }}
  tbody tr {{ border: 1px solid #bbb; margin: 0.6em 0; padding: 0.3em 0; }}
  td {{ border: 0; padding: 2px 8px; white-space: normal !important; }}
  caption {{ display: block; }}
  td::before {{ content: attr(data-label) ": "; font-weight: bold; }}
  td[data-sort=""]::after {{ content: "none"; color: #555; }}
}}
</style></head><body>
<main>
<h1>Unpaid carers: commissioning evidence packs</h1>
<p>{count} packs. Index generated {generated}. Select a column heading to sort (again to
reverse); blank cells always sort last.</p>
<table id="packs"><caption>Evidence packs and their headline figures</caption>
<thead><tr>{head}</tr></thead><tbody>
{body}
</tbody></table>
<p>Source: Office for National Statistics licensed under the Open Government Licence v3.0.</p>
</main>
<script>
(function () {{
  var headers = Array.from(document.querySelectorAll("#packs thead th"));
  function compare(kind, x, y) {{
    if (kind === "text") {{ return x.localeCompare(y); }}
    if (kind === "date") {{ return x < y ? -1 : x > y ? 1 : 0; }}
    return parseFloat(x) - parseFloat(y);
  }}
  headers.forEach(function (th, column) {{
    th.querySelector("button").addEventListener("click", function () {{
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var kind = th.dataset.kind;
      var body = document.querySelector("#packs tbody");
      var rows = Array.from(body.rows);
      rows.sort(function (a, b) {{
        var x = a.cells[column].dataset.sort, y = b.cells[column].dataset.sort;
        if (x === "" || y === "") {{ return (x === "") - (y === ""); }}  // blanks last
        var cmp = compare(kind, x, y);
        return ascending ? cmp : -cmp;
      }});
      headers.forEach(function (other) {{ other.removeAttribute("aria-sort"); }});
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.forEach(function (row) {{ body.appendChild(row); }});
    }});
  }});
}})();
</script>
</body></html>
"""
