"""Interrupts (issue 12 §3): Ctrl-C stops `carerlib packs` within seconds with exit 130, one line
and an index of what finished; kill -9 of the batch leaves no worker or kernel building; the next
run removes stale staging folders and builds only what is missing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.integration

AREAS = ["E06000033", "E06000034", "E06000035", "E06000036", "E06000037"]
PACK_FILES = ["index.html", "inputs.json", "build.json", "headlines.json"]


def start_batch(out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "carerlib", "packs", "--areas", *AREAS, "--workers", "2",
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))


def finished(out: Path) -> list[str]:
    return sorted(p.parent.name for p in out.glob("E*/index.html"))


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def descendants(process: subprocess.Popen) -> list[psutil.Process]:
    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def assert_all_gone(processes: list[psutil.Process], timeout: float = 15) -> None:
    gone, alive = psutil.wait_procs(processes, timeout=timeout)
    assert not alive, f"still running: {[(p.pid, p.cmdline()[:3]) for p in alive]}"


def assert_complete(out: Path) -> None:
    for folder in out.glob("E*"):
        for name in PACK_FILES:
            assert (folder / name).is_file(), f"{folder.name}: {name} missing"
        assert (folder / f"{folder.name}.xlsx").is_file()
        assert list((folder / "tables").glob("*.csv"))


def test_sigint_then_sigkill_then_rerun(mirror, tmp_path):
    out = tmp_path / "packs"
    # 1. Ctrl-C once the first pack is in place.
    batch = start_batch(out)
    wait_for(lambda: finished(out) or batch.poll() is not None, 600, "a first pack")
    workers = descendants(batch)
    assert workers, "the batch should have worker processes"
    batch.send_signal(signal.SIGINT)
    stopped = time.monotonic()
    _, err = batch.communicate(timeout=60)
    assert time.monotonic() - stopped < 20
    assert batch.returncode == 130, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("interrupted")]
    assert len(lines) == 1 and "run again to build the rest" in lines[0]
    assert_all_gone(workers)
    assert_complete(out)
    done_after_sigint = finished(out)
    assert done_after_sigint and len(done_after_sigint) < len(AREAS)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="./{code}/index.html"' in index for code in done_after_sigint)

    # 2. kill -9 of the batch while its workers are building.
    batch = start_batch(out)
    wait_for(lambda: len(descendants(batch)) >= 4 or batch.poll() is not None, 300,
             "workers and kernels")
    time.sleep(3)
    workers = descendants(batch)
    batch.kill()
    batch.communicate(timeout=30)
    assert_all_gone(workers)  # workers die with their parent; kernels with their worker
    assert_complete(out)

    # 3. The next run cleans up and builds only the rest.
    before = set(finished(out))
    rerun = subprocess.run(
        [sys.executable, "-m", "carerlib", "packs", "--areas", *AREAS, "--workers", "2",
         "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    summary = rerun.stdout.strip().splitlines()[0]
    assert summary == (f"built {len(AREAS) - len(before)}, skipped {len(before)} (unchanged), "
                       "failed 0")
    assert finished(out) == sorted(AREAS)
    assert_complete(out)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".E")]  # no staging left
