"""outputs/packs/manifest.json: per pack, the input files' SHA-256, the params, the package
versions and the build time.

Each pack folder carries its own record (`build.json`, written in the staging folder, so it is
swapped in with the pack); the manifest gathers the records of the packs present. Writers take an
exclusive lock on the packs folder and merge on write, so two `pack` commands finishing at once
both land, and a batch killed with SIGKILL is caught up by the next run.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import sys
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from carerlib.data import atomic

MANIFEST = "manifest.json"
PACKAGES = ("carerlib", "pandas", "numpy", "plotly", "papermill", "nbclient", "nbconvert",
            "ipykernel", "xlsxwriter", "pyarrow", "pydantic")


@functools.cache
def _installed_versions() -> tuple[tuple[str, str], ...]:
    """Read once per process: looking up package metadata took ~10 ms a pack."""
    versions = [("python", platform.python_version())]
    for name in PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return tuple(versions)


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape a pack."""
    return dict(_installed_versions())


def build_record(inputs: dict, params: dict, params_file: Path | None) -> dict:
    """One pack's manifest entry."""
    return {
        "area_code": inputs["area_code"],
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": inputs,
        "params_file": str(params_file) if params_file else None,
        "params": params,
        "versions": package_versions(),
    }


@contextmanager
def _locked(root: Path):
    """An exclusive lock on the packs folder itself (flock on the folder: no lock file is left
    in a folder that is zipped and sent on; a no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    handle = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def update_manifest(root: str | Path) -> Path:
    """Merge every present pack's `build.json` into `root/manifest.json` (under the lock).

    Entries for packs no longer present are dropped: the manifest describes the folder.
    """
    root = Path(root)
    path = root / MANIFEST
    with _locked(root):
        packs: dict[str, dict] = {}
        for record in sorted(root.glob("*/build.json")):
            try:
                entry = json.loads(record.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue  # a damaged record: the pack is rebuilt when its inputs are checked
            packs[record.parent.name] = entry
        manifest = {"generated": datetime.now(UTC).isoformat(timespec="seconds"),
                    "python": sys.version.split()[0], "packs": packs}
        atomic.write_text(path, json.dumps(manifest, indent=1, sort_keys=True))
    return path
