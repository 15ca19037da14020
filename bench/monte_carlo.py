"""Monte Carlo: the simulation against a bare numpy kernel and against once per draw; its peak memory.

Prints figures and ratios measured in this one run (these machines are shared and noisy, so
only ratios measured together mean anything). Targets: at least half the speed of a bare numpy
kernel drawing the same inputs and doing the same arithmetic (the floor); vectorised at least
50 times faster than once per draw (a ceiling, not a floor); peak memory (traced) measured at
10,000, 100,000, 1,000,000 and 2,000,000 draws, bounded with no cliff: no size above 100,000
draws peaks at more than twice what 100,000 draws do (100,000 is the last size that keeps every
draw's totals; beyond it, two passes and fine histograms).

The kernel works on a synthetic scenario made for it (kernel_scenario_text: four options of
twenty non-pay lines over 30 years, all 80 amounts uncertain, triangular and uniform), since
the Isle of Wight's arithmetic spans every kind of line. It draws the same uniform numbers from
the same seeded generator, turns them into the same distributions, and for every draw, line
and year works out each line's cost and irrecoverable VAT, the rows the engine works out, in
the simulation's own chunks, then adds them up; every draw's NPC and cash total is checked to
agree with costmodel's. It takes each line's index and share of the year from the scenario
before the clock starts, multiplies each row's common factors once and writes into the same
working arrays chunk after chunk, which only favours it.

    python bench/monte_carlo.py
    python bench/monte_carlo.py --json     # the figures as JSON on standard output
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import costmodel  # noqa: E402
from costmodel.engine.instances import option_inputs  # noqa: E402
from costmodel.engine.projection import project_draws  # noqa: E402
from costmodel.engine.timeline import build_timeline  # noqa: E402
from costmodel.scenario.loader import load_scenario_text  # noqa: E402
from costmodel.uncertainty.draws import ranged_inputs, uniforms, values_for  # noqa: E402
from costmodel.uncertainty.simulate import chunk_size, simulate  # noqa: E402

DRAWS = 100_000
PER_DRAW_SAMPLE = 300
TARGET = 50
KERNEL_TARGET = 0.5
KERNEL_RUNS = 3

#: The kernel's synthetic scenario: options of non-pay lines, every amount uncertain.
KERNEL_OPTIONS, KERNEL_LINES, KERNEL_YEARS = 4, 20, 30


def kernel_scenario_text() -> str:
    """Four options of twenty non-pay lines over 30 years, every amount uncertain (triangular and
    uniform by turns), indexed by prices, pay or nothing, some of it carrying VAT that the three
    options other than the baseline recover half of: 80 uncertain inputs, every figure made up."""
    rng = random.Random(1)
    out = ["# Synthetic scenario written by bench/monte_carlo.py; every figure is made up.",
           "costmodel_format: 1", "metadata:", "  id: synthetic-monte-carlo-kernel",
           "  title: Synthetic Monte Carlo benchmark scenario", "  authority: Synthetic County Council",
           "  author: bench/monte_carlo.py", "  date: 2026-12-02", "  status: draft",
           "timeline:", "  first_year: 2027/28", f"  years: {KERNEL_YEARS}", "  price_base: 2026/27",
           "assumptions:", "  general_inflation: {value: 2%, note: synthetic}",
           "  pay_awards: {value: 2.5%, note: synthetic}", "  pension_rate: {value: 20%, note: synthetic}",
           "options:"]
    for number in range(1, KERNEL_OPTIONS + 1):
        out += [f"  - id: option-{number}", f"    name: Option {number}",
                f"    family: {'in_house' if number == 1 else 'trust'}"]
        out += ["    baseline: true"] if number == 1 else [
            "    go_live: 2028-10", "    vat: {irrecoverable_share: 50%, reason: synthetic}"]
        out.append("    non_pay:")
        for line in range(1, KERNEL_LINES + 1):
            central = rng.randrange(100, 900) * 1000
            out.append(f"      - {{id: line-{line}, name: Line {line}, amount: {{value: {central}, "
                       f"low: {central * 8 // 10}, high: {central * 13 // 10}, "
                       f"distribution: {'triangular' if line % 2 else 'uniform'}}}, "
                       f"vat_share: {rng.choice([0, 50, 100])}%, index: {rng.choice(['general', 'pay', 'none'])}, "
                       f"period: whole_horizon}}")
    return "\n".join(out) + "\n"


def kernel_inputs(scenario) -> dict:
    """Everything the kernel reads that does not change from draw to draw, gathered before timing:
    each uncertain amount's distribution, and for each option its lines' rows by year (index x
    share of the year running) and VAT rates, and its present-value factors."""
    columns = [ranged.figure for ranged in ranged_inputs(scenario)]
    options, column = [], 0
    for option in scenario.options:
        timeline = build_timeline(scenario, option)
        shared = {name: figure.value for name, figure in option_inputs(scenario, option).items()}
        series = timeline.series
        rows, vat_rows = [], []
        for line in option.non_pay:
            # The kernel does the arithmetic of the lines this scenario has: say so rather than
            # disagree quietly on another.
            assert line.period == "whole_horizon" and line.first_year is None and line.last_year is None
            assert line.ramp is None and columns[column].path == line.amount.path
            index = {"general": series["general_index"], "pay": series["pay_index"]}.get(line.index, 1.0)
            rows.append(np.broadcast_to(index, series["year"].shape).reshape(-1))
            # irrecoverable VAT: on what the option's body pays, from go-live (the share of the year live)
            vat_rows.append((line.vat_share.value * shared["vat_rate"] * shared["irrecoverable_share"])
                            * series["live"].reshape(-1))
            column += 1
        options.append({"first_column": column - len(rows), "rows": np.array(rows), "vat_rows": np.array(vat_rows),
                        "pv_factor": series["pv_factor"].reshape(-1)})
    assert column == len(columns)
    distributions = [(figure.drawn_as, figure.low, figure.value, figure.high) for figure in columns]
    return {"distributions": distributions, "options": options}


def kernel(inputs: dict, draws: int, seed: int, chunk: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The simulation in bare numpy: each option's (NPC, cash total) for every draw.

    The same uniform numbers from the same generator, turned into the same distributions, in
    chunks of the simulation's own size (so both work in the processor's cache alike). For every
    draw, line and year it works out the line's cost and its irrecoverable VAT (the rows the
    engine works out), adds them up over the lines, and the cash and present value over the
    years, the common factors of each row worked out once beforehand.
    """
    generator = np.random.Generator(np.random.PCG64(seed))
    distributions = inputs["distributions"]
    out = [(np.empty(draws), np.empty(draws)) for _ in inputs["options"]]
    # Every working array made once and written into chunk after chunk, as a person tuning it
    # would: fresh arrays this size go back to the system and are faulted in again each time.
    lines = max(option["rows"].shape[0] for option in inputs["options"])
    years = inputs["options"][0]["rows"].shape[1]
    u_all = np.empty((chunk, len(distributions)))
    amounts_all = np.empty_like(u_all)
    cost_all, vat_all = np.empty((chunk, lines, years)), np.empty((chunk, lines, years))
    for start in range(0, draws, chunk):
        size = min(chunk, draws - start)
        u = generator.random(out=u_all[:size])  # the same numbers, in the same order, as random((size, k))
        amounts = amounts_all[:size]
        for k, (kind, low, central, high) in enumerate(distributions):
            if kind == "uniform":
                amounts[:, k] = low + u[:, k] * (high - low)
            else:  # triangular, by its inverse cumulative distribution
                split = (central - low) / (high - low)
                amounts[:, k] = np.where(u[:, k] < split, low + np.sqrt(u[:, k] * (high - low) * (central - low)),
                                         high - np.sqrt((1 - u[:, k]) * (high - low) * (high - central)))
        for option, (npc, cash_total) in zip(inputs["options"], out):
            count = option["rows"].shape[0]
            first = option["first_column"]
            cost, vat = cost_all[:size, :count], vat_all[:size, :count]  # draws x lines x years
            np.multiply(amounts[:, first:first + count, np.newaxis], option["rows"], out=cost)
            np.multiply(cost, option["vat_rows"], out=vat)
            # added up over the lines a whole (draws, years) plane at a time, as the engine does
            # (projection.py, _sum_over_instances): faster than numpy's sum over a middle axis
            cost_by_year, vat_by_year = cost[:, 0].copy(), vat[:, 0].copy()
            for line in range(1, count):
                cost_by_year += cost[:, line]
                vat_by_year += vat[:, line]
            npc[start:start + size] = (cost_by_year * option["pv_factor"]).sum(axis=1)  # VAT is a transfer
            cash_total[start:start + size] = (cost_by_year + vat_by_year).sum(axis=1)
    return out


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


