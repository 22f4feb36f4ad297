"""Warm kernels: one Jupyter kernel per batch worker, started once with the libraries imported,
reset between areas so that no area sees another's variables or changed module state.

The notebook still runs through papermill (same parameter injection, same executed notebook, same
errors), with carerlib's engine: the parameterised notebook's code cells go to the warm kernel in
one request, and the kernel runs them itself (`kernel_run`), recording each cell's outputs as
nbclient would record them from its messages. One request instead of about 200 messages a pack
saves about a third of a warm pack's CPU. The pack is the same as one built alone through
papermill's own engine (tested).

After each area `kernel_state.reset()` runs in the kernel; when it reports state it cannot
restore, or the area failed (a cell may still be running), the kernel is restarted instead.
`policy="restart"` restarts after every area (slower, for notebooks that change state carerlib
cannot see).
"""

from __future__ import annotations

import ast
import atexit
import json
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Literal

import nbformat
import papermill as pm
from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError
from papermill.engines import Engine, papermill_engines

#: Imported at warm-up, so each area skips them: the evidence-pack notebook's imports. A package
#: a notebook imports beyond these costs one restart per worker, then joins the list.
WARM_IMPORTS = (
    "pandas", "numpy", "plotly.graph_objects", "plotly.io", "xlsxwriter",
    "carerlib.pack.evidence", "carerlib.pack.export", "carerlib.pack.report",
    "carerlib.params", "carerlib.pack.kernel_state", "carerlib.pack.kernel_run",
    "narwhals", "statistics", "webbrowser",  # the last imported by plotly's HTML writer
)
#: No input history: a warm kernel's history is never read, and each reset would otherwise end
#: and open a session in IPython's SQLite history file.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
Policy = Literal["reset", "restart"]
SHELL = object()  # stands for the kernel's IPython shell among `WarmKernel._call`'s arguments
ENGINE = "carerlib-warm"


