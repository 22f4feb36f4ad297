"""Where the project's folders are. Overridable by environment for tests and installed use."""

from __future__ import annotations

import os
from pathlib import Path

#: The checkout that holds params/, notebooks/, data/ and outputs/ (the package sits inside it).
PROJECT_ROOT = Path(os.environ.get("CARERLIB_HOME", Path(__file__).resolve().parents[2]))
PARAMS_DIR = PROJECT_ROOT / "params"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
OUTPUTS_DIR = Path(os.environ.get("CARERLIB_OUTPUTS", PROJECT_ROOT / "outputs"))


def cache_dir() -> Path:
    """The git-ignored folder `carerlib data fetch` fills (CARERLIB_CACHE overrides)."""
    return Path(os.environ.get("CARERLIB_CACHE", PROJECT_ROOT / "data" / "cache"))


def mirror_dir() -> Path | None:
    """A local folder laid out like the official-data mirror (CARERLIB_DATA_MIRROR), if set."""
    value = os.environ.get("CARERLIB_DATA_MIRROR")
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


ENV_PATHS = ("CARERLIB_DATA_MIRROR", "CARERLIB_CACHE", "CARERLIB_OUTPUTS", "CARERLIB_HOME")


def absolutise_env() -> None:
    """Make path settings absolute against the caller's folder.

    Notebook kernels run in notebooks/, so a relative CARERLIB_DATA_MIRROR=../shared/data given
    at the project root would otherwise point somewhere else inside the kernel.
    """
    for name in ENV_PATHS:
        value = os.environ.get(name)
        if value and not Path(value).is_absolute():
            os.environ[name] = str(Path(value).resolve())
