"""Time every needs and dependency table for every area at once (not a test).

Reads the official-data mirror (CARERLIB_DATA_MIRROR, else ../shared/data next to the project),
reports the load time on its own, then times each table for every LTLA, UTLA and region (the
frames also hold the countries, England and Wales and the Mid Essex group, so those come free):
carers by band (fine and broad), carers in total, like-for-like change 2011-2021, ranks among
peers, economic value, dependency ratios for 2011 and 2021, and expected carers in poor health.
Prints each step's best time over the runs and the total; the target is under 2 seconds.

    python benchmarks/bench_needs.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from carerlib.data.datastore import DataStore  # noqa: E402
from carerlib.data.official import OfficialData  # noqa: E402
from carerlib.measures import change, dependency, health, needs, peers, projections  # noqa: E402

MID_ESSEX = {"X00000001": {"name": "Mid Essex",
                           "members": ["E07000067", "E07000070", "E07000074"]}}
#: National rate for carers giving 50+ hours (004, ch. 5), used when params have no health block.
NATIONAL_RATES = health.HealthRates(
    rates={"50_plus": 0.21}, non_carers=0.11, definition="not in good health",
    source="Carers UK, In Poor Health (2004), in the National Carers Strategy 2008 (004), ch. 5")


def mirror_path() -> Path:
    """The official-data mirror: CARERLIB_DATA_MIRROR, else ../shared/data from the project."""
    value = os.environ.get("CARERLIB_DATA_MIRROR")
    path = Path(value) if value else ROOT.parent / "shared" / "data"
    return path if path.is_absolute() else (ROOT / path).resolve()


def load(mirror: Path) -> OfficialData:
    """Read and aggregate every census frame the tables need."""
    official = OfficialData(DataStore(mirror), groups=MID_ESSEX)
    for frame in ("members", "care_2021", "care_2011", "ages_2021", "ages_2011", "care_rates",
                  "projection_2022", "projection_2016"):
        getattr(official, frame)
    return official


def steps(official: OfficialData, defaults: dict) -> list[tuple[str, Callable[[dict], object]]]:
    """The tables in order; each step reads earlier results from a shared dict."""
    value = defaults["value_of_care"]
    hours = {k: v for k, v in value["hours_per_band"].items() if k != "source"}
    cost = float(value["cost_per_hour"]["value"])
    block = defaults.get("health")
    rates = health.HealthParams(**block).chosen() if block else NATIONAL_RATES
    care_21, care_11 = official.care_2021, official.care_2011
    members = official.members

    def put(key: str, make: Callable[[dict], object]) -> Callable[[dict], object]:
        def run(done: dict) -> object:
            done[key] = make(done)
            return done[key]
        return run

    return [
        ("carers by band, fine (2021)",
         put("fine", lambda d: needs.carers_by_band(care_21, "fine"))),
        ("carers by band, broad (2021, 2011)",
         put("broad", lambda d: (needs.carers_by_band(care_21, "broad"),
                                 needs.carers_by_band(care_11, "broad")))),
        ("carers in total (2021, 2011)",
         put("total", lambda d: (needs.carers_total(care_21), needs.carers_total(care_11)))),
        ("like-for-like change 2011-2021",
         put("change", lambda d: change.like_for_like_change(care_11, care_21,
                                                             official.ages_2011))),
        ("ranks among peers (total, by band, change)",
         put("ranks", lambda d: (
             peers.rank_among_peers(d["total"][0], "prevalence", members),
             peers.rank_among_peers(d["broad"][0], "prevalence", members, by=["band"]),
             peers.rank_among_peers(d["change"], "prevalence_change_pp", members,
                                    by=["band"])))),
        ("economic value (2021, 2011)",
         put("value", lambda d: tuple(needs.economic_value(f, hours, cost)
                                      for f in d["broad"]))),
        ("dependency ratios 2021",
         put("dep21", lambda d: dependency.dependency_table(official.ages_2021))),
        ("dependency ratios 2011",
         put("dep11", lambda d: dependency.dependency_table(official.ages_2011))),
        ("dependency ratios, 2022- and 2016-based projections",
         put("dep_proj", lambda d: tuple(dependency.dependency_table(f)
                                         for f in official.projections().values()))),
        ("projected carers by band, every covered area and vintage",
         put("projected", lambda d: tuple(
             projections.project_carers(
                 d["broad"][0][["area_code", "band", "carers"]], official.ages_2021, f,
                 official.care_rates).table
             for f in official.projections().values()))),
        ("expected carers in poor health (2021, 2011)",
         put("health", lambda d: tuple(health.expected_poor_health(f, rates)
                                       for f in d["broad"]))),
    ]


def main(argv: list[str] | None = None) -> float:
    """Run the benchmark; return the best total time in seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    mirror = mirror_path()
    if not (mirror / "census2021").is_dir():
        sys.exit(f"official data mirror not found at {mirror}")
    start = time.perf_counter()
    official = load(mirror)
    loaded = time.perf_counter() - start
    defaults = yaml.safe_load((ROOT / "params" / "defaults.yaml").read_text(encoding="utf-8"))
    plan = steps(official, defaults)

    best = {name: float("inf") for name, _ in plan}
    totals = []
    for _ in range(args.repeats):
        done: dict = {}
        run_total = 0.0
        for name, run in plan:
            start = time.perf_counter()
            run(done)
            took = time.perf_counter() - start
            best[name] = min(best[name], took)
            run_total += took
        totals.append(run_total)

    n_areas = official.care_2021["area_code"].nunique()
    print(f"Needs and dependency tables for {n_areas} areas (every LTLA, UTLA, region and up), "
          f"best of {args.repeats} runs")
    print(f"  {'load and aggregate census data (once)':<46} {loaded * 1000:8.1f} ms")
    for name, took in best.items():
        print(f"  {name:<46} {took * 1000:8.1f} ms")
    total = min(totals)
    print(f"  {'total (best run, excluding load)':<46} {total * 1000:8.1f} ms"
          f"  [target < 2,000 ms]")
    return total


if __name__ == "__main__":
    main()
