"""Build evidence packs: run the parameterised notebook with papermill, export HTML with nbconvert
(code hidden, no CDN), and swap the finished pack into outputs/ atomically.

A pack folder holds the executed notebook and index.html. plotly.js is written once to
outputs/packs/assets/ and referenced relatively, or embedded with `self_contained=True`.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
import papermill as pm
from jinja2 import pass_context
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from carerlib import __version__
from carerlib.data import atomic, paths
from carerlib.data.checksums import file_digest
from carerlib.data.datastore import DataStore
from carerlib.errors import CarerlibError
from carerlib.pack.export import is_custom_notebook, note_custom_notebook, record_custom_notebook
from carerlib.pack.manifest import build_record
from carerlib.pack.preflight import check_pack
from carerlib.params import area_params_path, load_params

TEMPLATES = Path(__file__).parent / "templates"
PLOTLY_ASSET = "plotly.min.js"
INPUTS_FILE = "inputs.json"
BUILD_FILE = "build.json"  # this pack's entry in outputs/packs/manifest.json
FALLBACK_KERNEL = "carerlib"
_PLACEHOLDER = "<!-- carerlib:plotly -->"
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)(?:<a class="anchor-link".*?</a>)?</h2>', re.S)


@dataclass
class PackResult:
    area_code: str
    folder: Path
    html: Path


@lru_cache(maxsize=1)
def code_digest() -> str:
    """One hash over carerlib's own source and templates: a code change rebuilds every pack."""
    root = Path(__file__).parents[1]  # the whole carerlib package
    digest = hashlib.sha256(__version__.encode())
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.j2"), *root.rglob("*.json")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def notebook_source(notebook: str | Path | None, configured: str) -> Path:
    """The notebook a pack is built from: `notebook` (the --notebook option) wins over params
    `pack.notebook` (`configured`, relative to notebooks/)."""
    source = Path(notebook).resolve() if notebook else paths.NOTEBOOKS_DIR / configured
    if not source.is_file():
        raise CarerlibError(f"{source}: notebook not found")
    return source


def pack_inputs(area_code: str, params_file: str | Path | None, notebook: Path) -> dict:
    """Everything a pack depends on, by hash: data files, params files, notebook, carerlib.
    A custom notebook's path is recorded too, so the pack and its index can say so."""
    params_files = [paths.PARAMS_DIR / "defaults.yaml", paths.PARAMS_DIR / "data_sources.yaml",
                    area_params_path(area_code)]
    if params_file:
        params_files.append(Path(params_file))
    store = DataStore.default()
    data = {}
    if store is not None:
        data = {key: file_digest(store.path(key)) for key in store.registry.datasets
                if store.has(key)}
    else:
        sample = paths.SAMPLE_DIR / f"{area_code}.yaml"
        if sample.exists():
            data["sample"] = file_digest(sample)
    return {
        "area_code": area_code,
        "mode": "official" if store is not None else "sample",  # never replaced silently
        "data": data,
        "params": {p.name: file_digest(p) for p in params_files if p.exists()},
        "notebook": file_digest(notebook),
        **({"custom_notebook": str(notebook.resolve())} if is_custom_notebook(notebook) else {}),
        "carerlib": code_digest(),
    }


def is_up_to_date(area_code: str, inputs: dict, root: Path) -> bool:
    """True when the pack exists and was built from exactly these inputs."""
    folder = root / area_code
    record = folder / INPUTS_FILE
    if not (folder / "index.html").exists() or not record.exists():
        return False
    try:
        return json.loads(record.read_text()) == inputs
    except (OSError, json.JSONDecodeError):
        return False


def packs_dir() -> Path:
    return paths.OUTPUTS_DIR / "packs"


