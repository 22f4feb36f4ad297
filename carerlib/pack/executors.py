"""Where a batch's packs are built: a registry of executors (papermill's engine registry shape).

- `local` (default): worker processes on this machine, each with one warm kernel, writing packs
  straight into the packs folder. Workers die with the batch (Linux parent-death signal, and a
  watcher thread elsewhere); their kernels exit when their worker does.
- `dask`: an existing dask.distributed cluster (`--scheduler tcp://HOST:PORT`). Each worker
  builds a pack in its own temporary folder and returns it as a tar archive; the client checks it
  was built from the same inputs (data, params, notebook, carerlib) and swaps it into the packs
  folder, so workers need carerlib and the data mirror but no shared disk.

An executor takes the tasks and a callback, and calls the callback once per task with an
`Outcome`; a failure is an outcome for that area, never an exception that stops the rest.
"""

from __future__ import annotations

import io
import os
import queue
import signal
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from carerlib.errors import CarerlibError


@dataclass(frozen=True)
class Task:
    """One area's pack, as a worker needs it."""

    area_code: str
    out_root: str
    params_file: str | None = None
    self_contained: bool = False
    notebook: str | None = None
    kernel_policy: str = "reset"
    prime: bool = False  # prime the parsed store first (a batch's second worker)


@dataclass(frozen=True)
class Outcome:
    area_code: str
    error: str | None = None
    seconds: float = 0.0


Done = Callable[[Outcome], None]


class Executor(Protocol):
    def run(self, tasks: list[Task], done: Done) -> None: ...


EXECUTORS: dict[str, Callable[..., Executor]] = {}


def register(name: str) -> Callable:
    def add(factory: Callable[..., Executor]) -> Callable[..., Executor]:
        EXECUTORS[name] = factory
        return factory
    return add


def get_executor(name: str, **options) -> Executor:
    """The executor registered as `name`, built with `options` (workers=, scheduler=)."""
    if name not in EXECUTORS:
        raise CarerlibError(f"unknown executor '{name}' (have {', '.join(sorted(EXECUTORS))})")
    return EXECUTORS[name](**options)


def one_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text if isinstance(exc, CarerlibError) else f"{type(exc).__name__}: {text}"


def build_task(task: Task) -> Outcome:
    """Build one pack in this process (with its warm kernel); any failure is the outcome."""
    from carerlib.pack.runner import build_pack

    start = time.perf_counter()
    try:
        build_pack(task.area_code, params_file=task.params_file, out_root=task.out_root,
                   self_contained=task.self_contained, notebook=task.notebook,
                   warm=task.kernel_policy, prime=task.prime)
        error = None
    except Exception as exc:  # noqa: BLE001 - one area's failure must not stop the batch
        error = one_line(exc)
    return Outcome(task.area_code, error, time.perf_counter() - start)


# ------------------------------------------------------------------------------- local pool

