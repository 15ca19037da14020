"""Engine scaling: project() at 1,000, 10,000 and 100,000 posts x 10 options x 30 years.

    python bench/engine.py            # the table
    python bench/engine.py --json     # the figures as JSON on standard output

Targets (issue 7): 10 times the posts costs at most 12 times the time, and the engine
reaches at least a third of the speed of a bare numpy kernel doing the same arithmetic on
arrays of the same shape.

The kernel is the staffing arithmetic written straight in numpy, on whole arrays, from
the same scenario's figures: in post, pay, agency premium, employer NI, pension and levy,
for every post, option and year, summed by year. It is checked against the engine's own
staffing totals, so the two are known to do the same sums. Staffing is all but a sliver
of the work at this scale (the other lines are a few dozen per option); the engine also
does those, and the full-year values, and the kernel does not, which only favours the kernel.

The speed target is judged where the posts are the work, from 10,000 posts up. At 1,000
posts a projection takes about 25 ms, most of it per option and per line (timelines, the
twenty non-pay lines, set-up, risk; gathering the posts' figures from the scenario), work
the kernel leaves out and that does not grow with the posts; its ratio is printed too.

Each time is the best of three runs, taken in this one process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_scenario import scenario_text  # noqa: E402
from timing import best_of  # noqa: E402

from costmodel.engine.projection import project  # noqa: E402
from costmodel.engine.timeline import build_timeline  # noqa: E402
from costmodel.scenario.loader import load_scenario_text  # noqa: E402

OPTIONS, YEARS = 10, 30
SCALING_TARGET, SPEED_TARGET = 12.0, 1 / 3
#: The speed target is judged from this many posts up (see the module's docstring).
SPEED_JUDGED_FROM = 10_000


def kernel_inputs(scenario):
    """The posts' figures as (posts, 1) arrays and each option's timeline as (1, years) rows."""
    posts = scenario.options[0].staffing
    years = np.array(scenario.years, dtype=float).reshape(1, -1)

    def column(values):
        return np.fromiter(values, float, len(posts)).reshape(-1, 1)

    first = scenario.timeline.first_year
    last = first + scenario.timeline.years - 1
    inputs = {
        "count": column(p.count.value for p in posts),
        "fte": column(p.fte.value for p in posts),
        "salary": column(p.salary.value for p in posts),
        "vacancy": column(p.vacancy.value for p in posts),
        "agency_share": column(p.agency_share.value for p in posts),
        "agency_premium": column(p.agency_premium.value for p in posts),
        "first_year": column(p.first_year if p.first_year is not None else first for p in posts),
        "last_year": column(p.last_year if p.last_year is not None else last for p in posts),
    }
    options = []
    for option in scenario.options:
        timeline = build_timeline(scenario, option)
        pension = (option.pension_rate or scenario.assumptions.pension_rate).value
        options.append({name: timeline.series[name] for name in ("live", "pay_index", "ni_rate", "ni_threshold")}
                       | {"pension_rate": pension, "levy_rate": scenario.assumptions.apprenticeship_levy.rate.value})
    return years, inputs, options


def kernel(years, inputs, options) -> list[np.ndarray]:
    """The staffing arithmetic in bare numpy: each option's staffing cost by year."""
    count, fte, salary = inputs["count"], inputs["fte"], inputs["salary"]
    vacancy, agency, premium = inputs["vacancy"], inputs["agency_share"], inputs["agency_premium"]
    out = []
    for series in options:
        in_post = series["live"] * (years >= inputs["first_year"]) * (years <= inputs["last_year"])
        pay = count * fte * salary * series["pay_index"] * in_post * (1 - vacancy)
        agency_premium = pay * agency * premium
        employer_ni = (count * (1 - vacancy) * (1 - agency) * in_post * series["ni_rate"]
                       * np.maximum(0, fte * salary * series["pay_index"] - series["ni_threshold"]))
        pension = pay * (1 - agency) * series["pension_rate"]
        levy = pay * (1 - agency) * series["levy_rate"]
        out.append((pay + agency_premium + employer_ni + pension + levy).sum(axis=0))
    return out


