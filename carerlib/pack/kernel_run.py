"""Runs inside a warm kernel: all of a notebook's code cells in one request.

nbclient sends each cell to the kernel as a message, and the kernel sends back each output, each
change of state and each reply as messages of their own: about 200 a pack, each one serialised,
signed, parsed and checked on both sides. That cost about a third of a warm pack's CPU. Here the
kernel runs the cells itself, one after another in IPython's own `run_cell` as an execute request
would, and records each cell's outputs as nbclient records them from the messages:

- display_data, and update_display_data: a display id updates every earlier output with that id;
- execute_result from the display hook, with the cell's execution count;
- stream text, one output per run of writes to one stream (the kernel flushes its streams before
  each display, so a display ends a run);
- error, with the traceback IPython formats, after which no later cell runs (unless the cell is
  tagged raises-exception, as nbclient allows);
- clear_output (with wait=True, the outputs are cleared when the next one arrives).

Each output goes through the JSON encoder of the kernel protocol (jupyter_client's json_packer)
as it is made, so the notebook receives what a message would have carried. Output written to the
process's file descriptors by C code is not captured, unlike the kernel's own stream handling.

A cell that runs longer than `timeout` seconds is stopped by SIGALRM, and the run ends there with
the cell marked as timed out. Nothing here is imported by a pack built on its own.
"""

from __future__ import annotations

import io
import json
import signal
import sys
import time
from datetime import UTC, datetime
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from jupyter_client.session import json_packer


class CellTimeout(BaseException):
    """Raised in a cell that ran past its time limit (a BaseException: `except Exception` in the
    cell does not swallow it)."""


def _wire(content: dict) -> dict:
    """`content` as the kernel protocol would deliver it (serialised, then parsed)."""
    return json.loads(json_packer(content))


class Recorder:
    """The outputs of the cell being run, as nbformat output dicts."""

    def __init__(self, by_display_id: dict[str, list[dict]]) -> None:
        self.outputs: list[dict] = []
        self.by_display_id = by_display_id  # shared by every cell of the notebook
        self.clear_before_next = False

    def _append(self, output: dict) -> None:
        if self.clear_before_next:
            self.outputs.clear()
            self.clear_before_next = False
        self.outputs.append(output)

    def stream(self, name: str, text: str) -> None:
        last = self.outputs[-1] if self.outputs and not self.clear_before_next else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self._append({"output_type": "stream", "name": name, "text": text})

    def display(self, data: dict, metadata: dict | None, transient: dict | None,
                update: bool) -> None:
        content = _wire({"data": data, "metadata": metadata or {}})
        display_id = (transient or {}).get("display_id")
        for earlier in self.by_display_id.get(display_id, []) if display_id else []:
            earlier["data"], earlier["metadata"] = content["data"], content["metadata"]
        if update:
            return
        output = {"output_type": "display_data", **content}
        self._append(output)
        if display_id:
            self.by_display_id.setdefault(display_id, []).append(output)

    def result(self, execution_count: int, data: dict, metadata: dict) -> None:
        content = _wire({"data": data, "metadata": metadata})
        self._append({"output_type": "execute_result", "execution_count": execution_count,
                      **content})

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._append(_wire({"output_type": "error", "ename": ename, "evalue": evalue,
                            "traceback": traceback}))

    def clear(self, wait: bool) -> None:
        if wait:
            self.clear_before_next = True
        else:
            self.outputs.clear()


