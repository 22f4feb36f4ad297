"""One pack's phases, timed (not a test): what each step of the batch machinery buys.

Prints, for a few areas built one after another in one process:
- national frames: parsing the CSVs (`CARERLIB_PARSED=0`) vs loading the parquet store;
- a fresh kernel per pack (papermill's default: start, import, run) vs a warm kernel (started and
  warmed once, then reset between areas), with the notebook's own cell time from papermill;
- the HTML export with one exporter per process.

    python benchmarks/pack_phases.py [CODE ...]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, data_env, machine

AREAS = ["E06000033", "E06000034", "E10000012", "W06000015"]


def national_frames(parsed: bool) -> float:
    """Seconds to build every OfficialData frame (fresh object, store on or off)."""
    from carerlib.data.datastore import DataStore
    from carerlib.data.official import OfficialData
    from carerlib.params import load_params

    os.environ["CARERLIB_PARSED"] = "1" if parsed else "0"
    groups = {k: g.model_dump() for k, g in load_params().groups.items()}
    start = time.perf_counter()
    data = OfficialData(DataStore.default(), groups)
    for name in ("members", "care_2021", "ages_2021", "care_2011", "ages_2011", "care_rates",
                 "projection_2022", "projection_2016", "ascof"):
        getattr(data, name)
    os.environ["CARERLIB_PARSED"] = "1"
    return time.perf_counter() - start


def cell_seconds(notebook: Path) -> float:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return sum(c.metadata.get("papermill", {}).get("duration") or 0 for c in nb.cells)


def timed_build(code: str, out: Path, warm: str | None) -> tuple[float, float, float]:
    """(wall seconds of build_pack, notebook cell seconds, export seconds) for one pack."""
    from carerlib.pack import runner

    spent = {"export": 0.0}
    export = runner.export_html

    def timed_export(*args, **kwargs):
        start = time.perf_counter()
        try:
            return export(*args, **kwargs)
        finally:
            spent["export"] += time.perf_counter() - start

    runner.export_html = timed_export
    try:
        start = time.perf_counter()
        result = runner.build_pack(code, out_root=out, warm=warm)
        wall = time.perf_counter() - start
    finally:
        runner.export_html = export
    return wall, cell_seconds(result.folder / f"{code}.ipynb"), spent["export"]


def main() -> int:
    areas = sys.argv[1:] or AREAS
    print(machine())
    with tempfile.TemporaryDirectory(prefix="carerlib-phases-") as tmp:
        os.environ.update(data_env(Path(tmp) / "cache"))
        sys.path.insert(0, str(ROOT))
        csv_s = national_frames(parsed=False)
        national_frames(parsed=True)  # writes the store
        parquet_s = national_frames(parsed=True)
        print(f"national frames: CSV parse {csv_s:.2f} s, parquet store {parquet_s:.3f} s")
        from carerlib.pack.runner import kernel_for_this_environment
        from carerlib.pack.warm import WarmKernel, shutdown_all

        start = time.perf_counter()
        WarmKernel(kernel_for_this_environment("python3"), ROOT / "notebooks").start().shutdown()
        print(f"start and warm one kernel: {time.perf_counter() - start:.2f} s (once per worker)")
        for label, warm in (("fresh kernel per pack", None), ("warm kernel", "reset")):
            rows = [timed_build(code, Path(tmp) / label.replace(" ", "-"), warm)
                    for code in areas]
            if warm:
                rows = rows[1:] or rows  # the first area pays the kernel start
            walls, cells, exports = zip(*rows, strict=True)
            print(f"{label}: median pack {statistics.median(walls):.2f} s, of which notebook "
                  f"cells {statistics.median(cells):.2f} s and HTML export "
                  f"{statistics.median(exports):.2f} s")
        shutdown_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
