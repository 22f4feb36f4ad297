"""SHA-256 of files: recorded when data is fetched, shown in a pack's sources, and used to tell
whether a pack's inputs changed."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=256)
def _cached(path: str, size: int, mtime_ns: int) -> str:
    return sha256(path)


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file, remembered while its size and modification time are unchanged."""
    stat = Path(path).stat()
    return _cached(str(path), stat.st_size, stat.st_mtime_ns)