class _Publisher(DisplayPublisher):
    def __init__(self, recorder: Recorder, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recorder = recorder

    def retire(self) -> None:
        """Take back the execution callbacks IPython's publisher registers on the shell (9.x):
        left there, each cell's publisher, its recorder and every output it recorded would
        stay alive for as long as the kernel (a leak of ~0.4 MB a pack, and slower
        collections as it grew)."""
        for event, callback in (("post_execute", getattr(self, "_on_post_execute", None)),
                                ("pre_execute", getattr(self, "_on_pre_execute", None))):
            if callback is not None and callback in self.shell.events.callbacks[event]:
                self.shell.events.unregister(event, callback)

    def publish(self, data, metadata=None, source=None, *, transient=None,  # noqa: ANN001
                update=False, **kwargs) -> None:
        self.recorder.display(data, metadata, transient, update)

    def clear_output(self, wait: bool = False) -> None:
        self.recorder.clear(wait)


class _ResultHook(DisplayHook):
    """IPython's display hook (Out, _, quiet cells), recording an execute_result."""

    def __init__(self, recorder: Recorder, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recorder = recorder
        self.pending: dict = {}

    def start_displayhook(self) -> None:
        self.pending = {"data": {}, "metadata": {}}

    def write_output_prompt(self) -> None:
        self.pending["execution_count"] = self.prompt_count

    def write_format_data(self, format_dict, md_dict=None) -> None:  # noqa: ANN001
        self.pending["data"], self.pending["metadata"] = format_dict, md_dict or {}

    def finish_displayhook(self) -> None:
        if self.pending.get("data"):
            self.recorder.result(self.pending.get("execution_count", self.prompt_count),
                                 self.pending["data"], self.pending["metadata"])
        self.pending = {}


class _Stream(io.TextIOBase):
    def __init__(self, name: str, recorder: Recorder) -> None:
        self.name_ = name
        self.recorder = recorder

    def write(self, text: str) -> int:
        if text:
            self.recorder.stream(self.name_, text)
        return len(text)

    def writable(self) -> bool:
        return True


def _alarm(signum, frame) -> None:  # noqa: ANN001
    raise CellTimeout


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _run_one(shell, source: str, recorder: Recorder, timeout: float | None) -> str:
    """Run one cell; its status: ok, error or timeout."""
    if timeout:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        result = shell.run_cell(source, store_history=True)
    finally:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)
    if isinstance(result.error_in_exec, CellTimeout):
        return "timeout"
    return "ok" if result.success else "error"


def run_cells(shell, cells: list[dict], timeout: float | None = None) -> list[dict]:
    """Run `cells` ({"source", "raises"}) in order in `shell`; for each cell run, its outputs,
    execution count, start and end time and status. Stops after an error (unless the cell may
    raise) or a timeout."""
    saved = (shell.display_pub, shell.displayhook, shell.display_trap.hook, sys.displayhook,
             sys.stdout, sys.stderr, signal.getsignal(signal.SIGALRM))
    own_traceback = vars(shell).get("_showtraceback")
    done, by_display_id = [], {}
    try:
        signal.signal(signal.SIGALRM, _alarm)
        for cell in cells:
            recorder = Recorder(by_display_id)
            shell.display_pub = publisher = _Publisher(recorder, shell=shell)
            hook = _ResultHook(recorder, shell=shell, cache_size=shell.cache_size)
            shell.displayhook = shell.display_trap.hook = sys.displayhook = hook
            sys.stdout, sys.stderr = _Stream("stdout", recorder), _Stream("stderr", recorder)
            shell._showtraceback = lambda etype, evalue, stb, r=recorder: r.error(
                etype.__name__, str(evalue), stb)
            count, start = shell.execution_count, _now()
            try:
                status = _run_one(shell, cell["source"], recorder, timeout)
            finally:
                publisher.retire()
            done.append({"outputs": recorder.outputs, "execution_count": count,
                         "start": start, "end": _now(), "status": status})
            if status == "timeout" or (status == "error" and not cell.get("raises")):
                break
    finally:
        (shell.display_pub, shell.displayhook, shell.display_trap.hook, sys.displayhook,
         sys.stdout, sys.stderr) = saved[:6]
        if own_traceback is None:
            vars(shell).pop("_showtraceback", None)  # back to the class's own method
        else:
            shell._showtraceback = own_traceback
        signal.signal(signal.SIGALRM, saved[6])
    return done


def run_file(shell, request: str, reply: str) -> bool:
    """Run the cells in the JSON file `request` ({"cells": [...], "timeout": s}) and write what
    `run_cells` returns to the JSON file `reply` (outputs can be megabytes: a file, not a
    message)."""
    with open(request, encoding="utf-8") as handle:
        asked = json.load(handle)
    began = time.perf_counter()
    done = run_cells(shell, asked["cells"], asked.get("timeout"))
    with open(reply, "w", encoding="utf-8") as handle:
        json.dump({"cells": done, "seconds": time.perf_counter() - began}, handle)
    return True
