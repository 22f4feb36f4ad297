"""Shared helpers for the batch benchmarks (not a test): paths, a process-tree memory sampler
and a timer."""

from __future__ import annotations

import os
import platform
import subprocess
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"


def data_env(cache: Path) -> dict[str, str]:
    """The environment for a run: the official-data mirror and a chosen (cold or warm) cache."""
    env = dict(os.environ)
    mirror = env.get("CARERLIB_DATA_MIRROR") or str(ROOT.parent / "shared" / "data")
    env["CARERLIB_DATA_MIRROR"] = str(Path(mirror).resolve())
    env["CARERLIB_CACHE"] = str(cache)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def machine() -> str:
    return (f"{platform.node()}: {psutil.cpu_count(logical=True)} logical cores, "
            f"{psutil.virtual_memory().total / 2**30:.1f} GB RAM, Python "
            f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f} at start")


class PeakMemory:
    """Sample the resident memory of a process and all its descendants; keep the peak."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for process in tree:
                try:
                    total += process.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_timed(command: list[str], env: dict[str, str], memory: bool = False
              ) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run `command`; return wall seconds, peak resident bytes of its process tree (if asked)
    and the finished process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=ROOT)
    peak = 0
    if memory:
        with PeakMemory(process.pid) as sampler:
            out, err = process.communicate()
        peak = sampler.peak
    else:
        out, err = process.communicate()
    seconds = time.perf_counter() - start
    return seconds, peak, subprocess.CompletedProcess(command, process.returncode, out, err)
