"""A typed columnar store of the national frames, parsed once per data version.

Reading and shaping the national CSVs (every LTLA, aggregated to every UTLA, region, country and
group) takes about two seconds; a batch used to repeat that in every pack's kernel. Here each
frame `OfficialData` derives is written once as parquet under `<cache>/parsed/`, in a folder named
by the SHA-256 of everything it depends on:

- the SHA-256 of every official input file the store can see,
- the groups from params (they change the aggregates),
- the source of `carerlib.data` (a reader change re-parses), and the pandas and pyarrow versions.

A worker then loads the frames it needs in milliseconds. A stored frame keeps its `attrs` and the
dataset keys its build read (they feed the pack's sources table), so a pack built from the store
is identical to one built from the CSVs. Writes are atomic, and each frame has a build lock: of
several processes reaching a frame the store lacks, one builds it and the others read it.
`CARERLIB_PARSED=0` turns the store off.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from carerlib.data import atomic, paths
from carerlib.data.checksums import file_digest

PARSED_DIR = "parsed"
_META_KEY = b"carerlib"


def enabled() -> bool:
    """False when CARERLIB_PARSED is 0/false/no (e.g. to time a cold, CSV-only build)."""
    return os.environ.get("CARERLIB_PARSED", "1").strip().lower() not in ("0", "false", "no")


@lru_cache(maxsize=1)
def reader_digest() -> str:
    """SHA-256 of carerlib.data's source and the parquet stack: a reader change re-parses."""
    import pyarrow

    root = Path(__file__).parent
    digest = hashlib.sha256(f"{pd.__version__} {pyarrow.__version__}".encode())
    for path in sorted(root.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def version_key(files: dict[str, Path], groups: dict) -> str:
    """The data version: input files' SHA-256, groups and reader code, as one SHA-256."""
    record = {
        "files": {key: file_digest(path) for key, path in sorted(files.items())},
        "groups": groups,
        "readers": reader_digest(),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


def _attrs_from_json(attrs: dict) -> dict:
    """JSON has no tuples; carerlib's frame attrs hold tuples (e.g. age_coverage)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in attrs.items()}


def write_frame(path: Path, frame: pd.DataFrame, used: list[str]) -> None:
    """Write `frame` as parquet with its attrs and the dataset keys it was built from."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=True)
    meta = json.dumps({"attrs": frame.attrs, "used": sorted(used)}, default=str).encode()
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _META_KEY: meta})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    atomic.write_bytes(path, sink.getvalue().to_pybytes())


@dataclass
class _Kept:
    """A parquet file as this process keeps it: its Arrow table, its metadata (parsed once) and,
    for a small table, a pandas frame with its rows by area code once asked for."""

    version: tuple[int, int]  # the file's modification time and size
    table: object  # pyarrow.Table
    meta: dict
    frame: pd.DataFrame | None = None
    by_area: dict | None = None


#: Parquet files read in this process (see `_kept`), newest last.
_KEPT: OrderedDict[Path, _Kept] = OrderedDict()
_KEPT_FILES = 64
#: Stored tables of at most this many rows are also kept as pandas frames (`_from_frame`).
_FRAME_ROWS = 100_000


def _kept(path: Path) -> _Kept:
    """The parquet file as kept in this process, read once while the file is unchanged.

    A warm kernel builds hundreds of packs, each reading the same stored tables: decoding a
    1 MB file took up to 30 ms of a pack. Arrow tables are immutable and the kept pandas frame is
    never handed out (`read_frame` gives each reader its own), so nothing an area's notebook does
    to a frame reaches the next area. Keyed by path, modification time and size (a rebuilt file
    is read again); at most `_KEPT_FILES` files are kept.
    """
    import pyarrow.parquet as pq

    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    kept = _KEPT.get(path)
    if kept is None or kept.version != version:
        table = pq.ParquetFile(path).read()
        kept = _Kept(version, table, json.loads(table.schema.metadata[_META_KEY]))
        _KEPT[path] = kept
        while len(_KEPT) > _KEPT_FILES:
            _KEPT.popitem(last=False)
    _KEPT.move_to_end(path)
    return kept