def die_with_parent(parent: int) -> None:
    """Exit when the process that started us dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _stop_kernels_and_exit(signum, frame) -> None:
    from carerlib.pack.warm import shutdown_all

    shutdown_all()
    os._exit(128 + signum)


def skip_iri_format_checks() -> None:
    """Keep jsonschema from loading its IRI format checker in this process.

    nbformat (which papermill needs) imports jsonschema, which imports rfc3987-syntax for that
    checker when it is installed (JupyterLab's jupyter-events installs it); rfc3987-syntax builds
    its grammar's Lark parsers at import, 1.2 s of a worker's 2.3 s start
    (python-jsonschema/jsonschema#1428). A worker never checks formats: nbformat validates
    notebooks without a format checker. Marked absent, the module is skipped by jsonschema as
    when it is not installed.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def _worker_main(tasks, results, parent: int, primer: bool = False) -> None:
    """A local worker: build tasks until the sentinel, reporting start (with the kernel's pid)
    and outcome of each. The `primer` worker primes the parsed store before its first pack."""
    die_with_parent(parent)
    skip_iri_format_checks()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch decides what Ctrl-C does
    signal.signal(signal.SIGTERM, _stop_kernels_and_exit)
    from carerlib.pack import warm

    while True:
        task = tasks.get()
        if task is None:
            break
        if primer:
            task, primer = replace(task, prime=True), False
        results.put(("start", os.getpid(), task.area_code))
        outcome = build_task(task)
        pids = [k.pid for k in warm._KERNELS.values() if k.pid]
        results.put(("done", os.getpid(), outcome, pids))
    warm.shutdown_all()


def default_workers(areas: int) -> int:
    """One worker per core (never more than the batch's areas). A worker hands its kernel
    all of an area's cells at once and waits (pack/kernel_run.py), so a worker keeps one core
    busy. Measured on 2 cores, 365 packs: 2 workers 122-139 s, 3 workers 133-152 s (each extra
    worker also starts and warms a kernel and builds a cold cache's tables again)."""
    return max(1, min(os.cpu_count() or 1, areas))


@register("local")
class LocalExecutor:
    """Worker processes on this machine, one warm kernel each."""

    def __init__(self, workers: int | None = None, **_: object) -> None:
        self.workers = workers  # None: default_workers for the batch's size
        self.processes: dict[int, object] = {}
        self.kernel_pids: set[int] = set()
        self.failed_starts = 0
        self.started = 0  # workers this run started

    def _spawn(self, context, tasks, results, primer: bool = False) -> None:
        process = context.Process(target=_worker_main,
                                  args=(tasks, results, os.getpid(), primer), daemon=True)
        process.start()
        self.processes[process.pid] = process

    def run(self, tasks: list[Task], done: Done) -> None:
        import multiprocessing

        if not tasks:
            return
        context = multiprocessing.get_context("spawn")
        task_queue, results = context.Queue(), context.Queue()
        workers = max(1, min(self.workers or default_workers(len(tasks)), len(tasks)))
        self.started = workers
        for task in tasks:
            task_queue.put(task)
        for _ in range(workers):
            task_queue.put(None)
        running: dict[int, str] = {}
        remaining = len(tasks)
        try:
            for index in range(workers):  # the second primes the store (carerlib.pack.prime)
                self._spawn(context, task_queue, results, primer=index == 1)
            while remaining:
                try:
                    message = results.get(timeout=0.5)
                except queue.Empty:
                    remaining -= self._reap(running, done, context, task_queue, results)
                    continue
                if message[0] == "start":
                    running[message[1]] = message[2]
                else:
                    _, pid, outcome, kernels = message
                    running.pop(pid, None)
                    self.kernel_pids.update(kernels)
                    done(outcome)
                    remaining -= 1
        finally:
            task_queue.cancel_join_thread()  # never block exit on tasks nobody will take
            self.stop()

    def _reap(self, running: dict[int, str], done: Done, context, task_queue, results) -> int:
        """Report the area of a worker that died mid-build, and start a replacement. Workers
        that keep dying before taking an area (a broken environment) stop the batch."""
        lost = 0
        for pid, process in list(self.processes.items()):
            if process.is_alive() or process.exitcode == 0:
                continue
            del self.processes[pid]
            code = running.pop(pid, None)
            if code is not None:
                done(Outcome(code, f"worker process died (exit code {process.exitcode})"))
                lost += 1
            else:
                self.failed_starts += 1
                if self.failed_starts > 2 * self.started:
                    raise CarerlibError(f"batch workers exit before building anything (exit "
                                        f"code {process.exitcode}); try: carerlib pack CODE")
            self._spawn(context, task_queue, results)
        return lost

    def stop(self) -> None:
        """Stop every worker and kernel now (SIGTERM, then SIGKILL after 3 s)."""
        for process in self.processes.values():
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + 3
        for process in self.processes.values():
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1)
        for pid in self.kernel_pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.processes.clear()


# ------------------------------------------------------------------------------- dask

def pack_archive(folder: Path) -> bytes:
    """A pack folder as a gzipped tar (what a Dask worker returns)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return buffer.getvalue()


def build_remote(task: Task, params_text: str | None, notebook_text: str | None
                 ) -> tuple[Outcome, bytes | None]:
    """Run on a Dask worker: build in a private folder, return the outcome and the pack.

    The params file and a custom notebook travel with the task (same file names, so the pack's
    recorded inputs match the client's).
    """
    with tempfile.TemporaryDirectory(prefix="carerlib-dask-") as tmp:
        tmp_path = Path(tmp)
        params_file = notebook = None
        if params_text is not None:
            params_file = tmp_path / "params" / Path(task.params_file).name
            params_file.parent.mkdir()
            params_file.write_text(params_text, encoding="utf-8")
        if notebook_text is not None:
            notebook = tmp_path / "notebook" / Path(task.notebook).name
            notebook.parent.mkdir()
            notebook.write_text(notebook_text, encoding="utf-8")
        local = Task(task.area_code, str(tmp_path / "packs"),
                     str(params_file) if params_file else None, task.self_contained,
                     str(notebook) if notebook else None, task.kernel_policy)
        outcome = build_task(local)
        if outcome.error:
            return outcome, None
        return outcome, pack_archive(tmp_path / "packs" / task.area_code)


def unpack_into(archive: bytes, root: Path, area_code: str) -> Path:
    """Swap a returned pack into `root` atomically (staged beside it first)."""
    from carerlib.data import atomic
    from carerlib.pack.runner import _staging_folder

    staging = _staging_folder(root, area_code)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            tar.extractall(staging, filter="data")
        atomic.replace_dir(staging / area_code, root / area_code)
    finally:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
    return root / area_code


@register("dask")
class DaskExecutor:
    """Areas submitted to an existing dask.distributed scheduler."""

    def __init__(self, scheduler: str | None = None, **_: object) -> None:
        if not scheduler:
            raise CarerlibError("--executor dask needs --scheduler tcp://HOST:PORT")
        self.scheduler = scheduler

    def _client(self):
        try:
            from distributed import Client
        except ImportError:
            raise CarerlibError("--executor dask needs dask.distributed: "
                                "pip install 'carerlib[dask]'") from None
        try:
            return Client(self.scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise CarerlibError(f"--scheduler {self.scheduler}: cannot connect "
                                f"({one_line(exc)})") from None

    def run(self, tasks: list[Task], done: Done) -> None:
        from distributed import as_completed

        from carerlib.pack.runner import pack_inputs

        if not tasks:
            return
        client = self._client()
        futures = {}
        try:
            for task in tasks:
                params = Path(task.params_file).read_text("utf-8") if task.params_file else None
                notebook = Path(task.notebook).read_text("utf-8") if task.notebook else None
                future = client.submit(build_remote, task, params, notebook, pure=False,
                                       key=f"carerlib-pack-{task.area_code}-{time.time_ns()}")
                futures[future] = task
            for future in as_completed(futures):
                task = futures[future]
                try:
                    outcome, archive = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker fails only this area
                    done(Outcome(task.area_code, f"dask worker failed: {one_line(exc)}"))
                    continue
                if archive is not None:
                    outcome = self._accept(task, outcome, archive, pack_inputs)
                done(outcome)
        finally:
            client.cancel(list(futures), force=True)
            client.close()

    @staticmethod
    def _accept(task: Task, outcome: Outcome, archive: bytes, pack_inputs) -> Outcome:
        """Swap the pack in when it was built from the inputs this machine would use."""
        import json

        root = Path(task.out_root)
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            member = tar.extractfile(f"{task.area_code}/inputs.json")
            built = json.loads(member.read()) if member else {}
        notebook = Path(task.notebook) if task.notebook else None
        expected = pack_inputs(task.area_code, task.params_file, notebook or _notebook(task))
        if built.get("data") != expected["data"] or built.get("carerlib") != expected["carerlib"]:
            return Outcome(task.area_code, "dask worker built from different data or carerlib "
                           "code than this machine (check its CARERLIB_DATA_MIRROR and version)",
                           outcome.seconds)
        try:
            unpack_into(archive, root, task.area_code)
        except (OSError, CarerlibError) as exc:
            return Outcome(task.area_code, one_line(exc), outcome.seconds)
        return outcome


def _notebook(task: Task) -> Path:
    from carerlib.data import paths
    from carerlib.params import load_params

    return paths.NOTEBOOKS_DIR / load_params(task.area_code, task.params_file).pack.notebook