def plotly_js() -> str:
    """The plotly.js bundled with the plotly package (no network needed)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def write_plotly_asset(root: Path) -> Path:
    """Write plotly.min.js into `root/assets/` once (rewritten only if plotly changed)."""
    target = root / "assets" / PLOTLY_ASSET
    script = plotly_js()
    if not target.exists() or target.read_text(encoding="utf-8") != script:
        atomic.write_text(target, script)
    return target


def add_table_of_contents(body: str) -> str:
    """Insert a contents list of the pack's sections after the title block."""
    entries = [(anchor, re.sub(r"<[^>]+>", "", text).strip()) for anchor, text in _H2.findall(body)]
    if not entries:
        return body
    items = "".join(f'<li><a href="#{anchor}">{text}</a></li>' for anchor, text in entries)
    toc = ('<nav class="carerlib-toc" aria-labelledby="carerlib-contents">'
           f'<h2 id="carerlib-contents">Contents</h2><ol>{items}</ol></nav>')
    marker = "<!-- carerlib:toc -->"
    return body.replace(marker, toc, 1) if marker in body else body


def _area_name(staging: Path) -> str | None:
    """The area's name from the headlines the notebook wrote (for the page <title>)."""
    try:
        return json.loads((staging / "headlines.json").read_text()).get("area_name")
    except (OSError, ValueError):
        return None


def export_html(notebook: nbformat.NotebookNode, title: str, self_contained: bool,
                asset_href: str = f"../assets/{PLOTLY_ASSET}") -> str:
    """nbconvert HTML with inputs and prompts hidden, a contents list and plotly.js wired in."""
    notebook.metadata["title"] = title
    body, _ = _html_exporter().from_notebook_node(notebook)
    if self_contained:
        script = f"<script>{plotly_js()}</script>"
    else:
        script = f'<script src="{html.escape(asset_href)}"></script>'
    body = body.replace(_PLACEHOLDER, script, 1)
    return add_table_of_contents(body)


def _runs_this_python(argv0: str) -> bool:
    return os.path.abspath(argv0) == os.path.abspath(sys.executable) or argv0 in (
        "python", "python3", "{python}")


def kernel_for_this_environment(preferred: str) -> str:
    """A kernel that runs the Python carerlib is installed in.

    A stray user-level kernelspec of the same name can point at another Python that lacks
    carerlib; then a 'carerlib' kernel is registered inside this environment and used instead.
    """
    from ipykernel.kernelspec import install
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    for attempt in (preferred, FALLBACK_KERNEL):
        try:
            if _runs_this_python(manager.get_kernel_spec(attempt).argv[0]):
                return attempt
        except NoSuchKernel:
            pass
        if attempt == FALLBACK_KERNEL:
            break
    install(kernel_name=FALLBACK_KERNEL, display_name="Python (carerlib)", prefix=sys.prefix)
    if _runs_this_python(manager.get_kernel_spec(FALLBACK_KERNEL).argv[0]):
        return FALLBACK_KERNEL
    raise CarerlibError(
        f"no Jupyter kernel runs this environment's Python ({sys.executable}); kernelspecs "
        f"'{preferred}' and '{FALLBACK_KERNEL}' point elsewhere (see 'jupyter kernelspec list')")


def _source_cell_number(notebook: Path, failing_source: str, fallback: int) -> int:
    """1-based number of the failing cell in the source notebook (papermill adds cells to the
    executed copy, so its indices do not match what the analyst sees)."""
    try:
        cells = nbformat.read(notebook, as_version=4).cells
    except (OSError, ValueError):
        return fallback
    for number, cell in enumerate(cells, start=1):
        if cell.source == failing_source:
            return number
    return fallback