def engine_staffing(projection) -> list[np.ndarray]:
    out = []
    for result in projection.options:
        posts = next(group for group in result.results if group.group.key == "posts")
        out.append(sum(posts.totals[formula.key] for formula in posts.cost_formulas))
    return out


def measure(posts: int, runs: int) -> dict:
    text = scenario_text(posts, OPTIONS, YEARS)
    start = time.perf_counter()
    scenario = load_scenario_text(text, f"synthetic-{posts}.yaml")
    load_seconds = time.perf_counter() - start
    engine_seconds, projection = best_of(runs, lambda: project(scenario))

    years, inputs, options = kernel_inputs(scenario)
    # Synthetic posts all run after go-live, so the kernel's share of the year is the timeline's `live`.
    assert all(post.period == "after_go_live" for post in scenario.options[0].staffing)
    kernel_seconds, by_kernel = best_of(runs, lambda: kernel(years, inputs, options))
    by_engine = engine_staffing(projection)
    worst = max(float(np.max(np.abs(k - e) / np.maximum(1.0, np.abs(e)))) for k, e in zip(by_kernel, by_engine))
    if worst > 1e-9:
        raise SystemExit(f"the kernel and the engine disagree at {posts} posts (relative {worst:.1e})")

    tracemalloc.start()
    project(scenario)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"posts": posts, "options": OPTIONS, "years": YEARS, "load_seconds": load_seconds,
            "engine_seconds": engine_seconds, "kernel_seconds": kernel_seconds,
            "speed_vs_kernel": kernel_seconds / engine_seconds, "peak_mb": peak / 2**20,
            "npc_baseline": float(projection.summary["npc"].iloc[0])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Engine scaling against a bare numpy kernel.")
    parser.add_argument("--posts", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="take the best of this many runs (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    rows = [measure(posts, args.runs) for posts in sorted(args.posts)]
    growth = [later["engine_seconds"] / earlier["engine_seconds"] for earlier, later in zip(rows, rows[1:])]
    scale = [later["posts"] / earlier["posts"] for earlier, later in zip(rows, rows[1:])]
    # 10x the posts may cost 12x the time: the allowance scales with each step's growth in posts.
    scaling_ok = all(g <= SCALING_TARGET * s / 10 for g, s in zip(growth, scale))
    judged = [row for row in rows if row["posts"] >= SPEED_JUDGED_FROM]
    speed = min(row["speed_vs_kernel"] for row in judged) if judged else None
    speed_ok = speed is not None and speed >= SPEED_TARGET
    figures = {"rows": rows, "time_growth": growth, "posts_growth": scale,
               "scaling_ok": scaling_ok, "worst_speed_vs_kernel": speed, "speed_ok": speed_ok}
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"project() at {OPTIONS} options x {YEARS} years; best of {args.runs} runs")
    print(f"{'posts':>9} {'load s':>8} {'engine s':>9} {'kernel s':>9} {'kernel/engine':>14} {'peak MB':>8}")
    for row in rows:
        print(f"{row['posts']:>9,} {row['load_seconds']:>8.2f} {row['engine_seconds']:>9.3f} "
              f"{row['kernel_seconds']:>9.3f} {row['speed_vs_kernel']:>14.2f} {row['peak_mb']:>8.0f}")
    for g, s, earlier in zip(growth, scale, rows):
        print(f"{s:.0f}x the posts from {earlier['posts']:,}: {g:.1f}x the time "
              f"(target <= {SCALING_TARGET * s / 10:.0f}x)")
    if speed is None:
        print(f"engine scaling: {'PASS' if scaling_ok else 'FAIL'}; speed not judged: no size from "
              f"{SPEED_JUDGED_FROM:,} posts was run")
        return 0
    print(f"engine scaling: {'PASS' if scaling_ok else 'FAIL'}; speed from {SPEED_JUDGED_FROM:,} posts: the engine "
          f"reaches {speed:.2f} of the bare kernel's speed (target >= {SPEED_TARGET:.2f}): "
          f"{'PASS' if speed_ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
