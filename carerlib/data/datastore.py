"""Find official data files: in the fetched cache or a local mirror, with their provenance.

The registry of datasets (path, title, vintage, download archive) lives in
`params/data_sources.yaml`; nothing about file locations is hard-coded elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from carerlib.data import paths
from carerlib.data.checksums import file_digest
from carerlib.data.coverage import Coverage, parse_coverage
from carerlib.data.yamlfile import read_yaml_mapping
from carerlib.errors import CarerlibError, DataError, ParamsError

MANIFEST = "MANIFEST.json"
#: Files without which no official pack can be built (its headline figures and areas).
REQUIRED = ("ts039_ltla", "ltla_utla_lookup", "la_codes")


@dataclass(frozen=True)
class Dataset:
    key: str
    path: str
    title: str
    vintage: str
    archive: str | None = None
    member: str | None = None
    coverage: Coverage | None = None  # role (headline/secondary) and the areas it must cover
    page: str | None = None  # the publisher's download page, for a reader to check provenance


@dataclass(frozen=True)
class Registry:
    attribution: str
    download_base: str
    datasets: dict[str, Dataset]


@lru_cache(maxsize=4)
def registry(path: Path | None = None) -> Registry:
    """Load and check the dataset registry."""
    path = path or paths.PARAMS_DIR / "data_sources.yaml"
    raw = read_yaml_mapping(path)
    for key in ("attribution", "download_base", "datasets"):
        if key not in raw:
            raise ParamsError(path, key, "missing")
    datasets = {}
    for key, entry in raw["datasets"].items():
        for field in ("path", "title", "vintage"):
            if not entry or field not in entry:
                raise ParamsError(path, f"datasets.{key}.{field}", "missing")
        if bool(entry.get("archive")) != bool(entry.get("member")):
            raise ParamsError(path, f"datasets.{key}", "give both archive and member, or neither")
        datasets[key] = Dataset(key=key, **{f: entry.get(f) for f in
                                            ("path", "title", "vintage", "archive", "member",
                                             "page")},
                                coverage=parse_coverage(key, entry, path))
    return Registry(raw["attribution"], raw["download_base"].rstrip("/"), datasets)


class DataStore:
    """Official files found in one or more folders laid out like the mirror, first match wins.

    The default looks in the fetched cache first and then in CARERLIB_DATA_MIRROR, so a cache
    holding only the downloadable Census 2021 files still finds the rest in the mirror.
    """

    def __init__(self, root: str | Path, kind: str = "mirror",
                 more: list[tuple[Path, str]] | None = None) -> None:
        self.roots: list[tuple[Path, str]] = [(Path(root), kind), *(more or [])]
        self.root, self.kind = self.roots[0]
        self.registry = registry()

    @classmethod
    def default(cls) -> DataStore | None:
        """The fetched cache and/or CARERLIB_DATA_MIRROR, or None (embedded sample only)."""
        roots: list[tuple[Path, str]] = []
        cache = paths.cache_dir()
        if (cache / MANIFEST).exists():
            roots.append((cache, "cache"))
        mirror = paths.mirror_dir()
        if mirror is not None:
            if not mirror.is_dir():
                raise CarerlibError(f"CARERLIB_DATA_MIRROR={mirror}: folder not found")
            roots.append((mirror, "mirror"))
        if not roots:
            return None
        (root, kind), *more = roots
        return cls(root, kind, more)

    def dataset(self, key: str) -> Dataset:
        try:
            return self.registry.datasets[key]
        except KeyError:
            raise CarerlibError(f"unknown dataset '{key}' (see params/data_sources.yaml)") from None

    def _where(self, key: str) -> tuple[Path, str]:
        relative = self.dataset(key).path
        for root, kind in self.roots:
            if (root / relative).is_file():
                return root, kind
        return self.roots[0]

    def path(self, key: str) -> Path:
        return self._where(key)[0] / self.dataset(key).path

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def require(self, keys: tuple[str, ...] = REQUIRED) -> DataStore:
        """This store, if it holds every file in `keys`; else a one-line DataError naming the
        first file missing (or replaced by a folder). Never a silent fall back to the sample."""
        for key in keys:
            path = self.path(key)
            if path.is_dir():
                raise DataError(path, "is a folder, not a data file (official data is "
                                "configured, so the embedded sample is not used)")
            if not path.is_file():
                where = ", ".join(f"{kind} {root}" for root, kind in self.roots)
                raise DataError(path, f"not found in the official data configured ({where}); "
                                "the embedded sample is not used in its place: run 'carerlib "
                                "data fetch' or fix CARERLIB_DATA_MIRROR")
        return self


    def checksums(self) -> dict[str, str]:
        """SHA-256 per file recorded when the cache was fetched (empty for a mirror)."""
        sums: dict[str, str] = {}
        for root, _ in reversed(self.roots):
            manifest = root / MANIFEST
            if manifest.exists():
                files = json.loads(manifest.read_text())["files"]
                sums.update({str(root / k): v["sha256"] for k, v in files.items()})
        return sums

    def provenance(self, keys: list[str] | None = None) -> list[dict[str, str]]:
        """One row per dataset used: title, vintage, file, where it came from, SHA-256."""
        keys = keys or [k for k in self.registry.datasets if self.has(k)]
        sums = self.checksums()
        rows = []
        for k in keys:
            root, kind = self._where(k)
            path = self.path(k)
            rows.append({
                "dataset": self.dataset(k).title,
                "vintage": self.dataset(k).vintage,
                "file": self.dataset(k).path,
                "read from": f"{kind} ({root})",
                "sha256": sums.get(str(path)) or file_digest(path),
            })
        return rows


def official_store() -> DataStore | None:
    """The official data configured (cache and/or mirror), checked to hold the files every pack
    needs; None only when none is configured at all (a fresh machine, where the embedded sample
    is used)."""
    store = DataStore.default()
    return None if store is None else store.require()