def read_frame(path: Path, area_code: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """A stored frame with its attrs restored, and the dataset keys it was built from; with
    `area_code`, only that area's rows (numbered from 0)."""
    kept = _kept(Path(path))
    if kept.table.num_rows <= _FRAME_ROWS:
        frame = _from_frame(kept, area_code)
    else:
        frame = _from_arrow(kept.table, area_code)
    frame.attrs = _attrs_from_json(kept.meta["attrs"])
    return frame, list(kept.meta["used"])


def _from_arrow(table, area_code: str | None) -> pd.DataFrame:  # noqa: ANN001 - pyarrow.Table
    import pyarrow.compute as pc

    if area_code is not None and "area_code" in table.column_names:
        table = table.filter(pc.equal(table["area_code"], area_code))
    frame = table.to_pandas()
    return frame if area_code is None else frame.reset_index(drop=True)


def _from_frame(kept: _Kept, area_code: str | None) -> pd.DataFrame:
    """The table (or one area's rows of it) as a new pandas frame, cut from the kept one.

    Converting Arrow to pandas costs about a millisecond however few the rows, and a pack reads
    a dozen stored tables; a copy, slice or take of the kept frame costs a tenth of that. Every
    read gets its own frame (pandas copies on write). Rows come in the stored order, as Arrow's
    filter gives them.
    """
    if kept.frame is None:
        kept.frame = kept.table.to_pandas()
    frame = kept.frame
    if area_code is None:
        return frame.copy(deep=False)  # copy-on-write (pandas 3): a change copies first
    if "area_code" not in frame.columns:
        return frame.reset_index(drop=True)
    if kept.by_area is None:
        kept.by_area = frame.groupby("area_code", sort=False).indices
    rows = kept.by_area.get(area_code)
    if rows is None:
        return frame.iloc[0:0].reset_index(drop=True)
    if rows[-1] - rows[0] + 1 == len(rows):  # one run of rows, as tables built by area are
        return frame.iloc[rows[0]:rows[-1] + 1].reset_index(drop=True)
    return frame.take(rows).reset_index(drop=True)


class ParsedStore:
    """One data version's folder of parquet frames."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def for_data(cls, files: dict[str, Path], groups: dict,
                 root: Path | None = None) -> ParsedStore:
        """The store for these input files and groups (under the data cache by default)."""
        root = root or paths.cache_dir() / PARSED_DIR
        return cls(root / version_key(files, groups)[:32])

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.parquet"

    def frame(self, name: str, build: Callable[[], tuple[pd.DataFrame, list[str]]],
              storable: Callable[[], bool] = lambda: True) -> tuple[pd.DataFrame, list[str]]:
        """The stored frame `name`, or `build()` it (returning the frame and the dataset keys it
        read) and store it unless `storable()` says no. A store that cannot be read or written
        is rebuilt from the CSVs."""
        path = self.path(name)
        stored = _try_read(path)
        if stored is not None:
            return stored
        with building(path):
            stored = _try_read(path)  # another process may have built it while we waited
            if stored is not None:
                return stored
            frame, used = build()
            if not isinstance(frame, pd.DataFrame) or not storable():
                return frame, used  # only frames are stored; anything else is rebuilt each time
            try:
                write_frame(path, frame, used)
            except OSError:
                pass  # a read-only cache still builds packs, just without the speed-up
            return frame, used


def _try_read(path: Path, area_code: str | None = None
              ) -> tuple[pd.DataFrame, list[str]] | None:
    """The stored frame, or None when there is none (or it is damaged: rebuilt and replaced
    atomically by the caller)."""
    if not path.is_file():
        return None
    try:
        return read_frame(path, area_code)
    except (OSError, ValueError, KeyError):
        return None


@contextmanager
def building(path: Path):  # noqa: ANN201 - a context manager
    """Hold the build lock of stored file `path` (an exclusive flock on a file beside it).

    Worker kernels of a batch on a cold cache reach the same national frames at the same
    moment; with the lock one builds each frame while the others wait and then read it, instead
    of every kernel building every frame (and a kernel priming the store in another order
    builds different frames meanwhile). The lock goes when its process ends, however it ends.
    Where no lock file can be made (a read-only cache) the frame is built without one.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".lock"), "a")  # noqa: SIM115 - held below
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ------------------------------------------------------------------ hooking into OfficialData

