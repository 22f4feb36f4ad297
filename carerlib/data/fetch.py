"""`carerlib data fetch`: download official files (or copy them from a mirror) into the cache.

Every file is checked by its reader before it lands, recorded with a SHA-256 in the cache's
MANIFEST.json, and moved into place atomically: a bad or partial download never replaces good data.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from carerlib.data import areas, ascof, atomic, census, deflator, paths, projections
from carerlib.data.checksums import sha256
from carerlib.data.datastore import MANIFEST, Dataset, DataStore, registry
from carerlib.data.official import OfficialData
from carerlib.errors import CarerlibError, DataError

#: Readers that check a file before it is accepted into the cache.
VALIDATORS: dict[str, Callable[[Path], object]] = {
    "ts039_ltla": census.read_ts039,
    "ts039_utla": census.read_ts039,
    "ts007_ltla": census.read_ts007,
    "ts007_utla": census.read_ts007,
    "ts007_rgn": census.read_ts007,
    "ts007_ctry": census.read_ts007,
    "qs301_lad2011": census.read_qs301,
    "qs103_lad2011": census.read_qs103,
    "ltla_utla_lookup": census.read_ltla_utla_lookup,
    "lad2011_lad2021_lookup": census.read_lad2011_lad2021_lookup,
    "la_codes": areas.read_la_codes,
    "care_rates_by_age_sex": projections.read_national_care_rates,
    "snpp2022": projections.read_snpp2022,
    "snpp2016": projections.read_snpp2016,
    "snpp2018": projections.read_snpp2018_districts,
    "gdp_deflator": deflator.read_gdp_deflator,
    "ascof": ascof.read_ascof_outcomes,
}


@dataclass
class FetchReport:
    fetched: dict[str, str] = field(default_factory=dict)  # path -> sha256
    skipped: dict[str, str] = field(default_factory=dict)  # dataset -> reason
    gaps: list[str] = field(default_factory=list)  # secondary datasets' missing areas

    def summary(self) -> str:
        lines = [f"fetched {len(self.fetched)} file(s)"]
        lines += [f"  {p}  sha256 {h[:12]}…" for p, h in sorted(self.fetched.items())]
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)}:")
            lines += [f"  {k}: {why}" for k, why in sorted(self.skipped.items())]
        if self.gaps:
            lines.append(f"areas missing from secondary data ({len(self.gaps)}; packs say so):")
            lines += [f"  {gap}" for gap in self.gaps]
        return "\n".join(lines)


def _download(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CarerlibError(f"{url}: download failed ({reason})") from None


def _extract(archive: bytes, url: str, member: str, target: Path) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
            names = {Path(n).name: n for n in bundle.namelist()}
            if member not in names:
                raise DataError(url, f"archive has no member '{member}'")
            with bundle.open(names[member]) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
    except zipfile.BadZipFile:
        raise DataError(url, "not a valid zip archive") from None


def fetch(
    dest: str | Path | None = None,
    mirror: str | Path | None = None,
    base_url: str | None = None,
    keys: Iterable[str] | None = None,
    timeout: float = 120,
) -> FetchReport:
    """Fill the cache with the registry's datasets, from `mirror` if given, else by download."""
    dest = Path(dest) if dest else paths.cache_dir()
    reg = registry()
    base = (base_url or reg.download_base).rstrip("/")
    unknown = [k for k in (keys or []) if k not in reg.datasets]
    if unknown:
        raise CarerlibError(f"unknown dataset '{unknown[0]}' (choose from "
                            f"{', '.join(sorted(reg.datasets))})")
    wanted: list[Dataset] = [reg.datasets[k] for k in (keys or reg.datasets)]
    report = FetchReport()
    archives: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="carerlib-fetch-") as tmp:
        staged: list[tuple[Dataset, Path, str]] = []
        for ds in wanted:
            target = Path(tmp) / ds.path  # laid out like the cache, so coverage can be checked
            target.parent.mkdir(parents=True, exist_ok=True)
            if mirror is not None:
                source = Path(mirror) / ds.path
                if not source.is_file():
                    report.skipped[ds.key] = f"not in mirror ({source})"
                    continue
                shutil.copyfile(source, target)
                origin = str(source)
            elif ds.archive:
                url = f"{base}/{ds.archive}"
                if url not in archives:
                    archives[url] = _download(url, timeout)
                _extract(archives[url], url, ds.member, target)
                origin = f"{url}#{ds.member}"
            else:
                report.skipped[ds.key] = "no official download configured; use --mirror DIR"
                continue
            validate = VALIDATORS.get(ds.key)
            if validate is None:  # nothing lands in the cache unchecked
                raise CarerlibError(f"dataset '{ds.key}' has no reader to check it; add one to "
                                    "carerlib.data.fetch.VALIDATORS")
            try:
                validate(target)
            except DataError as exc:  # name the origin, not the temporary copy
                raise DataError(origin, exc.problem, row=exc.row, column=exc.column) from None
            staged.append((ds, target, origin))
        report.gaps = _check_coverage(Path(tmp), dest, mirror, staged)
        # Everything checked: now move into place, one atomic rename per file.
        manifest_path = dest / MANIFEST
        manifest = (json.loads(manifest_path.read_text()) if manifest_path.exists()
                    else {"files": {}})
        for ds, target, origin in staged:
            digest = sha256(target)
            atomic.copy_file(target, dest / ds.path)
            manifest["files"][ds.path] = {
                "sha256": digest, "dataset": ds.key, "source": origin,
                "fetched": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            report.fetched[ds.path] = digest
        if staged:
            atomic.write_text(manifest_path, json.dumps(manifest, indent=2, sort_keys=True))
    return report


def _check_coverage(staged_root: Path, dest: Path, mirror: str | Path | None,
                    staged: list[tuple[Dataset, Path, str]]) -> list[str]:
    """Check the staged files' coverage (params/data_sources.yaml) against the lookups staged,
    cached or in the mirror: a headline file missing an area is refused before anything lands;
    a secondary file's gaps are returned for the report. Skipped without the LTLA lookup."""
    more = [(dest, "cache")] + ([(Path(mirror), "mirror")] if mirror is not None else [])
    store = DataStore(staged_root, "fetched", more)
    if not store.has("ltla_utla_lookup"):
        return []
    data = OfficialData(store)
    origins = {str(target): origin for _, target, origin in staged}
    gaps = []
    for ds, _, _ in staged:
        cov = ds.coverage
        needs_2011 = cov is not None and str(cov.areas).startswith("lookup_lad2011")
        if cov is None or cov.areas in ("own", "national") or (
                needs_2011 and not store.has("lad2011_lad2021_lookup")):
            continue
        try:
            gaps += data.check_file(ds.key, VALIDATORS[ds.key])
        except DataError as exc:  # name where the file came from, not the staging copy
            raise DataError(origins.get(exc.file, exc.file), exc.problem, row=exc.row,
                            column=exc.column) from None
    return [f"{g.dataset}: no row for {g.name or g.code} ({g.code})" for g in gaps]


def verify(dest: str | Path | None = None) -> list[str]:
    """Files in the cache whose SHA-256 no longer matches the manifest (empty list = all good)."""
    dest = Path(dest) if dest else paths.cache_dir()
    if not dest.is_dir():
        raise CarerlibError(f"{dest}: folder not found (nothing to verify; run "
                            "'carerlib data fetch' first)")
    manifest_path = dest / MANIFEST
    if not manifest_path.is_file():
        raise CarerlibError(f"{manifest_path}: not found (nothing was fetched into {dest})")
    try:
        files = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        raise CarerlibError(f"{manifest_path}: not a carerlib manifest (fetch again)") from None
    return [p for p, entry in files.items()
            if not (dest / p).is_file() or sha256(dest / p) != entry["sha256"]]
