"""Command line: `carerlib data fetch`, `carerlib pack CODE`."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
from pathlib import Path

from carerlib.data import paths
from carerlib.errors import (
    EXIT_BAD_INPUT,
    EXIT_SIGINT,
    EXIT_SOME_FAILED,
    CarerlibError,
    one_line,
)

#: OS errors that mean the user pointed at the wrong place (exit 2), not that the run failed.
_BAD_PLACE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST,
              errno.ENOENT, errno.ENAMETOOLONG}


def _fetch(args: argparse.Namespace) -> int:
    from carerlib.data.fetch import fetch

    mirror = args.mirror or os.environ.get("CARERLIB_DATA_MIRROR")
    report = fetch(dest=args.dest, mirror=mirror, base_url=args.base_url,
                   keys=args.datasets or None)
    print(report.summary())
    return 0


def _verify(args: argparse.Namespace) -> int:
    from carerlib.data.fetch import verify

    bad = verify(args.dest)
    for path in bad:
        print(f"{path}: SHA-256 does not match the manifest (fetch it again)")
    print("cache verified" if not bad else f"{len(bad)} file(s) changed")
    return 1 if bad else 0


def _pack(args: argparse.Namespace) -> int:
    from carerlib.pack.batch import Interrupted, signals_raise
    from carerlib.pack.manifest import update_manifest
    from carerlib.pack.runner import build_pack
    from carerlib.params import check_area_code

    check_area_code(args.area, "command line")
    _check_out(args.out)

    try:
        with signals_raise():
            result = build_pack(args.area, params_file=args.params, out_root=args.out,
                                self_contained=args.self_contained, notebook=args.notebook)
    except Interrupted as stop:
        print(f"interrupted ({stop}): {args.area} not built; any earlier pack is unchanged",
              file=sys.stderr)
        return 128 + stop.signum
    update_manifest(result.folder.parent)
    print(f"{args.area}: wrote {result.html}")
    if args.pdf:
        from carerlib.pack.pdf import print_pdf

        print(f"{args.area}: wrote {print_pdf(result.html)}")
    return 0


def _packs(args: argparse.Namespace) -> int:
    from carerlib.pack.batch import run_batch, select_areas
    from carerlib.params import check_area_code

    for code in [*(args.areas or []), *([args.within] if args.within else [])]:
        check_area_code(code, "command line")
    _check_out(args.out)
    codes = select_areas(args.areas, args.group, args.all, args.params, within=args.within)
    if not codes:
        print("no areas selected (use --areas, --within, --group or --all)", file=sys.stderr)
        return 2
    report = run_batch(codes, workers=args.workers, force=args.force, params_file=args.params,
                       out_root=args.out, self_contained=args.self_contained,
                       notebook=args.notebook, executor=args.executor,
                       scheduler=args.scheduler, kernel_policy=args.kernel_policy)
    print(report.summary())
    if report.interrupted:
        done = len(report.built) + len(report.failed)
        print(f"interrupted ({signal.Signals(report.interrupted).name}) after {done} of "
              f"{len(codes) - len(report.skipped)} packs; index written for those finished; "
              "run again to build the rest", file=sys.stderr)
    return report.exit_code


def _areas(args: argparse.Namespace) -> int:
    from carerlib.data.areas import areas_table
    from carerlib.data.datastore import DataStore
    from carerlib.data.official import OfficialData
    from carerlib.pack.preflight import check_groups
    from carerlib.params import load_params

    store = DataStore.default()
    if store is None or not store.has("ts039_ltla"):
        raise CarerlibError("listing areas needs official data: run 'carerlib data fetch' or "
                            "set CARERLIB_DATA_MIRROR")
    params = load_params()
    check_groups(params, store)  # an unknown district is named in the params file's terms
    groups = {k: g.model_dump() for k, g in params.groups.items()}
    table = areas_table(OfficialData(store, groups).members)
    if args.level:
        table = table[table["levels"].str.split(",").apply(lambda ls: args.level in ls)]
    if args.search:
        table = table[table["area_name"].str.contains(args.search, case=False, regex=False)]
    for row in table.sort_values(["level", "area_name"]).itertuples():
        print(f"{row.area_code}\t{row.area_name}\t{row.levels}")
    return 0


def _check_out(out: Path | None) -> None:
    """An --out that is a file, or a folder that cannot be written, fails before any work."""
    if out is None:
        return
    existing = next((p for p in [out, *out.absolute().parents] if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise CarerlibError(f"--out {out}: {existing} is a file, not a folder")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise CarerlibError(f"--out {out}: {existing} is not writable")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="carerlib", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="fetch or check official data").add_subparsers(
        dest="data_command", required=True)
    fetch = data.add_parser("fetch", help="download official files into data/cache/")
    fetch.add_argument("--mirror", help="copy from this local folder instead of downloading "
                                        "(default: $CARERLIB_DATA_MIRROR)")
    fetch.add_argument("--dest", type=Path, help="cache folder (default data/cache)")
    fetch.add_argument("--base-url", help="download address prefix (default in params)")
    fetch.add_argument("datasets", nargs="*", help="dataset keys (default: all)")
    fetch.set_defaults(func=_fetch)
    verify = data.add_parser("verify", help="check cached files against their SHA-256")
    verify.add_argument("--dest", type=Path)
    verify.set_defaults(func=_verify)

    areas = sub.add_parser("areas", help="list area codes and names the data covers")
    areas.add_argument("--level", choices=["ltla", "utla", "region", "country",
                                           "england_and_wales", "group"])
    areas.add_argument("--search", help="only names containing this text")
    areas.set_defaults(func=_areas)

    pack = sub.add_parser("pack", help="build one area's evidence pack")
    pack.add_argument("area", help="area code, e.g. E06000033")
    pack.add_argument("--params", type=Path, help="extra params YAML merged over the defaults")
    pack.add_argument("--out", type=Path, help="packs folder (default outputs/packs)")
    pack.add_argument("--self-contained", action="store_true",
                      help="embed plotly.js in the HTML (single-file pack)")
    pack.add_argument("--notebook", type=Path, help="build from this notebook (an analyst's "
                                                    "copy) instead of params pack.notebook")
    pack.add_argument("--pdf", action="store_true",
                      help="also print the pack to A4 as CODE.pdf beside the HTML (needs Chromium)")
    pack.set_defaults(func=_pack)

    packs = sub.add_parser("packs", help="build packs for many areas, with an index page")
    which = packs.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true",
                       help="every LTLA, UTLA and region the data covers")
    which.add_argument("--areas", nargs="+", metavar="CODE", help="these area codes")
    which.add_argument("--group", metavar="NAME", help="a named batch from params (batches:)")
    which.add_argument("--within", metavar="CODE",
                       help="every LTLA inside this county, region or group, e.g. E10000012")
    packs.add_argument("--workers", type=int, default=None,
                       help="parallel packs (default: one per core)")
    packs.add_argument("--force", action="store_true", help="rebuild packs whose inputs are "
                                                           "unchanged")
    packs.add_argument("--params", type=Path, help="extra params YAML merged over the defaults")
    packs.add_argument("--out", type=Path, help="packs folder (default outputs/packs)")
    packs.add_argument("--self-contained", action="store_true",
                       help="embed plotly.js in every pack's HTML")
    packs.add_argument("--notebook", type=Path, help="build every pack from this notebook "
                                                     "instead of params pack.notebook")
    packs.add_argument("--executor", default="local", choices=["local", "dask"],
                       help="where packs are built: local worker processes (default) or an "
                            "existing Dask cluster (needs --scheduler)")
    packs.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="the Dask scheduler for --executor dask")
    packs.add_argument("--kernel-policy", default="reset", choices=["reset", "restart"],
                       help="between areas, reset each worker's warm kernel (default) or "
                            "restart it")
    packs.set_defaults(func=_packs)
    return top


def _os_error(exc: OSError) -> tuple[str, int]:
    """One line for an OS error, and its exit code (2 for a wrong place, 1 for a failed run)."""
    if isinstance(exc, TimeoutError) and exc.errno is None:  # nbclient's CellTimeoutError
        return (f"a notebook cell ran past its time limit ({type(exc).__name__}); raise "
                "pack.cell_timeout_seconds in params if it needs longer", EXIT_SOME_FAILED)
    where = exc.filename or ""
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ENOSPC:
        reason += " (free some space and run again; earlier packs are untouched)"
    line = f"{where}: {reason}" if where else reason
    return line, EXIT_BAD_INPUT if exc.errno in _BAD_PLACE else EXIT_SOME_FAILED


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure a user can act on is one line on stderr and an exit code:
    0 done, 1 some packs failed, 2 bad input, 130 interrupted (Ctrl-C)."""
    args = parser().parse_args(argv)
    from carerlib.pack.executors import skip_iri_format_checks

    skip_iri_format_checks()  # no command checks formats; 1.2 s of every start that builds packs
    # Library chatter is not a second line: every failure reaches the user as the one line
    # below. nbclient logs a cell timeout before raising it; and when Ctrl-C stops a pack while
    # a cell runs, the kernel is shut down under nbclient's pending cell task, which asyncio
    # reports at exit ("Task exception was never retrieved ... DeadKernelError").
    for name in ("traitlets", "papermill", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        paths.absolutise_env()
        return args.func(args)
    except CarerlibError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted (Ctrl-C); earlier packs are untouched", file=sys.stderr)
        return EXIT_SIGINT
    except OSError as exc:
        line, code = _os_error(exc)
        print(f"error: {one_line(line)}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