#: `.CODE.PID.xxxxxxxx` staging folders (older runs: `.CODE.xxxxxxxx`) and `.CODE.old` swaps.
STAGING = re.compile(r"^\.[A-Za-z0-9_-]+\.(?:(?P<pid>\d+)\.)?[A-Za-z0-9_]{8}$")
OLD = re.compile(r"^\.[A-Za-z0-9_-]+\.old$")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_staging(root: Path) -> list[Path]:
    """Remove staging folders (`.CODE.PID.xxxx`) and `.CODE.old` folders left by a killed run.

    A staging folder whose process is still alive belongs to a `pack` running now and is kept.
    Older-style `.CODE.xxxx` folders (no process id) are removed too.
    """
    removed = []
    if not root.is_dir():
        return removed
    for path in root.iterdir():
        match = STAGING.match(path.name)
        if not (match or OLD.match(path.name)) or not path.is_dir():
            continue
        pid = int(match["pid"]) if match and match["pid"] else None
        if pid is not None and pid != os.getpid() and _pid_alive(pid):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def check_pack_folder(root: Path, area_code: str) -> None:
    """One-line errors, before any kernel starts, for an output folder a pack cannot replace."""
    final = root / area_code
    if final.exists() and not final.is_dir():
        raise CarerlibError(f"{final}: exists and is not a folder (move it away to build the "
                            "pack there)")
    for folder in (root, final):
        if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            raise CarerlibError(f"{folder}: folder is read-only (cannot replace the pack)")


def _staging_folder(root: Path, area_code: str) -> Path:
    try:
        root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=root, prefix=f".{area_code}.{os.getpid()}.")).resolve()
    except OSError as exc:
        raise CarerlibError(f"{root}: cannot write packs here ({exc.strerror})") from None


class PackExporter(HTMLExporter):
    """nbconvert's HTML exporter without its final BeautifulSoup pass over the whole page.

    That pass re-parses the ~0.5 MB page with Python's pure-Python HTML parser (about a third of a
    second a pack, an eighth of a warm pack's time) only to give images without alt text a
    placeholder (a pack has no images: charts are plotly SVG, each with an accessible name and
    its numbers table) and to make every output and input box a tab stop (a pack's outputs are
    text and tables: its scrolling tables are tab stops of their own). Everything else is
    HTMLExporter's own conversion, with each markdown cell's HTML remembered (`markdown2html`).
    """

    def from_notebook_node(self, nb, resources=None, **kw):  # noqa: ANN001, ANN201
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                          resources=resources)
        self.register_filter("filter_data_type", data_type)
        nb = rendered_data_only(nb, data_type.display_data_priority)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    def __init__(self, **kw) -> None:  # noqa: ANN003
        super().__init__(**kw)
        self._markdown: dict[tuple[str, str], str] = {}

    @pass_context
    def markdown2html(self, context, source: str) -> str:  # noqa: ANN001
        """nbconvert's markdown rendering, remembered per text: a batch renders the same
        headings in every pack (a cell with attachments is rendered each time)."""
        if context.get("cell", {}).get("attachments"):
            return super().markdown2html(context, source)
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        key = (source, path)
        if key not in self._markdown:
            if len(self._markdown) >= MARKDOWN_KEPT:
                self._markdown.clear()
            self._markdown[key] = super().markdown2html(context, source)
        return self._markdown[key]


MARKDOWN_KEPT = 512  # markdown cells' HTML an exporter remembers


def rendered_data_only(nb: nbformat.NotebookNode, rendered: list[str]) -> nbformat.NotebookNode:
    """A copy of `nb` whose outputs keep only the MIME types in `rendered`, the ones an HTML
    export can show.

    nbconvert deep-copies the notebook before converting it. A chart's output also carries its
    figure as plotly's JSON bundle (for JupyterLab), a deeply nested dict the HTML export never
    shows: the text/html beside it holds the chart. Dropping it first makes that copy about ten
    times cheaper. `nb` itself is not changed.
    """
    kept = set(rendered)

    def output(out: dict) -> dict:
        if "data" not in out:
            return out
        return {**out, "data": {k: v for k, v in out["data"].items() if k in kept}}

    cells = [{**cell, "outputs": [output(o) for o in cell["outputs"]]}
             if cell.get("outputs") else cell for cell in nb.cells]
    return nbformat.from_dict({**nb, "cells": cells})


@lru_cache(maxsize=1)
def _html_exporter() -> HTMLExporter:
    """One exporter (and its compiled template) per process, reused for every pack."""
    return PackExporter(
        template_name="carerlib_pack", extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        # Validate the notebook once, after the preprocessors, not after each of the dozen
        # (nbconvert's own option; each validation took ~4 ms of a pack).
        optimistic_validation=True,
    )


