"""Warm kernels: one kernel builds many areas, and no area sees another's variables or the module
state (pandas options, plotly templates, carerlib caches, random state, environment) an earlier
area's notebook changed. What cannot be restored (a rebound module global) restarts the kernel."""

from __future__ import annotations

import json

import pytest
from helpers_notebooks import PROBE_CHANGE, PROBE_RECORD, write_notebook

from carerlib.pack.runner import kernel_for_this_environment
from carerlib.pack.warm import WarmKernel


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warm")
    warm = WarmKernel(kernel_for_this_environment("python3"), folder).start()
    yield warm
    warm.shutdown()


def run_probe(kernel, tmp_path, area: str) -> dict:
    notebook = write_notebook(tmp_path / "probe.ipynb", PROBE_RECORD, PROBE_CHANGE)
    out = tmp_path / area
    out.mkdir()
    kernel.execute(notebook, out / "probe.ipynb",
                   {"area_code": area, "params_file": None, "output_dir": str(out)}, 120)
    return json.loads((out / "state.json").read_text())


def test_no_variable_or_module_state_reaches_the_next_area(kernel, tmp_path):
    first = run_probe(kernel, tmp_path, "AREA1")
    second = run_probe(kernel, tmp_path, "AREA2")
    third = run_probe(kernel, tmp_path, "AREA3")
    assert first["leaked_variable"] is None
    assert first["max_rows"] == 60 and first["template"] == "plotly"
    assert first["simple_white_font"] is None and not first["extra_template"]
    assert first["registry_cached"] == 0 and first["env"] is None
    assert not first["path_added"] and first["load_params_original"]
    assert second == first  # same random draws too: the global random states were restored
    assert third == first
    assert kernel.restarts == 0  # everything the probe changed could be restored in place


def test_monkeypatched_module_restarts_the_kernel(kernel, tmp_path):
    before = kernel.restarts
    patched = run_probe(kernel, tmp_path, "PATCH")
    assert patched["load_params_original"]
    assert kernel.restarts == before + 1
    assert "carerlib.params.load_params rebound" in kernel.restart_reasons[-1]
    after = run_probe(kernel, tmp_path, "AREA4")
    assert after["load_params_original"] and after["leaked_variable"] is None


def test_failed_area_restarts_the_kernel_and_the_next_area_runs(kernel, tmp_path):
    import papermill as pm

    broken = write_notebook(tmp_path / "broken.ipynb", "secret = 1\nraise ValueError('boom')")
    out = tmp_path / "broken"
    out.mkdir()
    before = kernel.restarts
    with pytest.raises(pm.PapermillExecutionError, match="boom"):
        kernel.execute(broken, out / "b.ipynb",
                       {"area_code": "X", "params_file": None, "output_dir": str(out)}, 60)
    assert kernel.restarts == before + 1
    assert run_probe(kernel, tmp_path, "AREA5")["leaked_variable"] is None


def test_loading_plotly_renderers_restarts_once_then_they_are_restored(kernel, tmp_path):
    """plotly's renderers are not loaded at warm-up (they import nbformat and jsonschema, ~1.3 s
    a kernel); an area that loads them and changes their default restarts the kernel, which
    then loads them at warm-up, so the next such area is restored in place."""
    shows = write_notebook(
        tmp_path / "renderer.ipynb",
        "import json, pathlib\nimport plotly.io as pio\n"
        "pathlib.Path(output_dir, 'renderer.json').write_text(json.dumps(pio.renderers.default))"
        "\npio.renderers.default = 'json'")

    def run(area: str) -> str:
        out = tmp_path / area
        out.mkdir()
        kernel.execute(shows, out / "r.ipynb",
                       {"area_code": area, "params_file": None, "output_dir": str(out)}, 120)
        return json.loads((out / "renderer.json").read_text())

    before = kernel.restarts
    first = run("R1")
    assert kernel.restarts == before + 1
    assert "plotly's renderers loaded" in kernel.restart_reasons[-1]
    assert run("R2") == first != "json"  # the default the kernel started with, not the last
    assert run("R3") == first
    assert kernel.restarts == before + 1  # restored in place from then on


def test_caches_keyed_by_file_identity_outlive_an_area_and_others_do_not(kernel, tmp_path):
    """File digests (keyed by path, size and modification time) are kept, so a pack does not
    hash every data file again; a cache keyed by less, such as the data registry, is cleared."""
    counts = write_notebook(
        tmp_path / "caches.ipynb",
        "import json, pathlib\nimport carerlib.data.checksums as checksums\n"
        "import carerlib.data.datastore as datastore\n"
        "seen = {'digests': checksums._cached.cache_info().currsize,\n"
        "        'registry': datastore.registry.cache_info().currsize}\n"
        "pathlib.Path(output_dir, 'caches.json').write_text(json.dumps(seen))\n"
        "checksums.file_digest(pathlib.Path(output_dir, 'caches.json'))\n"
        "datastore.registry()")
    seen = []
    for area in ("C1", "C2"):
        out = tmp_path / area
        out.mkdir()
        kernel.execute(counts, out / "c.ipynb",
                       {"area_code": area, "params_file": None, "output_dir": str(out)}, 120)
        seen.append(json.loads((out / "caches.json").read_text()))
    assert seen[1]["digests"] >= seen[0]["digests"] + 1  # C1's digest is still there
    assert seen[0]["registry"] == seen[1]["registry"] == 0
