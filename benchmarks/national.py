"""National batch (not a test): `carerlib packs --all --force` into a temporary folder. Prints
packs per minute, wall time, the peak resident memory of all its processes (workers and kernels
included, summed, so shared pages count more than once) and the median pack index.html size,
against the goals: under 2 minutes, under 3 GB, under 1 MB on a 2-core machine.

    python benchmarks/national.py [--workers N]
Heavy: it keeps every core busy for minutes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from _common import ROOT, data_env, machine, run_timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int,
                        help="worker processes (default: one per core)")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="carerlib-national-") as tmp:
        out, cache = Path(tmp) / "packs", Path(tmp) / "cache"
        cache.mkdir()
        command = [str(ROOT / ".venv" / "bin" / "carerlib"), "packs", "--all", "--force",
                   "--out", str(out)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        seconds, peak, done = run_timed(command, data_env(cache), memory=True)
        summary = done.stdout.strip().splitlines()
        print(summary[0] if summary else done.stderr.strip()[-500:])
        for line in (done.stdout + done.stderr).splitlines():
            if line.lstrip().startswith("failed "):
                print(line.strip())  # each failed area and why (`failed CODE: why`)
        sizes = [p.stat().st_size for p in out.glob("*/index.html")]
        if not sizes:
            print("no packs built")
            return 1
        print(f"packs built: {len(sizes)} (data cache cold at start: national frames parsed "
              "once, then shared)")
        print(f"wall time: {seconds:.1f} s ({seconds / 60:.1f} min; goal < 2 min)")
        print(f"packs per minute: {len(sizes) / seconds * 60:.1f}")
        print(f"peak resident memory, all processes: {peak / 2**30:.2f} GB (goal < 3 GB)")
        print(f"median index.html: {statistics.median(sizes) / 2**20:.2f} MB (goal < 1 MB)")
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
