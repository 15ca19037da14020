"""Monte Carlo: the vectorised engine against calling it once per draw, and its peak memory.

Prints figures and ratios measured in this one run (these machines are shared and noisy, so
only ratios measured together mean anything). Targets: vectorised at least 50 times faster than
once per draw (a ceiling, not a floor); peak memory (traced) measured at 10,000, 100,000,
1,000,000 and 2,000,000 draws, bounded with no cliff: no size above 100,000 draws peaks at more
than twice what 100,000 draws do (a million is the last size that keeps every draw's totals; two
million goes to two passes and histograms).

Not yet here: a bare numpy kernel drawing the same inputs and doing the same arithmetic, the
floor issue 21 asks the simulation to reach half the speed of.

    python bench/monte_carlo.py
    python bench/monte_carlo.py --json     # the figures as JSON on standard output
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import costmodel  # noqa: E402
from costmodel.engine.projection import project_draws  # noqa: E402
from costmodel.uncertainty.draws import ranged_inputs, uniforms, values_for  # noqa: E402
from costmodel.uncertainty.simulate import simulate  # noqa: E402

DRAWS = 100_000
PER_DRAW_SAMPLE = 300
TARGET = 50


def per_draw_seconds(scenario, draws: int) -> float:
    """The engine called once for each draw, as a loop without vectorisation would."""
    inputs = ranged_inputs(scenario)
    u = uniforms(np.random.Generator(np.random.PCG64(1)), draws, len(inputs), None)
    started = time.perf_counter()
    for d in range(draws):
        project_draws(scenario, values_for(inputs, u[d:d + 1]), 1)
    return time.perf_counter() - started


def peak_megabytes(scenario, draws: int) -> float:
    tracemalloc.start()
    simulate(scenario, draws, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def measure() -> dict:
    scenario = costmodel.load_scenario(ROOT / "scenarios" / "isle-of-wight-2017.yaml")
    simulate(scenario, 1_000, seed=1)  # warm up: imports and caches
    started = time.perf_counter()
    simulate(scenario, DRAWS, seed=1)
    vectorised = time.perf_counter() - started
    sample = per_draw_seconds(scenario, PER_DRAW_SAMPLE)
    per_draw = sample / PER_DRAW_SAMPLE * DRAWS
    return {"inputs": len(ranged_inputs(scenario)), "options": len(scenario.options), "draws": DRAWS,
            "vectorised_seconds": vectorised, "per_draw_sample": PER_DRAW_SAMPLE, "per_draw_sample_seconds": sample,
            "per_draw_seconds": per_draw, "speed_up": per_draw / vectorised, "target": TARGET,
            "peak_mb_10k": peak_megabytes(scenario, 10_000), "peak_mb_100k": peak_megabytes(scenario, DRAWS),
            "peak_mb_1m": peak_megabytes(scenario, 1_000_000), "peak_mb_2m": peak_megabytes(scenario, 2_000_000)}


def bounded(figures: dict) -> bool:
    """No cliff: no size from 100,000 draws up peaks at more than twice 100,000 draws' peak."""
    return max(figures["peak_mb_1m"], figures["peak_mb_2m"]) <= 2 * figures["peak_mb_100k"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Monte Carlo: vectorised against once per draw.")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure()
    ratio = figures["speed_up"]
    if args.json:
        print(json.dumps(figures | {"bounded": bounded(figures), "ok": ratio >= TARGET and bounded(figures)}, indent=2))
        return 0
    small, large, huge = figures["peak_mb_10k"], figures["peak_mb_100k"], figures["peak_mb_2m"]
    print(f"Isle of Wight, {figures['inputs']} uncertain inputs, {figures['options']} options")
    print(f"vectorised, {DRAWS:,} draws:            {figures['vectorised_seconds']:8.2f} s")
    print(f"once per draw, {PER_DRAW_SAMPLE} draws timed:      {figures['per_draw_sample_seconds']:8.2f} s  -> "
          f"{figures['per_draw_seconds']:,.0f} s for {DRAWS:,}")
    print(f"speed-up:                            {ratio:8.0f}x  (target at least {TARGET}x: "
          f"{'met' if ratio >= TARGET else 'NOT MET'})")
    print(f"peak memory, 10,000 draws:           {small:8.1f} MB")
    print(f"peak memory, {DRAWS:,} draws:          {large:8.1f} MB  (each draw's totals kept: exact percentiles)")
    print(f"peak memory, 1,000,000 draws:        {figures['peak_mb_1m']:8.1f} MB  (the last size that keeps every draw)")
    print(f"peak memory, 2,000,000 draws:        {huge:8.1f} MB  (beyond a million, two passes and fine histograms)")
    print(f"memory: at most twice 100,000 draws' peak at every size above it: "
          f"{'met' if bounded(figures) else 'NOT MET'}")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
