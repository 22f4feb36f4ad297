"""Batch vs naive (not a test): the same 10 mixed areas built the way a user would without
carerlib's batch (a shell loop of papermill then `jupyter nbconvert --to html --no-input`, one
process and one fresh kernel per step) and by `carerlib packs --force` (default workers), first
with the data cache cold (no parsed national frames yet) and then warm. Checks that both ways
write identical tables, and prints both wall times and the speed-up.

    python benchmarks/batch_vs_naive.py [--warm-only]
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from pathlib import Path

from _common import ROOT, data_env, machine, run_timed

#: Districts, unitaries, a county, a metropolitan and a London borough, a Welsh authority and a
#: group from params (Mid Essex).
AREAS = ["E07000067", "E07000070", "E06000033", "E06000034", "E06000035", "E10000012",
         "E08000003", "E09000033", "W06000015", "MID_ESSEX"]
NOTEBOOK = ROOT / "notebooks" / "evidence_pack.ipynb"


def naive_script(out: Path) -> str:
    """The shell loop: papermill, then nbconvert, per area."""
    lines = ["set -e"]
    for code in AREAS:
        folder = out / code
        lines.append(f"mkdir -p {shlex.quote(str(folder))}")
        lines.append(f"papermill {shlex.quote(str(NOTEBOOK))} "
                     f"{shlex.quote(str(folder / 'out.ipynb'))} "
                     f"-p area_code {code} -p output_dir {shlex.quote(str(folder))} "
                     "--log-level ERROR")
        lines.append(f"jupyter nbconvert --to html --no-input --log-level ERROR "
                     f"{shlex.quote(str(folder / 'out.ipynb'))}")
    return "\n".join(lines)


def tables(folder: Path) -> dict[str, bytes]:
    return {f"{p.parent.parent.name}/{p.name}": p.read_bytes()
            for p in sorted(folder.glob("*/tables/*.csv"))}


def one_round(label: str, cache: Path, work: Path) -> float:
    """Time both ways with `cache` as the data cache; return the speed-up."""
    env = data_env(cache)
    naive_out, batch_out = work / f"naive-{label}", work / f"batch-{label}"
    naive_s, _, naive = run_timed(["bash", "-c", naive_script(naive_out)], env)
    if naive.returncode:
        sys.exit(f"naive loop failed: {naive.stderr.strip().splitlines()[-1:]}")
    if label == "cold":  # the batch gets its own cold cache: the naive loop just filled this one
        env = data_env(cache.with_name(cache.name + "-batch"))
    batch_s, _, batch = run_timed(
        [str(ROOT / ".venv" / "bin" / "carerlib"), "packs", "--force", "--out", str(batch_out),
         "--areas", *AREAS], env)
    if batch.returncode:
        sys.exit(f"carerlib packs failed: {batch.stdout.strip()}")
    same = tables(naive_out) == tables(batch_out)
    count = len(tables(batch_out))
    print(f"[{label} data cache] naive loop: {naive_s:.1f} s; carerlib packs --force: "
          f"{batch_s:.1f} s; tables identical: {'yes' if same else 'NO'} ({count} CSV files)")
    if not same:
        differ = sorted(k for k in tables(naive_out).keys() | tables(batch_out).keys()
                        if tables(naive_out).get(k) != tables(batch_out).get(k))
        print(f"  differing tables: {differ[:10]}")
    speed_up = naive_s / batch_s
    print(f"speed-up: {speed_up:.1f}x ({label} data cache)")
    return speed_up


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-only", action="store_true", help="skip the cold-cache round")
    args = parser.parse_args()
    print(machine())
    print(f"{len(AREAS)} areas: {' '.join(AREAS)}")
    with tempfile.TemporaryDirectory(prefix="carerlib-bench-") as tmp:
        work = Path(tmp)
        cache = work / "cache"
        cache.mkdir()
        if not args.warm_only:
            one_round("cold", cache, work)
        else:  # fill the cache first, untimed
            run_timed([str(ROOT / ".venv" / "bin" / "carerlib"), "packs", "--force", "--out",
                       str(work / "fill"), "--areas", AREAS[0]], data_env(cache))
        one_round("warm", cache, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
