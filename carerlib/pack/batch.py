"""Batch runs: a pack per area in parallel, a progress bar, a summary, and an index page.

One area's failure never stops the rest; the run exits non-zero if any failed. Packs whose
inputs are unchanged are skipped unless forced.
"""

from __future__ import annotations

import html
import json
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from tqdm import tqdm

from carerlib.data import atomic
from carerlib.data.datastore import DataStore
from carerlib.errors import CarerlibError
from carerlib.pack.executors import Outcome, Task, get_executor
from carerlib.pack.manifest import update_manifest
from carerlib.pack.runner import (
    clean_stale_staging,
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
    interrupted: int | None = None  # the signal that stopped the batch

    @property
    def exit_code(self) -> int:
        """0 all built, 1 some packs failed, 130 (Ctrl-C) / 143 (SIGTERM) interrupted."""
        if self.interrupted:
            return 128 + self.interrupted
        return 1 if self.failed else 0

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


class Interrupted(BaseException):  # like KeyboardInterrupt: not swallowed by `except Exception`
    """SIGINT or SIGTERM arrived during a batch."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def signals_raise():
    """Turn Ctrl-C and SIGTERM into `Interrupted` while a batch runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        for number in (signal.SIGINT, signal.SIGTERM):  # a second signal waits for clean-up
            signal.signal(number, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def _todo(codes: list[str], root: Path, force: bool, params_file, notebook: Path | None,
          report: BatchReport) -> list[str]:
    """The areas whose pack is missing or out of date (all of them with `force`)."""
    todo = []
    source = notebook_source(notebook, load_params().pack.notebook)  # once, not per area
    for code in codes:
        if not force and is_up_to_date(code, pack_inputs(code, params_file, source), root):
            report.skipped.append(code)
        else:
            todo.append(code)
    return todo


def run_batch(codes: list[str], *, workers: int | None = None, force: bool = False,
              params_file: str | Path | None = None, out_root: str | Path | None = None,
              self_contained: bool = False, progress: bool = True,
              notebook: str | Path | None = None, executor: str = "local",
              scheduler: str | None = None, kernel_policy: str = "reset") -> BatchReport:
    """Build packs for `codes` on `executor` (local worker processes by default), then rewrite
    the index page and the manifest. Ctrl-C or SIGTERM stops the workers within seconds; the
    index and manifest still cover every pack that finished (`report.interrupted`)."""
    root = (Path(out_root) if out_root else packs_dir()).resolve()
    params_file = Path(params_file).resolve() if params_file else None
    notebook = Path(notebook).resolve() if notebook else None
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CarerlibError(f"{root}: cannot write packs here ({exc.strerror})") from None
    clean_stale_staging(root)
    report = BatchReport()
    todo = _todo(codes, root, force, params_file, notebook, report)
    if not self_contained and todo:
        write_plotly_asset(root)
    pool = get_executor(executor, workers=workers, scheduler=scheduler)
    tasks = [Task(code, str(root), str(params_file) if params_file else None, self_contained,
                  str(notebook) if notebook else None, kernel_policy) for code in todo]
    bar = tqdm(total=len(todo), desc="packs", unit="pack", disable=not progress or not todo)
    with signals_raise():
        try:
            pool.run(tasks, lambda outcome: _record(report, outcome, bar))
        except Interrupted as stop:
            report.interrupted = stop.signum
        finally:
            bar.close()
            clean_stale_staging(root)
            write_index(root)
            update_manifest(root)
    return report


def _record(report: BatchReport, outcome: Outcome, bar: tqdm) -> None:
    if outcome.error is None:
        report.built.append(outcome.area_code)
    else:
        report.failed[outcome.area_code] = outcome.error
    bar.update(1)
    bar.set_postfix_str(outcome.area_code)


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
