"""Time the Monte Carlo for the health-breakdown proxy (not a test).

Runs the simulation with the ranges in params/defaults.yaml several times and prints the best time,
which should be well under a second for 10,000 draws.

    python benchmarks/bench_monte_carlo.py [--draws 10000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from carerlib.measures.breaks import load_breaks_params  # noqa: E402
from carerlib.measures.uncertainty import simulate_health_breakdown  # noqa: E402


def main(argv: list[str] | None = None) -> float:
    """Run the benchmark; return the best time in seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)

    path = ROOT / "params" / "defaults.yaml"
    params = load_breaks_params(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
    inputs = params.health_breakdown_inputs()
    settings = params.monte_carlo.model_copy(update={"draws": args.draws})

    simulate_health_breakdown(inputs, settings)  # warm-up
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        result = simulate_health_breakdown(inputs, settings)
        times.append(time.perf_counter() - start)
    best = min(times)

    net = result.summary.set_index("measure").loc["net_saving"]
    print(
        f"Monte Carlo, health-breakdown proxy: {args.draws:,} draws, best of {args.repeats}: "
        f"{best * 1000:.1f} ms ({best / args.draws * 1e6:.2f} µs a draw)"
    )
    print(
        f"  net saving mean £{net['mean']:,.0f}, {result.interval:.0%} interval "
        f"£{net['low']:,.0f} to £{net['high']:,.0f}, "
        f"P(net saving > 0) = {result.probability_net_saving_positive:.3f}"
    )
    return best


if __name__ == "__main__":
    main()
