"""A warm kernel runs a notebook's cells in one request (carerlib.pack.kernel_run); the executed
notebook must hold the outputs papermill's own engine (nbclient, a message per output) records
for the same cells: displays and their updates across cells, results, streams, errors, cleared
output. A cell past its time limit is stopped and raises nbclient's CellTimeoutError."""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest
from helpers_notebooks import write_notebook
from nbclient.exceptions import CellTimeoutError

from carerlib.pack.runner import kernel_for_this_environment
from carerlib.pack.warm import WarmKernel

PARAMETERS = {"area_code": "X", "params_file": None, "output_dir": None}

CELLS = [
    "from IPython.display import HTML, Markdown, display, update_display\n"
    "handle = display(HTML('<p>first</p>'), display_id=True)\n"
    "print('one', end='')\nprint(' two')\nimport sys\nprint('err', file=sys.stderr)",
    "display(Markdown('**bold**'))\nprint('after a display')\n6 * 7",
    "handle.update(HTML('<p>updated from a later cell</p>'))\n"
    "display({'text/plain': 'raw', 'application/json': {'a': [1, 2.5, None]}}, raw=True)",
    "from IPython.display import clear_output\nprint('gone')\nclear_output()\nprint('kept')",
    "print('soon gone')\nclear_output(wait=True)\ndisplay(HTML('<p>after wait</p>'))",
    "x = 1;",  # a quiet cell: no result
    "import warnings\nwarnings.warn('careful')",
]


def _outputs(notebook) -> list[list[dict]]:
    """Each code cell's outputs, without what differs by kernel run (tracebacks' colours are
    compared through ename and evalue only)."""
    out = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            output = dict(output)
            if output["output_type"] == "error":
                output.pop("traceback")
            if output["output_type"] == "stream" and "warn" in output["text"]:
                output["text"] = output["text"].split(":", 2)[-1]  # the file path differs
            kept.append(output)
        out.append(kept)
    return out


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    warm = WarmKernel(kernel_for_this_environment("python3"),
                      tmp_path_factory.mktemp("kernel_run")).start()
    yield warm
    warm.shutdown()


def _both(kernel, tmp_path, *cells: str) -> tuple:
    source = write_notebook(tmp_path / "cells.ipynb", *cells)
    alone = pm.execute_notebook(str(source), str(tmp_path / "alone.ipynb"),
                                parameters=PARAMETERS, progress_bar=False,
                                kernel_name=kernel.kernel_name)
    warm = kernel.execute(source, tmp_path / "warm.ipynb", PARAMETERS, 60)
    return alone, warm


def test_outputs_match_papermills_own_engine(kernel, tmp_path):
    alone, warm = _both(kernel, tmp_path, *CELLS)
    assert _outputs(warm) == _outputs(alone)
    outputs = _outputs(warm)[2:]  # after the parameters cell and papermill's injected one
    first = outputs[0]
    assert first[0]["data"]["text/html"] == "<p>updated from a later cell</p>"
    assert first[1] == {"output_type": "stream", "name": "stdout", "text": "one two\n"}
    assert first[2] == {"output_type": "stream", "name": "stderr", "text": "err\n"}
    assert outputs[1][-1]["data"]["text/plain"] == "42"
    assert [o.get("text") for o in outputs[3]] == ["kept\n"]
    assert outputs[4][0]["data"]["text/html"] == "<p>after wait</p>" and len(outputs[4]) == 1
    assert outputs[5] == [] and "careful" in outputs[6][0]["text"]
    assert [c.execution_count for c in warm.cells] == [c.execution_count for c in alone.cells]
    written = nbformat.read(tmp_path / "warm.ipynb", as_version=4)
    nbformat.validate(written)
    assert _outputs(written) == _outputs(alone)
    assert written.metadata["language_info"]["name"] == "python"
    assert all(c.metadata["papermill"]["duration"] is not None for c in written.cells)


