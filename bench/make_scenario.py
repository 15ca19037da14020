"""Write a valid synthetic scenario of any size, for the performance benchmarks.

    python bench/make_scenario.py --posts 10000 --options 10 --years 30 -o big.yaml

The first option lists the posts (varied salaries, FTEs, counts, vacancy, agency
cover, start and end years); the others employ the same posts (`staffing_same_as`,
as staff transferring on their current terms would) and add what differs: go-live,
a pension rate, VAT treatment, a partnership, a contract, non-pay, set-up with
optimism bias, failure risk and savings. The same arguments and seed always give
the same file. Every figure is synthetic and says so.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

FAMILIES = ["partnership", "wholly_owned_company", "trust", "commissioned", "community_interest_company", "mutual"]

GRADES = [  # (title, salary low, salary high): a spread like a county's establishment
    ("Business support officer", 19_000, 26_000),
    ("Family support worker", 23_000, 30_000),
    ("Social worker", 32_000, 42_000),
    ("Senior social worker", 40_000, 48_000),
    ("Team manager", 47_000, 56_000),
    ("Service manager", 58_000, 70_000),
    ("Head of service", 72_000, 88_000),
]


def scenario_text(posts: int, options: int, years: int, seed: int = 1) -> str:
    if posts < 1 or options < 2 or not 1 <= years <= 100:
        raise ValueError("need at least 1 post, at least 2 options and 1 to 100 years")
    rng = random.Random(seed)
    first = 2027
    last = first + years - 1

    def fy(year: int) -> str:
        return f"{year}/{(year + 1) % 100:02d}"

    out = [
        "# Synthetic scenario written by bench/make_scenario.py for performance benchmarks.",
        "# Every figure is made up; none describes a real council.",
        "costmodel_format: 1",
        "metadata:",
        f"  id: synthetic-{posts}-posts-{options}-options-{years}-years",
        f"  title: Synthetic benchmark scenario ({posts:,} posts, {options} options, {years} years)",
        "  authority: Synthetic County Council",
        "  author: bench/make_scenario.py",
        "  date: 2026-11-23",
        "  status: draft",
        "timeline:",
        f"  first_year: {fy(first)}",
        f"  years: {years}",
        f"  price_base: {fy(first - 1)}",
        "assumptions:",
        "  general_inflation: {value: 2%, note: synthetic}",
        "  pay_awards: {value: {%s: 3%%, %s: 2.5%%}, note: synthetic}" % (fy(first), fy(first + 1)),
        "  pension_rate: {value: 20%, note: synthetic}",
        "  employer_ni: {rates: {%s: 15%%}, thresholds: {%s: \"5,000\"}, note: synthetic}" % (fy(first), fy(first)),
        "options:",
        "  - id: option-1",
        "    name: Option 1 (in-house)",
        "    family: in_house",
        "    baseline: true",
        "    staffing:",
    ]
    for number in range(1, posts + 1):
        title, low, high = GRADES[rng.randrange(len(GRADES))]
        fields = [f"id: p{number:06d}", f"title: {title} {number}",
                  f"count: {rng.choice([1, 1, 1, 2, 3, 5])}",
                  f"fte: {rng.choice([1, 1, 1, 0.8, 0.6, 0.5])}",
                  f"salary: {rng.randrange(low, high, 10)}"]
        if rng.random() < 0.5:
            fields.append(f"vacancy: {rng.choice([3, 5, 8, 10])}%")
        if rng.random() < 0.2:
            fields += [f"agency_share: {rng.choice([10, 20, 30])}%", "agency_premium: 60%"]
        starts = first
        if rng.random() < 0.1:
            starts = rng.randrange(first, last + 1)
            fields.append(f"first_year: {fy(starts)}")
        if rng.random() < 0.1:
            fields.append(f"last_year: {fy(rng.randrange(starts, last + 1))}")
        out.append("      - {" + ", ".join(fields) + "}")
    out += _lines("option-1", "non_pay", 20, rng, "      ", vat=False)
    out.append("    failure_risk: {annual_probability: 5%, cost: {value: 6.5m, note: synthetic}}")

    for number in range(2, options + 1):
        family = FAMILIES[(number - 2) % len(FAMILIES)]
        go_live_year = first + min(1, years - 1)
        out += [
            f"  - id: option-{number}",
            f"    name: Option {number} ({family.replace('_', ' ')})",
            f"    family: {family}",
            f"    go_live: {go_live_year}-{rng.choice(['04', '07', '10', '01'])}",
            "    staffing_same_as: option-1",
        ]
        if family != "partnership":
            out.append(f"    pension_rate: {rng.choice([18, 20, 22, 25])}%")
            out.append("    vat: {irrecoverable_share: %d%%, reason: synthetic}" % rng.choice([0, 50, 100]))
        if family == "partnership":
            out += [
                "    partnership:",
                "      partner: Synthetic Neighbouring Council",
                "      partner_posts:",
                "        - {id: partner-director, title: Partner director, annual_cost: 170000, time_share: 40%}",
                "        - {id: partner-heads, title: Partner heads of service, count: 4, annual_cost: 115000, time_share: 50%}",
                "      direct_overhead_rate: 15%",
                "      departmental_overhead_rate: 10%",
                "      back_office_rate: 5%",
            ]
        if family == "commissioned":
            out.append("    contract:")
            out.append("      - {id: provider-fee, name: Provider's management fee, amount: 2.5m, vat_share: 100%}")
        out += _lines(f"option-{number}", "non_pay", 20, rng, "      ", vat=True)
        out += [
            "    setup:",
            f"      - {{id: legal, name: Legal and set-up, amount: {rng.randrange(200, 900)}000, year: {fy(first)},"
            " optimism_bias: {upper_bound: 41%, mitigation: 25%}}",
            f"      - {{id: systems, name: Systems, amount: {rng.randrange(100, 500)}000, years: [{fy(first)}, {fy(go_live_year)}]}}",
            "    failure_risk: {annual_probability: %d%%, cost: {value: 6.5m, note: synthetic}}" % rng.choice([3, 4, 6]),
            "    savings:",
            f"      - {{id: efficiencies, name: Efficiencies, amount: {rng.randrange(100, 900)}000, first_year: {fy(go_live_year)}}}",
        ]
    return "\n".join(out) + "\n"


def _lines(option: str, section: str, count: int, rng: random.Random, indent: str, vat: bool) -> list[str]:
    out = [f"    {section}:"]
    for number in range(1, count + 1):
        share = rng.choice([0, 50, 100]) if vat else 0
        out.append(f"{indent}- {{id: {section.replace('_', '-')}-{number}, name: Line {number} of {option}, "
                   f"amount: {rng.randrange(10, 500)}000, vat_share: {share}%, index: {rng.choice(['general', 'pay'])}}}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000, help="posts in the establishment (default 1000)")
    parser.add_argument("--options", type=int, default=10, help="options, the first the baseline (default 10)")
    parser.add_argument("--years", type=int, default=30, help="years in the horizon (default 30)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    try:
        text = scenario_text(args.posts, args.options, args.years, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