def against_kernel() -> dict:
    """costmodel's simulation of the kernel's scenario against the kernel, the same draws: best of
    KERNEL_RUNS each, and every draw's NPC and cash total checked to agree."""
    scenario = load_scenario_text(kernel_scenario_text(), "synthetic-monte-carlo-kernel.yaml")
    inputs = kernel_inputs(scenario)
    chunk = chunk_size(scenario)
    simulate(scenario, 1_000, seed=1)  # warm up
    simulated_seconds = kernel_seconds = float("inf")
    for _ in range(KERNEL_RUNS):
        started = time.perf_counter()
        simulated = simulate(scenario, DRAWS, seed=1)
        simulated_seconds = min(simulated_seconds, time.perf_counter() - started)
        started = time.perf_counter()
        by_kernel = kernel(inputs, DRAWS, 1, chunk)
        kernel_seconds = min(kernel_seconds, time.perf_counter() - started)
    worst = max(float(np.max(np.abs(mine - theirs) / np.abs(theirs)))
                for outcome, by_option in zip(simulated.outcomes, by_kernel, strict=True)
                for mine, theirs in zip(by_option, (outcome.npc, outcome.cash), strict=True))
    if worst > 1e-12:
        raise SystemExit(f"the kernel and the simulation disagree (relative {worst:.1e})")
    return {"kernel_scenario": {"options": KERNEL_OPTIONS, "lines_per_option": KERNEL_LINES, "years": KERNEL_YEARS,
                                "inputs": len(inputs["distributions"]), "chunk": chunk},
            "kernel_draws": DRAWS, "simulated_seconds": simulated_seconds, "kernel_seconds": kernel_seconds,
            "speed_vs_kernel": kernel_seconds / simulated_seconds, "kernel_target": KERNEL_TARGET,
            "kernel_disagreement": worst}


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
            "peak_mb_1m": peak_megabytes(scenario, 1_000_000), "peak_mb_2m": peak_megabytes(scenario, 2_000_000),
            **against_kernel()}


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
        ok = ratio >= TARGET and bounded(figures) and figures["speed_vs_kernel"] >= KERNEL_TARGET
        print(json.dumps(figures | {"bounded": bounded(figures), "ok": ok}, indent=2))
        return 0
    small, large, huge = figures["peak_mb_10k"], figures["peak_mb_100k"], figures["peak_mb_2m"]
    print(f"Isle of Wight, {figures['inputs']} uncertain inputs, {figures['options']} options")
    print(f"vectorised, {DRAWS:,} draws:            {figures['vectorised_seconds']:8.2f} s")
    print(f"once per draw, {PER_DRAW_SAMPLE} draws timed:      {figures['per_draw_sample_seconds']:8.2f} s  -> "
          f"{figures['per_draw_seconds']:,.0f} s for {DRAWS:,}")
    print(f"speed-up:                            {ratio:8.0f}x  (target at least {TARGET}x: "
          f"{'met' if ratio >= TARGET else 'NOT MET'})")
    kernel_scenario = figures["kernel_scenario"]
    print(f"against the bare numpy kernel, {figures['kernel_draws']:,} draws of {kernel_scenario['inputs']} uncertain "
          f"amounts ({kernel_scenario['options']} options x {kernel_scenario['lines_per_option']} lines x "
          f"{kernel_scenario['years']} years), best of {KERNEL_RUNS}: simulation {figures['simulated_seconds']:.2f} s, "
          f"kernel {figures['kernel_seconds']:.2f} s: {figures['speed_vs_kernel']:.2f} of its speed "
          f"(target at least {KERNEL_TARGET}: {'met' if figures['speed_vs_kernel'] >= KERNEL_TARGET else 'NOT MET'}; "
          f"totals agree to {figures['kernel_disagreement']:.0e})")
    print(f"peak memory, 10,000 draws:           {small:8.1f} MB")
    print(f"peak memory, {DRAWS:,} draws:          {large:8.1f} MB  (each draw's totals kept: exact percentiles)")
    print(f"peak memory, 1,000,000 draws:        {figures['peak_mb_1m']:8.1f} MB  (two passes and fine histograms)")
    print(f"peak memory, 2,000,000 draws:        {huge:8.1f} MB  (the same)")
    print(f"memory: at most twice 100,000 draws' peak at every size above it: "
          f"{'met' if bounded(figures) else 'NOT MET'}")
    return 0 if ratio >= TARGET and figures["speed_vs_kernel"] >= KERNEL_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