def _recorders(data) -> list[set[str]]:
    return data.__dict__.setdefault("_parsed_recorders", [])


def _note_used(data, keys) -> None:
    """Record dataset keys as used by `data` and by every stored frame being built right now."""
    data.used.update(keys)
    for recorder in _recorders(data):
        recorder.update(keys)


def _note_frame_used(data, name: str, used: list[str]) -> None:
    """Note frame `name`'s datasets as used, and remember them for tables derived from it."""
    _note_used(data, used)
    data.__dict__.setdefault("_parsed_frame_used", {})[name] = used


def _store_of(data) -> ParsedStore | None:
    """The parsed store for this OfficialData's files and groups (None when turned off)."""
    if not enabled():
        return None
    if "_parsed_store" not in data.__dict__:
        files = {key: data.store.path(key) for key in data.store.registry.datasets
                 if data.store.has(key)}
        data.__dict__["_parsed_store"] = ParsedStore.for_data(files, data.groups)
    return data.__dict__["_parsed_store"]


_CONTAINERS = (list, dict, set, tuple)


def _side_state(data) -> dict[str, object]:
    """The instance's attributes other than its frames, `used` and the store's bookkeeping.

    A build that changes any of them (e.g. notes a coverage gap for the pack to show) has an
    effect a parquet file would not carry, so its frame is never stored: it is built each time.
    """
    frames = {n for klass in type(data).__mro__ for n, m in vars(klass).items()
              if isinstance(m, cached_property)}
    state = {}
    for key, value in vars(data).items():
        if key in frames or key == "used" or key.startswith("_parsed"):
            continue
        state[key] = copy.deepcopy(value) if isinstance(value, _CONTAINERS) else value
    return state


def _same_state(before: dict[str, object], after: dict[str, object]) -> bool:
    if before.keys() != after.keys():
        return False
    try:
        return all(bool(after[k] == v) if isinstance(v, _CONTAINERS) else after[k] is v
                   for k, v in before.items())
    except (TypeError, ValueError):  # e.g. containers of frames: assume it changed
        return False


def _stored_property(name: str, compute: Callable) -> Callable:
    def get(data):
        store = _store_of(data)
        if store is None:
            return compute(data)
        recorder: set[str] = set()
        side_effects: list[bool] = []

        def build() -> tuple[pd.DataFrame, list[str]]:
            _recorders(data).append(recorder)
            before = _side_state(data)
            try:
                return compute(data), sorted(recorder)
            finally:
                _recorders(data).pop()  # builds nest, so this is `recorder`
                side_effects.append(not _same_state(before, _side_state(data)))

        frame, used = store.frame(name, build, storable=lambda: not any(side_effects))
        _note_frame_used(data, name, used)
        return frame

    get.__name__ = name
    get.__doc__ = compute.__doc__
    return get


def store_properties(cls: type) -> type:
    """Route every cached DataFrame property of `cls` (OfficialData) through the parsed store.

    Each property's frame is stored under its name; the dataset keys its build read are stored
    with it and noted as used when it is loaded, so the pack's sources table is unchanged.
    """
    for name, member in list(vars(cls).items()):
        if isinstance(member, cached_property):
            wrapped = cached_property(_stored_property(name, member.func))
            wrapped.__set_name__(cls, name)
            setattr(cls, name, wrapped)
    original_path = cls._path

    def _path(data, key: str):
        _note_used(data, [key])
        return original_path(data, key)

    cls._path = _path
    return cls


def stored_without_gaps(data, name: str) -> bool:
    """True when frame `name` is loaded or held in the store, so its coverage gaps are known
    without building it: a build that notes a gap (a side effect) is never stored. A stored
    frame's datasets are noted as used, as loading it would note them."""
    if name in data.__dict__:
        return True
    store = _store_of(data)
    if store is None or not store.path(name).is_file():
        return False
    import pyarrow.parquet as pq

    try:
        used = list(json.loads(pq.read_schema(store.path(name)).metadata[_META_KEY])["used"])
    except (OSError, ValueError, KeyError, TypeError):
        return False  # damaged: built (and replaced) when it is read
    _note_frame_used(data, name, used)
    return True


# ------------------------------------------------------------- tables derived for every area