class WarmEngine(Engine):
    """papermill's engine for warm kernels: the code cells run in one request (`kernel_run`).

    papermill still injects the parameters, marks each cell's start, end and failure, raises
    the error of a failed cell (PapermillExecutionError) and writes the executed notebook. A
    cell past its time limit raises nbclient's CellTimeoutError, as papermill's own engine does.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, warm_kernel=None,  # noqa: ANN001
                                 execution_timeout=None, **kwargs) -> None:
        cells = nb_man.nb.cells
        code = [i for i, cell in enumerate(cells) if cell.cell_type == "code"]
        done = warm_kernel.run_cells(
            [{"source": cells[i].source, "raises": _may_raise(cells[i])} for i in code],
            execution_timeout)
        ran = dict(zip(code, done, strict=False))
        for index, cell in enumerate(cells):
            if cell.cell_type == "code" and index not in ran:
                break  # not reached: an earlier cell failed or timed out
            nb_man.cell_start(cell, index)
            record = ran.get(index)
            if record is not None:
                cell.outputs = [nbformat.from_dict(output) for output in record["outputs"]]
                cell.execution_count = record["execution_count"]
                if record["status"] == "error" and not _may_raise(cell):
                    nb_man.cell_exception(cell, cell_index=index)
            nb_man.cell_complete(cell, cell_index=index)
            if record is None:
                continue
            _kernel_times(cell, record)
            if record["status"] == "timeout":
                raise CellTimeoutError.error_from_timeout_and_cell(
                    "Cell execution timed out", execution_timeout, cell)
            if record["status"] == "error" and not _may_raise(cell):
                break
        nb_man.nb.metadata["language_info"] = warm_kernel.language_info


def _kernel_times(cell, record: dict) -> None:  # noqa: ANN001
    """The cell's start, end and duration as the kernel measured them (papermill marks when
    this engine reached the cell, after all the cells had run)."""
    timing = cell.metadata.papermill
    timing["start_time"], timing["end_time"] = record["start"], record["end"]
    timing["duration"] = (datetime.fromisoformat(record["end"])
                          - datetime.fromisoformat(record["start"])).total_seconds()


def _may_raise(cell) -> bool:  # noqa: ANN001
    """A cell tagged raises-exception: its error does not stop the run (as in nbclient)."""
    return "raises-exception" in cell.metadata.get("tags", [])


papermill_engines.register(ENGINE, WarmEngine)


class WarmKernel:
    """A kernel kept across areas; `execute` runs one area's notebook through papermill."""

    def __init__(self, kernel_name: str, cwd: Path, policy: Policy = "reset",
                 warm_imports: tuple[str, ...] = WARM_IMPORTS) -> None:
        self.kernel_name = kernel_name
        self.cwd = Path(cwd)
        self.policy = policy
        self.warm_imports = list(warm_imports)
        self.km: AsyncKernelManager | None = None
        self.client = None  # one blocking client per kernel: warm-up, cells, reset
        self.language_info: dict = {}  # the kernel's, for each executed notebook's metadata
        self.restarts = 0
        self.restart_reasons: list[str] = []

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> WarmKernel:
        self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(self.km.start_kernel)(cwd=str(self.cwd), extra_arguments=KERNEL_ARGS)
        self.client = self.km.blocking_client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)
        self.language_info = self.client.kernel_info(reply=True, timeout=120)[
            "content"]["language_info"]
        self._warm_up()
        return self

    @property
    def pid(self) -> int | None:
        """The kernel's process id (None when not running)."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return None if process is None else process.pid

    def shutdown(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - the kernel may already be gone
                pass
            self.km = None

    def restart(self, reason: str) -> None:
        """A fresh kernel process, warmed up again (with any packages the last area imported)."""
        self.restarts += 1
        self.restart_reasons.append(reason)
        self.shutdown()
        self.start()

    def _expression(self, expression: str, timeout: float | None = 120) -> object:
        """Evaluate one expression in the kernel without touching its namespace or history."""
        reply = self.client.execute_interactive("", silent=True, store_history=False,
                                                user_expressions={"r": expression},
                                                timeout=timeout, output_hook=lambda msg: None)
        result = reply["content"]["user_expressions"]["r"]
        if result.get("status") != "ok":
            raise RuntimeError(f"warm kernel: {result.get('ename')}: {result.get('evalue')}")
        return ast.literal_eval(result["data"]["text/plain"])

    def _call(self, function: str, *args: object, timeout: float | None = 120) -> object:
        """Call `function` ("carerlib.module.name") in the kernel with `args`, plain values or
        `SHELL` for the kernel's own IPython shell; its result (a Python literal)."""
        module, _, name = function.rpartition(".")
        given = ", ".join("get_ipython()" if arg is SHELL else repr(arg) for arg in args)
        return self._expression(f"__import__({module!r}, fromlist=['_']).{name}({given})",
                                timeout)

    def _warm_up(self) -> None:
        self._call("carerlib.pack.kernel_state.warm_up", SHELL, self.warm_imports)

    # ---------------------------------------------------------------- one area

    def _prime(self, area_code: str, params_file: str | None) -> None:
        """Build the parsed store's national tables from the far end (`carerlib.pack.prime`),
        then reset. A failure here is left for the area's own pack to report."""
        try:
            self._call("carerlib.pack.prime.prime_store", area_code, params_file, timeout=None)
        except Exception as exc:  # noqa: BLE001 - the pack says what is wrong, in one line
            self.restart(f"priming failed: {exc}")
            return
        self._reset()

    def execute(self, source: Path, executed: Path, parameters: dict, timeout: int | None,
                prime: bool = False) -> nbformat.NotebookNode:
        """Run `source` with `parameters` into `executed`, then reset (or restart) the kernel;
        returns the executed notebook (as written). With `prime`, the parsed store is primed
        first (a batch's second worker, `carerlib.pack.prime`)."""
        if self.km is None:
            self.start()
        elif not run_sync(self.km.is_alive)():
            self.restart("kernel died")
        if prime:
            self._prime(parameters["area_code"], parameters["params_file"])
        self._expression(f"__import__('os').chdir({str(source.parent)!r})")
        try:
            notebook = pm.execute_notebook(
                str(source), str(executed), parameters=parameters, kernel_name=self.kernel_name,
                progress_bar=False, execution_timeout=timeout, engine_name=ENGINE,
                warm_kernel=self,
                request_save_on_cell_execute=False)  # written once at the end, not per cell
        except BaseException:
            self.restart("the area failed")  # a timed-out cell may still be running
            raise
        self._reset()
        return notebook

    def run_cells(self, cells: list[dict], timeout: float | None) -> list[dict]:
        """Run code cells ({"source", "raises"}) in the kernel in one request
        (`kernel_run.run_file`, through files: outputs can be megabytes); what each cell did.
        A kernel stuck past every cell's limit (in C code, which SIGALRM cannot stop) is a
        timeout here; the caller then restarts it."""
        with tempfile.TemporaryDirectory(prefix="carerlib-cells-") as folder:
            request, reply = Path(folder) / "request.json", Path(folder) / "reply.json"
            request.write_text(json.dumps({"cells": cells, "timeout": timeout}),
                               encoding="utf-8")
            self._call("carerlib.pack.kernel_run.run_file", SHELL, str(request), str(reply),
                       timeout=timeout * len(cells) + 60 if timeout else None)
            return json.loads(reply.read_text(encoding="utf-8"))["cells"]

    def _reset(self) -> None:
        if self.policy == "restart":
            self.restart("policy")
            return
        try:
            outcome = self._call("carerlib.pack.kernel_state.reset", SHELL)
        except Exception as exc:  # noqa: BLE001 - any doubt means a fresh kernel
            self.restart(f"reset failed: {exc}")
            return
        if outcome["restart"]:
            self.warm_imports += [p for p in outcome["new_packages"]
                                  if p not in self.warm_imports]
            self.restart("; ".join(outcome["restart"]))


_KERNELS: dict[tuple[str, str, int], WarmKernel] = {}


def kernel_for(kernel_name: str, cwd: Path, policy: Policy = "reset") -> WarmKernel:
    """This worker's warm kernel, started on first use (one per process and thread: a Dask
    worker runs tasks in several threads)."""
    key = (kernel_name, policy, threading.get_ident())
    if key not in _KERNELS:
        _KERNELS[key] = WarmKernel(kernel_name, cwd, policy)
    return _KERNELS[key]


@atexit.register
def shutdown_all() -> None:
    """Stop this process's kernels (they also exit by themselves when their parent dies)."""
    for kernel in _KERNELS.values():
        kernel.shutdown()
    _KERNELS.clear()
