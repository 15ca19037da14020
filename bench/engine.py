"""Engine scaling: project() at 1,000, 10,000 and 100,000 posts x 10 options x 30 years.

    python bench/engine.py            # the table
    python bench/engine.py --json     # the figures as JSON on standard output

Targets (issues 7 and 21): 10 times the posts costs at most 12 times the time, and the
engine reaches at least half the speed of a bare numpy kernel doing the same arithmetic in
the same chunks.

The kernel is the floor: the staffing rows written straight in numpy by a person tuning them
by hand, from the same scenario's figures, gathered into arrays before the clock starts. For
every post, option and year it works out what the engine works out for each row of a post
(lines/staffing.py: in post, employed by the option's employer, pay, agency premium, employer
NI, pension at the council's and the new employer's rates, levy, the levy the employer pays,
irrecoverable VAT on agency cover), in each option's period (the list's own option employs the
posts from go-live; the others employ them all along, transferring at go-live), and adds each
row up by year. It goes through the posts in the engine's own chunks (CHUNK_CELLS), so that
both work in the processor's cache alike and neither gains as arrays outgrow it. It multiplies
each post's figures together before anything of posts x years, and works out every share of
the year and common factor once. Its rows by year are checked against the engine's, so the
two are known to do the same sums. Staffing is all but a sliver of the work at this scale;
the engine also does the other lines and the levy allowance, and gathers the posts' figures
from the scenario on every call, and the kernel does none of it, which only favours the kernel.

The same kernel with its arrays laid out (years, posts) instead of the engine's (posts, years)
is timed beside it and not judged: it shows what the engine's layout costs (numpy's inner loop
then runs over the posts, not over 30 years).

The speed target is judged where the posts are the work, from 10,000 posts up. At 1,000
posts most of a projection is per option and per line (timelines, the twenty non-pay lines,
set-up, risk), work the kernel leaves out and that does not grow with the posts; its ratio
is printed too.

Each time is the best of three runs, taken in this one process. The first of the engine's runs is
the scenario's first projection, which gathers its posts' figures into columns that later
projections of the same loaded scenario reuse; its time is printed on its own too ("first call").
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

from costmodel.engine.instances import option_inputs  # noqa: E402
from costmodel.engine.projection import CHUNK_CELLS, project  # noqa: E402
from costmodel.engine.timeline import build_timeline  # noqa: E402
from costmodel.scenario.loader import load_scenario_text  # noqa: E402

OPTIONS, YEARS = 10, 30
SCALING_TARGET, SPEED_TARGET = 12.0, 0.5
#: The speed target is judged from this many posts up (see the module's docstring).
SPEED_JUDGED_FROM = 10_000


def kernel_inputs(scenario):
    """The posts' figures as (posts, 1) columns and, for each option, its timeline rows (1, years),
    its period and its employer's rates: everything the staffing rows read, gathered before timing."""
    posts = scenario.options[0].staffing
    # The kernel does the arithmetic of the posts the synthetic scenario has: whole years, no pay
    # progression, on-costs computed. Say so rather than disagree quietly on another list.
    assert all(p.first_month is None and p.last_month is None and not p.progresses
               and p.on_costs is None and p.on_cost_rate is None for p in posts)
    assert all(p.period == "after_go_live" for p in posts)
    assert all(o.staffing_same_as == scenario.options[0].id for o in scenario.options[1:])

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
    for index, option in enumerate(scenario.options):
        timeline = build_timeline(scenario, option)
        shared = {name: figure.value for name, figure in option_inputs(scenario, option).items()}
        # The list's own option employs its posts in their own period (after go-live); an option
        # employing another's list runs it all along, the staff transferring at go-live, or fills it
        # afresh from go-live (instances.py, option_groups).
        period = "after_go_live" if index == 0 or not option.staffing_transfers else "whole_horizon"
        options.append({name: timeline.series[name] for name in ("year", "live", "pre_live", "pay_index",
                                                                  "ni_rate", "ni_threshold")}
                       | shared | {"period": period, "employer_changes": timeline.inputs["employer_changes"]})
    return inputs, options


#: The staffing rows the engine adds up by year (those that cost something, and the levy the
#: option's employer pays, which its allowance is set against).
KERNEL_ROWS = ("pay", "agency_premium", "employer_ni", "pension", "apprenticeship_levy", "levy_by_employer",
               "agency_vat")