def code_digest(*modules: str) -> str:
    """SHA-256 of the source files of `modules` (packages: every .py in them), so a table
    derived by that code is recomputed when the code changes."""
    import importlib.util

    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise ValueError(f"no source for module {name}")
        origin = Path(spec.origin)
        files = sorted(origin.parent.glob("*.py")) if origin.name == "__init__.py" else [origin]
        for path in files:  # each file's SHA-256, remembered while the file is unchanged
            digest.update(path.name.encode())
            digest.update(file_digest(path).encode())
    return digest.hexdigest()


def data_code_digest(data, *modules: str) -> str:
    """`code_digest(*modules)` once per OfficialData (so once per pack): it reads every source
    file of `modules`, and a pack names the code behind each of its stored tables."""
    memo = data.__dict__.setdefault("_code_digests", {})
    if modules not in memo:
        memo[modules] = code_digest(*modules)
    return memo[modules]


def _derived_name(name: str, key: dict) -> str:
    record = json.dumps(key, sort_keys=True, default=str).encode()
    return f"{name}-{hashlib.sha256(record).hexdigest()[:16]}"


def _area_filter(frame: pd.DataFrame, area_code: str) -> pd.DataFrame:
    if "area_code" not in frame.columns:
        return frame.copy()
    mine = frame[frame["area_code"] == area_code].reset_index(drop=True)
    mine.attrs = dict(frame.attrs)
    return mine


def _build_and_store(data, store: ParsedStore, stored: str,
                     build: Callable[[], pd.DataFrame], frames: tuple[str, ...]) -> pd.DataFrame:
    """Build a derived table, note and store the datasets behind it, and keep it for this
    OfficialData (so one process building many areas builds it once)."""
    recorder: set[str] = set()
    _recorders(data).append(recorder)
    try:
        table = build()
    finally:
        _recorders(data).pop()
    frame_used = data.__dict__.get("_parsed_frame_used", {})
    used = sorted(recorder.union(*(frame_used.get(f, ()) for f in frames)))
    _note_used(data, used)
    data.__dict__.setdefault("_parsed_tables", {})[stored] = table
    try:
        write_frame(store.path(stored), table, used)
    except OSError:
        pass  # a read-only cache still builds packs
    return table


def _derived(data, store: ParsedStore, name: str, key: dict,
             build: Callable[[], pd.DataFrame], frames: tuple[str, ...],
             area_code: str | None = None) -> pd.DataFrame:
    """A derived table, or only `area_code`'s rows of it: kept for this OfficialData, else read
    from the store, else built and stored."""
    stored = _derived_name(name, key)
    memo = data.__dict__.setdefault("_parsed_tables", {})
    if stored not in memo:
        path = store.path(stored)
        found = _try_read(path, area_code)
        if found is None:
            with building(path):
                found = _try_read(path, area_code)  # built by another process meanwhile?
                if found is None:
                    _build_and_store(data, store, stored, build, frames)
        if found is not None:
            table, used = found
            _note_used(data, used)
            if area_code is None:
                memo[stored] = table
            return table
    table = memo[stored]
    return table if area_code is None else _area_filter(table, area_code)


def national_table(data, name: str, key: dict, build: Callable[[], pd.DataFrame],
                   frames: tuple[str, ...]) -> pd.DataFrame:
    """A table that `build()` makes from the national `frames` (OfficialData property names) for
    every area, built once per data version and `key` (the params and code it depends on) and
    stored beside the frames: each pack loads it instead of recomputing it. The dataset keys
    behind the frames are stored with it and noted as used when it is loaded."""
    store = _store_of(data)
    return build() if store is None else _derived(data, store, name, key, build, frames)


def area_rows(data, name: str, key: dict, build_all: Callable[[], pd.DataFrame],
              build_one: Callable[[], pd.DataFrame], area_code: str,
              frames: tuple[str, ...]) -> pd.DataFrame:
    """One area's rows of a table that `build_all()` makes for every area at once.

    Built and stored like `national_table`, but each pack reads only its own rows (filtered
    while reading). With the store turned off, `build_one()` computes the area alone (the same
    rows to the last digits a sum's order can change: tests check that the two agree).
    """
    store = _store_of(data)
    if store is None:
        return build_one()
    return _derived(data, store, name, key, build_all, frames, area_code)