def _execute(source: Path, executed: Path, parameters: dict, kernel_name: str,
             timeout: int | None, warm: str | None, prime: bool = False
             ) -> nbformat.NotebookNode:
    """Run the notebook: in a fresh kernel, or in this process's warm kernel (policy `warm`),
    which first primes the parsed store when asked (`carerlib.pack.prime`). Returns the
    executed notebook papermill wrote (so it is not read back from disk)."""
    if warm:
        from carerlib.pack.warm import kernel_for

        return kernel_for(kernel_name, source.parent, warm).execute(
            source, executed, parameters, timeout, prime)
    return pm.execute_notebook(
        str(source), str(executed), parameters=parameters, kernel_name=kernel_name,
        progress_bar=False, execution_timeout=timeout, cwd=str(source.parent),
        # The kernel's start-up chatter (e.g. its transport warning) is not for users;
        # cell errors still reach us through papermill, so its log (even a traceback
        # when a timed-out cell is interrupted) never adds lines to our one-line error.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )


def build_pack(
    area_code: str,
    params_file: str | Path | None = None,
    out_root: str | Path | None = None,
    self_contained: bool = False,
    notebook: str | Path | None = None,
    warm: str | None = None,
    prime: bool = False,
) -> PackResult:
    """Execute the evidence-pack notebook for one area and export it; returns where it went.

    Parameters are validated before anything runs; a failure leaves any earlier pack in place.
    `warm` ("reset" or "restart") runs the notebook in this process's warm kernel (batches);
    by default a fresh kernel runs it, as for a pack built on its own. `prime` (warm kernels
    only) builds the parsed store's tables from the far end first: a batch's second worker
    does, so that on a cold cache two processes build different tables at once.
    """
    paths.absolutise_env()  # the kernel runs in notebooks/, not in the caller's folder
    params_file = Path(params_file).resolve() if params_file else None
    params = load_params(area_code, params_file)
    root = (Path(out_root) if out_root else packs_dir()).resolve()
    check_pack(area_code, params, root)  # bad data or params refused before any kernel starts
    source = notebook_source(notebook, params.pack.notebook)
    check_pack_folder(root, area_code)
    clean_stale_staging(root)
    staging = _staging_folder(root, area_code)
    try:
        executed = staging / f"{area_code}.ipynb"
        try:
            nb = _execute(source, executed,
                          {"area_code": area_code,
                           "params_file": str(params_file) if params_file else None,
                           "output_dir": str(staging)},
                          kernel_for_this_environment(params.pack.kernel),
                          params.pack.cell_timeout_seconds, warm, prime)
        except pm.PapermillExecutionError as exc:
            raise CarerlibError(
                f"{area_code}: notebook {source.name} failed in cell "
                f"{_source_cell_number(source, exc.source, exc.cell_index)}: {exc.ename}: "
                f"{exc.evalue}"
            ) from None
        title = f"{params.pack.title}: {_area_name(staging) or area_code}"
        page = export_html(nb, title, self_contained)
        if is_custom_notebook(source):  # the pack and its index say so
            page = note_custom_notebook(page, source)
            record_custom_notebook(staging, source)
        inputs = pack_inputs(area_code, params_file, source)
        atomic.write_text(staging / "index.html", page)
        atomic.write_text(staging / INPUTS_FILE, json.dumps(inputs, indent=2))
        atomic.write_text(staging / BUILD_FILE, json.dumps(
            build_record(inputs, params.model_dump(mode="json"), params_file), indent=2))
        if not self_contained and not (root / "assets" / PLOTLY_ASSET).exists():
            write_plotly_asset(root)
        final = root / area_code
        try:
            atomic.replace_dir(staging, final)
        except OSError as exc:
            raise CarerlibError(f"{final}: cannot replace the pack ({exc.strerror})") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return PackResult(area_code, final, final / "index.html")
