"""Checks before any kernel starts: a pack is refused here, in one line, rather than built wrong.

In order: the area code is well formed (no path is built from it before); official data, when
configured, holds every file a pack needs (never a silent fall back to the sample); the headline
datasets cover every area they should; the area is known; local counts are plausible against the
census; and a pack never changes mode silently (an official pack is not replaced by a sample one).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from carerlib.data import parsed
from carerlib.data.datastore import official_store
from carerlib.data.official import OfficialData
from carerlib.data.sample import load_sample
from carerlib.errors import CarerlibError, ParamsError
from carerlib.params import Params, check_area_code, params_file_setting


def check_pack(area_code: str, params: Params, out_root: Path | None = None) -> str:
    """The mode the pack will be built in ("official" or "sample"), or a one-line error."""
    code = check_area_code(area_code)
    store = official_store()
    if store is None:
        sample = load_sample(code)
        if sample is None:
            raise CarerlibError(f"{code}: no official data configured and no embedded sample for "
                                "this area; run 'carerlib data fetch' or set CARERLIB_DATA_MIRROR")
        census = max((c.carers for c in sample.census), default=None)
        _check_known_carers(params, code, sample.area.name, census)
        mode = "sample"
    else:
        groups = {k: g.model_dump() for k, g in params.groups.items()}
        check_groups(params, store)
        data = _checked_data(store, groups)
        data.care_2021, data.ages_2021  # noqa: B018 (read and check the headline files' coverage)
        name = data.area_name(code)
        if name is None:
            raise CarerlibError(f"{code}: unknown area code (not an LTLA, UTLA, region, country "
                                "or group in the Census 2021 data)")
        if params.area is not None and params.area.known_carers:
            _check_known_carers(params, code, name, census_carers(data, code))
        mode = "official"
    if out_root is not None:
        _check_pack_folder(Path(out_root) / code)
        _check_mode_unchanged(Path(out_root) / code, mode)
    return mode


_CHECKED: dict[str, OfficialData] = {}  # data version -> the data the last checks read


def _checked_data(store, groups: dict) -> OfficialData:
    """The official data for these files and groups, kept while they are unchanged: a batch
    checks every area against the same national frames, which took ~7 ms a pack to load again.
    Keyed like the parsed store, by each file's SHA-256 (remembered while the file's size and
    modification time are unchanged), the groups and the readers' code."""
    files = {key: store.path(key) for key in store.registry.datasets if store.has(key)}
    version = parsed.version_key(files, groups)
    if version not in _CHECKED:
        _CHECKED.clear()
        _CHECKED[version] = OfficialData(store, groups)
    return _CHECKED[version]


def _check_pack_folder(folder: Path) -> None:
    """The earlier pack can be swapped out: a folder we may write (not a file, not read-only)."""
    if folder.exists() and not folder.is_dir():
        raise CarerlibError(f"{folder}: is a file where the pack folder goes; move it away and "
                            "run again")
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise CarerlibError(f"{folder}: the earlier pack is read-only; make it writable or use "
                            "another --out")


def census_carers(data: OfficialData, code: str) -> int | None:
    """The most carers either census counted in an area (2011 only when its files are there)."""
    counts = []
    frames = [data.care_2021] + ([data.care_2011] if data.has_2011() else [])
    for frame in frames:
        mine = frame[frame["area_code"] == code].set_index("category")["count"]
        if not mine.empty:
            counts.append(int(mine["all_residents"] - mine["no_care"]))
    return max(counts, default=None)


def _check_known_carers(params: Params, code: str, name: str, carers: int | None) -> None:
    """No service can know more carers than the census counted (a slip of a digit or two)."""
    if params.area is None or carers is None:
        return
    for i, known in enumerate(params.area.known_carers):
        if known.count > carers:
            raise ParamsError(params_file_setting(params, "area"), f"area.known_carers.{i}.count",
                              f"{known.count:,} is more than the {carers:,} carers the census "
                              f"counted in {name} ({code}); check the figure")


@functools.lru_cache(maxsize=4)
def _ltla_codes(path: str, modified: int, size: int) -> frozenset[str]:
    """The 2021 LTLA codes of the lookup file, read once per version of the file (a batch checks
    the groups before every pack)."""
    from carerlib.data.census import read_ltla_utla_lookup

    return frozenset(read_ltla_utla_lookup(Path(path))["ltla_code"])


def check_groups(params: Params, store) -> None:
    """Each group's districts are 2021 LTLAs of the lookup, named in the params file's terms."""
    if not params.groups:
        return
    path = Path(store.path("ltla_utla_lookup"))
    stat = path.stat()
    known = _ltla_codes(str(path), stat.st_mtime_ns, stat.st_size)
    for key, group in params.groups.items():
        unknown = [m for m in group.members if m not in known]
        if unknown:
            raise ParamsError(params_file_setting(params, "groups"), f"groups.{key}.members",
                              f"unknown area code {unknown[0]} (not a 2021 LTLA)")


def previous_mode(folder: Path) -> str | None:
    """The mode an existing pack was built in: recorded in its inputs.json (older packs: told by
    which data it hashed), else in its headlines.json; None for no readable pack."""
    try:
        inputs = folder / "inputs.json"
        if inputs.is_file():
            record = json.loads(inputs.read_text(encoding="utf-8"))
            data = set(record.get("data") or {})
            return record.get("mode") or ("sample" if data <= {"sample"} else "official")
        headlines = folder / "headlines.json"
        if headlines.is_file():
            return json.loads(headlines.read_text(encoding="utf-8")).get("mode")
    except (OSError, ValueError, AttributeError):
        return None
    return None


def _check_mode_unchanged(folder: Path, mode: str) -> None:
    if mode == "sample" and previous_mode(folder) == "official":
        raise CarerlibError(
            f"{folder}: this pack was built from official data; refusing to replace it with one "
            "built from the embedded sample (official data is not configured: run 'carerlib data "
            "fetch' or set CARERLIB_DATA_MIRROR)")