def kernel(inputs, options, years_major: bool = False) -> list[dict[str, np.ndarray]]:
    """The staffing rows in bare numpy, chunk by chunk as the engine goes: each option's rows by year.

    Every row is worked out for every post and year of a chunk (the engine's rows, which the
    workbook can ask for), then added up over the chunk's posts. Written as a person tuning it
    by hand would: the per-post factors multiplied together first, every share of the year and
    every common factor worked out once and reused by each row that needs it.

    Arrays are (posts, years), as the engine's are; `years_major` lays them out (years, posts)
    instead, with the same arithmetic, to show what the engine's layout costs (not judged).
    """
    if years_major:
        inputs = {name: values.reshape(1, -1) for name, values in inputs.items()}
        options = [{name: values.reshape(-1, 1) if isinstance(values, np.ndarray) else values
                    for name, values in series.items()} for series in options]
    posts_axis = 1 if years_major else 0
    count = inputs["count"].size
    out = []
    for series in options:
        years = series["year"].size
        step = max(1, CHUNK_CELLS // years)
        sums = {key: np.zeros(years) for key in KERNEL_ROWS}
        live, pre_live, pay_index = series["live"], series["pre_live"], series["pay_index"]
        changes = series["employer_changes"]
        for start in range(0, count, step):
            chunk = (slice(None), slice(start, start + step)) if years_major else slice(start, start + step)
            c = {name: values[chunk] for name, values in inputs.items()}
            active = (series["year"] >= c["first_year"]) * (series["year"] <= c["last_year"])
            if series["period"] == "after_go_live":
                in_post = live * active
                employed = in_post
            else:  # the whole horizon, the option's employer from go-live where the staff change employer
                in_post = active.astype(float)
                employed = in_post * (1 - changes * pre_live)
            # Each post's own factors first, one number a post, then the rows of posts x years.
            filled = c["count"] * (1 - c["vacancy"])
            employee_share = (1 - c["vacancy"]) * (1 - c["agency_share"])
            full_time_pay = (c["fte"] * c["salary"]) * pay_index
            pay = (c["count"] * (1 - c["vacancy"])) * full_time_pay * in_post
            employees_pay = (c["count"] * employee_share) * full_time_pay
            sums["pay"] += pay.sum(axis=posts_axis)
            sums["agency_premium"] += (pay * (c["agency_share"] * c["agency_premium"])).sum(axis=posts_axis)
            above_threshold = np.maximum(0, full_time_pay - series["ni_threshold"])
            sums["employer_ni"] += ((filled * (1 - c["agency_share"])) * series["ni_rate"] * in_post
                                    * above_threshold).sum(axis=posts_axis)
            sums["pension"] += (employees_pay * ((in_post - employed) * series["council_pension_rate"]
                                                 + employed * series["pension_rate"])).sum(axis=posts_axis)
            sums["apprenticeship_levy"] += (pay * ((1 - c["agency_share"]) * series["levy_rate"])).sum(axis=posts_axis)
            sums["levy_by_employer"] += (employees_pay * employed * series["levy_rate"]).sum(axis=posts_axis)
            vat = (1 - c["vacancy"]) * c["agency_share"] * (1 + c["agency_premium"]) \
                * (series["vat_rate"] * series["irrecoverable_share"])
            sums["agency_vat"] += ((c["count"] * vat) * full_time_pay * employed).sum(axis=posts_axis)
        out.append(sums)
    return out


def engine_staffing(projection) -> list[dict[str, np.ndarray]]:
    """The same rows by year, as the engine added them up."""
    out = []
    for result in projection.options:
        posts = next(group for group in result.results if group.group.key == "posts")
        out.append({key: posts.totals[key].reshape(-1) for key in KERNEL_ROWS})
    return out


def disagreement(by_kernel, projection) -> float:
    """The largest relative difference between the kernel's rows by year and the engine's."""
    return max(float(np.max(np.abs(k[key] - e[key]) / np.maximum(1.0, np.abs(e[key]))))
               for k, e in zip(by_kernel, engine_staffing(projection), strict=True) for key in KERNEL_ROWS)


def measure(posts: int, runs: int) -> dict:
    text = scenario_text(posts, OPTIONS, YEARS)
    start = time.perf_counter()
    scenario = load_scenario_text(text, f"synthetic-{posts}.yaml")
    load_seconds = time.perf_counter() - start
    # The scenario's first projection gathers its posts into columns, which later ones of the same
    # scenario reuse (engine/projection.py, _DERIVED): the first call is one of the runs, and its
    # time is reported on its own too.
    calls = []

    def timed():
        start = time.perf_counter()
        result = project(scenario)
        calls.append(time.perf_counter() - start)
        return result

    engine_seconds, projection = best_of(runs, timed)
    first_seconds = calls[0]

    inputs, options = kernel_inputs(scenario)
    kernel_seconds, by_kernel = best_of(runs, lambda: kernel(inputs, options))
    years_major_seconds, by_years_major = best_of(runs, lambda: kernel(inputs, options, years_major=True))
    worst = max(disagreement(by_kernel, projection), disagreement(by_years_major, projection))
    if worst > 1e-9:
        raise SystemExit(f"the kernel and the engine disagree at {posts} posts (relative {worst:.1e})")

    tracemalloc.start()
    project(scenario)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"posts": posts, "options": OPTIONS, "years": YEARS, "load_seconds": load_seconds,
            "engine_seconds": engine_seconds, "kernel_seconds": kernel_seconds,
            "speed_vs_kernel": kernel_seconds / engine_seconds, "engine_first_call_seconds": first_seconds,
            "first_call_speed_vs_kernel": kernel_seconds / first_seconds, "kernel_years_major_seconds": years_major_seconds,
            "speed_vs_years_major_kernel": years_major_seconds / engine_seconds, "peak_mb": peak / 2**20,
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
    print(f"{'posts':>9} {'load s':>8} {'engine s':>9} {'kernel s':>9} {'kernel/engine':>14} "
          f"{'years-major s':>14} {'its ratio':>10} {'first call s':>13} {'its ratio':>10} {'peak MB':>8}")
    for row in rows:
        print(f"{row['posts']:>9,} {row['load_seconds']:>8.2f} {row['engine_seconds']:>9.3f} "
              f"{row['kernel_seconds']:>9.3f} {row['speed_vs_kernel']:>14.2f} {row['kernel_years_major_seconds']:>14.3f} "
              f"{row['speed_vs_years_major_kernel']:>10.2f} {row['engine_first_call_seconds']:>13.3f} "
              f"{row['first_call_speed_vs_kernel']:>10.2f} {row['peak_mb']:>8.0f}")
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
