"""Warm kernels: one Jupyter kernel per batch worker, started once with the libraries imported,
reset between areas so that no area sees another's variables or changed module state.

The notebook still runs through papermill (same parameter injection, same executed notebook, same
errors) with the warm kernel's manager passed in, so it runs whatever cells the notebook has.
After each area `kernel_state.reset()` runs in the kernel; when it reports state it cannot
restore, or the area failed (a cell may still be running), the kernel is restarted instead.
`policy="restart"` restarts after every area (slower, for notebooks that change state carerlib
cannot see).
"""

from __future__ import annotations

import ast
import atexit
import json
import threading
from pathlib import Path
from typing import Literal

import nbformat
import papermill as pm
from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

#: Imported at warm-up, so each area skips them: the evidence-pack notebook's imports and what
#: showing a plotly figure pulls in (nbformat's validator and its format checkers). A package a
#: notebook imports beyond these costs one restart per worker, then joins the list.
WARM_IMPORTS = (
    "pandas", "numpy", "plotly.graph_objects", "plotly.io", "xlsxwriter",
    "carerlib.pack.evidence", "carerlib.pack.export", "carerlib.pack.report",
    "carerlib.params", "carerlib.pack.kernel_state", "nbformat", "narwhals", "statistics",
    "webbrowser", "jsonschema", "fastjsonschema", "arrow", "attr", "attrs", "fqdn", "idna",
    "isoduration", "jsonpointer", "jsonschema_specifications", "lark", "referencing",
    "rfc3339_validator", "rfc3986_validator", "rfc3987_syntax", "rpds", "six", "uri_template",
    "webcolors",
)
#: No input history: a warm kernel's history is never read, and each reset would otherwise end
#: and open a session in IPython's SQLite history file.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
Policy = Literal["reset", "restart"]
ENGINE = "carerlib-warm"


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine running on the warm kernel's own notebook client (`kc`).

    nbclient would otherwise start a client for every area, which waits 0.2 s for the kernel's
    output channel to fall quiet before the first cell, and leave it open (the kernel is not its
    to shut down): an open, unused client buffers every later area's output (a worker grew by
    ~6 MB a pack). The kept client is read by every area, and nbclient ignores output that
    answers another request. Without `kc`, a client is made and closed after the run.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None,
                                 **kwargs):
        kept = kwargs.pop("kc", None)  # the warm kernel's own client, reused across areas
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(nb_man, **merge_kwargs(
            kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
            kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file))
        client.kc = kept
        try:
            return client.execute()
        finally:
            if kept is None and client.kc is not None:
                client.kc.stop_channels()


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
        self.client = None  # one blocking client per kernel, for warm-up, chdir and reset
        self.notebook_client = None  # one async client per kernel, for running notebooks
        self.restarts = 0
        self.restart_reasons: list[str] = []

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> WarmKernel:
        self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(self.km.start_kernel)(cwd=str(self.cwd), extra_arguments=KERNEL_ARGS)
        self.client = self.km.blocking_client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)
        # Connected before the baseline is taken: a client connecting changes the kernel's
        # global random state, which each area must find as the baseline left it.
        self._notebook_client()
        self._warm_up()
        return self

    @property
    def pid(self) -> int | None:
        """The kernel's process id (None when not running)."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return None if process is None else process.pid

    def shutdown(self) -> None:
        if self.notebook_client is not None:
            self.notebook_client.stop_channels()
            self.notebook_client = None
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

    def _expression(self, expression: str, timeout: float = 120) -> object:
        """Evaluate one expression in the kernel without touching its namespace or history."""
        reply = self.client.execute_interactive("", silent=True, store_history=False,
                                                user_expressions={"r": expression},
                                                timeout=timeout, output_hook=lambda msg: None)
        result = reply["content"]["user_expressions"]["r"]
        if result.get("status") != "ok":
            raise RuntimeError(f"warm kernel: {result.get('ename')}: {result.get('evalue')}")
        return ast.literal_eval(result["data"]["text/plain"])

    def _warm_up(self) -> None:
        modules = json.dumps(self.warm_imports)
        self._expression(
            f"__import__('carerlib.pack.kernel_state', fromlist=['_']).warm_up("
            f"get_ipython(), {modules})")

    # ---------------------------------------------------------------- one area

    def execute(self, source: Path, executed: Path, parameters: dict, timeout: int | None
                ) -> nbformat.NotebookNode:
        """Run `source` with `parameters` into `executed`, then reset (or restart) the kernel;
        returns the executed notebook (as written)."""
        if self.km is None:
            self.start()
        elif not run_sync(self.km.is_alive)():
            self.restart("kernel died")
        self._expression(f"__import__('os').chdir({str(source.parent)!r})")
        try:
            notebook = pm.execute_notebook(
                str(source), str(executed), parameters=parameters, kernel_name=self.kernel_name,
                progress_bar=False, execution_timeout=timeout, km=self.km, engine_name=ENGINE,
                kc=self._notebook_client(),
                request_save_on_cell_execute=False)  # written once at the end, not per cell
        except BaseException:
            self.restart("the area failed")  # a timed-out cell may still be running
            raise
        self._reset()
        return notebook

    def _notebook_client(self):  # noqa: ANN202 - jupyter_client's AsyncKernelClient
        """The async client notebooks run through, started once per kernel."""
        if self.notebook_client is None:
            client = self.km.client()
            client.start_channels()
            run_sync(client.wait_for_ready)(timeout=120)
            self.notebook_client = client
        return self.notebook_client

    def _reset(self) -> None:
        if self.policy == "restart":
            self.restart("policy")
            return
        try:
            outcome = json.loads(self._expression(
                "__import__('json').dumps(__import__('carerlib.pack.kernel_state', "
                "fromlist=['_']).reset(get_ipython()))"))
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