def test_error_stops_the_run_like_papermill(kernel, tmp_path):
    cells = ("print('before')", "raise ValueError('boom')", "print('never')")
    source = write_notebook(tmp_path / "broken.ipynb", *cells)
    with pytest.raises(pm.PapermillExecutionError, match="boom") as warm_error:
        kernel.execute(source, tmp_path / "warm.ipynb", PARAMETERS, 60)
    with pytest.raises(pm.PapermillExecutionError, match="boom") as alone_error:
        pm.execute_notebook(str(source), str(tmp_path / "alone.ipynb"), parameters=PARAMETERS,
                            progress_bar=False, kernel_name=kernel.kernel_name)
    assert warm_error.value.cell_index == alone_error.value.cell_index
    assert warm_error.value.ename == alone_error.value.ename == "ValueError"
    warm = nbformat.read(tmp_path / "warm.ipynb", as_version=4)
    alone = nbformat.read(tmp_path / "alone.ipynb", as_version=4)
    assert _outputs(warm) == _outputs(alone)
    statuses = [[c.metadata.get("papermill", {}).get("status") for c in nb.cells]
                for nb in (warm, alone)]
    assert statuses[0] == statuses[1] and "failed" in statuses[0]


def test_cell_tagged_raises_exception_does_not_stop_the_run(kernel, tmp_path):
    """As in nbclient, later cells still run; papermill then reports the error all the same."""
    source = write_notebook(tmp_path / "tagged.ipynb", "1 / 0", "print('went on')")
    nb = nbformat.read(source, as_version=4)
    nb.cells[1].metadata["tags"] = ["raises-exception"]
    nbformat.write(nb, source)
    with pytest.raises(pm.PapermillExecutionError, match="ZeroDivisionError"):
        kernel.execute(source, tmp_path / "warm.ipynb", PARAMETERS, 60)
    with pytest.raises(pm.PapermillExecutionError, match="ZeroDivisionError"):
        pm.execute_notebook(str(source), str(tmp_path / "alone.ipynb"), parameters=PARAMETERS,
                            progress_bar=False, kernel_name=kernel.kernel_name)
    warm = nbformat.read(tmp_path / "warm.ipynb", as_version=4)
    assert warm.cells[-1].outputs[0]["text"] == "went on\n"
    assert _outputs(warm) == _outputs(nbformat.read(tmp_path / "alone.ipynb", as_version=4))


def test_cell_past_its_limit_times_out_and_the_kernel_is_replaced(kernel, tmp_path):
    source = write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)")
    before = kernel.restarts
    with pytest.raises(CellTimeoutError):
        kernel.execute(source, tmp_path / "warm.ipynb", PARAMETERS, 1)
    assert kernel.restarts == before + 1
    again = kernel.execute(write_notebook(tmp_path / "ok.ipynb", "print('ok')"),
                           tmp_path / "ok_out.ipynb", PARAMETERS, 60)
    assert again.cells[-1].outputs[0]["text"] == "ok\n"


def test_nothing_a_cell_displayed_outlives_the_run(kernel, tmp_path):
    """Each cell's publisher is taken off the shell's execution callbacks after the cell, so its
    recorder and every output it recorded are freed: a warm kernel building hundreds of packs
    otherwise grew by every output of every pack."""
    notebook = write_notebook(tmp_path / "shows.ipynb",
                              "from IPython.display import HTML, display\n"
                              "display(HTML('<p>' + 'x' * 1000 + '</p>'))", "print('done')")
    for area in ("A1", "A2", "A3"):
        kernel.execute(notebook, tmp_path / f"{area}.ipynb",
                       {"area_code": area, "params_file": None, "output_dir": str(tmp_path)}, 60)
    alive = kernel._expression(
        "(__import__('gc').collect(), sum(type(o).__name__ in ('_Publisher', 'Recorder') "
        "for o in __import__('gc').get_objects()))[1]")
    assert alive == 0
